/**
 * One-time tokens sent by email (verification, password reset). The email
 * carries the token; the database keeps only its hash and an expiry.
 */
import type { AccountTokenPurpose, Prisma } from "@smsape/db";
import { hashToken, newSecretToken } from "../auth/tokens.ts";
import { InvalidTokenError } from "./errors.ts";

export const accountTokens = {
  EMAIL_VERIFICATION: { prefix: "ver", lifetimeMs: 24 * 60 * 60_000 },
  PASSWORD_RESET: { prefix: "rst", lifetimeMs: 60 * 60_000 },
} as const satisfies Record<AccountTokenPurpose, { prefix: string; lifetimeMs: number }>;

/** Issues a new token and retires the account's earlier unused ones of that purpose. */
export async function issueAccountToken(
  tx: Prisma.TransactionClient,
  accountId: string,
  purpose: AccountTokenPurpose,
  now: Date,
) {
  const { prefix, lifetimeMs } = accountTokens[purpose];
  await tx.accountToken.updateMany({ where: { accountId, purpose, usedAt: null }, data: { usedAt: now } });
  const { token, hash } = newSecretToken(prefix);
  const expiresAt = new Date(now.getTime() + lifetimeMs);
  await tx.accountToken.create({ data: { accountId, purpose, tokenHash: hash, expiresAt, createdAt: now } });
  return { token, expiresAt };
}

/** Marks a token used and returns its account id, or throws InvalidTokenError. Safe against two uses at once. */
export async function consumeAccountToken(tx: Prisma.TransactionClient, token: string, purpose: AccountTokenPurpose, now: Date) {
  const record = await tx.accountToken.findUnique({ where: { tokenHash: hashToken(token.trim()) } });
  if (!record || record.purpose !== purpose || record.usedAt || record.expiresAt <= now) throw new InvalidTokenError();
  const claimed = await tx.accountToken.updateMany({ where: { id: record.id, usedAt: null }, data: { usedAt: now } });
  if (claimed.count !== 1) throw new InvalidTokenError();
  return record.accountId;
}

/** When the account last asked for a token of this purpose. */
export async function lastTokenIssuedAt(tx: Prisma.TransactionClient, accountId: string, purpose: AccountTokenPurpose) {
  const latest = await tx.accountToken.findFirst({
    where: { accountId, purpose },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  return latest?.createdAt ?? null;
}
