/**
 * The life of a privacy request, declared once. Each allowed step names who may
 * take it; every step is applied by `applyTransition`, which guards the
 * from-state in the UPDATE's WHERE (two staff members acting at once cannot
 * both move it), writes the timeline row and the audit entry in the same
 * transaction.
 *
 *   IDENTITY_PENDING ──confirm──▶ RECEIVED ──start──▶ IN_PROGRESS ──extend──▶ EXTENDED
 *          │                         │                  │    │                 │
 *          └──▶ REJECTED / WITHDRAWN ◀┘   AWAITING_APPROVAL ◀─┴─────────────────┘
 *                                           │  (approve) ──▶ COMPLETED
 *
 * The clock does not stop in any state: identity checks and extensions run
 * against the same dates.
 */
import type { Prisma, PrivacyRequest, PrivacyRequestKind, PrivacyRequestStatus } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { type Actor, auditActor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/events.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize, NotPermittedError, type StaffPermission } from "../staff/permissions.ts";
import { IdentityNotConfirmedError, PrivacyRequestTransitionError } from "./errors.ts";

/**
 * Who may take a step: a staff permission, or "requester" (the account the
 * request belongs to). `via` names the function that must take it when the
 * step needs more than a reason code (an identity method, a notice, a message).
 */
interface Step {
  by: StaffPermission | "requester";
  via?: "confirmIdentity" | "extendRequest" | "rejectRequest";
}

export const requestTransitions: Record<PrivacyRequestStatus, Partial<Record<PrivacyRequestStatus, Step>>> = {
  IDENTITY_PENDING: {
    RECEIVED: { by: "requests.handle", via: "confirmIdentity" },
    REJECTED: { by: "requests.handle", via: "rejectRequest" },
    WITHDRAWN: { by: "requester" },
  },
  RECEIVED: {
    IN_PROGRESS: { by: "requests.handle" },
    EXTENDED: { by: "requests.handle", via: "extendRequest" },
    REJECTED: { by: "requests.handle", via: "rejectRequest" },
    WITHDRAWN: { by: "requester" },
  },
  IN_PROGRESS: {
    EXTENDED: { by: "requests.handle", via: "extendRequest" },
    AWAITING_APPROVAL: { by: "requests.handle" },
    COMPLETED: { by: "requests.handle" },
    REJECTED: { by: "requests.handle", via: "rejectRequest" },
  },
  EXTENDED: {
    AWAITING_APPROVAL: { by: "requests.handle" },
    COMPLETED: { by: "requests.handle" },
    REJECTED: { by: "requests.handle", via: "rejectRequest" },
  },
  // A step prepared by one member waits for a second with the approval permission.
  AWAITING_APPROVAL: {
    IN_PROGRESS: { by: "erasure.approve" },
    COMPLETED: { by: "erasure.approve" },
    REJECTED: { by: "erasure.approve", via: "rejectRequest" },
  },
  COMPLETED: {},
  REJECTED: {},
  WITHDRAWN: {},
};

export const closedStatuses = ["COMPLETED", "REJECTED", "WITHDRAWN"] as const satisfies readonly PrivacyRequestStatus[];
export const openStatuses = [
  "IDENTITY_PENDING",
  "RECEIVED",
  "IN_PROGRESS",
  "EXTENDED",
  "AWAITING_APPROVAL",
] as const satisfies readonly PrivacyRequestStatus[];

/** States whose work discloses, changes or erases data: only for a confirmed requester. */
const needsConfirmedIdentity = new Set<PrivacyRequestStatus>(["IN_PROGRESS", "EXTENDED", "AWAITING_APPROVAL", "COMPLETED"]);

/** Reason codes are short machine words (`identity_confirmed`), never personal text. */
const reasonCodePattern = /^[a-z][a-z0-9_]{1,63}$/;

/**
 * Kinds whose completion cannot be undone: they are completed only by the
 * approval of a second staff member (from AWAITING_APPROVAL), never directly.
 */
const completedOnlyByApproval = new Set<PrivacyRequestKind>(["DELETION"]);

/** The step from `from` to `to` for a request of `kind`, or null when there is none. */
export function stepFor(from: PrivacyRequestStatus, to: PrivacyRequestStatus, kind?: PrivacyRequestKind): Step | null {
  if (to === "COMPLETED" && kind && completedOnlyByApproval.has(kind) && from !== "AWAITING_APPROVAL") return null;
  return requestTransitions[from][to] ?? null;
}

/** The steps out of the request's state, for its kind. */
export function stepsFrom(request: Pick<PrivacyRequest, "status" | "kind">): Array<[PrivacyRequestStatus, Step]> {
  return (Object.keys(requestTransitions[request.status]) as PrivacyRequestStatus[]).flatMap((to) => {
    const step = stepFor(request.status, to, request.kind);
    return step ? [[to, step] as [PrivacyRequestStatus, Step]] : [];
  });
}

/** Whether `actor` may take the step on `request`; throws the error that says why not. */
export function authorizeStep(
  actor: Actor,
  request: Pick<PrivacyRequest, "accountId" | "status" | "kind">,
  to: PrivacyRequestStatus,
) {
  const step = stepFor(request.status, to, request.kind);
  if (!step) throw new PrivacyRequestTransitionError(request.status, to);
  if (step.by === "requester") {
    if (actor.kind !== "account") throw new NotPermittedError();
    if (actor.accountId !== request.accountId) throw new NotFoundError("The privacy request");
    return step;
  }
  authorize(actor, step.by);
  return step;
}

export interface TransitionDetails {
  reasonCode: string;
  /** Free text staff typed: kept on the timeline row (erasable with the request), never in the audit chain. */
  note?: string | null;
  /** Other columns the step sets with the state. */
  data?: Prisma.PrivacyRequestUpdateManyMutationInput;
  /** Ids and field names for the audit entry. */
  audit?: Record<string, string | number | boolean | null | string[]>;
}

/**
 * Moves `request` to `to` inside `tx`: the UPDATE only matches while the
 * request is still in the state it was read in (and, for a step that works on
 * data, while its requester is confirmed). Writes the timeline row and the
 * audit entry. The caller has authorised the step.
 */
export async function applyTransition(
  services: Pick<Services, "now">,
  tx: Prisma.TransactionClient,
  actor: Actor,
  request: PrivacyRequest,
  to: PrivacyRequestStatus,
  details: TransitionDetails,
): Promise<PrivacyRequest> {
  if (!stepFor(request.status, to, request.kind)) throw new PrivacyRequestTransitionError(request.status, to);
  if (!reasonCodePattern.test(details.reasonCode)) {
    throw new ValidationError([{ field: "reasonCode", message: "must be a short code in lower case, like identity_confirmed" }]);
  }
  const gated = needsConfirmedIdentity.has(to);
  if (gated && !request.verifiedAt) throw new IdentityNotConfirmedError();
  const now = services.now();
  const closes = (closedStatuses as readonly string[]).includes(to);
  const { count } = await tx.privacyRequest.updateMany({
    where: { id: request.id, status: request.status, ...(gated ? { verifiedAt: { not: null } } : {}) },
    data: { ...details.data, status: to, ...(closes ? { completedAt: now } : {}) },
  });
  if (count !== 1) {
    const current = await tx.privacyRequest.findUnique({ where: { id: request.id }, select: { status: true } });
    throw new PrivacyRequestTransitionError(current?.status ?? request.status, to);
  }
  const who = auditActor(actor);
  await tx.privacyRequestTransition.create({
    data: {
      requestId: request.id,
      fromStatus: request.status,
      toStatus: to,
      ...who,
      reasonCode: details.reasonCode,
      note: details.note ?? null,
      at: now,
    },
  });
  await auditPrivacyRequest(tx, actor, `privacy_request.${to.toLowerCase() as Lowercase<typeof to>}`, request.id, now, {
    from: request.status,
    reasonCode: details.reasonCode,
    ...details.audit,
  });
  return tx.privacyRequest.findUniqueOrThrow({ where: { id: request.id } });
}

/** The timeline row of a request's first state, written when it is filed. */
export async function recordFiling(tx: Prisma.TransactionClient, actor: Actor, request: PrivacyRequest, reasonCode: string) {
  await tx.privacyRequestTransition.create({
    data: {
      requestId: request.id,
      fromStatus: null,
      toStatus: request.status,
      ...auditActor(actor),
      reasonCode,
      at: request.receivedAt,
    },
  });
}

/** Every audit entry about a privacy request goes through here: ids, codes and field names only. */
export function auditPrivacyRequest(
  tx: Prisma.TransactionClient,
  actor: Actor,
  action: PrivacyRequestEvent["action"],
  requestId: string,
  at: Date,
  details: Record<string, string | number | boolean | null | string[]> = {},
) {
  return appendAuditEntry(
    tx,
    actor,
    { action, subjectType: "PrivacyRequest", subjectId: requestId, details } as PrivacyRequestEvent,
    at,
  );
}

type PrivacyRequestEvent = Extract<AuditEvent, { subjectType: "PrivacyRequest"; action: `privacy_request.${string}` }>;

/** Loads a request for a step, locking it for the transaction; unknown ids are "not found". */
export async function lockRequest(tx: Prisma.TransactionClient, requestId: string): Promise<PrivacyRequest> {
  if (!isUuid(requestId)) throw new NotFoundError("The privacy request");
  const [row] = await tx.$queryRaw<
    Array<{ id: string }>
  >`SELECT id FROM "PrivacyRequest" WHERE id = ${requestId}::uuid FOR UPDATE`;
  if (!row) throw new NotFoundError("The privacy request");
  return tx.privacyRequest.findUniqueOrThrow({ where: { id: requestId } });
}

/**
 * Takes a step that needs only a reason code (start, send for approval,
 * approve, send back, complete). Steps with their own function (`via`)
 * are refused here and named in the error.
 */
export async function transitionRequest(
  services: Services,
  actor: Actor,
  requestId: string,
  to: PrivacyRequestStatus,
  options: { reasonCode: string; note?: string | null },
): Promise<PrivacyRequest> {
  const request = await services.db.$transaction(async (tx) => {
    const current = await lockRequest(tx, requestId);
    const step = authorizeStep(actor, current, to);
    if (step.via) {
      throw new PrivacyRequestTransitionError(current.status, to, `Use ${step.via} for this step: it needs more than a reason.`);
    }
    // A deletion is done when the person's data is erased, not when someone says so (P16).
    if (to === "COMPLETED" && current.kind === "DELETION") {
      const erased = await tx.erasurePlan.count({ where: { requestId: current.id, status: "COMPLETED" } });
      if (erased === 0) {
        throw new PrivacyRequestTransitionError(
          current.status,
          to,
          "Run the approved erasure plan first: a deletion request is completed once the person's data is erased.",
        );
      }
    }
    return applyTransition(services, tx, actor, current, to, options);
  });
  publishQueueChange(services, request.id);
  return request;
}

/** The console's queue listens to this topic to refresh. */
export function publishQueueChange(services: Pick<Services, "events">, privacyRequestId: string) {
  services.events.publish("privacyQueueChanged", "queue", { privacyRequestId });
}
