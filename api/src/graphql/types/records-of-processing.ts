/**
 * The records of processing (GDPR Art. 30) on the staff API: computed by
 * domain/privacy/records-of-processing.ts from the data inventory, the
 * retention policies and the sub-processor register, with the Markdown
 * document the console offers as a download. COMPLIANCE only.
 */
import {
  type ProcessingActivity,
  type Recipient,
  type RecordedField,
  type RecordsOfProcessing,
  recordsOfProcessing,
  renderRecordsMarkdown,
  type SecurityMeasure,
  type TimeLimit,
  type Transfer,
} from "../../domain/privacy/records-of-processing.ts";
import { builder } from "../builder.ts";
import { signedInStaff } from "../viewer.ts";

const staff = ["staff"] as Array<"staff">;

const TimeLimitType = builder.objectRef<TimeLimit>("ProcessingTimeLimit").implement({
  subGraphs: staff,
  description: "How long a kind of data is kept: a retention policy (its period as the database holds it) or a retention rule.",
  fields: (t) => ({
    key: t.exposeString("key", { description: "The retention policy's key or the inventory's retention rule." }),
    kind: t.exposeString("kind", { description: "`policy` or `rule`." }),
    retentionSecs: t.exposeInt("retentionSecs", { nullable: true }),
    period: t.exposeString("period", { nullable: true, description: "The period in words, e.g. `30 days`." }),
    countedFrom: t.exposeString("countedFrom", { nullable: true, description: "The event the period counts from, in words." }),
    action: t.exposeString("action", { nullable: true, description: "What the purge then does, in words." }),
    description: t.exposeString("description"),
    legalBasis: t.exposeString("legalBasis", { nullable: true }),
    statement: t.exposeString("statement", { description: "The whole time limit in one sentence." }),
  }),
});

const RecordedFieldType = builder.objectRef<RecordedField>("ProcessingRecordField").implement({
  subGraphs: staff,
  description: "One field of personal data, as the data inventory classifies it.",
  fields: (t) => ({
    model: t.exposeString("model"),
    field: t.exposeString("field"),
    subject: t.exposeString("subject", { description: "Whose data it is: `customer` or `staff`." }),
    purpose: t.exposeString("purpose"),
    timeLimit: t.exposeString("timeLimit", { description: "The key of its time limit in the activity's `timeLimits`." }),
    erasure: t.exposeString("erasure", { description: "What erasing the account does to it." }),
    exported: t.exposeBoolean("exported", { description: "Whether the person's copy of their data includes it." }),
    encrypted: t.exposeBoolean("encrypted"),
    hashed: t.exposeBoolean("hashed"),
  }),
});

const TransferType = builder.objectRef<Transfer>("ProcessingTransfer").implement({
  subGraphs: staff,
  description: "Where data may go outside the EEA, and the safeguard it goes under.",
  fields: (t) => ({
    recipientKey: t.exposeString("recipientKey"),
    recipientName: t.exposeString("recipientName"),
    destination: t.exposeString("destination"),
    countries: t.exposeStringList("countries"),
    safeguard: t.exposeString("safeguard"),
  }),
});

const RecipientType = builder.objectRef<Recipient>("ProcessingRecipient").implement({
  subGraphs: staff,
  description: "A sub-processor of the register, with the inventory's categories of what it receives.",
  fields: (t) => ({
    key: t.exposeString("key"),
    name: t.exposeString("name"),
    purpose: t.exposeString("purpose"),
    receives: t.exposeStringList("receives"),
    neverReceives: t.exposeStringList("neverReceives"),
    categories: t.exposeStringList("categories"),
    location: t.exposeString("location"),
    transfer: t.field({ type: TransferType, nullable: true, resolve: (recipient) => recipient.transfer }),
  }),
});

const ActivityType = builder.objectRef<ProcessingActivity>("ProcessingActivity").implement({
  subGraphs: staff,
  description: "The processing of one category of personal data.",
  fields: (t) => ({
    category: t.exposeString("category", { description: "The data inventory's category." }),
    title: t.exposeString("title"),
    dataSubjects: t.exposeStringList("dataSubjects"),
    purposes: t.exposeStringList("purposes"),
    fields: t.field({ type: [RecordedFieldType], resolve: (activity) => activity.fields }),
    recipients: t.field({ type: [RecipientType], resolve: (activity) => activity.recipients }),
    transfers: t.field({ type: [TransferType], resolve: (activity) => activity.transfers }),
    timeLimits: t.field({ type: [TimeLimitType], resolve: (activity) => activity.timeLimits }),
    securityMeasures: t.exposeStringList("securityMeasures"),
  }),
});

const SecurityMeasureType = builder.objectRef<SecurityMeasure>("ProcessingSecurityMeasure").implement({
  subGraphs: staff,
  fields: (t) => ({
    measure: t.exposeString("measure"),
    where: t.exposeString("where", { description: "Where the code carries it out." }),
  }),
});

const RecordsOfProcessingType = builder.objectRef<RecordsOfProcessing>("RecordsOfProcessing").implement({
  subGraphs: staff,
  description: "The records of processing activities (GDPR Art. 30(1)), computed when asked for.",
  fields: (t) => ({
    generatedAt: t.expose("generatedAt", { type: "DateTime" }),
    controller: t.exposeString("controller"),
    policyVersion: t.exposeString("policyVersion", { nullable: true, description: "The privacy policy version in force." }),
    activities: t.field({ type: [ActivityType], resolve: (records) => records.activities }),
    recipients: t.field({ type: [RecipientType], resolve: (records) => records.recipients }),
    securityMeasures: t.field({ type: [SecurityMeasureType], resolve: (records) => records.securityMeasures }),
    markdown: t.string({
      description: "The same records as a Markdown document, for the download.",
      resolve: (records) => renderRecordsMarkdown(records),
    }),
  }),
});

builder.queryField("recordsOfProcessing", (t) =>
  t.field({
    type: RecordsOfProcessingType,
    subGraphs: staff,
    authScopes: { staffCan: "records.read" },
    description:
      "The records of processing, computed from the data inventory, the retention policies and the sub-processor register.",
    resolve: (_root, _args, { services, viewer }) => recordsOfProcessing(services, signedInStaff(viewer)),
  }),
);
