/**
 * Correction (P15). The holder changes their own email address, proving the
 * new one: the change applies only when the link sent to the new address is
 * used, and the old address is told. Staff apply other corrections through a
 * correction request, for the fields the inventory marks correctable; the
 * value before and after is kept with the request (PrivacyCorrection, erased
 * with the person), and the audit entry names the field only.
 */
import type { Jurisdiction, PrivacyCorrection } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { InvalidTokenError, WrongPasswordError } from "../accounts/errors.ts";
import { emailSchema, parseInput } from "../accounts/validation.ts";
import type { AccountActor, Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { hashToken, newSecretToken } from "../auth/tokens.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { DomainError, NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { requestToFulfil } from "./fulfilment.ts";
import { type CorrectableModel, correctableFields } from "./inventory.ts";

export const emailChangeLifetimeMs = 24 * 60 * 60_000;
const signature = "\n\n— SMSAPE";

// ---------------------------------------------------------------- the holder's own email address

/**
 * Asks to change the account's email address: the new address gets a link to
 * confirm it, the current one is told. Nothing changes until the link is used.
 * When the new address already has an account, no link is sent (and the
 * answer is the same, so it tells nobody who has an account).
 */
export async function requestEmailChange(
  services: Services,
  holder: AccountActor,
  input: { newEmail: string; currentPassword: string },
): Promise<{ expiresAt: Date }> {
  const { newEmail, currentPassword } = parseInput(
    z.object({ newEmail: emailSchema, currentPassword: z.string().max(1024) }),
    input,
  );
  const account = await services.db.account.findUniqueOrThrow({ where: { id: holder.accountId } });
  if (!(await verifyPassword(account.passwordHash, currentPassword))) throw new WrongPasswordError();
  if (newEmail === account.email) throw new ValidationError([{ field: "newEmail", message: "is already your address" }]);
  const now = services.now();
  const expiresAt = new Date(now.getTime() + emailChangeLifetimeMs);
  await services.db.$transaction(async (tx) => {
    const taken = await tx.account.count({ where: { email: newEmail } });
    // An earlier unconfirmed change stops working: only the latest link counts.
    await tx.emailChange.deleteMany({ where: { accountId: account.id, confirmedAt: null } });
    if (!taken) {
      const { token, hash } = newSecretToken("chg");
      await tx.emailChange.create({ data: { accountId: account.id, newEmail, tokenHash: hash, expiresAt, createdAt: now } });
      const link = new URL("/confirm-email-change", services.config.http.publicUrl);
      link.searchParams.set("token", token);
      await enqueueEmail(
        tx,
        {
          accountId: account.id,
          to: newEmail,
          template: "email-change-confirm",
          subject: "Confirm your new email address",
          body:
            `To make this the email address of your SMSAPE account, open:\n${link.toString()}\n\n` +
            `Or enter this token in the app: ${token}\n\nIt works once, for 24 hours. If you did not ask for this, ignore this email.${signature}`,
        },
        services,
      );
    }
    await enqueueEmail(
      tx,
      {
        accountId: account.id,
        to: account.email,
        template: "email-change-requested",
        subject: "A change of your email address was asked for",
        body:
          "Someone signed in to your SMSAPE account asked to change its email address. It changes only when the new address is confirmed.\n\n" +
          `If this was not you, change your password now.${signature}`,
      },
      services,
    );
    await appendAuditEntry(
      tx,
      holder,
      {
        action: "account.email_change_requested",
        subjectType: "Account",
        subjectId: account.id,
        details: { fields: ["email"] },
      },
      now,
    );
  });
  return { expiresAt };
}

/** Applies an email change with the link's token; the old address is told it happened. */
export async function confirmEmailChange(services: Services, token: string): Promise<{ accountId: string }> {
  const now = services.now();
  const accountId = await services.db.$transaction(async (tx) => {
    const change = await tx.emailChange.findUnique({ where: { tokenHash: hashToken(token.trim()) } });
    if (!change || change.confirmedAt || change.expiresAt <= now) throw new InvalidTokenError();
    const claimed = await tx.emailChange.updateMany({ where: { id: change.id, confirmedAt: null }, data: { confirmedAt: now } });
    if (claimed.count !== 1) throw new InvalidTokenError();
    if (await tx.account.count({ where: { email: change.newEmail } })) throw new InvalidTokenError();
    const account = await tx.account.findUniqueOrThrow({ where: { id: change.accountId }, select: { email: true } });
    await tx.account.update({ where: { id: change.accountId }, data: { email: change.newEmail, emailVerifiedAt: now } });
    // Confirmed: the row has done its work and the new address lives on the account.
    await tx.emailChange.delete({ where: { id: change.id } });
    await enqueueEmail(
      tx,
      {
        accountId: change.accountId,
        to: account.email,
        template: "email-changed",
        subject: "Your email address was changed",
        body: `The email address of your SMSAPE account was changed; this address no longer receives its emails.\n\nIf this was not you, contact support at once.${signature}`,
      },
      services,
    );
    await appendAuditEntry(
      tx,
      { actorType: "ACCOUNT", actorId: change.accountId },
      {
        action: "account.email_changed",
        subjectType: "Account",
        subjectId: change.accountId,
        details: { fields: ["email"] },
      },
      now,
    );
    return change.accountId;
  });
  return { accountId };
}

// ---------------------------------------------------------------- staff corrections through a request

export class FieldNotCorrectableError extends DomainError {
  readonly code = "FIELD_NOT_CORRECTABLE";
  constructor(readonly field: string) {
    super(
      `${field} cannot be corrected by staff. Correctable: ${Object.entries(correctableFields)
        .flatMap(([model, fields]) => fields.map((name) => `${model}.${name}`))
        .join(", ")}. The holder changes their email address themselves.`,
    );
  }
}

export interface CorrectionInput {
  /** `Model.field`, one the inventory marks correctable: `Account.jurisdiction`, `ApiKey.name`. */
  field: string;
  value: string;
  /** The record to correct, for models other than Account (the request's account). */
  recordId?: string | null;
}

const jurisdictionValues = ["GDPR", "CCPA", "OTHER"] as const satisfies readonly Jurisdiction[];
const valueSchemas: { [M in CorrectableModel]: Record<(typeof correctableFields)[M][number], z.ZodType<string>> } = {
  Account: { jurisdiction: z.enum(jurisdictionValues, { error: "must be GDPR, CCPA or OTHER" }) },
  ApiKey: {
    name: z.string().trim().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }),
  },
};

/**
 * P15: staff correct one field of the request's account, storing the value
 * before and after with the request. Returns the stored correction.
 */
export async function applyCorrection(
  services: Services,
  actor: Actor,
  requestId: string,
  input: CorrectionInput,
): Promise<PrivacyCorrection> {
  authorize(actor, "corrections.apply");
  if (actor.kind !== "staff") throw new Error("unreachable: authorize admits staff only");
  const [model, field] = input.field.split(".") as [string, string];
  const schema = (valueSchemas as Record<string, Record<string, z.ZodType<string>> | undefined>)[model]?.[field ?? ""];
  if (!schema) throw new FieldNotCorrectableError(input.field);
  const parsed = schema.safeParse(input.value);
  if (!parsed.success)
    throw new ValidationError([{ field: "value", message: parsed.error.issues[0]?.message ?? "is not valid" }]);
  const value = parsed.data;
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const request = await requestToFulfil(tx, requestId, ["CORRECTION"]);
    let before: string | null;
    let recordId: string;
    if (model === "Account") {
      const account = await tx.account.findUniqueOrThrow({ where: { id: request.accountId } });
      before = account.jurisdiction;
      recordId = account.id;
      await tx.account.update({ where: { id: account.id }, data: { jurisdiction: value as Jurisdiction } });
    } else {
      if (!input.recordId || !isUuid(input.recordId)) throw new NotFoundError("The API key");
      const key = await tx.apiKey.findFirst({ where: { id: input.recordId, accountId: request.accountId } });
      if (!key) throw new NotFoundError("The API key");
      before = key.name;
      recordId = key.id;
      await tx.apiKey.update({ where: { id: key.id }, data: { name: value } });
    }
    const correction = await tx.privacyCorrection.create({
      data: { requestId, model, field, beforeValue: before, afterValue: value, appliedBy: actor.staffUserId, appliedAt: now },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "correction.applied",
        subjectType: model,
        subjectId: recordId,
        details: { privacyRequestId: requestId, correctionId: correction.id, fields: [field] },
      },
      now,
    );
    return correction;
  });
}

/** The corrections applied for a request, oldest first, with their before and after values. */
export function correctionsOf(services: Services, actor: Actor, requestId: string): Promise<PrivacyCorrection[]> {
  authorize(actor, "requests.read");
  if (!isUuid(requestId)) return Promise.resolve([]);
  return services.db.privacyCorrection.findMany({ where: { requestId }, orderBy: { appliedAt: "asc" } });
}
