/**
 * Who a domain function acts for. For now only a signed-in account; staff
 * members and system jobs will join this union as further members, each
 * with its own `kind`.
 */
export interface AccountActor {
  kind: "account";
  accountId: string;
  /** The session it signed in with; null when it came with an API key. */
  sessionId: string | null;
  /** The API key it came with; null when it signed in with a password. */
  apiKeyId: string | null;
}
