/**
 * Customer sessions (P4, P5): a random `ses_…` token handed out once and kept
 * only as a hash, with an idle and an absolute expiry, revocable one by one
 * or all together. Accounts whose email is not verified yet may sign in; what
 * needs a verified address (ordering numbers) checks `emailVerifiedAt` itself.
 */
import type { Account } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { enforceLimits } from "../abuse/limits.ts";
import { countAbuseSignal } from "../abuse/signals.ts";
import { decoyPasswordHash, hashPassword, passwordNeedsRehash, verifyPassword } from "../auth/passwords.ts";
import { newSessionExpiry } from "../auth/sessions.ts";
import { newSecretToken } from "../auth/tokens.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { InvalidCredentialsError, RateLimitedError } from "../errors.ts";
import { newSignInEmail, signInLockedEmail } from "./account-emails.ts";
import { announceCredentialsEnded, sessionTokenPrefix } from "./credentials.ts";
import { parseInput } from "./validation.ts";

const signInInput = z.object({
  email: z.string().trim().toLowerCase().min(1, { error: "enter your email" }).max(254),
  password: z.string().min(1, { error: "enter your password" }).max(1024),
});

export interface SignedIn {
  account: Account;
  /** Shown once: the client keeps it as a cookie or a bearer token. */
  token: string;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

/** Where a sign-in came from: the day's keyed hash of the client's network; null for the service's own callers. */
export interface SignInOrigin {
  network: string | null;
}

/**
 * Checks the password, counting each attempt (P12): per network, and, when it
 * fails, per account (under the typed address's keyed hash, so an address
 * with no account is counted and answered alike). A few quick failures make
 * the account wait out a short backoff; more within the window lock it for a
 * while and email its owner once.
 */
export async function signIn(
  services: Services,
  rawInput: z.input<typeof signInInput>,
  origin: SignInOrigin = { network: null },
): Promise<SignedIn> {
  const input = parseInput(signInInput, rawInput);
  const { db } = services;
  const accountKey = services.limits.hashKey("sign-in.account", input.email);
  await refuseWhileLockedOut(services, accountKey);
  await enforceLimits(
    services,
    [["sign-in.network", origin.network]],
    "Too many sign-in attempts from your network",
    origin.network ? { accountId: null, network: origin.network } : null,
  );
  const account = await db.account.findUnique({ where: { email: input.email } });
  if (!account) {
    // As slow as a wrong password, so the answer does not tell whether the account exists.
    await verifyPassword(await decoyPasswordHash(), input.password);
    return countFailedSignIn(services, accountKey, null, origin);
  }
  if (!(await verifyPassword(account.passwordHash, input.password)))
    return countFailedSignIn(services, accountKey, account, origin);
  await services.limits.reset("sign-in.account", accountKey);
  await services.limits.reset("sign-in.account-backoff", accountKey);
  const rehashed = passwordNeedsRehash(account.passwordHash) ? await hashPassword(input.password) : null;

  const now = services.now();
  const { token, hash } = newSecretToken(sessionTokenPrefix);
  const expiry = newSessionExpiry(services.config.sessions, now);
  const updated = await db.$transaction(async (tx) => {
    await tx.session.create({ data: { accountId: account.id, tokenHash: hash, createdAt: now, lastSeenAt: now, ...expiry } });
    await enqueueEmail(tx, { accountId: account.id, to: account.email, ...newSignInEmail(now) }, services);
    return rehashed ? tx.account.update({ where: { id: account.id }, data: { passwordHash: rehashed } }) : account;
  });
  services.logger.info({ accountId: account.id, rehashed: Boolean(rehashed) }, "customer signed in");
  return { account: updated, token, ...expiry };
}

const lockedOut = "Too many failed sign-ins for this account";

/** While the account is locked out or backing off, every attempt gets the same refusal, right password or not. */
async function refuseWhileLockedOut(services: Services, accountKey: string): Promise<void> {
  const waits = await Promise.all(
    (["sign-in.account", "sign-in.account-backoff"] as const).map((limit) => services.limits.peek(limit, accountKey)),
  );
  const wait = Math.max(0, ...waits.map((state) => state?.retryAfterSeconds ?? 0));
  if (wait > 0) throw new RateLimitedError(wait, lockedOut);
}

/**
 * Counts a failed attempt and answers it: the failure that reaches the
 * lockout's count locks the account and queues one email to its owner (the
 * count is atomic, so only one attempt reaches it); the others are refused as
 * a wrong password.
 */
async function countFailedSignIn(
  services: Services,
  accountKey: string,
  account: Account | null,
  origin: SignInOrigin,
): Promise<never> {
  const { limits } = services;
  const lockout = services.config.rateLimits["sign-in.account"];
  await limits.penalty("sign-in.account-backoff", accountKey);
  const failures = await limits.penalty("sign-in.account", accountKey);
  if (origin.network)
    await countAbuseSignal(services, "sign-in-failure", { accountId: account?.id ?? null, network: origin.network });
  if (failures.consumed !== lockout.points) throw new InvalidCredentialsError();
  await limits.block("sign-in.account", accountKey);
  const lockSeconds = lockout.blockSeconds ?? lockout.seconds;
  if (account) {
    const now = services.now();
    const publicUrl = services.config.http.publicUrl;
    await services.db.$transaction((tx) =>
      enqueueEmail(
        tx,
        { accountId: account.id, to: account.email, ...signInLockedEmail(now, Math.ceil(lockSeconds / 60), publicUrl) },
        services,
      ),
    );
    services.logger.info({ accountId: account.id }, "customer sign-in locked after repeated failures");
  }
  throw new RateLimitedError(lockSeconds, lockedOut);
}

/** Ends one session of the account; ending one that has already ended changes nothing. */
export async function signOut(services: Services, session: { accountId: string; sessionId: string }): Promise<void> {
  const { count } = await services.db.session.updateMany({
    where: { id: session.sessionId, accountId: session.accountId, revokedAt: null },
    data: { revokedAt: services.now() },
  });
  if (count > 0) announceCredentialsEnded(services, session.accountId);
}

/** Ends every session of the account, this one included. API keys stay valid: they are revoked one by one. */
export async function signOutEverywhere(services: Services, accountId: string): Promise<number> {
  const { count } = await services.db.session.updateMany({
    where: { accountId, revokedAt: null },
    data: { revokedAt: services.now() },
  });
  if (count > 0) announceCredentialsEnded(services, accountId);
  services.logger.info({ accountId, sessions: count }, "customer signed out everywhere");
  return count;
}
