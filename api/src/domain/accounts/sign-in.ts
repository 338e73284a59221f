/**
 * Customer sessions (P4, P5): a random `ses_…` token handed out once and kept
 * only as a hash, with an idle and an absolute expiry, revocable one by one
 * or all together. Accounts whose email is not verified yet may sign in; what
 * needs a verified address (ordering numbers) checks `emailVerifiedAt` itself.
 */
import type { Account } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { decoyPasswordHash, hashPassword, passwordNeedsRehash, verifyPassword } from "../auth/passwords.ts";
import { newSessionExpiry } from "../auth/sessions.ts";
import { newSecretToken } from "../auth/tokens.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { InvalidCredentialsError } from "../errors.ts";
import { newSignInEmail } from "./account-emails.ts";
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

export async function signIn(services: Services, rawInput: z.input<typeof signInInput>): Promise<SignedIn> {
  const input = parseInput(signInInput, rawInput);
  const { db } = services;
  const account = await db.account.findUnique({ where: { email: input.email } });
  if (!account) {
    // As slow as a wrong password, so the answer does not tell whether the account exists.
    await verifyPassword(await decoyPasswordHash(), input.password);
    throw new InvalidCredentialsError();
  }
  if (!(await verifyPassword(account.passwordHash, input.password))) throw new InvalidCredentialsError();
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
