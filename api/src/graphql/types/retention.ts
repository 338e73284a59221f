/**
 * Retention on the staff API (P8): the policies with their periods, a dry run
 * of any policy (with its current or a proposed period), purge runs with
 * their reports, and legal holds. COMPLIANCE only; who may do what and what is
 * audited is decided in domain/retention/.
 */
import type { LegalHold, PurgeRun, RetentionPolicy } from "@smsape/db";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { findLegalHold, isHoldActive, liftLegalHold, listLegalHolds, placeLegalHold } from "../../domain/retention/holds.ts";
import { findRetentionPolicy, listRetentionPolicies, updateRetentionPeriod } from "../../domain/retention/policies.ts";
import { type DryRun, dryRunRetention, findPurgeRun, listPurgeRuns, startPurgeNow } from "../../domain/retention/purges.ts";
import { builder } from "../builder.ts";
import { signedInStaff } from "../viewer.ts";

const staff = ["staff"] as Array<"staff">;

const RetentionEventEnum = builder.enumType("RetentionEvent", {
  subGraphs: staff,
  description: "The event a retention period counts from.",
  values: {
    SMS_RECEIVED: { description: "The SMS arrived." },
    ACTIVATION_ENDED: { description: "The activation finished, was cancelled or timed out." },
    SESSION_ENDED: { description: "The session expired or was revoked." },
    TOKEN_ENDED: { description: "The token was used or expired." },
    EMAIL_DELIVERED: { description: "The email was delivered (or given up on)." },
    REQUEST_COMPLETED: { description: "The privacy request was closed." },
    ACCOUNT_ERASED: { description: "The account was erased." },
    RECORD_CREATED: { description: "The record was written." },
  } as const,
});

const RetentionActionEnum = builder.enumType("RetentionAction", {
  subGraphs: staff,
  values: {
    DELETE: { description: "The records are deleted." },
    ANONYMISE: { description: "The records stay; their personal values are cleared." },
  } as const,
});

const PurgeRunStatusEnum = builder.enumType("PurgeRunStatus", { subGraphs: staff, values: ["RUNNING", "COMPLETED"] as const });
const PurgeRunTriggerEnum = builder.enumType("PurgeRunTrigger", {
  subGraphs: staff,
  values: {
    SCHEDULE: { description: "Started by the schedule." },
    STAFF: { description: "Started by a staff member." },
  } as const,
});
const LegalHoldScopeEnum = builder.enumType("LegalHoldScope", {
  subGraphs: staff,
  values: {
    ACCOUNT: { description: "Everything of one account." },
    CATEGORY: { description: "Every record a retention policy governs." },
  } as const,
});

const PurgeRunType = builder.objectRef<PurgeRun>("PurgeRun").implement({
  subGraphs: staff,
  description: "One run of a policy's purge, and its report.",
  fields: (t) => ({
    id: t.exposeID("id"),
    policyKey: t.exposeString("policyKey"),
    trigger: t.expose("trigger", { type: PurgeRunTriggerEnum }),
    startedById: t.exposeID("startedById", { nullable: true }),
    status: t.expose("status", { type: PurgeRunStatusEnum }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true }),
    cutoff: t.expose("cutoff", { type: "DateTime", description: "Records whose clock started before this were due." }),
    batches: t.exposeInt("batches"),
    examined: t.exposeInt("examinedCount", { description: "Due records the run looked at." }),
    deleted: t.exposeInt("deletedCount"),
    anonymised: t.exposeInt("anonymisedCount"),
    heldBack: t.exposeInt("heldBackCount", { description: "Due records a legal hold kept." }),
    busyMs: t.exposeInt("busyMs", { description: "Milliseconds spent in the run's batches." }),
  }),
});

const RetentionPolicyType = builder.objectRef<RetentionPolicy>("RetentionPolicy").implement({
  subGraphs: staff,
  description: "How long one category of data is kept, and what its purge then does (P8).",
  fields: (t) => ({
    id: t.exposeID("key", { description: "The category's key, e.g. sms.body." }),
    key: t.exposeString("key"),
    description: t.exposeString("description"),
    retentionSecs: t.exposeInt("retentionSecs"),
    countedFrom: t.expose("countedFrom", { type: RetentionEventEnum }),
    action: t.expose("action", { type: RetentionActionEnum }),
    legalBasis: t.exposeString("legalBasis"),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    updatedById: t.exposeID("updatedById", { nullable: true }),
    lastRun: t.field({
      type: PurgeRunType,
      nullable: true,
      resolve: async (policy, _args, { services }) =>
        services.db.purgeRun.findFirst({ where: { policyKey: policy.key }, orderBy: [{ startedAt: "desc" }, { id: "desc" }] }),
    }),
  }),
});

const RetentionDryRunType = builder.objectRef<DryRun>("RetentionDryRun").implement({
  subGraphs: staff,
  description: "What a purge would do now; nothing was changed.",
  fields: (t) => ({
    policyKey: t.exposeString("policyKey"),
    retentionSecs: t.exposeInt("retentionSecs", { description: "The period the dry run used." }),
    cutoff: t.expose("cutoff", { type: "DateTime" }),
    due: t.exposeInt("due", { description: "Records past the period (held ones included)." }),
    heldBack: t.exposeInt("heldBack", { description: "Of those, the ones a legal hold keeps." }),
    oldest: t.expose("oldest", { type: "DateTime", nullable: true, description: "When the oldest due record's clock started." }),
  }),
});

const LegalHoldType = builder.objectRef<LegalHold>("LegalHold").implement({
  subGraphs: staff,
  description: "Keeps an account's data, or a category, past retention and erasure until lifted or its end date.",
  fields: (t) => ({
    id: t.exposeID("id"),
    scope: t.expose("scope", { type: LegalHoldScopeEnum }),
    accountId: t.exposeID("accountId", { nullable: true }),
    policyKey: t.exposeString("policyKey", { nullable: true }),
    reasonCode: t.exposeString("reasonCode"),
    placedById: t.exposeID("placedById"),
    placedAt: t.expose("placedAt", { type: "DateTime" }),
    until: t.expose("until", { type: "DateTime", nullable: true }),
    liftedAt: t.expose("liftedAt", { type: "DateTime", nullable: true }),
    liftedById: t.exposeID("liftedById", { nullable: true }),
    liftReason: t.exposeString("liftReason", { nullable: true }),
    active: t.boolean({ resolve: (hold, _args, { services }) => isHoldActive(hold, services.now()) }),
  }),
});

const PlaceLegalHoldInput = builder.inputType("PlaceLegalHoldInput", {
  subGraphs: staff,
  fields: (t) => ({
    scope: t.field({ type: LegalHoldScopeEnum, required: true }),
    accountId: t.id({ required: false, description: "For an ACCOUNT hold." }),
    policyKey: t.string({ required: false, description: "For a CATEGORY hold: a retention policy's key." }),
    reasonCode: t.string({ required: true, description: "Why, as a code: litigation, authority_inquiry." }),
    until: t.field({
      type: "DateTime",
      required: false,
      description: "When the hold ends by itself; none to hold until lifted.",
    }),
  }),
});

const readScope = { staffCan: "retention.read" } as const;
const manageScope = { staffCan: "retention.manage" } as const;

builder.queryFields((t) => ({
  retentionPolicies: t.field({
    type: [RetentionPolicyType],
    subGraphs: staff,
    authScopes: readScope,
    resolve: (_root, _args, { services, viewer }) => listRetentionPolicies(services, signedInStaff(viewer)),
  }),
  retentionPolicy: t.field({
    type: RetentionPolicyType,
    subGraphs: staff,
    authScopes: readScope,
    args: { key: t.arg.string({ required: true }) },
    errors: { types: [NotFoundError], union: { name: "RetentionPolicyResult", subGraphs: staff } },
    resolve: (_root, { key }, { services, viewer }) => findRetentionPolicy(services, signedInStaff(viewer), key),
  }),
  retentionDryRun: t.field({
    type: RetentionDryRunType,
    subGraphs: staff,
    authScopes: readScope,
    description: "What the policy's purge would do now, or with a proposed period; changes nothing.",
    args: {
      key: t.arg.string({ required: true }),
      retentionSecs: t.arg.int({ required: false, description: "A proposed period, to see a change's impact first." }),
    },
    errors: { types: [NotFoundError], union: { name: "RetentionDryRunResult", subGraphs: staff } },
    resolve: (_root, { key, retentionSecs }, { services, viewer }) =>
      dryRunRetention(services, signedInStaff(viewer), key, { retentionSecs: retentionSecs ?? undefined }),
  }),
  purgeRuns: t.field({
    type: [PurgeRunType],
    subGraphs: staff,
    authScopes: readScope,
    description: "Purge runs, newest first.",
    args: { policyKey: t.arg.string({ required: false }), first: t.arg.int({ required: false }) },
    resolve: (_root, { policyKey, first }, { services, viewer }) =>
      listPurgeRuns(services, signedInStaff(viewer), { policyKey, take: first ?? undefined }),
  }),
  purgeRun: t.field({
    type: PurgeRunType,
    subGraphs: staff,
    authScopes: readScope,
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], union: { name: "PurgeRunResult", subGraphs: staff } },
    resolve: (_root, { id }, { services, viewer }) => findPurgeRun(services, signedInStaff(viewer), String(id)),
  }),
  legalHolds: t.field({
    type: [LegalHoldType],
    subGraphs: staff,
    authScopes: readScope,
    description: "Legal holds, newest first.",
    args: { active: t.arg.boolean({ required: false }), accountId: t.arg.id({ required: false }) },
    resolve: (_root, { active, accountId }, { services, viewer }) =>
      listLegalHolds(services, signedInStaff(viewer), { active, accountId: accountId ? String(accountId) : null }),
  }),
  legalHold: t.field({
    type: LegalHoldType,
    subGraphs: staff,
    authScopes: readScope,
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], union: { name: "LegalHoldResult", subGraphs: staff } },
    resolve: (_root, { id }, { services, viewer }) => findLegalHold(services, signedInStaff(viewer), String(id)),
  }),
}));

builder.mutationFields((t) => ({
  updateRetentionPeriod: t.field({
    type: RetentionPolicyType,
    subGraphs: staff,
    authScopes: manageScope,
    description: "Changes how long a category is kept; audited with the old and new periods and the reason.",
    args: {
      key: t.arg.string({ required: true }),
      retentionSecs: t.arg.int({ required: true }),
      reasonCode: t.arg.string({ required: true }),
    },
    errors: { types: [NotFoundError, ValidationError], union: { name: "UpdateRetentionPeriodResult", subGraphs: staff } },
    resolve: (_root, { key, retentionSecs, reasonCode }, { services, viewer }) =>
      updateRetentionPeriod(services, signedInStaff(viewer), key, { retentionSecs, reasonCode }),
  }),
  startPurge: t.field({
    type: PurgeRunType,
    subGraphs: staff,
    authScopes: manageScope,
    description: "Starts a run of the policy's purge now; it runs in the background and its report fills in as it goes.",
    args: { key: t.arg.string({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], union: { name: "StartPurgeResult", subGraphs: staff } },
    resolve: (_root, { key }, { services, viewer }) => startPurgeNow(services, signedInStaff(viewer), key),
  }),
  placeLegalHold: t.field({
    type: LegalHoldType,
    subGraphs: staff,
    authScopes: manageScope,
    args: { input: t.arg({ type: PlaceLegalHoldInput, required: true }) },
    errors: { types: [NotFoundError, ValidationError], union: { name: "PlaceLegalHoldResult", subGraphs: staff } },
    resolve: (_root, { input }, { services, viewer }) =>
      placeLegalHold(services, signedInStaff(viewer), { ...input, accountId: input.accountId ? String(input.accountId) : null }),
  }),
  liftLegalHold: t.field({
    type: LegalHoldType,
    subGraphs: staff,
    authScopes: manageScope,
    args: { id: t.arg.id({ required: true }), reasonCode: t.arg.string({ required: true }) },
    errors: {
      types: [NotFoundError, ValidationError, ConflictError],
      union: { name: "LiftLegalHoldResult", subGraphs: staff },
    },
    resolve: (_root, { id, reasonCode }, { services, viewer }) =>
      liftLegalHold(services, signedInStaff(viewer), String(id), { reasonCode }),
  }),
}));
