/**
 * What staff do with a request besides moving it along the state machine:
 * read the queue (P18: a minor's data first, then the earliest clock), assign
 * it, extend its legal deadline once with a reasoned notice, refuse it with a
 * message to the person. Each checks the role table first.
 */
import type { Jurisdiction, Prisma, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { dueSoonHours, extendedDueAt, extensionRefusal } from "./deadlines.ts";
import { ExtensionNotAllowedError } from "./errors.ts";
import { extensionNoticeEmail, rejectionEmail } from "./request-emails.ts";
import {
  applyTransition,
  auditPrivacyRequest,
  authorizeStep,
  lockRequest,
  openStatuses,
  publishQueueChange,
} from "./request-states.ts";

const hourMs = 60 * 60_000;

/** Why a request is refused: a code for the records; the person gets the staff member's own words. */
export const rejectionReasonCodes = [
  "identity_not_confirmed",
  "manifestly_unfounded",
  "excessive",
  "legal_obligation",
  "no_data_held",
  "other",
] as const;
export type RejectionReasonCode = (typeof rejectionReasonCodes)[number];

export interface QueueFilter {
  status?: PrivacyRequestStatus | null;
  kind?: PrivacyRequestKind | null;
  jurisdiction?: Jurisdiction | null;
  assigneeId?: string | null;
  /** "overdue": past its clock; "dueSoon": within its due-soon window, not yet past. */
  clock?: "OVERDUE" | "DUE_SOON" | null;
}

/** The queue's order: a minor's data first (P22), then the earliest clock, then the oldest. */
export const queueOrder: Prisma.PrivacyRequestOrderByWithRelationInput[] = [
  { priority: "asc" },
  { dueAt: "asc" },
  { receivedAt: "asc" },
  { id: "asc" },
];

export function queueWhere(filter: QueueFilter, now: Date): Prisma.PrivacyRequestWhereInput {
  const dueSoonBy = (priority: keyof typeof dueSoonHours) => new Date(now.getTime() + dueSoonHours[priority] * hourMs);
  const clock: Prisma.PrivacyRequestWhereInput =
    filter.clock === "OVERDUE"
      ? { dueAt: { lte: now } }
      : filter.clock === "DUE_SOON"
        ? {
            dueAt: { gt: now },
            OR: [
              { priority: "MINOR_DATA", dueAt: { lte: dueSoonBy("MINOR_DATA") } },
              { priority: "PRIVACY_REQUEST", dueAt: { lte: dueSoonBy("PRIVACY_REQUEST") } },
            ],
          }
        : {};
  return {
    status: filter.status ? filter.status : { in: [...openStatuses] },
    ...(filter.kind ? { kind: filter.kind } : {}),
    ...(filter.jurisdiction ? { jurisdiction: filter.jurisdiction } : {}),
    ...(filter.assigneeId
      ? { assigneeId: isUuid(filter.assigneeId) ? filter.assigneeId : "00000000-0000-0000-0000-000000000000" }
      : {}),
    ...clock,
  };
}

/** The staff queue; `query` carries the caller's selection and paging. */
export function findRequestQueue(
  services: Services,
  actor: Actor,
  filter: QueueFilter,
  query: Omit<Prisma.PrivacyRequestFindManyArgs, "where" | "orderBy">,
): Promise<PrivacyRequest[]> {
  authorize(actor, "requests.read");
  return services.db.privacyRequest.findMany({ ...query, where: queueWhere(filter, services.now()), orderBy: queueOrder });
}

/** One request, for its page. */
export function findRequestForStaff(
  services: Services,
  actor: Actor,
  requestId: string,
  query: Omit<Prisma.PrivacyRequestFindUniqueArgs, "where"> = {},
): Promise<PrivacyRequest | null> {
  authorize(actor, "requests.read");
  if (!isUuid(requestId)) return Promise.resolve(null);
  return services.db.privacyRequest.findUnique({ ...query, where: { id: requestId } });
}

/** Gives the request to a staff member who may handle requests (or to nobody, with null). */
export async function assignRequest(
  services: Services,
  actor: Actor,
  requestId: string,
  assigneeId: string | null,
): Promise<PrivacyRequest> {
  authorize(actor, "requests.handle");
  const now = services.now();
  const request = await services.db.$transaction(async (tx) => {
    const current = await lockRequest(tx, requestId);
    if (assigneeId !== null) {
      const assignee = isUuid(assigneeId)
        ? await tx.staffUser.findUnique({ where: { id: assigneeId }, select: { role: true, disabledAt: true } })
        : null;
      if (!assignee || assignee.disabledAt || assignee.role === "ADMIN") throw new NotFoundError("The staff member");
    }
    const updated = await tx.privacyRequest.update({ where: { id: current.id }, data: { assigneeId } });
    await auditPrivacyRequest(tx, actor, "privacy_request.assigned", current.id, now, { assigneeId });
    return updated;
  });
  publishQueueChange(services, request.id);
  return request;
}

/**
 * Extends the legal deadline once (GDPR and UK GDPR: by two months; CCPA: by
 * 45 days), only while the first period runs, and only with the reason sent
 * to the person in the same transaction.
 */
export async function extendRequest(
  services: Services,
  actor: Actor,
  requestId: string,
  input: { reason: string },
): Promise<PrivacyRequest> {
  authorize(actor, "requests.handle");
  const reason = input.reason.trim();
  if (reason.length < 10 || reason.length > 2000) {
    throw new ValidationError([{ field: "reason", message: "must say why, in 10 to 2000 characters: the person receives it" }]);
  }
  const now = services.now();
  const request = await services.db.$transaction(async (tx) => {
    const current = await lockRequest(tx, requestId);
    authorizeStep(actor, current, "EXTENDED");
    const refusal = extensionRefusal(current, now);
    if (refusal) throw new ExtensionNotAllowedError(refusal);
    const legalDueAt = extendedDueAt(current.jurisdiction, current.receivedAt);
    const extended = await applyTransition(services, tx, actor, current, "EXTENDED", {
      reasonCode: "deadline_extended",
      note: reason,
      // The queue now works to the extended legal deadline; its reminders start again.
      data: {
        extendedAt: now,
        extensionReason: reason,
        legalDueAt,
        dueAt: legalDueAt,
        dueSoonNotifiedAt: null,
        overdueNotifiedAt: null,
      },
      audit: { fields: ["legalDueAt", "dueAt", "extensionReason"], noticeSent: true },
    });
    await notifyPerson(services, tx, extended, extensionNoticeEmail(extended, reason));
    return extended;
  });
  publishQueueChange(services, request.id);
  return request;
}

/** Refuses the request, telling the person why in the staff member's words. */
export async function rejectRequest(
  services: Services,
  actor: Actor,
  requestId: string,
  input: { reasonCode: string; message: string },
): Promise<PrivacyRequest> {
  authorize(actor, "requests.handle");
  const issues: Array<{ field: string; message: string }> = [];
  if (!(rejectionReasonCodes as readonly string[]).includes(input.reasonCode)) {
    issues.push({ field: "reasonCode", message: `must be one of ${rejectionReasonCodes.join(", ")}` });
  }
  const message = input.message.trim();
  if (message.length < 10 || message.length > 2000) {
    issues.push({ field: "message", message: "must tell the person why, in 10 to 2000 characters" });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  const request = await services.db.$transaction(async (tx) => {
    const current = await lockRequest(tx, requestId);
    authorizeStep(actor, current, "REJECTED");
    const rejected = await applyTransition(services, tx, actor, current, "REJECTED", {
      reasonCode: input.reasonCode,
      note: message,
      data: { rejectionReasonCode: input.reasonCode, resolution: message },
      audit: { noticeSent: true },
    });
    await notifyPerson(services, tx, rejected, rejectionEmail(rejected, message));
    return rejected;
  });
  publishQueueChange(services, request.id);
  return request;
}

/** Emails the person the request is from: the account holder, or whoever reported it. */
async function notifyPerson(
  services: Services,
  tx: Prisma.TransactionClient,
  request: PrivacyRequest,
  content: { template: string; subject: string; body: string },
) {
  const account = request.accountId
    ? await tx.account.findUnique({ where: { id: request.accountId }, select: { id: true, email: true } })
    : null;
  const to = request.source === "REPORT" ? request.reporterContact : (account?.email ?? null);
  if (!to) return;
  await enqueueEmail(tx, { accountId: request.source === "REPORT" ? null : (account?.id ?? null), to, ...content }, services);
}
