/**
 * Self-service privacy requests (P14-P17, P23): a signed-in customer asks for a
 * copy of their data, a correction, deletion, restriction or objection. Here a
 * request is validated, verified as coming from the account holder, given its
 * clocks (P18) and stored; staff process it from their queue.
 */
import type { Jurisdiction, Prisma, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { WrongPasswordError } from "../accounts/errors.ts";
import type { AccountActor, Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { privacyRequestDeadlines } from "./deadlines.ts";
import { PrivacyRequestAlreadyOpenError, PrivacyRequestNotWithdrawableError } from "./errors.ts";

export const privacyRequestKinds = [
  "ACCESS",
  "CORRECTION",
  "DELETION",
  "RESTRICTION",
  "OBJECTION",
] as const satisfies readonly PrivacyRequestKind[];
export const jurisdictions = ["GDPR", "CCPA", "OTHER"] as const satisfies readonly Jurisdiction[];
/** A request in one of these states is still open: another of its kind waits for it. */
export const openStatuses = ["RECEIVED", "IN_PROGRESS"] as const satisfies readonly PrivacyRequestStatus[];
export const detailsMaxLength = 2000;

export interface NewPrivacyRequest {
  kind: PrivacyRequestKind;
  /** What the request is about, in the requester's words. */
  details?: string | null;
  /** Defaults to the account's jurisdiction. */
  jurisdiction?: Jurisdiction | null;
  /** Deletion cannot be undone, so it is confirmed with the password. */
  currentPassword?: string | null;
}

/** What a request of each kind must say, and why. */
const detailsNeededFor: Partial<Record<PrivacyRequestKind, string>> = {
  CORRECTION: "say what is wrong and what the correct value is",
  OBJECTION: "say which processing you object to",
};

const newRequestSchema = z
  .object({
    kind: z.enum(privacyRequestKinds, { error: "must be one of ACCESS, CORRECTION, DELETION, RESTRICTION, OBJECTION" }),
    details: z
      .string()
      .trim()
      .max(detailsMaxLength, { error: `must be at most ${detailsMaxLength} characters` })
      .nullish()
      .transform((value) => value || null),
    jurisdiction: z.enum(jurisdictions, { error: "must be GDPR, CCPA or OTHER" }).nullish(),
    currentPassword: z.string().max(1024, { error: "is too long" }).nullish(),
  })
  .superRefine((input, ctx) => {
    const needed = detailsNeededFor[input.kind];
    if (needed && !input.details) ctx.addIssue({ code: "custom", path: ["details"], message: `is required: ${needed}` });
    if (input.kind === "DELETION" && !input.currentPassword) {
      ctx.addIssue({ code: "custom", path: ["currentPassword"], message: "is required to confirm a deletion request" });
    }
  });

function parseNewRequest(input: NewPrivacyRequest) {
  const result = newRequestSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ field: issue.path.map(String).join(".") || "input", message: issue.message })),
  );
}

/**
 * Creates a request from the signed-in account. It counts as verified when it
 * comes from a signed-in session or carries the password; one made with an API
 * key alone is stored unverified for staff to confirm with the holder.
 * A restriction request restricts the account at once, while it is reviewed (P17).
 */
export async function createPrivacyRequest(
  services: Services,
  requester: AccountActor,
  input: NewPrivacyRequest,
): Promise<PrivacyRequest> {
  const { kind, details, jurisdiction: chosenJurisdiction, currentPassword } = parseNewRequest(input);
  const account = await services.db.account.findUnique({
    where: { id: requester.accountId },
    select: { id: true, passwordHash: true, jurisdiction: true },
  });
  if (!account) throw new NotFoundError("The account");
  const passwordConfirmed = currentPassword ? await verifyPassword(account.passwordHash, currentPassword) : false;
  if (kind === "DELETION" && !passwordConfirmed) throw new WrongPasswordError();

  const now = services.now();
  const jurisdiction = chosenJurisdiction ?? account.jurisdiction;
  const { slaDueAt, legalDueAt } = privacyRequestDeadlines({ jurisdiction, receivedAt: now });

  const request = await services.db.$transaction(async (tx) => {
    // Serialises requests of one account, so two at once cannot both be "the open one".
    await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${account.id}::uuid FOR UPDATE`;
    const open = await tx.privacyRequest.findFirst({
      where: { accountId: account.id, kind, status: { in: [...openStatuses] } },
      select: { id: true },
    });
    if (open) throw new PrivacyRequestAlreadyOpenError(open.id);
    const created = await tx.privacyRequest.create({
      data: {
        accountId: account.id,
        kind,
        status: "RECEIVED",
        source: "SELF_SERVICE",
        jurisdiction,
        details,
        verifiedAt: requester.sessionId || passwordConfirmed ? now : null,
        receivedAt: now,
        slaDueAt,
        legalDueAt,
      },
    });
    await appendAuditEntry(
      tx,
      requester,
      {
        action: "privacy_request.created",
        subjectType: "PrivacyRequest",
        subjectId: created.id,
        details: { kind, jurisdiction, source: "SELF_SERVICE", verified: created.verifiedAt !== null },
      },
      now,
    );
    if (kind === "RESTRICTION") await setRestriction(tx, requester, now, account.id, created.id, true);
    return created;
  });
  services.logger.info({ accountId: account.id, privacyRequestId: request.id, kind }, "privacy request received");
  return request;
}

/**
 * Withdraws the requester's own request while nobody has started on it. A
 * request of another account is "not found", exactly like one that does not exist.
 * Withdrawing a restriction request lifts the restriction it set.
 */
export async function withdrawPrivacyRequest(
  services: Services,
  requester: AccountActor,
  requestId: string,
): Promise<PrivacyRequest> {
  if (!isUuid(requestId)) throw new NotFoundError("The privacy request");
  const now = services.now();
  const request = await services.db.$transaction(async (tx) => {
    const withdrawn = await tx.privacyRequest.updateMany({
      where: { id: requestId, accountId: requester.accountId, status: "RECEIVED" },
      data: { status: "WITHDRAWN", completedAt: now, resolution: "Withdrawn by the account holder." },
    });
    const request = await tx.privacyRequest.findFirst({ where: { id: requestId, accountId: requester.accountId } });
    if (!request) throw new NotFoundError("The privacy request");
    if (withdrawn.count === 0) throw new PrivacyRequestNotWithdrawableError(request.status);
    await appendAuditEntry(
      tx,
      requester,
      {
        action: "privacy_request.withdrawn",
        subjectType: "PrivacyRequest",
        subjectId: request.id,
        details: { kind: request.kind },
      },
      now,
    );
    if (request.kind === "RESTRICTION") await setRestriction(tx, requester, now, requester.accountId, request.id, false);
    return request;
  });
  services.logger.info({ accountId: requester.accountId, privacyRequestId: request.id }, "privacy request withdrawn");
  return request;
}

/**
 * P17: sets or lifts the account's restriction flag, which processing respects
 * (new orders are refused while it is set), and audits the change if there was one.
 */
async function setRestriction(
  tx: Prisma.TransactionClient,
  actor: Actor,
  at: Date,
  accountId: string,
  privacyRequestId: string,
  restricted: boolean,
): Promise<void> {
  const changed = await tx.account.updateMany({
    where: { id: accountId, restrictedAt: restricted ? null : { not: null } },
    data: { restrictedAt: restricted ? at : null },
  });
  if (changed.count === 0) return;
  await appendAuditEntry(
    tx,
    actor,
    {
      action: restricted ? "account.restricted" : "account.restriction_lifted",
      subjectType: "Account",
      subjectId: accountId,
      details: { privacyRequestId },
    },
    at,
  );
}

/** The account's own requests, newest first. `query` carries the caller's selection and paging. */
export function findOwnPrivacyRequests(
  services: Services,
  accountId: string,
  query: Omit<Prisma.PrivacyRequestFindManyArgs, "where" | "orderBy">,
): Promise<PrivacyRequest[]> {
  return services.db.privacyRequest.findMany({
    ...query,
    where: { accountId },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
  });
}

/** One of the account's own requests, or null: another account's request is never returned. */
export function findOwnPrivacyRequest(
  services: Services,
  accountId: string,
  requestId: string,
  query: Omit<Prisma.PrivacyRequestFindFirstArgs, "where"> = {},
): Promise<PrivacyRequest | null> {
  if (!isUuid(requestId)) return Promise.resolve(null);
  return services.db.privacyRequest.findFirst({ ...query, where: { id: requestId, accountId } });
}
