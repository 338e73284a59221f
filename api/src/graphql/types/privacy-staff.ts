/**
 * The staff side of privacy requests (/admin/graphql only): the queue, a
 * request's page with its timeline, and the steps staff take. Every type and
 * field here is in the staff sub-graph alone and carries the permission it
 * needs; the domain checks the role table again for each step.
 */
import type { PrivacyRequest, PrivacyRequestStatus } from "@smsape/db";
import { filter, pipe } from "graphql-yoga";
import type { Actor } from "../../domain/actors.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { slaStatus } from "../../domain/privacy/deadlines.ts";
import {
  ExtensionNotAllowedError,
  IdentityNotConfirmedError,
  PrivacyRequestTransitionError,
} from "../../domain/privacy/errors.ts";
import { confirmIdentity, identityMethods } from "../../domain/privacy/identity.ts";
import {
  assignRequest,
  extendRequest,
  findRequestForStaff,
  findRequestQueue,
  rejectionReasonCodes,
  rejectRequest,
} from "../../domain/privacy/request-handling.ts";
import { stepsFrom, transitionRequest } from "../../domain/privacy/request-states.ts";
import { countRequestsByDay, maxStatsDays, type RequestDayCount, type RequestStats } from "../../domain/privacy/request-stats.ts";
import { authorize, can } from "../../domain/staff/permissions.ts";
import { staffSessionStanding } from "../../domain/staff/staff-auth.ts";
import type { LiveEvents } from "../../platform/pubsub.ts";
import type { Services } from "../../services/index.ts";
import { builder } from "../builder.ts";
import type { Viewer } from "../context.ts";
import { notAuthorized, signedInStaff } from "../viewer.ts";
import { ErrorInterface, registerErrorType } from "./errors.ts";
import { JurisdictionEnum, PrivacyRequestKindEnum, PrivacyRequestSourceEnum, PrivacyRequestStatusEnum } from "./privacy.ts";

/** The staff member a staff field acts for; scope-auth has already let only staff through. */
export function staffActor(viewer: Viewer): Actor {
  if (viewer.kind !== "staff") throw notAuthorized();
  return viewer;
}

registerErrorType(PrivacyRequestTransitionError, "PrivacyRequestTransitionError", ["staff"]);
registerErrorType(IdentityNotConfirmedError, "IdentityNotConfirmedError", ["staff"]);
builder.objectType(ExtensionNotAllowedError, {
  name: "ExtensionNotAllowedError",
  subGraphs: ["staff"],
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ExtensionNotAllowedError,
  fields: (t) => ({ reason: t.exposeString("reason", { description: "ALREADY_EXTENDED or WINDOW_CLOSED." }) }),
});

const SlaStatusEnum = builder.enumType("SlaStatus", {
  subGraphs: ["staff"],
  values: {
    ON_TRACK: { description: "More than its due-soon window left." },
    DUE_SOON: { description: "Within a third of its service time of its clock (8 hours for a minor's data, else 24)." },
    OVERDUE: { description: "Past its clock." },
  } as const,
});

const IdentityMethodEnum = builder.enumType("IdentityMethod", {
  subGraphs: ["staff"],
  values: identityMethods,
});

const PriorityEnum = builder.enumType("PrivacyRequestPriority", {
  subGraphs: ["staff"],
  values: { MINOR_DATA: { description: "A minor's data: first in the queue (P22)." }, PRIVACY_REQUEST: {} } as const,
});

const QueueClockEnum = builder.enumType("QueueClockFilter", {
  subGraphs: ["staff"],
  values: ["OVERDUE", "DUE_SOON"] as const,
});

builder.prismaObject("PrivacyRequestTransition", {
  subGraphs: ["staff"],
  description: "One step on a request's timeline.",
  fields: (t) => ({
    id: t.exposeID("id"),
    fromStatus: t.expose("fromStatus", { type: PrivacyRequestStatusEnum, nullable: true }),
    toStatus: t.expose("toStatus", { type: PrivacyRequestStatusEnum }),
    actorType: t.exposeString("actorType"),
    actorId: t.exposeString("actorId", { nullable: true }),
    reasonCode: t.exposeString("reasonCode"),
    note: t.exposeString("note", { nullable: true }),
    at: t.expose("at", { type: "DateTime" }),
  }),
});

export const StaffPrivacyRequest = builder.prismaObject("PrivacyRequest", {
  variant: "StaffPrivacyRequest",
  subGraphs: ["staff"],
  description: "A privacy request as staff see it: its clocks, identity state, assignee and timeline.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: PrivacyRequestKindEnum }),
    status: t.expose("status", { type: PrivacyRequestStatusEnum }),
    source: t.expose("source", { type: PrivacyRequestSourceEnum }),
    jurisdiction: t.expose("jurisdiction", { type: JurisdictionEnum }),
    priority: t.expose("priority", { type: PriorityEnum }),
    concernsMinor: t.exposeBoolean("concernsMinor"),
    expeditedErasure: t.exposeBoolean("expeditedErasure", {
      description: "A minor's data: the erasure skips the standard waiting steps (P22).",
    }),
    accountId: t.exposeID("accountId", { nullable: true }),
    details: t.exposeString("details", { nullable: true }),
    reporterContact: t.exposeString("reporterContact", { nullable: true }),
    concernedEmail: t.exposeString("concernedEmail", { nullable: true }),
    identityConfirmed: t.boolean({ resolve: (request) => request.verifiedAt !== null }),
    verifiedAt: t.expose("verifiedAt", { type: "DateTime", nullable: true }),
    identityMethod: t.expose("identityMethod", { type: IdentityMethodEnum, nullable: true }),
    identityNote: t.exposeString("identityNote", { nullable: true }),
    assignee: t.relation("assignee", { nullable: true }),
    receivedAt: t.expose("receivedAt", { type: "DateTime" }),
    acknowledgedAt: t.expose("acknowledgedAt", { type: "DateTime", nullable: true }),
    acknowledgeDueAt: t.expose("acknowledgeDueAt", { type: "DateTime", nullable: true }),
    slaDueAt: t.expose("slaDueAt", { type: "DateTime" }),
    legalDueAt: t.expose("legalDueAt", { type: "DateTime" }),
    dueAt: t.expose("dueAt", { type: "DateTime", description: "The clock the queue works to." }),
    slaStatus: t.field({
      type: SlaStatusEnum,
      nullable: true,
      description: "Null once the request is closed.",
      resolve: (request, _args, context) => slaStatus(request, context.services.now()),
    }),
    extended: t.boolean({ resolve: (request) => request.extendedAt !== null }),
    extendedAt: t.expose("extendedAt", { type: "DateTime", nullable: true }),
    extensionReason: t.exposeString("extensionReason", { nullable: true }),
    dueSoonNotifiedAt: t.expose("dueSoonNotifiedAt", { type: "DateTime", nullable: true }),
    overdueNotifiedAt: t.expose("overdueNotifiedAt", { type: "DateTime", nullable: true }),
    rejectionReasonCode: t.exposeString("rejectionReasonCode", { nullable: true }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true }),
    resolution: t.exposeString("resolution", { nullable: true }),
    supportTicketId: t.id({
      nullable: true,
      select: { supportTicket: { select: { id: true } } },
      resolve: (request) => request.supportTicket?.id ?? null,
    }),
    timeline: t.relation("transitions", { query: { orderBy: [{ at: "asc" }, { id: "asc" }] } }),
    nextSteps: t.field({
      type: [PrivacyRequestStatusEnum],
      description: "The states the signed-in staff member may move it to now.",
      resolve: (request, _args, context) => nextSteps(request, context.viewer),
    }),
  }),
});

function nextSteps(request: PrivacyRequest, viewer: Viewer): PrivacyRequestStatus[] {
  if (viewer.kind !== "staff") return [];
  return stepsFrom(request).flatMap(([to, step]) => (step.by !== "requester" && can(viewer, step.by) ? [to] : []));
}

builder.queryField("privacyRequestQueue", (t) =>
  t.prismaConnection({
    type: StaffPrivacyRequest,
    cursor: "id",
    subGraphs: ["staff"],
    description:
      "Open privacy requests (or those in `status`): a minor's data first, then the earliest clock (P18, P22). Filters combine.",
    authScopes: { staffCan: "requests.read" },
    args: {
      status: t.arg({ type: PrivacyRequestStatusEnum, required: false }),
      kind: t.arg({ type: PrivacyRequestKindEnum, required: false }),
      jurisdiction: t.arg({ type: JurisdictionEnum, required: false }),
      assigneeId: t.arg.id({ required: false }),
      clock: t.arg({ type: QueueClockEnum, required: false }),
    },
    resolve: (query, _root, args, context) =>
      findRequestQueue(
        context.services,
        staffActor(context.viewer),
        {
          status: args.status ?? null,
          kind: args.kind ?? null,
          jurisdiction: args.jurisdiction ?? null,
          assigneeId: args.assigneeId ? String(args.assigneeId) : null,
          clock: args.clock ?? null,
        },
        query,
      ),
  }),
);

builder.queryField("staffPrivacyRequest", (t) =>
  t.prismaField({
    type: StaffPrivacyRequest,
    nullable: true,
    subGraphs: ["staff"],
    description: "One privacy request with its timeline; null when there is none with this id.",
    authScopes: { staffCan: "requests.read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, context) =>
      findRequestForStaff(context.services, staffActor(context.viewer), String(id), query),
  }),
);

builder.queryField("assignableStaff", (t) =>
  t.prismaField({
    type: ["StaffUser"],
    subGraphs: ["staff"],
    description: "Staff members a request can be assigned to.",
    authScopes: { staffCan: "requests.handle" },
    resolve: (query, _root, _args, context) =>
      context.services.db.staffUser.findMany({
        ...query,
        where: { role: { in: ["SUPPORT", "COMPLIANCE"] }, disabledAt: null },
        orderBy: { displayName: "asc" },
      }),
  }),
);

const RequestPayload = builder.objectRef<{ privacyRequest: PrivacyRequest }>("StaffPrivacyRequestPayload").implement({
  subGraphs: ["staff"],
  fields: (t) => ({ privacyRequest: t.field({ type: StaffPrivacyRequest, resolve: (payload) => payload.privacyRequest }) }),
});

const stepErrors = [ValidationError, NotFoundError, PrivacyRequestTransitionError, IdentityNotConfirmedError];

/** Declares one staff step on a request: its input, its errors and the domain function it calls. */
function stepMutation<Input extends { id: string | number }>(
  name: string,
  description: string,
  input: ReturnType<typeof builder.inputType>,
  extraErrors: Array<new (...args: any[]) => Error>,
  run: (context: { services: Services; viewer: Viewer }, input: Input) => Promise<PrivacyRequest>,
) {
  const resultName = `${name[0]!.toUpperCase()}${name.slice(1)}Result`;
  builder.mutationField(name, (t) =>
    t.field({
      type: RequestPayload,
      subGraphs: ["staff"],
      description,
      authScopes: { staffCan: "requests.handle" },
      args: { input: t.arg({ type: input, required: true }) },
      errors: { types: [...stepErrors, ...extraErrors], directResult: true, union: { name: resultName, subGraphs: ["staff"] } },
      resolve: async (_root, args, context) => ({ privacyRequest: await run(context, args.input as unknown as Input) }),
    }),
  );
}

stepMutation<{ id: string; to: PrivacyRequestStatus; reasonCode: string; note?: string | null }>(
  "transitionPrivacyRequest",
  "Moves a request to another state (start, send for approval, approve, send back, complete). Approvals need COMPLIANCE.",
  builder.inputType("TransitionPrivacyRequestInput", {
    subGraphs: ["staff"],
    fields: (t) => ({
      id: t.id({ required: true }),
      to: t.field({ type: PrivacyRequestStatusEnum, required: true }),
      reasonCode: t.string({ required: true, description: "A short code in lower case, like started or approved." }),
      note: t.string({
        required: false,
        description: "Kept on the timeline, erasable with the request; never in the audit log.",
      }),
    }),
  }),
  [],
  (context, input) =>
    transitionRequest(context.services, staffActor(context.viewer), String(input.id), input.to, {
      reasonCode: input.reasonCode,
      note: input.note ?? null,
    }),
);

stepMutation<{ id: string; assigneeId?: string | null }>(
  "assignPrivacyRequest",
  "Gives the request to a staff member, or to nobody.",
  builder.inputType("AssignPrivacyRequestInput", {
    subGraphs: ["staff"],
    fields: (t) => ({ id: t.id({ required: true }), assigneeId: t.id({ required: false }) }),
  }),
  [],
  (context, input) =>
    assignRequest(
      context.services,
      staffActor(context.viewer),
      String(input.id),
      input.assigneeId ? String(input.assigneeId) : null,
    ),
);

stepMutation<{ id: string; method: (typeof identityMethods)[number]; note?: string | null }>(
  "confirmPrivacyRequestIdentity",
  "Records how the requester was confirmed as the account holder; the request can then go ahead.",
  builder.inputType("ConfirmPrivacyRequestIdentityInput", {
    subGraphs: ["staff"],
    fields: (t) => ({
      id: t.id({ required: true }),
      method: t.field({ type: IdentityMethodEnum, required: true }),
      note: t.string({ required: false, description: "How you checked (required for OTHER)." }),
    }),
  }),
  [],
  (context, input) =>
    confirmIdentity(context.services, staffActor(context.viewer), String(input.id), {
      method: input.method,
      note: input.note ?? null,
    }),
);

stepMutation<{ id: string; reason: string }>(
  "extendPrivacyRequest",
  "Extends the legal deadline once (GDPR: two months; CCPA: 45 days), inside the first period, and sends the person the reason.",
  builder.inputType("ExtendPrivacyRequestInput", {
    subGraphs: ["staff"],
    fields: (t) => ({
      id: t.id({ required: true }),
      reason: t.string({ required: true, description: "Why more time is needed; the person receives it." }),
    }),
  }),
  [ExtensionNotAllowedError],
  (context, input) => extendRequest(context.services, staffActor(context.viewer), String(input.id), { reason: input.reason }),
);

stepMutation<{ id: string; reasonCode: string; message: string }>(
  "rejectPrivacyRequest",
  `Refuses the request and emails the person the message. Reason codes: ${rejectionReasonCodes.join(", ")}.`,
  builder.inputType("RejectPrivacyRequestInput", {
    subGraphs: ["staff"],
    fields: (t) => ({
      id: t.id({ required: true }),
      reasonCode: t.string({ required: true }),
      message: t.string({ required: true, description: "What the person is told." }),
    }),
  }),
  [],
  (context, input) =>
    rejectRequest(context.services, staffActor(context.viewer), String(input.id), {
      reasonCode: input.reasonCode,
      message: input.message,
    }),
);

builder.subscriptionField("privacyQueueChanged", (t) =>
  t.prismaField({
    type: StaffPrivacyRequest,
    nullable: true,
    subGraphs: ["staff"],
    authScopes: { staffCan: "requests.read" },
    description:
      "Each request of the queue as it changes (filed, moved, assigned, due soon, overdue), for the console to refresh.",
    subscribe: (_root, _args, context) => {
      // Checked when subscribing, as for every staff step, and again for each event below.
      const actor = staffActor(context.viewer);
      authorize(actor, "requests.read");
      const session = signedInStaff(context.viewer);
      return pipe(
        context.services.events.subscribe("privacyQueueChanged", "queue"),
        filter(async () => {
          if (!(await staffSessionStanding(context.services, session)).stands) {
            context.connection?.credentialEnded();
            return false;
          }
          return true;
        }),
      );
    },
    resolve: (query, payload: LiveEvents["privacyQueueChanged"][1], _args, context) =>
      findRequestForStaff(context.services, staffActor(context.viewer), payload.privacyRequestId, query),
  }),
);

const RequestDayCountType = builder.objectRef<RequestDayCount>("PrivacyRequestDayCount").implement({
  subGraphs: ["staff"],
  description: "How many requests of one kind, now in one state, were received on one UTC day.",
  fields: (t) => ({
    day: t.exposeString("day", { description: "The UTC day, YYYY-MM-DD." }),
    kind: t.field({ type: PrivacyRequestKindEnum, resolve: (row) => row.kind }),
    status: t.field({
      type: PrivacyRequestStatusEnum,
      description: "Where these requests stand now.",
      resolve: (row) => row.status,
    }),
    count: t.exposeInt("count"),
  }),
});

const RequestStatsType = builder.objectRef<RequestStats>("PrivacyRequestStats").implement({
  subGraphs: ["staff"],
  description: "Requests received per day, by right and by current state, for the dashboard's charts.",
  fields: (t) => ({
    since: t.field({ type: "DateTime", description: "Midnight UTC of the first day counted.", resolve: (stats) => stats.since }),
    days: t.exposeInt("days", { description: "Days counted, today the last." }),
    counts: t.field({
      type: [RequestDayCountType],
      description: "One row per day, kind and state that has requests; days without requests have none.",
      resolve: (stats) => stats.counts,
    }),
  }),
});

builder.queryField("privacyRequestStats", (t) =>
  t.field({
    type: RequestStatsType,
    subGraphs: ["staff"],
    authScopes: { staffCan: "requests.read" },
    description: `Requests received in the last \`days\` UTC days (1 to ${maxStatsDays}, today included), counted by day, right and state.`,
    args: { days: t.arg.int({ required: true }) },
    errors: { types: [ValidationError], union: { name: "PrivacyRequestStatsResult", subGraphs: ["staff"] } },
    resolve: (_root, { days }, context) => countRequestsByDay(context.services, staffActor(context.viewer), days),
  }),
);
