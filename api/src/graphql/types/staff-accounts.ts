/**
 * Customers' accounts as staff read them (staff schema only): find by id or
 * exact address, the account's page with personal values masked, unmasking
 * with a stated reason, and ending a customer's session. What may be read and
 * what is written to the audit log is decided in domain/accounts/staff-view.ts.
 */
import {
  accountPageForStaff,
  findAccountsForStaff,
  type RevealedPersonalData,
  revealAccountPersonalData,
  revokeCustomerSession,
  type StaffAccountPage,
  type StaffAccountSummary,
  staffReadReasons,
} from "../../domain/accounts/staff-view.ts";
import { NotFoundError, ValidationError } from "../../domain/errors.ts";
import { LegalReasonRequiredError } from "../../domain/privacy/restriction.ts";
import { builder } from "../builder.ts";
import { signedInStaff } from "../viewer.ts";
import { ActivationStatusEnum } from "./activations.ts";
import { registerErrorType } from "./errors.ts";
import { BalanceType, LedgerEntryKindEnum } from "./ledger.ts";
import { JurisdictionEnum } from "./privacy.ts";

const staff = ["staff"] as Array<"staff">;

registerErrorType(LegalReasonRequiredError, "LegalReasonRequiredError", staff);

const StaffReadReasonEnum = builder.enumType("StaffReadReason", {
  subGraphs: staff,
  description: "Why a staff member reads a person's data; recorded in the audit log.",
  values: staffReadReasons,
});

const StaffReadPurposeInput = builder.inputType("StaffReadPurposeInput", {
  subGraphs: staff,
  fields: (t) => ({
    reason: t.field({ type: StaffReadReasonEnum, required: true }),
    reference: t.string({ required: false, description: "The privacy request or ticket the read serves." }),
  }),
});

const StaffAccountSummaryType = builder.objectRef<StaffAccountSummary>("StaffAccountSummary").implement({
  subGraphs: staff,
  description: "A customer's account as a search finds it; the address is masked.",
  fields: (t) => ({
    id: t.exposeID("id"),
    maskedEmail: t.exposeString("maskedEmail"),
    emailVerified: t.exposeBoolean("emailVerified"),
    jurisdiction: t.expose("jurisdiction", { type: JurisdictionEnum }),
    restricted: t.exposeBoolean("restricted", { description: "Processing is restricted (P17): read only with a reason." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

type PageActivation = StaffAccountPage["activations"][number];
const StaffActivationType = builder.objectRef<PageActivation>("StaffAccountActivation").implement({
  subGraphs: staff,
  fields: (t) => ({
    id: t.exposeID("id"),
    serviceCode: t.exposeString("serviceCode"),
    countryCode: t.exposeString("countryCode"),
    status: t.expose("status", { type: ActivationStatusEnum }),
    priceMinor: t.expose("priceMinor", { type: "BigInt" }),
    maskedPhoneNumber: t.exposeString("maskedPhoneNumber"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    endedAt: t.expose("endedAt", { type: "DateTime", nullable: true }),
  }),
});

type PageLedgerEntry = StaffAccountPage["ledgerEntries"][number];
const StaffLedgerEntryType = builder.objectRef<PageLedgerEntry>("StaffAccountLedgerEntry").implement({
  subGraphs: staff,
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: LedgerEntryKindEnum }),
    availableDelta: t.expose("availableDelta", { type: "BigInt" }),
    heldDelta: t.expose("heldDelta", { type: "BigInt" }),
    activationId: t.exposeID("activationId", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

type PageSession = StaffAccountPage["sessions"][number];
const StaffSessionType = builder.objectRef<PageSession>("StaffAccountSession").implement({
  subGraphs: staff,
  fields: (t) => ({
    id: t.exposeID("id"),
    live: t.exposeBoolean("live", { description: "Not revoked and past neither expiry." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastSeenAt: t.expose("lastSeenAt", { type: "DateTime" }),
    idleExpiresAt: t.expose("idleExpiresAt", { type: "DateTime" }),
    absoluteExpiresAt: t.expose("absoluteExpiresAt", { type: "DateTime" }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

type PageApiKey = StaffAccountPage["apiKeys"][number];
const StaffApiKeyType = builder.objectRef<PageApiKey>("StaffAccountApiKey").implement({
  subGraphs: staff,
  description: "An API key's metadata; its name, which the customer wrote, is shown only when unmasked.",
  fields: (t) => ({
    id: t.exposeID("id"),
    prefix: t.exposeString("prefix"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
  }),
});

type PageRequest = StaffAccountPage["privacyRequests"][number];
const StaffAccountRequestType = builder.objectRef<PageRequest>("StaffAccountPrivacyRequest").implement({
  subGraphs: staff,
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.exposeString("kind"),
    status: t.exposeString("status"),
    receivedAt: t.expose("receivedAt", { type: "DateTime" }),
  }),
});

type PageTicket = StaffAccountPage["supportTickets"][number];
const StaffAccountTicketType = builder.objectRef<PageTicket>("StaffAccountSupportTicket").implement({
  subGraphs: staff,
  description: "A support ticket of the account, without its words; its subject is shown only when unmasked.",
  fields: (t) => ({
    id: t.exposeID("id"),
    channel: t.exposeString("channel"),
    status: t.exposeString("status"),
    privacyRequestId: t.exposeID("privacyRequestId", { nullable: true }),
    replies: t.exposeInt("replies", { description: "How many replies staff sent." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
  }),
});

const StaffAccountPageType = builder.objectRef<StaffAccountPage>("StaffAccountPage").implement({
  subGraphs: staff,
  description: `A customer's account for support staff: personal values masked, lists newest first (at most 50 each).`,
  fields: (t) => ({
    id: t.exposeID("id"),
    maskedEmail: t.exposeString("maskedEmail"),
    emailVerified: t.exposeBoolean("emailVerified"),
    jurisdiction: t.expose("jurisdiction", { type: JurisdictionEnum }),
    restricted: t.exposeBoolean("restricted"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    balance: t.expose("balance", { type: BalanceType }),
    activations: t.expose("activations", { type: [StaffActivationType] }),
    ledgerEntries: t.expose("ledgerEntries", { type: [StaffLedgerEntryType] }),
    sessions: t.expose("sessions", { type: [StaffSessionType] }),
    apiKeys: t.expose("apiKeys", { type: [StaffApiKeyType] }),
    privacyRequests: t.expose("privacyRequests", { type: [StaffAccountRequestType] }),
    supportTickets: t.expose("supportTickets", { type: [StaffAccountTicketType] }),
  }),
});

const RevealedPhoneNumber = builder.objectRef<RevealedPersonalData["phoneNumbers"][number]>("RevealedPhoneNumber").implement({
  subGraphs: staff,
  fields: (t) => ({ activationId: t.exposeID("activationId"), phoneNumber: t.exposeString("phoneNumber") }),
});

const RevealedApiKeyName = builder.objectRef<RevealedPersonalData["apiKeyNames"][number]>("RevealedApiKeyName").implement({
  subGraphs: staff,
  fields: (t) => ({ apiKeyId: t.exposeID("apiKeyId"), name: t.exposeString("name") }),
});

const RevealedTicketSubject = builder
  .objectRef<RevealedPersonalData["ticketSubjects"][number]>("RevealedTicketSubject")
  .implement({
    subGraphs: staff,
    fields: (t) => ({ ticketId: t.exposeID("ticketId"), subject: t.exposeString("subject") }),
  });

const RevealedPersonalDataType = builder.objectRef<RevealedPersonalData>("RevealedPersonalData").implement({
  subGraphs: staff,
  description: "An account's personal values in clear; reading them was written to the audit log with its reason.",
  fields: (t) => ({
    accountId: t.exposeID("accountId"),
    email: t.exposeString("email"),
    phoneNumbers: t.expose("phoneNumbers", { type: [RevealedPhoneNumber] }),
    apiKeyNames: t.expose("apiKeyNames", { type: [RevealedApiKeyName] }),
    ticketSubjects: t.expose("ticketSubjects", { type: [RevealedTicketSubject] }),
  }),
});

builder.queryFields((t) => ({
  staffAccounts: t.field({
    type: [StaffAccountSummaryType],
    subGraphs: staff,
    authScopes: { staffCan: "accounts.read" },
    description: "Accounts with this id or exactly this email address (no partial matches).",
    args: { search: t.arg.string({ required: true }) },
    errors: { types: [ValidationError], union: { name: "StaffAccountsResult", subGraphs: staff } },
    resolve: (_root, { search }, { services, viewer }) => findAccountsForStaff(services, signedInStaff(viewer), search),
  }),
  staffAccount: t.field({
    type: StaffAccountPageType,
    subGraphs: staff,
    authScopes: { staffCan: "accounts.read" },
    description: "One account's page. A restricted account (P17) is read only with a purpose.",
    args: {
      id: t.arg.id({ required: true }),
      purpose: t.arg({ type: StaffReadPurposeInput, required: false }),
    },
    errors: {
      types: [NotFoundError, LegalReasonRequiredError],
      union: { name: "StaffAccountResult", subGraphs: staff },
    },
    resolve: (_root, { id, purpose }, { services, viewer }) =>
      accountPageForStaff(services, signedInStaff(viewer), String(id), purpose ?? null),
  }),
}));

builder.mutationFields((t) => ({
  revealAccountPersonalData: t.field({
    type: RevealedPersonalDataType,
    subGraphs: staff,
    authScopes: { staffCan: "accounts.reveal" },
    description: "Shows an account's personal values for a stated purpose, which the audit log records.",
    args: {
      accountId: t.arg.id({ required: true }),
      purpose: t.arg({ type: StaffReadPurposeInput, required: true }),
    },
    errors: {
      types: [NotFoundError, ValidationError, LegalReasonRequiredError],
      union: { name: "RevealAccountPersonalDataResult", subGraphs: staff },
    },
    resolve: (_root, { accountId, purpose }, { services, viewer }) =>
      revealAccountPersonalData(services, signedInStaff(viewer), String(accountId), purpose),
  }),
  revokeCustomerSession: t.boolean({
    subGraphs: staff,
    authScopes: { staffCan: "accounts.sessions" },
    description: "Ends one of a customer's sessions at once; its open sockets close.",
    args: { sessionId: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], union: { name: "RevokeCustomerSessionResult", subGraphs: staff } },
    resolve: async (_root, { sessionId }, { services, viewer }) => {
      await revokeCustomerSession(services, signedInStaff(viewer), String(sessionId));
      return true;
    },
  }),
}));
