/**
 * Restriction and objection (P17). While an account is restricted its data
 * is only stored: every processing path below refuses or skips it. An
 * objection stops one path for the account, recorded per path. Staff restrict
 * and record objections for a request; only COMPLIANCE lifts a restriction,
 * and the person is told first.
 */
import { Prisma, type ProcessingObjection } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { enqueueEmail, type NewEmail } from "../email/outbox.ts";
import { DomainError, ValidationError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";
import { requestToFulfil } from "./fulfilment.ts";

/**
 * Every way the service processes an account's data beyond storing it, and
 * where each one checks. A new path is added here and given its check.
 */
export const processingPaths = {
  ordering: "Ordering new numbers (activations/activations.ts orderNumber refuses).",
  "sms-code-extraction": "Reading the code out of an arriving SMS (sms/ingest.ts stores the text only).",
  "optional-emails": "Emails other than those the law or security requires (enqueueOptionalEmail skips).",
  "abuse-signals": "Counting the account's activity into abuse signals (abuseSignalsAllowed says no).",
  "staff-reads": "Staff reading the account's personal values (assertStaffReadAllowed wants a recorded legal reason).",
} as const;
export type ProcessingPath = keyof typeof processingPaths;
export const processingPathNames = Object.keys(processingPaths) as ProcessingPath[];

/** Whether the account's data may be processed along `path`: not while restricted, nor after an objection to it. */
export async function processingAllowed(
  tx: Prisma.TransactionClient,
  accountId: string | null,
  path: ProcessingPath,
): Promise<boolean> {
  if (!accountId) return true;
  const account = await tx.account.findUnique({ where: { id: accountId }, select: { restrictedAt: true } });
  if (account?.restrictedAt) return false;
  return (await tx.processingObjection.count({ where: { accountId, path } })) === 0;
}

/**
 * `processingAllowed` as an SQL condition, for a statement that reads the
 * account's row with others in one round trip (the SMS ingest): the same two
 * rules, kept here beside the function. `accountId` is the SQL expression of
 * the account's id; no account (NULL) is allowed, as above.
 */
export function processingAllowedCondition(accountId: Prisma.Sql, path: ProcessingPath): Prisma.Sql {
  return Prisma.sql`(${accountId} IS NULL OR (
    NOT EXISTS (SELECT 1 FROM "Account" r WHERE r."id" = ${accountId} AND r."restrictedAt" IS NOT NULL)
    AND NOT EXISTS (SELECT 1 FROM "ProcessingObjection" o WHERE o."accountId" = ${accountId} AND o."path" = ${path})))`;
}

/**
 * Queues an email the law and the account's security do not require; it is
 * skipped (returns null) for a restricted account or one that objected.
 */
export async function enqueueOptionalEmail(
  tx: Prisma.TransactionClient,
  email: NewEmail & { accountId: string },
  services: Pick<Services, "jobs" | "now" | "config">,
) {
  if (!(await processingAllowed(tx, email.accountId, "optional-emails"))) return null;
  return enqueueEmail(tx, email, services);
}

/** Whether the account's activity may feed abuse signals. */
export function abuseSignalsAllowed(tx: Prisma.TransactionClient, accountId: string): Promise<boolean> {
  return processingAllowed(tx, accountId, "abuse-signals");
}

/** The legal reasons staff may record for reading a restricted account's values. */
export const restrictedReadReasons = ["LEGAL_CLAIM", "RIGHTS_REQUEST", "PROTECTION_OF_OTHERS", "HOLDER_CONSENT"] as const;
export type RestrictedReadReason = (typeof restrictedReadReasons)[number];

export class LegalReasonRequiredError extends DomainError {
  readonly code = "LEGAL_REASON_REQUIRED";
  constructor() {
    super(`This account's processing is restricted: give one of ${restrictedReadReasons.join(", ")} to read its data.`);
  }
}

/** Staff read a restricted account's personal values only with a recorded legal reason; throws otherwise. */
export async function assertStaffReadAllowed(
  tx: Prisma.TransactionClient,
  accountId: string,
  reason: string | null | undefined,
): Promise<void> {
  if (await processingAllowed(tx, accountId, "staff-reads")) return;
  if (!reason || !(restrictedReadReasons as readonly string[]).includes(reason)) throw new LegalReasonRequiredError();
}

// ---------------------------------------------------------------- staff steps

/** P17: restricts the request's account (a restriction or objection request) while it is reviewed. */
export async function applyRestriction(services: Services, actor: Actor, requestId: string): Promise<{ restrictedAt: Date }> {
  authorize(actor, "restriction.apply");
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const request = await requestToFulfil(tx, requestId, ["RESTRICTION", "OBJECTION"]);
    const changed = await tx.account.updateMany({
      where: { id: request.accountId, restrictedAt: null },
      data: { restrictedAt: now },
    });
    if (changed.count === 1) {
      await appendAuditEntry(
        tx,
        actor,
        {
          action: "account.restricted",
          subjectType: "Account",
          subjectId: request.accountId,
          details: { privacyRequestId: requestId },
        },
        now,
      );
    }
    const account = await tx.account.findUniqueOrThrow({ where: { id: request.accountId }, select: { restrictedAt: true } });
    return { restrictedAt: account.restrictedAt ?? now };
  });
}

/**
 * P17: lifts the restriction of the request's account. COMPLIANCE only; the
 * person is told first (the notice is queued in the same transaction, before
 * the flag is cleared).
 */
export async function liftRestriction(services: Services, actor: Actor, requestId: string): Promise<void> {
  authorize(actor, "restriction.lift");
  const now = services.now();
  await services.db.$transaction(async (tx) => {
    const request = await requestToFulfil(tx, requestId, ["RESTRICTION", "OBJECTION"]);
    const account = await tx.account.findUniqueOrThrow({ where: { id: request.accountId } });
    if (!account.restrictedAt) return;
    await enqueueEmail(
      tx,
      {
        accountId: account.id,
        to: account.email,
        template: "restriction-lifted",
        subject: "The restriction on your account is being lifted",
        body:
          "The review behind the restriction of your SMSAPE account has ended, and the restriction is lifted now: " +
          "your data is processed again as the privacy policy describes. Reply to support if you disagree.\n\n— SMSAPE",
      },
      services,
    );
    await tx.account.update({ where: { id: account.id }, data: { restrictedAt: null } });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "account.restriction_lifted",
        subjectType: "Account",
        subjectId: account.id,
        details: { privacyRequestId: requestId },
      },
      now,
    );
  });
}

/** P17: records the account's objection to one processing path, which stops it for the account. */
export async function recordObjection(
  services: Services,
  actor: Actor,
  requestId: string,
  path: string,
): Promise<ProcessingObjection> {
  authorize(actor, "restriction.apply");
  if (!(processingPathNames as string[]).includes(path)) {
    throw new ValidationError([{ field: "path", message: `must be one of ${processingPathNames.join(", ")}` }]);
  }
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const request = await requestToFulfil(tx, requestId, ["OBJECTION"]);
    const objection = await tx.processingObjection.upsert({
      where: { accountId_path: { accountId: request.accountId, path } },
      create: { accountId: request.accountId, requestId, path, recordedAt: now },
      update: {},
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "objection.recorded",
        subjectType: "Account",
        subjectId: request.accountId,
        details: { privacyRequestId: requestId, path },
      },
      now,
    );
    return objection;
  });
}
