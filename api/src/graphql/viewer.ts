import { GraphQLError } from "graphql";
import { resolveCustomerToken, watchCustomerCredential } from "../domain/accounts/credentials.ts";
import type { AccountActor, StaffActor } from "../domain/actors.ts";
import { resolveStaffSession, watchStaffSession } from "../domain/staff/staff-auth.ts";
import type { Services } from "../services/index.ts";
import type { RequestContext, Viewer } from "./context.ts";

export type Audience = "customer" | "staff";

/**
 * Who is asking, from the token the request presented (read at the HTTP edge).
 * Customer credentials are never accepted by the staff API and staff
 * credentials never by the customer API. With `withBalance`, a customer's
 * credential is looked up with the account's balance, in one statement
 * (`readAhead.balance`).
 */
export async function resolveViewer(
  services: Services,
  audience: Audience,
  token: string | null,
  options: { withBalance?: boolean } = {},
): Promise<{ viewer: Viewer; readAhead: RequestContext["readAhead"] }> {
  const anonymous = { viewer: { kind: "anonymous" } as const, readAhead: {} };
  if (!token) return anonymous;
  if (audience === "staff") {
    const session = await resolveStaffSession(services, token);
    return session
      ? {
          viewer: { kind: "staff", staffUserId: session.staff.id, role: session.staff.role, sessionId: session.sessionId },
          readAhead: {},
        }
      : anonymous;
  }
  const credential = await resolveCustomerToken(services, token, options);
  if (!credential) return anonymous;
  const { balance, ...actor } = credential;
  return { viewer: { kind: "account", ...actor }, readAhead: balance ? { balance } : {} };
}

/** What every refused read or write returns: it says only that it is not allowed, never why. */
export function notAuthorized(): GraphQLError {
  return new GraphQLError("You are not allowed to do that. Sign in with an account that may.", {
    extensions: { code: "NOT_AUTHORIZED" },
  });
}

/** The account the request comes from, or null when it is anonymous or from staff. */
export function viewingAccount(viewer: Viewer): AccountActor | null {
  return viewer.kind === "account" ? viewer : null;
}

/**
 * The account a customer field acts for. Fields guarded by
 * `authScopes: { account: true }` only run for one; any other viewer is refused.
 */
export function signedInAccount(viewer: Viewer): AccountActor {
  const account = viewingAccount(viewer);
  if (!account) throw notAuthorized();
  return account;
}

/**
 * The staff member a staff field acts for. Fields guarded by
 * `authScopes: { staffCan: ... }` only run for one; any other viewer is refused.
 */
export function signedInStaff(viewer: Viewer): StaffActor {
  if (viewer.kind !== "staff") throw notAuthorized();
  return viewer;
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
