/**
 * Carrying out the rights (P14-P17): staff mutations over the domain's rights
 * functions (domain/privacy/access-export, correction, erasure, restriction),
 * and the holder's own email change. Who may do what is decided in the
 * domain and in each field's `staffCan` scope, never here.
 */
import type { ErasurePlan, PrivacyCorrection, ProcessingObjection } from "@smsape/db";
import { InvalidTokenError, SessionRequiredError, WrongPasswordError } from "../../domain/accounts/errors.ts";
import type { StaffActor } from "../../domain/actors.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { isUuid } from "../../domain/ids.ts";
import { prepareAccessExport } from "../../domain/privacy/access-export.ts";
import {
  applyCorrection,
  confirmEmailChange,
  correctionsOf,
  FieldNotCorrectableError,
  requestEmailChange,
} from "../../domain/privacy/correction.ts";
import {
  approveErasure,
  ErasurePlanStateError,
  type ErasureStep,
  planErasure,
  runErasure,
  SecondPersonRequiredError,
} from "../../domain/privacy/erasure.ts";
import { RequestNotFulfillableError } from "../../domain/privacy/fulfilment.ts";
import type { ErasureScan, ScanHit } from "../../domain/privacy/post-erasure-scan.ts";
import {
  applyRestriction,
  liftRestriction,
  processingPathNames,
  processingPaths,
  recordObjection,
} from "../../domain/privacy/restriction.ts";
import { authorize } from "../../domain/staff/permissions.ts";
import { builder } from "../builder.ts";
import type { Viewer } from "../context.ts";
import { notAuthorized, signedInAccount } from "../viewer.ts";
import { registerErrorType } from "./errors.ts";

const staff = ["staff"] as const satisfies Array<"customer" | "staff">;
const customer = ["customer"] as const satisfies Array<"customer" | "staff">;

registerErrorType(RequestNotFulfillableError, "RequestNotFulfillableError", [...staff]);
registerErrorType(FieldNotCorrectableError, "FieldNotCorrectableError", [...staff]);
registerErrorType(ErasurePlanStateError, "ErasurePlanStateError", [...staff]);
registerErrorType(SecondPersonRequiredError, "SecondPersonRequiredError", [...staff]);

/** The staff member a staff field acts for; the field's scope has already admitted only staff. */
function staffOf(viewer: Viewer): StaffActor {
  if (viewer.kind !== "staff") throw notAuthorized();
  return viewer;
}

// ---------------------------------------------------------------- types

const AccessExportPrepared = builder.objectRef<{ exportId: string; expiresAt: Date }>("AccessExportPrepared").implement({
  subGraphs: [...staff],
  description: "A copy of the person's data, emailed to them as a single-use link; staff never see it.",
  fields: (t) => ({
    exportId: t.exposeID("exportId"),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
  }),
});

const PrivacyCorrectionType = builder.objectRef<PrivacyCorrection>("PrivacyCorrection").implement({
  subGraphs: [...staff],
  description: "A correction applied for a request, with the value before and after (kept with the request, P15).",
  fields: (t) => ({
    id: t.exposeID("id"),
    requestId: t.exposeID("requestId"),
    field: t.string({ resolve: (correction) => `${correction.model}.${correction.field}` }),
    beforeValue: t.exposeString("beforeValue", { nullable: true }),
    afterValue: t.exposeString("afterValue", { nullable: true }),
    appliedBy: t.exposeID("appliedBy"),
    appliedAt: t.expose("appliedAt", { type: "DateTime" }),
  }),
});

const ErasureStepType = builder.objectRef<ErasureStep>("ErasureStep").implement({
  subGraphs: [...staff],
  description: "What erasing the account does to one model's rows (P16).",
  fields: (t) => ({
    model: t.exposeString("model"),
    action: t.exposeString("action", { description: "delete, anonymise or keep" }),
    rows: t.exposeInt("rows"),
    anonymise: t.exposeStringList("anonymise"),
    kept: t.exposeStringList("kept"),
    keptUnder: t.exposeString("keptUnder", { nullable: true }),
    keptUntil: t.exposeString("keptUntil", { nullable: true }),
    why: t.exposeString("why"),
  }),
});

const ScanHitType = builder.objectRef<ScanHit>("ErasureScanHit").implement({
  subGraphs: [...staff],
  fields: (t) => ({
    kind: t.exposeString("kind", { description: "email, phone or text" }),
    column: t.exposeString("column"),
    rows: t.exposeInt("rows"),
    explanation: t.exposeString("explanation", { nullable: true, description: "Why it is expected; null flags it." }),
  }),
});

type Kept = { model: string; fields: string[]; under: string | null; until: string | null; why: string };
const KeptType = builder.objectRef<Kept>("ErasureKept").implement({
  subGraphs: [...staff],
  fields: (t) => ({
    model: t.exposeString("model"),
    fields: t.exposeStringList("fields"),
    under: t.exposeString("under", { nullable: true }),
    until: t.exposeString("until", { nullable: true }),
    why: t.exposeString("why"),
  }),
});

const ScanType = builder.objectRef<ErasureScan & { kept?: Kept[] }>("ErasureScan").implement({
  subGraphs: [...staff],
  description: "The search of every table, the job queue and the outbox after an erasure ran (P16).",
  fields: (t) => ({
    scannedAt: t.exposeString("scannedAt"),
    tables: t.exposeInt("tables"),
    columns: t.exposeInt("columns"),
    clean: t.exposeBoolean("clean"),
    hits: t.field({ type: [ScanHitType], resolve: (scan) => scan.hits }),
    kept: t.field({ type: [KeptType], resolve: (scan) => scan.kept ?? [] }),
  }),
});

type Recipient = { recipient: string; received: string };
const RecipientType = builder.objectRef<Recipient>("DataRecipient").implement({
  subGraphs: [...staff],
  description: "Who received the person's data and is told of the erasure (GDPR Art. 19).",
  fields: (t) => ({ recipient: t.exposeString("recipient"), received: t.exposeString("received") }),
});

const ErasurePlanType = builder.objectRef<ErasurePlan>("ErasurePlan").implement({
  subGraphs: [...staff],
  description: "What erasing an account does, per model; approved by a second compliance reviewer, then run (P16).",
  fields: (t) => ({
    id: t.exposeID("id"),
    requestId: t.exposeID("requestId"),
    status: t.exposeString("status", { description: "PREPARED, APPROVED or COMPLETED" }),
    steps: t.field({ type: [ErasureStepType], resolve: (plan) => plan.steps as unknown as ErasureStep[] }),
    preparedBy: t.exposeID("preparedBy"),
    preparedAt: t.expose("preparedAt", { type: "DateTime" }),
    approvedBy: t.exposeID("approvedBy", { nullable: true }),
    approvedAt: t.expose("approvedAt", { type: "DateTime", nullable: true }),
    ranAt: t.expose("ranAt", { type: "DateTime", nullable: true }),
    recipients: t.field({
      type: [RecipientType],
      resolve: (plan) => (plan.recipients as unknown as Recipient[] | null) ?? [],
    }),
    scan: t.field({ type: ScanType, nullable: true, resolve: (plan) => plan.scan as unknown as ErasureScan | null }),
  }),
});

const RestrictionState = builder.objectRef<{ restricted: boolean }>("RestrictionState").implement({
  subGraphs: [...staff],
  fields: (t) => ({ restricted: t.exposeBoolean("restricted") }),
});

const ProcessingObjectionType = builder.objectRef<ProcessingObjection>("ProcessingObjection").implement({
  subGraphs: [...staff],
  fields: (t) => ({
    id: t.exposeID("id"),
    path: t.exposeString("path"),
    recordedAt: t.expose("recordedAt", { type: "DateTime" }),
  }),
});

const ProcessingPathType = builder.objectRef<{ path: string; description: string }>("ProcessingPath").implement({
  subGraphs: [...staff],
  description: "A way the service processes an account's data beyond storing it; a restriction or objection stops it (P17).",
  fields: (t) => ({ path: t.exposeString("path"), description: t.exposeString("description") }),
});

// ---------------------------------------------------------------- staff queries

builder.queryFields((t) => ({
  erasurePlans: t.field({
    type: [ErasurePlanType],
    subGraphs: [...staff],
    authScopes: { staffCan: "requests.read" },
    description: "The erasure plans prepared for a request, newest first.",
    args: { requestId: t.arg.id({ required: true }) },
    resolve: (_root, { requestId }, { services, viewer }) => {
      authorize(staffOf(viewer), "requests.read");
      if (!isUuid(String(requestId))) return [];
      return services.db.erasurePlan.findMany({ where: { requestId: String(requestId) }, orderBy: { preparedAt: "desc" } });
    },
  }),
  privacyCorrections: t.field({
    type: [PrivacyCorrectionType],
    subGraphs: [...staff],
    authScopes: { staffCan: "requests.read" },
    description: "The corrections applied for a request, with before and after.",
    args: { requestId: t.arg.id({ required: true }) },
    resolve: (_root, { requestId }, { services, viewer }) => correctionsOf(services, staffOf(viewer), String(requestId)),
  }),
  processingPaths: t.field({
    type: [ProcessingPathType],
    subGraphs: [...staff],
    authScopes: { staffCan: "requests.read" },
    description: "Every processing path a restriction or an objection stops (P17).",
    resolve: () => processingPathNames.map((path) => ({ path, description: processingPaths[path] })),
  }),
}));

// ---------------------------------------------------------------- staff mutations

const requestErrors = [NotFoundError, RequestNotFulfillableError];

builder.mutationField("prepareAccessExport", (t) =>
  t.field({
    type: AccessExportPrepared,
    subGraphs: [...staff],
    authScopes: { staffCan: "access.export" },
    description: "P14: prepares the copy of the person's data and emails them a single-use link.",
    args: { requestId: t.arg.id({ required: true }) },
    errors: { types: requestErrors, directResult: true, union: { name: "PrepareAccessExportResult", subGraphs: [...staff] } },
    resolve: (_root, { requestId }, { services, viewer }) => prepareAccessExport(services, staffOf(viewer), String(requestId)),
  }),
);

const ApplyCorrectionInput = builder.inputType("ApplyCorrectionInput", {
  subGraphs: [...staff],
  fields: (t) => ({
    requestId: t.id({ required: true }),
    field: t.string({
      required: true,
      description: "Model.field, one the inventory marks correctable: Account.jurisdiction, ApiKey.name.",
    }),
    value: t.string({ required: true }),
    recordId: t.id({ description: "The record to correct, for models other than Account." }),
  }),
});

builder.mutationField("applyCorrection", (t) =>
  t.field({
    type: PrivacyCorrectionType,
    subGraphs: [...staff],
    authScopes: { staffCan: "corrections.apply" },
    description: "P15: corrects one field for a correction request; before and after stay with the request.",
    args: { input: t.arg({ type: ApplyCorrectionInput, required: true }) },
    errors: {
      types: [...requestErrors, FieldNotCorrectableError, ValidationError],
      directResult: true,
      union: { name: "ApplyCorrectionResult", subGraphs: [...staff] },
    },
    resolve: (_root, { input }, { services, viewer }) =>
      applyCorrection(services, staffOf(viewer), String(input.requestId), {
        field: input.field,
        value: input.value,
        recordId: input.recordId ? String(input.recordId) : null,
      }),
  }),
);

builder.mutationField("planErasure", (t) =>
  t.field({
    type: ErasurePlanType,
    subGraphs: [...staff],
    authScopes: { staffCan: "erasure.prepare" },
    description: "P16: computes, per model, what erasing the request's account does; nothing runs before approval.",
    args: { requestId: t.arg.id({ required: true }) },
    errors: { types: requestErrors, directResult: true, union: { name: "PlanErasureResult", subGraphs: [...staff] } },
    resolve: (_root, { requestId }, { services, viewer }) => planErasure(services, staffOf(viewer), String(requestId)),
  }),
);

const planErrors = [NotFoundError, RequestNotFulfillableError, ErasurePlanStateError];

builder.mutationField("approveErasure", (t) =>
  t.field({
    type: ErasurePlanType,
    subGraphs: [...staff],
    authScopes: { staffCan: "erasure.approve" },
    description: "P16: approves a plan; only a compliance reviewer other than its preparer may.",
    args: { planId: t.arg.id({ required: true }) },
    errors: {
      types: [...planErrors, SecondPersonRequiredError],
      directResult: true,
      union: { name: "ApproveErasureResult", subGraphs: [...staff] },
    },
    resolve: (_root, { planId }, { services, viewer }) => approveErasure(services, staffOf(viewer), String(planId)),
  }),
);

builder.mutationField("runErasure", (t) =>
  t.field({
    type: ErasurePlanType,
    subGraphs: [...staff],
    authScopes: { staffCan: "erasure.approve" },
    description: "P16, P9: runs an approved plan in one transaction and returns it with its scan.",
    args: { planId: t.arg.id({ required: true }) },
    errors: { types: planErrors, directResult: true, union: { name: "RunErasureResult", subGraphs: [...staff] } },
    resolve: (_root, { planId }, { services, viewer }) => runErasure(services, staffOf(viewer), String(planId)),
  }),
);

builder.mutationField("applyRestriction", (t) =>
  t.field({
    type: RestrictionState,
    subGraphs: [...staff],
    authScopes: { staffCan: "restriction.apply" },
    description: "P17: restricts the request's account: its data is only stored while the request is reviewed.",
    args: { requestId: t.arg.id({ required: true }) },
    errors: { types: requestErrors, directResult: true, union: { name: "ApplyRestrictionResult", subGraphs: [...staff] } },
    resolve: async (_root, { requestId }, { services, viewer }) => {
      await applyRestriction(services, staffOf(viewer), String(requestId));
      return { restricted: true };
    },
  }),
);

builder.mutationField("liftRestriction", (t) =>
  t.field({
    type: RestrictionState,
    subGraphs: [...staff],
    authScopes: { staffCan: "restriction.lift" },
    description: "P17: lifts the restriction, telling the person first. Compliance reviewers only.",
    args: { requestId: t.arg.id({ required: true }) },
    errors: { types: requestErrors, directResult: true, union: { name: "LiftRestrictionResult", subGraphs: [...staff] } },
    resolve: async (_root, { requestId }, { services, viewer }) => {
      await liftRestriction(services, staffOf(viewer), String(requestId));
      return { restricted: false };
    },
  }),
);

builder.mutationField("recordObjection", (t) =>
  t.field({
    type: ProcessingObjectionType,
    subGraphs: [...staff],
    authScopes: { staffCan: "restriction.apply" },
    description: "P17: records the person's objection to one processing path (see processingPaths), which stops it.",
    args: { requestId: t.arg.id({ required: true }), path: t.arg.string({ required: true }) },
    errors: {
      types: [...requestErrors, ValidationError],
      directResult: true,
      union: { name: "RecordObjectionResult", subGraphs: [...staff] },
    },
    resolve: (_root, { requestId, path }, { services, viewer }) =>
      recordObjection(services, staffOf(viewer), String(requestId), path),
  }),
);

// ---------------------------------------------------------------- the holder's email change (P15)

const ChangeEmailInput = builder.inputType("ChangeEmailInput", {
  subGraphs: [...customer],
  fields: (t) => ({
    newEmail: t.string({ required: true }),
    currentPassword: t.string({ required: true }),
  }),
});

const ChangeEmailPayload = builder.objectRef<{ expiresAt: Date }>("ChangeEmailPayload").implement({
  subGraphs: [...customer],
  description: "A link to confirm the new address was sent to it; the address changes only when it is used.",
  fields: (t) => ({ confirmBy: t.expose("expiresAt", { type: "DateTime" }) }),
});

builder.mutationField("changeEmail", (t) =>
  t.field({
    type: ChangeEmailPayload,
    subGraphs: [...customer],
    authScopes: { account: true },
    description: "P15: asks to change the account's email address; the new address confirms it, the old one is told.",
    args: { input: t.arg({ type: ChangeEmailInput, required: true }) },
    errors: {
      types: [ValidationError, WrongPasswordError, SessionRequiredError],
      directResult: true,
      union: { name: "ChangeEmailResult", subGraphs: [...customer] },
    },
    resolve: (_root, { input }, { services, viewer }) => {
      const holder = signedInAccount(viewer);
      if (!holder.sessionId) throw new SessionRequiredError();
      return requestEmailChange(services, holder, input);
    },
  }),
);

const ConfirmEmailChangeInput = builder.inputType("ConfirmEmailChangeInput", {
  subGraphs: [...customer],
  fields: (t) => ({ token: t.string({ required: true }) }),
});

const ConfirmEmailChangePayload = builder.objectRef<{ changed: true }>("ConfirmEmailChangePayload").implement({
  subGraphs: [...customer],
  fields: (t) => ({ changed: t.exposeBoolean("changed") }),
});

builder.mutationField("confirmEmailChange", (t) =>
  t.field({
    type: ConfirmEmailChangePayload,
    subGraphs: [...customer],
    description: "P15: applies an email change with the token sent to the new address.",
    args: { input: t.arg({ type: ConfirmEmailChangeInput, required: true }) },
    errors: {
      types: [InvalidTokenError],
      directResult: true,
      union: { name: "ConfirmEmailChangeResult", subGraphs: [...customer] },
    },
    resolve: async (_root, { input }, { services }) => {
      await confirmEmailChange(services, input.token);
      return { changed: true as const };
    },
  }),
);
