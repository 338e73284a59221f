import type { SqlStatement } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { type Standing, watchCredential } from "../auth/credential-watch.ts";
import { extendedIdleExpiry, isSessionLive, shouldTouch } from "../auth/sessions.ts";
import { hashToken } from "../auth/tokens.ts";
import { type Balance, type BalanceSums, balanceFromSums, balanceSumsJoin } from "../ledger/balance-sums.ts";

export const sessionTokenPrefix = "ses";
export const apiKeyPrefix = "sk";

export type CustomerCredential = { accountId: string; sessionId: string | null; apiKeyId: string | null };

type ApiKeyRow = { id: string; accountId: string; lastUsedAt: Date | null; revokedAt: Date | null };
type SessionRow = {
  id: string;
  accountId: string;
  lastSeenAt: Date;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
  revokedAt: Date | null;
};

/** The statements that find a credential by its token's hash, alone or with the account's balance. */
const credentialLookups = {
  apiKey: lookupStatements(`c."id", c."accountId", c."lastUsedAt", c."revokedAt"`, "ApiKey", "keyHash"),
  session: lookupStatements(
    `c."id", c."accountId", c."lastSeenAt", c."idleExpiresAt", c."absoluteExpiresAt", c."revokedAt"`,
    "Session",
    "tokenHash",
  ),
};
function lookupStatements(columns: string, table: string, hashColumn: string): Record<"alone" | "withBalance", SqlStatement> {
  // Named: a PostgreSQL server plans each once per connection, as every signed-in request runs one.
  return {
    alone: { name: `credential.${table}`, text: `SELECT ${columns} FROM "${table}" AS c WHERE c."${hashColumn}" = $1` },
    withBalance: {
      name: `credential.${table}.balance`,
      text: `SELECT ${columns}, "balance".* FROM "${table}" AS c ${balanceSumsJoin(`c."accountId"`)} WHERE c."${hashColumn}" = $1`,
    },
  };
}

/** A credential as a request resolved it, with the account's balance when the request asked for it (see `resolveCustomerToken`). */
export type ResolvedCustomerCredential = CustomerCredential & { balance?: Balance };

/**
 * Resolves a customer's session token or API key to its account, or null when
 * it is unknown, expired or revoked. Every signed-in request starts here, so it
 * is plain SQL (see Sql in @smsape/db), and nothing is cached: a revocation on
 * any instance holds from the very next request. With `withBalance`, the same
 * statement also reads the account's balance (the sums `currentBalance`
 * reads), so an operation that reads the balance makes one round trip to the
 * database rather than two.
 */
export async function resolveCustomerToken(
  services: Services,
  token: string,
  options: { withBalance?: boolean } = {},
): Promise<ResolvedCustomerCredential | null> {
  const now = services.now();
  const tokenHash = hashToken(token);
  const kind = token.startsWith(`${apiKeyPrefix}_`) ? "apiKey" : "session";
  const [row] = await services.sql.rows<(ApiKeyRow | SessionRow) & Partial<BalanceSums>>(
    credentialLookups[kind][options.withBalance ? "withBalance" : "alone"],
    [tokenHash],
  );
  if (!row) return null;
  const balance = options.withBalance ? { balance: balanceFromSums(row) } : {};
  if (kind === "apiKey") {
    const key = row as ApiKeyRow;
    if (key.revokedAt) return null;
    if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
      await services.db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
    }
    return { accountId: key.accountId, sessionId: null, apiKeyId: key.id, ...balance };
  }
  const session = row as SessionRow;
  if (!isSessionLive(session, now)) return null;
  if (shouldTouch(session, now)) {
    await services.db.session.update({
      where: { id: session.id },
      data: { lastSeenAt: now, idleExpiresAt: extendedIdleExpiry(services.config.sessions, now) },
    });
  }
  return { accountId: session.accountId, sessionId: session.id, apiKeyId: null, ...balance };
}

/**
 * Whether a credential resolved earlier, when a WebSocket connected, still
 * stands, and until when: a session until its absolute expiry unless revoked
 * (an open socket is activity, so idle expiry does not end it), an API key
 * until it is revoked.
 */
export async function customerCredentialStanding(
  services: Services,
  credential: Omit<CustomerCredential, "accountId">,
): Promise<Standing> {
  if (credential.sessionId) {
    const session = await services.db.session.findUnique({
      where: { id: credential.sessionId },
      select: { revokedAt: true, absoluteExpiresAt: true },
    });
    return session && !session.revokedAt && session.absoluteExpiresAt > services.now()
      ? { stands: true, until: session.absoluteExpiresAt }
      : { stands: false };
  }
  if (credential.apiKeyId) {
    const key = await services.db.apiKey.findUnique({ where: { id: credential.apiKeyId }, select: { revokedAt: true } });
    return key && !key.revokedAt ? { stands: true, until: null } : { stands: false };
  }
  return { stands: false };
}

/**
 * Whether a socket's credential still stands, as an SQL expression, for the
 * statement that reads what a live event delivers (live events are delivered
 * only while it stands): the check then costs no statement of its own.
 * The same rules as `customerCredentialStanding`: a session stands while it is
 * not revoked and its absolute expiry lies ahead, an API key while it is not
 * revoked, nothing else stands. Its parameters are `$1` to `$3`, given by
 * `credentialStandsParameters`; the statement numbers its own from `$4`.
 */
export const credentialStandsCondition = credentialStandsOf("$1::uuid", "$2::uuid", "$3::timestamptz");

/**
 * `credentialStandsCondition` over expressions of the caller's: the session's id, the API key's id (both
 * `uuid`, either null) and now (`timestamptz`), for a statement that checks several credentials at once.
 */
export function credentialStandsOf(sessionId: string, apiKeyId: string, now: string): string {
  return `CASE
    WHEN ${sessionId} IS NOT NULL THEN EXISTS (
      SELECT 1 FROM "Session" WHERE "id" = ${sessionId} AND "revokedAt" IS NULL
        AND "absoluteExpiresAt" > (${now} AT TIME ZONE 'UTC'))
    WHEN ${apiKeyId} IS NOT NULL THEN EXISTS (SELECT 1 FROM "ApiKey" WHERE "id" = ${apiKeyId} AND "revokedAt" IS NULL)
    ELSE false
  END`;
}

/** The values of `credentialStandsCondition`'s `$1` to `$3`: the session's id, the API key's id, now (UTC, as sessions store their expiry). */
export function credentialStandsParameters(
  services: Services,
  credential: Omit<CustomerCredential, "accountId">,
): [sessionId: string | null, apiKeyId: string | null, now: string] {
  return [credential.sessionId, credential.apiKeyId, services.now().toISOString()];
}

/**
 * Tells the account's open sockets, on every instance, that one of its
 * credentials ended, so each checks its own at once. Call after the change committed.
 */
export function announceCredentialsEnded(services: Services, accountId: string): void {
  services.events.publish("credentialsEnded", accountId, { accountId });
}

/** Calls `ended` once the credential an open socket connected with ends; returns the function that stops watching. */
export function watchCustomerCredential(services: Services, credential: CustomerCredential, ended: () => void): () => void {
  return watchCredential(services, {
    standing: () => customerCredentialStanding(services, credential),
    announcements: services.events.subscribe("credentialsEnded", credential.accountId),
    ended,
  });
}
