/**
 * Opening an account (P2, P4, P22) and confirming its email address. Sign-up
 * never reveals whether an address already has an account: the answer is the
 * same, and the address's owner gets a notice instead of a verification email
 * (a few an hour at most).
 */
import { type Jurisdiction, Prisma } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { hashPassword } from "../auth/passwords.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { takeEmailAllowance } from "../email/rate-limits.ts";
import { ConflictError } from "../errors.ts";
import { recordAcknowledgement, requireVersionInForce } from "../policy/acknowledgements.ts";
import { accountExistsEmail, verificationEmail } from "./account-emails.ts";
import { consumeAccountToken, issueAccountToken, lastTokenIssuedAt } from "./account-tokens.ts";
import { AgeAttestationRequiredError } from "./errors.ts";
import { checkPasswordIsNotEmail, emailSchema, parseInput, passwordSchema } from "./validation.ts";

const signUpInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  ageAttestation: z.boolean(),
  acceptPolicyVersion: z.string().trim().min(1, { error: "name the policy version you accept" }),
  jurisdiction: z.enum(["GDPR", "UK_GDPR", "CCPA", "OTHER"]).nullish(),
});

export type SignUpInput = z.input<typeof signUpInput>;

/** The same for a new address and one that already has an account. */
export interface SignUpReceipt {
  email: string;
}

export async function signUp(services: Services, rawInput: SignUpInput): Promise<SignUpReceipt> {
  const input = parseInput(signUpInput, rawInput);
  checkPasswordIsNotEmail(input.password, input.email);
  if (!input.ageAttestation) throw new AgeAttestationRequiredError();
  const policyVersion = await requireVersionInForce(services, input.acceptPolicyVersion);
  // Hashed before looking the address up, so both answers take as long.
  const passwordHash = await hashPassword(input.password);
  const jurisdiction: Jurisdiction = input.jurisdiction ?? "OTHER";
  const now = services.now();
  const { publicUrl } = services.config.http;

  // At most a few notices an hour, however often someone tries the address.
  const notifyExistingOwner = async (tx: Prisma.TransactionClient, accountId: string) => {
    if (!(await takeEmailAllowance(tx, services, input.email, "account-exists"))) return;
    await enqueueEmail(tx, { accountId, to: input.email, ...accountExistsEmail(publicUrl) }, services);
  };

  try {
    await services.db.$transaction(async (tx) => {
      const existing = await tx.account.findUnique({ where: { email: input.email }, select: { id: true } });
      if (existing) {
        await notifyExistingOwner(tx, existing.id);
        return;
      }
      const account = await tx.account.create({
        data: { email: input.email, passwordHash, ageAttestedAt: now, jurisdiction, createdAt: now },
        select: { id: true },
      });
      await recordAcknowledgement(tx, account.id, policyVersion, now);
      const { token } = await issueAccountToken(tx, account.id, "EMAIL_VERIFICATION", now);
      await enqueueEmail(tx, { accountId: account.id, to: input.email, ...verificationEmail(publicUrl, token) }, services);
      services.logger.info({ accountId: account.id, jurisdiction }, "account opened");
    });
  } catch (error) {
    // Two sign-ups with one address at once: the loser is treated as a duplicate.
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    await services.db.$transaction(async (tx) => {
      const existing = await tx.account.findUniqueOrThrow({ where: { email: input.email }, select: { id: true } });
      await notifyExistingOwner(tx, existing.id);
    });
  }
  return { email: input.email };
}

/** Confirms the address the token was sent to. */
export async function verifyEmail(services: Services, token: string): Promise<{ accountId: string }> {
  const now = services.now();
  const accountId = await services.db.$transaction(async (tx) => {
    const id = await consumeAccountToken(tx, token, "EMAIL_VERIFICATION", now);
    await tx.account.updateMany({ where: { id, emailVerifiedAt: null }, data: { emailVerifiedAt: now } });
    return id;
  });
  services.logger.info({ accountId }, "email verified");
  return { accountId };
}

const resendInterval = 60_000;

/** Sends a fresh verification email; earlier tokens stop working. */
export async function resendVerification(services: Services, accountId: string): Promise<void> {
  const now = services.now();
  const { publicUrl } = services.config.http;
  await services.db.$transaction(async (tx) => {
    const account = await tx.account.findUniqueOrThrow({
      where: { id: accountId },
      select: { email: true, emailVerifiedAt: true },
    });
    if (account.emailVerifiedAt) throw new ConflictError("EMAIL_ALREADY_VERIFIED", "Your email address is already verified.");
    const last = await lastTokenIssuedAt(tx, accountId, "EMAIL_VERIFICATION");
    if (last && now.getTime() - last.getTime() < resendInterval) {
      throw new ConflictError(
        "RESEND_TOO_SOON",
        "A verification email was sent less than a minute ago; check your inbox or try again shortly.",
      );
    }
    const { token } = await issueAccountToken(tx, accountId, "EMAIL_VERIFICATION", now);
    await enqueueEmail(tx, { accountId, to: account.email, ...verificationEmail(publicUrl, token) }, services);
  });
}
