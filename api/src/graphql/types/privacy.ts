/**
 * Self-service privacy rights (P14-P17, P23) on the customer API.
 *
 * One mutation per right, named as the policy names it, so that each says in
 * the schema what it needs: a correction and an objection carry `details`, a
 * deletion the current password. All return `PrivacyRequestPayload` in their
 * own result union. `privacyRequests` lists the viewer's own requests.
 */
import type { Jurisdiction, PrivacyRequest, PrivacyRequestKind } from "@smsape/db";
import { InvalidTokenError, WrongPasswordError } from "../../domain/accounts/errors.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { PrivacyRequestAlreadyOpenError, PrivacyRequestNotWithdrawableError } from "../../domain/privacy/errors.ts";
import { confirmIdentityByLink } from "../../domain/privacy/identity.ts";
import {
  createPrivacyRequest,
  findOwnPrivacyRequest,
  findOwnPrivacyRequests,
  type PrivacyConcernReceipt,
  reportPrivacyConcern,
  withdrawPrivacyRequest,
} from "../../domain/privacy/requests.ts";
import { builder } from "../builder.ts";
import { signedInAccount } from "../viewer.ts";
import { ErrorInterface } from "./errors.ts";

export const JurisdictionEnum = builder.enumType("Jurisdiction", {
  description: "The privacy law whose rights and deadlines apply (P23). OTHER gets the stricter GDPR deadlines.",
  values: ["GDPR", "UK_GDPR", "CCPA", "OTHER"] as const,
});

export const PrivacyRequestKindEnum = builder.enumType("PrivacyRequestKind", {
  values: {
    ACCESS: { description: "A copy of my personal data (P14)." },
    CORRECTION: { description: "Correct personal data that is wrong (P15)." },
    DELETION: { description: "Delete my personal data, except what the law requires us to keep (P16)." },
    RESTRICTION: { description: "Restrict processing while a request is reviewed (P17)." },
    OBJECTION: { description: "Object to a kind of processing (P17)." },
  } as const,
});

export const PrivacyRequestStatusEnum = builder.enumType("PrivacyRequestStatus", {
  values: {
    IDENTITY_PENDING: {
      description: "Waiting for the account holder to confirm it is theirs; nothing is disclosed or erased before.",
    },
    RECEIVED: { description: "Received from the confirmed holder; not started yet." },
    IN_PROGRESS: { description: "Being handled." },
    EXTENDED: { description: "Being handled; the deadline was extended once, with a notice saying why." },
    AWAITING_APPROVAL: { description: "Prepared, waiting for a second reviewer's approval." },
    COMPLETED: { description: "Carried out." },
    REJECTED: { description: "Refused; `resolution` says why." },
    WITHDRAWN: { description: "Withdrawn by the account holder." },
  } as const,
});

export const PrivacyRequestSourceEnum = builder.enumType("PrivacyRequestSource", {
  values: {
    SELF_SERVICE: { description: "Made by the account holder through the API." },
    SUPPORT: { description: "Recorded by support from a ticket or an email." },
    REPORT: { description: "Reported by someone without an account, such as a parent about a child's account." },
  } as const,
});

const PrivacyRequestType = builder.prismaObject("PrivacyRequest", {
  // The staff view of a request is its own type (StaffPrivacyRequest, privacy-staff.ts).
  subGraphs: ["customer"],
  description: "A request to exercise a privacy right, with its clocks (P18).",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: PrivacyRequestKindEnum }),
    status: t.expose("status", { type: PrivacyRequestStatusEnum }),
    source: t.expose("source", { type: PrivacyRequestSourceEnum }),
    jurisdiction: t.expose("jurisdiction", { type: JurisdictionEnum }),
    details: t.exposeString("details", { nullable: true, description: "What the request is about, as the requester wrote it." }),
    receivedAt: t.expose("receivedAt", { type: "DateTime" }),
    verifiedAt: t.expose("verifiedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the requester was confirmed to be the account holder.",
    }),
    slaDueAt: t.expose("slaDueAt", {
      type: "DateTime",
      description: "When we aim to answer: the policy's 72 hours (section 11).",
    }),
    legalDueAt: t.expose("legalDueAt", {
      type: "DateTime",
      description: "The latest the law of the jurisdiction allows; moved once when the deadline is extended.",
    }),
    acknowledgedAt: t.expose("acknowledgedAt", {
      type: "DateTime",
      nullable: true,
      description: "When we confirmed receipt to you.",
    }),
    extendedAt: t.expose("extendedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the deadline was extended, with a notice saying why.",
    }),
    completedAt: t.expose("completedAt", {
      type: "DateTime",
      nullable: true,
      description: "When the request was closed: answered, rejected or withdrawn.",
    }),
    resolution: t.exposeString("resolution", { nullable: true, description: "How the request was closed." }),
  }),
});

builder.objectType(PrivacyRequestAlreadyOpenError, {
  name: "PrivacyRequestAlreadyOpenError",
  subGraphs: ["customer"],
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof PrivacyRequestAlreadyOpenError,
  fields: (t) => ({ existingRequestId: t.exposeID("existingRequestId", { description: "The open request of the same kind." }) }),
});

builder.objectType(PrivacyRequestNotWithdrawableError, {
  name: "PrivacyRequestNotWithdrawableError",
  subGraphs: ["customer"],
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof PrivacyRequestNotWithdrawableError,
  fields: (t) => ({ status: t.expose("status", { type: PrivacyRequestStatusEnum }) }),
});

const PrivacyRequestPayload = builder.objectRef<{ privacyRequest: PrivacyRequest }>("PrivacyRequestPayload").implement({
  subGraphs: ["customer"],
  description: "The request as stored, with its clocks.",
  fields: (t) => ({ privacyRequest: t.field({ type: PrivacyRequestType, resolve: (payload) => payload.privacyRequest }) }),
});

const jurisdictionField = { description: "The law to apply; defaults to your account's jurisdiction." };

/** Declares one mutation that files a request of `kind`. */
function requestMutation(
  name: string,
  kind: PrivacyRequestKind,
  description: string,
  inputFields: { details?: "required" | "optional"; currentPassword?: true },
) {
  const inputName = `${name[0]!.toUpperCase()}${name.slice(1)}Input`;
  const detailsRequired = inputFields.details === "required";
  const Input = builder.inputType(inputName, {
    subGraphs: ["customer"],
    fields: (t) => ({
      jurisdiction: t.field({ type: JurisdictionEnum, required: false, ...jurisdictionField }),
      ...(inputFields.details
        ? {
            details: t.string({
              required: detailsRequired,
              description: detailsRequired ? "What the request is about (required)." : "Anything we should know (optional).",
            }),
          }
        : {}),
      ...(inputFields.currentPassword
        ? { currentPassword: t.string({ required: true, description: "Your current password, to confirm it is you." }) }
        : {}),
    }),
  });
  const errors = [ValidationError, PrivacyRequestAlreadyOpenError, ...(inputFields.currentPassword ? [WrongPasswordError] : [])];
  builder.mutationField(name, (t) =>
    t.field({
      type: PrivacyRequestPayload,
      subGraphs: ["customer"],
      description,
      authScopes: { account: true },
      args: { input: t.arg({ type: Input, required: detailsRequired || Boolean(inputFields.currentPassword) }) },
      errors: {
        types: errors,
        directResult: true,
        union: { name: `${inputName.replace(/Input$/, "")}Result`, subGraphs: ["customer"] },
      },
      resolve: async (_root, { input }, context) => {
        const fields = (input ?? {}) as {
          jurisdiction?: Jurisdiction | null;
          details?: string | null;
          currentPassword?: string | null;
        };
        const privacyRequest = await createPrivacyRequest(context.services, signedInAccount(context.viewer), { kind, ...fields });
        return { privacyRequest };
      },
    }),
  );
}

requestMutation("requestDataCopy", "ACCESS", "Asks for a copy of your personal data (P14).", { details: "optional" });
requestMutation("requestCorrection", "CORRECTION", "Asks for personal data that is wrong to be corrected (P15).", {
  details: "required",
});
requestMutation(
  "requestDeletion",
  "DELETION",
  "Asks for your personal data to be deleted, except what the law requires us to keep (P16). Confirmed with your password.",
  { details: "optional", currentPassword: true },
);
requestMutation(
  "requestRestriction",
  "RESTRICTION",
  "Asks for processing to be restricted; your account is restricted at once, while the request is reviewed (P17).",
  { details: "optional" },
);
requestMutation("objectToProcessing", "OBJECTION", "Objects to a kind of processing of your data (P17).", {
  details: "required",
});

const WithdrawPrivacyRequestInput = builder.inputType("WithdrawPrivacyRequestInput", {
  subGraphs: ["customer"],
  fields: (t) => ({ id: t.id({ required: true }) }),
});

builder.mutationField("withdrawPrivacyRequest", (t) =>
  t.field({
    type: PrivacyRequestPayload,
    subGraphs: ["customer"],
    description: "Withdraws one of your requests while it has not been started on.",
    authScopes: { account: true },
    args: { input: t.arg({ type: WithdrawPrivacyRequestInput, required: true }) },
    errors: {
      types: [ValidationError, NotFoundError, PrivacyRequestNotWithdrawableError],
      directResult: true,
      union: { name: "WithdrawPrivacyRequestResult", subGraphs: ["customer"] },
    },
    resolve: async (_root, { input }, context) => {
      const privacyRequest = await withdrawPrivacyRequest(context.services, signedInAccount(context.viewer), String(input.id));
      return { privacyRequest };
    },
  }),
);

builder.queryField("privacyRequests", (t) =>
  t.prismaConnection({
    type: "PrivacyRequest",
    cursor: "id",
    subGraphs: ["customer"],
    description: "Your privacy requests, newest first.",
    authScopes: { account: true },
    resolve: (query, _root, _args, context) =>
      findOwnPrivacyRequests(context.services, signedInAccount(context.viewer).accountId, query),
  }),
);

builder.queryField("privacyRequest", (t) =>
  t.prismaField({
    type: "PrivacyRequest",
    nullable: true,
    subGraphs: ["customer"],
    description: "One of your privacy requests; null when you have none with this id.",
    authScopes: { account: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, context) =>
      findOwnPrivacyRequest(context.services, signedInAccount(context.viewer).accountId, String(id), query),
  }),
);

const PrivacyConcernReceiptType = builder.objectRef<PrivacyConcernReceipt>("PrivacyConcernReceipt").implement({
  subGraphs: ["customer"],
  description: "The same answer whatever address was named: it never says whether the address has an account.",
  fields: (t) => ({ receivedAt: t.expose("receivedAt", { type: "DateTime" }) }),
});

const ReportPrivacyConcernInput = builder.inputType("ReportPrivacyConcernInput", {
  subGraphs: ["customer"],
  fields: (t) => ({
    accountEmail: t.string({ required: true, description: "The email address of the account the report is about." }),
    reporterContact: t.string({ required: true, description: "Your email address, for our answer." }),
    kind: t.field({
      type: PrivacyRequestKindEnum,
      required: false,
      description: "The right you ask for; a report about a minor is a deletion unless you name another.",
    }),
    details: t.string({ required: false }),
    concernsMinor: t.boolean({ required: false, description: "The account belongs to, or holds data about, a minor (P22)." }),
  }),
});

builder.mutationField("reportPrivacyConcern", (t) =>
  t.field({
    type: PrivacyConcernReceiptType,
    subGraphs: ["customer"],
    description:
      "For someone without an account (a parent about a child's account): reports a privacy concern about an account. " +
      "It waits until the account holder confirms, or staff check who you are; a report about a minor is handled first (P22).",
    args: { input: t.arg({ type: ReportPrivacyConcernInput, required: true }) },
    errors: {
      types: [ValidationError],
      directResult: true,
      union: { name: "ReportPrivacyConcernResult", subGraphs: ["customer"] },
    },
    resolve: (_root, { input }, context) => reportPrivacyConcern(context.services, input),
  }),
);

const ConfirmPrivacyRequestInput = builder.inputType("ConfirmPrivacyRequestInput", {
  subGraphs: ["customer"],
  fields: (t) => ({ token: t.string({ required: true, description: "The token from the confirmation email." }) }),
});

const ConfirmPrivacyRequestPayload = builder.objectRef<{ confirmed: true }>("ConfirmPrivacyRequestPayload").implement({
  subGraphs: ["customer"],
  fields: (t) => ({ confirmed: t.boolean({ resolve: () => true }) }),
});

builder.mutationField("confirmPrivacyRequest", (t) =>
  t.field({
    type: ConfirmPrivacyRequestPayload,
    subGraphs: ["customer"],
    description:
      "Confirms, with the link emailed to the account's address, that a privacy request about the account may go ahead.",
    args: { input: t.arg({ type: ConfirmPrivacyRequestInput, required: true }) },
    errors: {
      types: [InvalidTokenError],
      directResult: true,
      union: { name: "ConfirmPrivacyRequestResult", subGraphs: ["customer"] },
    },
    resolve: async (_root, { input }, context) => {
      await confirmIdentityByLink(context.services, input.token);
      return { confirmed: true as const };
    },
  }),
);
