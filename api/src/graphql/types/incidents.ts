/**
 * The breach register (P21) on the staff API: incidents with their 72-hour
 * authority clock, the two decisions, closing, and notifying the people an
 * incident concerns. COMPLIANCE only; who may do what, what is audited and
 * what is refused is decided in domain/incidents/.
 */
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { AuthorityClock } from "../../domain/incidents/clock.ts";
import {
  IncidentClosedError,
  IncidentDecisionMissingError,
  PeopleNotificationNotDecidedError,
} from "../../domain/incidents/errors.ts";
import {
  breachDataCategories,
  closeIncident,
  findIncident,
  type IncidentView,
  listIncidents,
  openIncident,
  recordAuthorityDecision,
  recordPeopleDecision,
  updateIncident,
} from "../../domain/incidents/incidents.ts";
import {
  type incidentAudienceKinds,
  type NotificationRun,
  notifyIncidentAudience,
  previewIncidentAudience,
} from "../../domain/incidents/notifications.ts";
import { builder } from "../builder.ts";
import { signedInStaff } from "../viewer.ts";
import { registerErrorType } from "./errors.ts";

const staff = ["staff"] as Array<"staff">;

registerErrorType(IncidentClosedError, "IncidentClosedError", staff);
registerErrorType(IncidentDecisionMissingError, "IncidentDecisionMissingError", staff);
registerErrorType(PeopleNotificationNotDecidedError, "PeopleNotificationNotDecidedError", staff);

const IncidentStatusEnum = builder.enumType("IncidentStatus", {
  subGraphs: staff,
  values: {
    OPEN: { description: "Being investigated." },
    CONTAINED: { description: "The breach is stopped; its consequences are still being handled." },
    CLOSED: { description: "Both decisions are on record; the incident no longer changes." },
  } as const,
});

const IncidentDecisionEnum = builder.enumType("IncidentDecision", {
  subGraphs: staff,
  values: ["NOTIFY", "NOT_REQUIRED"] as const,
});

const BreachDataCategoryEnum = builder.enumType("BreachDataCategory", {
  subGraphs: staff,
  description: "A kind of personal data an incident reached.",
  values: breachDataCategories,
});

const AuthorityClockStatusEnum = builder.enumType("AuthorityClockStatus", {
  subGraphs: staff,
  values: {
    ON_TRACK: { description: "More than 12 hours left to notify the authority." },
    DUE_SOON: { description: "Less than 12 hours left." },
    OVERDUE: { description: "72 hours have passed since we became aware, and no decision stopped the clock." },
    NOTIFIED: { description: "The authority was notified." },
    NOT_REQUIRED: { description: "Notifying the authority was decided not to be required, with a reason." },
  } as const,
});

const IncidentAudienceKindEnum = builder.enumType("IncidentAudienceKind", {
  subGraphs: staff,
  values: {
    ACTIVATIONS_CREATED: { description: "Accounts that ordered a number in the window." },
    SMS_RECEIVED: { description: "Accounts an SMS arrived for in the window." },
  } as const satisfies Record<(typeof incidentAudienceKinds)[number], unknown>,
});

const AuthorityClockType = builder.objectRef<AuthorityClock>("AuthorityClock").implement({
  subGraphs: staff,
  description: "The supervisory authority is notified within 72 hours of becoming aware of a breach (GDPR Art. 33).",
  fields: (t) => ({
    deadline: t.expose("deadline", { type: "DateTime", description: "awareAt + 72 hours." }),
    status: t.expose("status", { type: AuthorityClockStatusEnum }),
    remainingSeconds: t.int({
      nullable: true,
      description: "Seconds left (negative once past the deadline); null once the clock has stopped.",
      resolve: (clock) => (clock.remainingMs === null ? null : Math.trunc(clock.remainingMs / 1000)),
    }),
  }),
});

const BreachIncidentType = builder.objectRef<IncidentView>("BreachIncident").implement({
  subGraphs: staff,
  description: "An incident of the breach register (P21). Never deleted; every change is audited.",
  fields: (t) => ({
    id: t.exposeID("id"),
    reference: t.exposeString("reference", { description: "INC-year-number." }),
    status: t.expose("status", { type: IncidentStatusEnum }),
    discoveredAt: t.expose("discoveredAt", { type: "DateTime" }),
    awareAt: t.expose("awareAt", { type: "DateTime", description: "When we became aware; the authority clock starts here." }),
    nature: t.exposeString("nature"),
    dataCategories: t.expose("dataCategories", { type: [BreachDataCategoryEnum] }),
    approxPeople: t.exposeInt("approxPeople", { nullable: true }),
    approxRecords: t.exposeInt("approxRecords", { nullable: true }),
    likelyConsequences: t.exposeString("likelyConsequences", { nullable: true }),
    measures: t.exposeString("measures", { nullable: true }),
    authorityDecision: t.expose("authorityDecision", { type: IncidentDecisionEnum, nullable: true }),
    authorityDecisionReason: t.exposeString("authorityDecisionReason", { nullable: true }),
    authorityDecidedAt: t.expose("authorityDecidedAt", { type: "DateTime", nullable: true }),
    authorityNotifiedAt: t.expose("authorityNotifiedAt", { type: "DateTime", nullable: true }),
    peopleDecision: t.expose("peopleDecision", { type: IncidentDecisionEnum, nullable: true }),
    peopleDecisionReason: t.exposeString("peopleDecisionReason", { nullable: true }),
    peopleDecidedAt: t.expose("peopleDecidedAt", { type: "DateTime", nullable: true }),
    clock: t.expose("clock", { type: AuthorityClockType }),
    notificationsCount: t.exposeInt("notificationsCount", { description: "Accounts told about this incident." }),
    lastNotifiedAt: t.expose("lastNotifiedAt", { type: "DateTime", nullable: true }),
    createdById: t.exposeID("createdById", { description: "The staff member who opened it." }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const OpenIncidentInput = builder.inputType("OpenIncidentInput", {
  subGraphs: staff,
  fields: (t) => ({
    discoveredAt: t.field({ type: "DateTime", required: true }),
    awareAt: t.field({ type: "DateTime", required: true }),
    nature: t.string({ required: true, description: "What happened. No personal values: they stay out of the register." }),
    dataCategories: t.field({ type: [BreachDataCategoryEnum], required: true }),
    approxPeople: t.int({ required: false }),
    approxRecords: t.int({ required: false }),
    likelyConsequences: t.string({ required: false }),
    measures: t.string({ required: false }),
  }),
});

const UpdateIncidentInput = builder.inputType("UpdateIncidentInput", {
  subGraphs: staff,
  description: "The fields to change; those left out keep their value.",
  fields: (t) => ({
    discoveredAt: t.field({ type: "DateTime", required: false }),
    awareAt: t.field({ type: "DateTime", required: false }),
    nature: t.string({ required: false }),
    dataCategories: t.field({ type: [BreachDataCategoryEnum], required: false }),
    approxPeople: t.int({ required: false }),
    approxRecords: t.int({ required: false }),
    likelyConsequences: t.string({ required: false }),
    measures: t.string({ required: false }),
    status: t.field({ type: IncidentStatusEnum, required: false, description: "OPEN or CONTAINED; closing has its own step." }),
  }),
});

const AuthorityDecisionInput = builder.inputType("AuthorityDecisionInput", {
  subGraphs: staff,
  fields: (t) => ({
    decision: t.field({ type: IncidentDecisionEnum, required: true }),
    reason: t.string({ required: true }),
    notifiedAt: t.field({ type: "DateTime", required: false, description: "When the authority was notified, once it has been." }),
  }),
});

const PeopleDecisionInput = builder.inputType("PeopleDecisionInput", {
  subGraphs: staff,
  fields: (t) => ({
    decision: t.field({ type: IncidentDecisionEnum, required: true }),
    reason: t.string({ required: true }),
  }),
});

const IncidentAudienceInput = builder.inputType("IncidentAudienceInput", {
  subGraphs: staff,
  description: "Which accounts an incident concerns: the window is [from, to), optionally one country and one service.",
  fields: (t) => ({
    kind: t.field({ type: IncidentAudienceKindEnum, required: true }),
    from: t.field({ type: "DateTime", required: true }),
    to: t.field({ type: "DateTime", required: true }),
    countryCode: t.string({ required: false }),
    serviceCode: t.string({ required: false }),
  }),
});

const IncidentNoticeInput = builder.inputType("IncidentNoticeInput", {
  subGraphs: staff,
  fields: (t) => ({
    subject: t.string({ required: true, description: "One line, the same for everyone." }),
    body: t.string({ required: true, description: "The notice; the incident's reference is added below it." }),
  }),
});

const IncidentAudiencePreviewType = builder
  .objectRef<{ accounts: number; alreadyNotified: number }>("IncidentAudiencePreview")
  .implement({
    subGraphs: staff,
    description: "How many accounts a selection reaches; nothing personal.",
    fields: (t) => ({
      accounts: t.exposeInt("accounts"),
      alreadyNotified: t.exposeInt("alreadyNotified", { description: "Of those, already told about this incident." }),
    }),
  });

const IncidentNotificationRunType = builder.objectRef<NotificationRun>("IncidentNotificationRun").implement({
  subGraphs: staff,
  fields: (t) => ({
    notified: t.exposeInt("notified", { description: "Accounts sent a notice by this run." }),
    alreadyNotified: t.exposeInt("alreadyNotified", { description: "Accounts skipped: already told." }),
  }),
});

const readScope = { staffCan: "incidents.read" } as const;
const manageScope = { staffCan: "incidents.manage" } as const;

builder.queryFields((t) => ({
  incidents: t.field({
    type: [BreachIncidentType],
    subGraphs: staff,
    authScopes: readScope,
    description: "The breach register, newest first.",
    args: { status: t.arg({ type: IncidentStatusEnum, required: false }) },
    resolve: (_root, { status }, { services, viewer }) => listIncidents(services, signedInStaff(viewer), { status }),
  }),
  incident: t.field({
    type: BreachIncidentType,
    subGraphs: staff,
    authScopes: readScope,
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], union: { name: "IncidentResult", subGraphs: staff } },
    resolve: (_root, { id }, { services, viewer }) => findIncident(services, signedInStaff(viewer), String(id)),
  }),
  previewIncidentAudience: t.field({
    type: IncidentAudiencePreviewType,
    subGraphs: staff,
    authScopes: manageScope,
    description: "How many accounts a selection reaches, before notifying them.",
    args: {
      incidentId: t.arg.id({ required: true }),
      audience: t.arg({ type: IncidentAudienceInput, required: true }),
    },
    errors: {
      types: [NotFoundError, ValidationError],
      union: { name: "PreviewIncidentAudienceResult", subGraphs: staff },
    },
    resolve: (_root, { incidentId, audience }, { services, viewer }) =>
      previewIncidentAudience(services, signedInStaff(viewer), String(incidentId), audience),
  }),
}));

const incidentErrors = [NotFoundError, ValidationError, IncidentClosedError];

builder.mutationFields((t) => ({
  openIncident: t.field({
    type: BreachIncidentType,
    subGraphs: staff,
    authScopes: manageScope,
    description: "Registers a breach; the authority clock starts at awareAt.",
    args: { input: t.arg({ type: OpenIncidentInput, required: true }) },
    errors: { types: [ValidationError], union: { name: "OpenIncidentResult", subGraphs: staff } },
    resolve: (_root, { input }, { services, viewer }) => openIncident(services, signedInStaff(viewer), input),
  }),
  updateIncident: t.field({
    type: BreachIncidentType,
    subGraphs: staff,
    authScopes: manageScope,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateIncidentInput, required: true }) },
    errors: { types: incidentErrors, union: { name: "UpdateIncidentResult", subGraphs: staff } },
    resolve: (_root, { id, input }, { services, viewer }) =>
      updateIncident(services, signedInStaff(viewer), String(id), {
        discoveredAt: input.discoveredAt ?? undefined,
        awareAt: input.awareAt ?? undefined,
        nature: input.nature ?? undefined,
        dataCategories: input.dataCategories ?? undefined,
        approxPeople: input.approxPeople,
        approxRecords: input.approxRecords,
        likelyConsequences: input.likelyConsequences,
        measures: input.measures,
        status: (input.status ?? undefined) as "OPEN" | "CONTAINED" | undefined,
      }),
  }),
  recordAuthorityDecision: t.field({
    type: BreachIncidentType,
    subGraphs: staff,
    authScopes: manageScope,
    description: "Whether the supervisory authority is notified, why, and when it was.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: AuthorityDecisionInput, required: true }) },
    errors: { types: incidentErrors, union: { name: "RecordAuthorityDecisionResult", subGraphs: staff } },
    resolve: (_root, { id, input }, { services, viewer }) =>
      recordAuthorityDecision(services, signedInStaff(viewer), String(id), input),
  }),
  recordPeopleDecision: t.field({
    type: BreachIncidentType,
    subGraphs: staff,
    authScopes: manageScope,
    description: "Whether the people concerned are told, and why.",
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: PeopleDecisionInput, required: true }) },
    errors: { types: incidentErrors, union: { name: "RecordPeopleDecisionResult", subGraphs: staff } },
    resolve: (_root, { id, input }, { services, viewer }) =>
      recordPeopleDecision(services, signedInStaff(viewer), String(id), input),
  }),
  notifyIncidentAudience: t.field({
    type: IncidentNotificationRunType,
    subGraphs: staff,
    authScopes: manageScope,
    description: "Emails a notice to every selected account not yet told about this incident.",
    args: {
      incidentId: t.arg.id({ required: true }),
      audience: t.arg({ type: IncidentAudienceInput, required: true }),
      notice: t.arg({ type: IncidentNoticeInput, required: true }),
    },
    errors: {
      types: [...incidentErrors, PeopleNotificationNotDecidedError],
      union: { name: "NotifyIncidentAudienceResult", subGraphs: staff },
    },
    resolve: (_root, { incidentId, audience, notice }, { services, viewer }) =>
      notifyIncidentAudience(services, signedInStaff(viewer), String(incidentId), audience, notice),
  }),
  closeIncident: t.field({
    type: BreachIncidentType,
    subGraphs: staff,
    authScopes: manageScope,
    description: "Closes an incident once both decisions are on record.",
    args: { id: t.arg.id({ required: true }) },
    errors: {
      types: [NotFoundError, IncidentClosedError, IncidentDecisionMissingError],
      union: { name: "CloseIncidentResult", subGraphs: staff },
    },
    resolve: (_root, { id }, { services, viewer }) => closeIncident(services, signedInStaff(viewer), String(id)),
  }),
}));
