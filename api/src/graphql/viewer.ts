import { resolveCustomerToken, watchCustomerCredential } from "../domain/accounts/credentials.ts";
import { resolveStaffSession, watchStaffSession } from "../domain/staff/staff-auth.ts";
import type { Services } from "../services/index.ts";
import type { Viewer } from "./context.ts";

export type Audience = "customer" | "staff";

/**
 * Who is asking, from the token the request presented (read at the HTTP edge).
 * Customer credentials are never accepted by the staff API and staff
 * credentials never by the customer API.
 */
export async function resolveViewer(services: Services, audience: Audience, token: string | null): Promise<Viewer> {
  if (!token) return { kind: "anonymous" };
  if (audience === "staff") {
    const session = await resolveStaffSession(services, token);
    return session
      ? { kind: "staff", staffUserId: session.staff.id, role: session.staff.role, sessionId: session.sessionId }
      : { kind: "anonymous" };
  }
  const credential = await resolveCustomerToken(services, token);
  return credential ? { kind: "account", ...credential } : { kind: "anonymous" };
}

/**
 * Watches the credential a WebSocket connected with and calls `ended` once it
 * no longer stands (signed out, revoked, past its absolute expiry). Returns the
 * function that stops watching, for when the socket closes.
 */
export function watchViewer(services: Services, viewer: Viewer, ended: () => void): () => void {
  switch (viewer.kind) {
    case "account":
      return watchCustomerCredential(services, viewer, ended);
    case "staff":
      return watchStaffSession(services, viewer, ended);
    case "anonymous":
      ended();
      return () => {};
  }
}
