import { resolveCustomerToken } from "../domain/accounts/credentials.ts";
import { resolveStaffSession } from "../domain/staff/staff-auth.ts";
import { customerSessionCookie, readCookie, staffSessionCookie } from "../http/cookies.ts";
import type { Services } from "../services/index.ts";
import type { Viewer } from "./context.ts";

export type Audience = "customer" | "staff";

/** Where a credential can come from: a cookie, or an Authorization: Bearer header / connection param. */
export interface Credentials {
  cookieHeader: string | null;
  authorization: string | null;
}

function bearer(authorization: string | null): string | null {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

/**
 * Who is asking. Customer credentials are never accepted by the staff API and
 * staff credentials never by the customer API.
 */
export async function resolveViewer(services: Services, audience: Audience, credentials: Credentials): Promise<Viewer> {
  if (audience === "staff") {
    const token =
      bearer(credentials.authorization) ?? readCookie(credentials.cookieHeader, staffSessionCookie(services.config).name);
    if (!token) return { kind: "anonymous" };
    const session = await resolveStaffSession(services, token);
    return session
      ? { kind: "staff", staffUserId: session.staff.id, role: session.staff.role, sessionId: session.sessionId }
      : { kind: "anonymous" };
  }
  const token =
    bearer(credentials.authorization) ?? readCookie(credentials.cookieHeader, customerSessionCookie(services.config).name);
  if (!token) return { kind: "anonymous" };
  const credential = await resolveCustomerToken(services, token);
  return credential ? { kind: "account", ...credential } : { kind: "anonymous" };
}
