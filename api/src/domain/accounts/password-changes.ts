/**
 * Changing and resetting a password. Either way the other sessions end and the
 * account gets a notice, so a stolen session or password stops working.
 */
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { decryptField, encryptField } from "../crypto/field-encryption.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { takeEmailAllowance } from "../email/rate-limits.ts";
import { passwordChangedEmail, passwordResetEmail } from "./account-emails.ts";
import { consumeAccountToken, issueAccountToken } from "./account-tokens.ts";
import { announceCredentialsEnded } from "./credentials.ts";
import { WrongPasswordError } from "./errors.ts";
import { checkPasswordIsNotEmail, emailSchema, parseInput, passwordSchema } from "./validation.ts";

const changePasswordInput = z.object({ currentPassword: z.string().max(1024), newPassword: passwordSchema });

export async function changePassword(
  services: Services,
  who: { accountId: string; sessionId: string },
  rawInput: z.input<typeof changePasswordInput>,
): Promise<void> {
  const input = parseInput(changePasswordInput, rawInput);
  const account = await services.db.account.findUniqueOrThrow({ where: { id: who.accountId } });
  checkPasswordIsNotEmail(input.newPassword, account.email, "newPassword");
  if (!(await verifyPassword(account.passwordHash, input.currentPassword))) throw new WrongPasswordError();
  const passwordHash = await hashPassword(input.newPassword);
  const now = services.now();
  await services.db.$transaction(async (tx) => {
    await tx.account.update({ where: { id: account.id }, data: { passwordHash } });
    await tx.session.updateMany({
      where: { accountId: account.id, revokedAt: null, id: { not: who.sessionId } },
      data: { revokedAt: now },
    });
    await tx.accountToken.updateMany({
      where: { accountId: account.id, purpose: "PASSWORD_RESET", usedAt: null },
      data: { usedAt: now },
    });
    await enqueueEmail(tx, { accountId: account.id, to: account.email, ...passwordChangedEmail(now) }, services);
  });
  announceCredentialsEnded(services, account.id);
  services.logger.info({ accountId: account.id }, "password changed");
}

/** The job that decides, away from the request, whether a reset email goes out. */
export const passwordResetRequestedJob = "account.password-reset-requested";

/** The job's copy of the address is encrypted: pg-boss keeps job data after the job ran. */
const requestedAddressContext = `${passwordResetRequestedJob}:address`;

/**
 * Asks for a reset token by email. The answer is the same whether or not the
 * address has an account, and so is the work done before answering: one job
 * is queued either way, and the job looks the address up (so the answer's
 * timing cannot tell who has an account either).
 */
export async function requestPasswordReset(services: Services, rawEmail: string): Promise<void> {
  const email = parseInput(z.object({ email: emailSchema }), { email: rawEmail }).email;
  await services.jobs.send(passwordResetRequestedJob, {
    address: encryptField(services.config.encryption, email, requestedAddressContext),
  });
}

/**
 * The job behind requestPasswordReset: emails a one-time reset token when the
 * address has an account and has not had too many resets this hour (the
 * earlier tokens stay valid then). Does nothing for an unknown address.
 */
export async function sendPasswordReset(services: Services, job: { address: string }): Promise<void> {
  const email = decryptField(services.config.encryption, job.address, requestedAddressContext);
  const now = services.now();
  await services.db.$transaction(async (tx) => {
    const account = await tx.account.findUnique({ where: { email }, select: { id: true } });
    if (!account) return;
    if (!(await takeEmailAllowance(tx, services, email, "password-reset"))) return;
    const { token } = await issueAccountToken(tx, account.id, "PASSWORD_RESET", now);
    await enqueueEmail(
      tx,
      { accountId: account.id, to: email, ...passwordResetEmail(services.config.http.publicUrl, token) },
      services,
    );
  });
}

const resetPasswordInput = z.object({
  token: z.string().trim().min(1, { error: "enter the token from the email" }).max(200),
  newPassword: passwordSchema,
});

/**
 * Sets a new password with a reset token and ends every session. The token came
 * to the account's address, so the address counts as verified too.
 */
export async function resetPassword(
  services: Services,
  rawInput: z.input<typeof resetPasswordInput>,
): Promise<{ accountId: string }> {
  const input = parseInput(resetPasswordInput, rawInput);
  const passwordHash = await hashPassword(input.newPassword);
  const now = services.now();
  const accountId = await services.db.$transaction(async (tx) => {
    const id = await consumeAccountToken(tx, input.token, "PASSWORD_RESET", now);
    const account = await tx.account.findUniqueOrThrow({ where: { id }, select: { email: true, emailVerifiedAt: true } });
    checkPasswordIsNotEmail(input.newPassword, account.email, "newPassword");
    await tx.account.update({ where: { id }, data: { passwordHash, emailVerifiedAt: account.emailVerifiedAt ?? now } });
    await tx.session.updateMany({ where: { accountId: id, revokedAt: null }, data: { revokedAt: now } });
    await enqueueEmail(tx, { accountId: id, to: account.email, ...passwordChangedEmail(now) }, services);
    return id;
  });
  announceCredentialsEnded(services, accountId);
  services.logger.info({ accountId }, "password reset");
  return { accountId };
}
