/**
 * The records of processing activities (GDPR Art. 30(1)), computed and never
 * written by hand: one activity per category of personal data in the data
 * inventory, each with its data subjects, its fields and their purposes, the
 * sub-processors that receive it (the register), the transfers outside the EEA
 * those imply, its time limits (the retention policies as the database holds
 * them, and the inventory's retention rules) and the security measures the
 * code applies to it. A field, a vendor or a period changes here when it
 * changes in the inventory, the register or the database.
 */
import type { Prisma, RetentionAction, RetentionEvent } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { passwordHashing } from "../auth/passwords.ts";
import { currentPolicyVersion } from "../policy/policy-versions.ts";
import { staffLockout } from "../staff/lockout.ts";
import { authorize, staffPermissions } from "../staff/permissions.ts";
import {
  type DataCategory,
  type DataSubject,
  type Erasure,
  type FieldClassification,
  inventoryFields,
  type Retention,
  retentionRules,
} from "./inventory.ts";
import { type SubProcessor, subProcessors } from "./sub-processors.ts";

/** What the records read of a retention policy row. */
export interface RetentionPolicyRow {
  key: string;
  description: string;
  retentionSecs: number;
  legalBasis: string;
  countedFrom: RetentionEvent;
  action: RetentionAction;
}

/** The retention policies as the database holds them now; the one place the records read that table. */
export function readRetentionPolicies(db: Prisma.TransactionClient): Promise<RetentionPolicyRow[]> {
  return db.retentionPolicy.findMany({
    select: { key: true, description: true, retentionSecs: true, legalBasis: true, countedFrom: true, action: true },
    orderBy: { key: "asc" },
  });
}

/** What the records are computed from, besides the inventory and the register. */
export interface ProcessingFacts {
  generatedAt: Date;
  /** The privacy policy version in force, which the records refer to by section. */
  policyVersion: string | null;
  retentionPolicies: RetentionPolicyRow[];
  /** The catalogue's countries: an upstream operator sits in the country of each number. */
  numberCountries: Array<{ code: string; name: string }>;
  settings: { sessionIdleMinutes: number; sessionAbsoluteMinutes: number; auditCheckpointMinutes: number };
}

/** How long one kind of data is kept: a retention policy of the database, or a retention rule of the inventory. */
export interface TimeLimit {
  key: string;
  kind: "policy" | "rule";
  /** The policy's period; null for a rule, which says itself when the data goes. */
  retentionSecs: number | null;
  /** The period in words ("30 days"); null for a rule. */
  period: string | null;
  /** The event the period counts from, in words; null for a rule. */
  countedFrom: string | null;
  /** What the purge does once the period is over, in words; null for a rule. */
  action: string | null;
  description: string;
  legalBasis: string | null;
  /** The whole time limit in one sentence, as the document and the console show it. */
  statement: string;
}

export interface RecordedField {
  model: string;
  field: string;
  subject: DataSubject;
  purpose: string;
  /** The key of its time limit in the activity's `timeLimits`. */
  timeLimit: string;
  erasure: Erasure;
  exported: boolean;
  encrypted: boolean;
  hashed: boolean;
}

export interface Transfer {
  recipientKey: string;
  recipientName: string;
  /** Where the data may go. */
  destination: string;
  /** For transfers to the numbers' countries: the catalogue's countries outside the EEA. */
  countries: string[];
  safeguard: string;
}

export interface Recipient {
  key: string;
  name: string;
  purpose: string;
  receives: string[];
  neverReceives: string[];
  categories: DataCategory[];
  location: string;
  transfer: Transfer | null;
}

export interface ProcessingActivity {
  category: DataCategory;
  title: string;
  dataSubjects: DataSubject[];
  purposes: string[];
  fields: RecordedField[];
  recipients: Recipient[];
  transfers: Transfer[];
  timeLimits: TimeLimit[];
  securityMeasures: string[];
}

export interface SecurityMeasure {
  measure: string;
  /** Where the code carries it out. */
  where: string;
}

export interface RecordsOfProcessing {
  generatedAt: Date;
  controller: string;
  policyVersion: string | null;
  activities: ProcessingActivity[];
  recipients: Recipient[];
  securityMeasures: SecurityMeasure[];
}

/** The controller, as the privacy policy names the service. */
const controller = "SMSAPE";

/** Each category's heading, in the order the records list them; the compiler demands one per category. */
const categoryTitles: Record<DataCategory, string> = {
  identity: "Identity of account holders and staff members",
  contact: "Email addresses and the emails sent to them",
  credential: "Credentials: passwords, tokens, keys and second factors",
  consent: "Policy acknowledgements and age attestations",
  activation: "Number orders (activations)",
  "message-content": "Message content: SMS and email bodies",
  payment: "Payments and balance movements",
  "privacy-request": "Privacy requests and how they were answered",
  technical: "Technical and session data",
  audit: "Audit trail of what the service and its staff did",
  reference: "Service reference data",
};

const subjectLabels: Record<DataSubject, string> = {
  customer: "customers (account holders)",
  staff: "staff members",
};

/** EU member states, Iceland, Liechtenstein and Norway (ISO 3166-1 alpha-2). */
const eeaCountryCodes = new Set(
  "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO".split(" "),
);

const units: Array<[string, number]> = [
  ["year", 365 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** A period in seconds in words: 86400 → "1 day", 315360000 → "10 years". */
export function describePeriod(seconds: number): string {
  for (const [unit, size] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}

const countedFromWords: Record<RetentionEvent, string> = {
  SMS_RECEIVED: "the SMS arrived",
  ACTIVATION_ENDED: "the activation ended",
  SESSION_ENDED: "the session ended",
  TOKEN_ENDED: "the token was used or expired",
  EMAIL_DELIVERED: "the email was delivered or given up on",
  REQUEST_COMPLETED: "the privacy request was closed",
  ACCOUNT_ERASED: "the account was erased",
  RECORD_CREATED: "the record was written",
};

const actionWords: Record<RetentionAction, string> = {
  DELETE: "then the records are deleted",
  ANONYMISE: "then their personal values are cleared",
};

const retentionKey = (retention: Retention) => ("policy" in retention ? retention.policy : retention.rule);

function timeLimitOf(retention: Retention, policies: Map<string, RetentionPolicyRow>): TimeLimit {
  if ("rule" in retention) {
    return {
      key: retention.rule,
      kind: "rule",
      retentionSecs: null,
      period: null,
      countedFrom: null,
      action: null,
      description: retentionRules[retention.rule],
      legalBasis: null,
      statement: retentionRules[retention.rule],
    };
  }
  const policy = policies.get(retention.policy);
  if (!policy) {
    return {
      key: retention.policy,
      kind: "policy",
      retentionSecs: null,
      period: null,
      countedFrom: null,
      action: null,
      description: "No retention policy with this key is in the database: the period is not set.",
      legalBasis: null,
      statement: "No retention policy with this key is in the database: the period is not set.",
    };
  }
  const period = describePeriod(policy.retentionSecs);
  const countedFrom = countedFromWords[policy.countedFrom];
  const action = actionWords[policy.action];
  return {
    key: policy.key,
    kind: "policy",
    retentionSecs: policy.retentionSecs,
    period,
    countedFrom,
    action,
    description: policy.description,
    legalBasis: policy.legalBasis,
    statement: `${period} after ${countedFrom}, ${action}. ${policy.description}. Basis: ${policy.legalBasis}.`,
  };
}

function transferOf(entry: SubProcessor, numberCountries: ProcessingFacts["numberCountries"]): Transfer | null {
  if (!entry.transfer) return null;
  const base = { recipientKey: entry.key, recipientName: entry.name, safeguard: entry.transfer.safeguard };
  if (entry.transfer.to === "vendor-locations") return { ...base, destination: entry.location, countries: [] };
  const outside = numberCountries.filter((country) => !eeaCountryCodes.has(country.code));
  if (outside.length === 0) return null;
  return {
    ...base,
    destination: `${entry.location}, for numbers of the catalogue's countries outside the EEA`,
    countries: outside.map((country) => `${country.name} (${country.code})`),
  };
}

function uniqueInOrder<T>(values: T[]): T[] {
  return [...new Set(values)];
}

const fieldNames = (fields: RecordedField[]) => fields.map((field) => `${field.model}.${field.field}`).join(", ");

/** The measures the code applies to one category's fields, from what the inventory says of them. */
function measuresFor(fields: RecordedField[]): string[] {
  const measures: string[] = [];
  const encrypted = fields.filter((field) => field.encrypted);
  if (encrypted.length > 0) {
    measures.push(
      `Encrypted at rest field by field (AES-256-GCM under a rotating key ring, each value bound to its row): ${fieldNames(encrypted)}.`,
    );
  }
  const hashed = fields.filter((field) => field.hashed);
  if (hashed.length > 0) measures.push(`Kept only as a one-way hash, never readable again: ${fieldNames(hashed)}.`);
  const customerFields = fields.filter((field) => field.subject === "customer");
  const anonymised = customerFields.filter((field) => field.erasure === "anonymise");
  const kept = customerFields.filter((field) => field.erasure === "keep-legal-retention");
  if (customerFields.length > 0) {
    const deleted = customerFields.length - anonymised.length - kept.length;
    const parts = [`${deleted} of the customer's ${customerFields.length} fields deleted`];
    if (anonymised.length > 0) parts.push(`cleared: ${fieldNames(anonymised)}`);
    if (kept.length > 0) parts.push(`${kept.length} kept under legal retention, for as long as their time limit says`);
    measures.push(`When the account is erased (P16): ${parts.join("; ")}.`);
  }
  return measures;
}

/** The measures that protect every category, each named by the code that carries it out. */
function generalMeasures(facts: ProcessingFacts, encryptedFieldCount: number): SecurityMeasure[] {
  const roles = ["SUPPORT", "COMPLIANCE", "ADMIN"] as const;
  const held = roles.map(
    (role) =>
      `${role} ${Object.values(staffPermissions).filter((granted) => (granted as readonly string[]).includes(role)).length}`,
  );
  const { sessionIdleMinutes, sessionAbsoluteMinutes, auditCheckpointMinutes } = facts.settings;
  const checkpoints =
    auditCheckpointMinutes > 0
      ? `a signed checkpoint (Ed25519) of the chain every ${describePeriod(auditCheckpointMinutes * 60)}`
      : "signed checkpoints (Ed25519) of the chain written on demand";
  return [
    {
      measure: `Staff act only within their role's permissions, checked by every staff step (permissions per role: ${held.join(", ")}); ADMIN manages staff accounts and reads no customer data.`,
      where: "api/src/domain/staff/permissions.ts",
    },
    {
      measure: `Staff sign in with a password and a second factor (TOTP); ${staffLockout.maxFailures} failed attempts within ${staffLockout.windowMinutes} minutes lock the member for ${staffLockout.lockMinutes} minutes.`,
      where: "api/src/domain/staff/staff-auth.ts, api/src/domain/staff/lockout.ts",
    },
    {
      measure: `Sessions end after ${describePeriod(sessionIdleMinutes * 60)} idle and ${describePeriod(sessionAbsoluteMinutes * 60)} at most, can be revoked, and their tokens are stored only as hashes.`,
      where: "api/src/domain/accounts/credentials.ts, api/src/domain/staff/staff-auth.ts",
    },
    {
      measure: `Passwords are stored only as argon2id hashes (${passwordHashing.memoryCost} KiB of memory, ${passwordHashing.timeCost} passes, ${passwordHashing.parallelism} lane).`,
      where: "api/src/domain/auth/passwords.ts",
    },
    {
      measure: `${encryptedFieldCount} fields are encrypted at rest (AES-256-GCM, a random IV per value, bound to its row and column); keys rotate by re-encryption. Each activity names its encrypted fields.`,
      where: "api/src/domain/crypto/field-encryption.ts, api/src/domain/crypto/reencrypt.ts",
    },
    {
      measure: `Every staff step that reads or changes personal data writes an audit entry in the same transaction, holding ids and field names, never personal values; entries are hash-chained (SHA-256), the database refuses to change or delete them, and ${checkpoints} shows a rebuilt or shortened log.`,
      where: "api/src/domain/audit/",
    },
    {
      measure:
        "The service connects only to its own database and Redis and to the destinations the sub-processor register names; each vendor receives only the fields its entry lists.",
      where: "api/src/domain/privacy/sub-processors.ts",
    },
    {
      measure:
        "Personal-data breaches are registered with the supervisory authority's 72-hour clock and the decision whether to tell the people concerned, who are then notified by email (P21).",
      where: "api/src/domain/incidents/",
    },
  ];
}

/** The records of processing from the inventory, the register and the facts read from the database. */
export function buildRecordsOfProcessing(facts: ProcessingFacts): RecordsOfProcessing {
  const policies = new Map(facts.retentionPolicies.map((policy) => [policy.key, policy]));
  const recipients: Recipient[] = subProcessors.map((entry) => ({
    key: entry.key,
    name: entry.name,
    purpose: entry.purpose,
    receives: [...entry.receives],
    neverReceives: [...entry.neverReceives],
    categories: [...entry.categories],
    location: entry.location,
    transfer: transferOf(entry, facts.numberCountries),
  }));
  const personal = inventoryFields().filter(
    (entry): entry is ReturnType<typeof inventoryFields>[number] & { subject: DataSubject } => entry.subject !== null,
  );
  const recorded = (entry: FieldClassification & { model: string; field: string; subject: DataSubject }): RecordedField => ({
    model: entry.model,
    field: entry.field,
    subject: entry.subject,
    purpose: entry.purpose,
    timeLimit: retentionKey(entry.retention),
    erasure: entry.erasure,
    exported: entry.export,
    encrypted: entry.encrypted === true,
    hashed: entry.hashed === true,
  });

  const activities = (Object.keys(categoryTitles) as DataCategory[]).flatMap((category): ProcessingActivity[] => {
    const entries = personal.filter((entry) => entry.category === category);
    if (entries.length === 0) return [];
    const fields = entries.map(recorded);
    const receiving = recipients.filter((recipient) => recipient.categories.includes(category));
    const timeLimits = new Map<string, TimeLimit>();
    for (const entry of entries) {
      const key = retentionKey(entry.retention);
      if (!timeLimits.has(key)) timeLimits.set(key, timeLimitOf(entry.retention, policies));
    }
    return [
      {
        category,
        title: categoryTitles[category],
        dataSubjects: (Object.keys(subjectLabels) as DataSubject[]).filter((subject) =>
          entries.some((entry) => entry.subject === subject),
        ),
        purposes: uniqueInOrder(entries.map((entry) => entry.purpose)),
        fields,
        recipients: receiving,
        transfers: receiving.flatMap((recipient) => (recipient.transfer ? [recipient.transfer] : [])),
        timeLimits: [...timeLimits.values()],
        securityMeasures: measuresFor(fields),
      },
    ];
  });

  return {
    generatedAt: facts.generatedAt,
    controller,
    policyVersion: facts.policyVersion,
    activities,
    recipients,
    securityMeasures: generalMeasures(facts, personal.filter((entry) => entry.encrypted).length),
  };
}

/**
 * The records as they stand now, for a staff member allowed to read them.
 * Reading them writes no audit entry: they describe kinds of data, vendors and
 * periods, and hold no one's personal data (the audit log records reads and
 * changes of personal data).
 */
export async function recordsOfProcessing(services: Services, actor: Actor): Promise<RecordsOfProcessing> {
  authorize(actor, "records.read");
  const generatedAt = services.now();
  const facts = await services.db.$transaction(async (tx) => ({
    retentionPolicies: await readRetentionPolicies(tx),
    numberCountries: await tx.country.findMany({ select: { code: true, name: true }, orderBy: { code: "asc" } }),
  }));
  const policy = await currentPolicyVersion(services, { select: { version: true } });
  return buildRecordsOfProcessing({
    ...facts,
    generatedAt,
    policyVersion: policy?.version ?? null,
    settings: {
      sessionIdleMinutes: services.config.sessions.idleMinutes,
      sessionAbsoluteMinutes: services.config.sessions.absoluteMinutes,
      auditCheckpointMinutes: services.config.audit.checkpointMinutes,
    },
  });
}

// ---------------------------------------------------------------- Markdown

/** A value for a Markdown table cell: no pipe or line break can break the table. */
const cell = (value: string) => value.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

const describeLimit = (limit: TimeLimit) => `\`${limit.key}\`: ${limit.statement}`;

function describeTransfer(transfer: Transfer, named = true): string {
  const countries = transfer.countries.length > 0 ? ` (${transfer.countries.join(", ")})` : "";
  return `${named ? `${transfer.recipientName}: ` : ""}${transfer.destination}${countries}. Safeguard: ${transfer.safeguard}.`;
}

const erasureLabels: Record<Erasure, string> = {
  delete: "deleted",
  anonymise: "cleared",
  "keep-legal-retention": "kept (legal retention)",
  "not-personal": "untouched",
};

/** The records as a Markdown document, for the download. */
export function renderRecordsMarkdown(records: RecordsOfProcessing): string {
  const lines: string[] = [];
  const bullet = (label: string, items: string[], none: string) => {
    if (items.length === 0) lines.push(`- **${label}:** ${none}`);
    else if (items.length === 1) lines.push(`- **${label}:** ${items[0]}`);
    else lines.push(`- **${label}:**`, ...items.map((item) => `  - ${item}`));
  };

  lines.push(
    "# Records of processing activities (GDPR Art. 30(1))",
    "",
    `- **Controller:** ${records.controller}, as the privacy policy in force names it${
      records.policyVersion ? ` (version ${records.policyVersion})` : ""
    }; contact: its section 11, "Reaching us".`,
    `- **Generated:** ${records.generatedAt.toISOString()}, from the data inventory, the retention policies and the sub-processor register.`,
    "",
    "## Processing activities",
    "",
    "One activity per category of personal data. Every field is listed with whose data it is, why it is held, how long and what erasing the account does to it.",
  );

  records.activities.forEach((activity, index) => {
    lines.push("", `### ${index + 1}. ${activity.title}`, "", `Category: \`${activity.category}\``, "");
    bullet(
      "Data subjects",
      activity.dataSubjects.map((subject) => subjectLabels[subject]),
      "none",
    );
    bullet(
      "Recipients",
      activity.recipients.map((recipient) => `${recipient.name}: ${recipient.receives.join(", ")}`),
      "none outside the service; no sale, advertising or marketing sharing (policy 6.3)",
    );
    bullet(
      "Transfers outside the EEA",
      activity.transfers.map((transfer) => describeTransfer(transfer)),
      "none",
    );
    bullet("Time limits", activity.timeLimits.map(describeLimit), "none");
    bullet("Security measures", activity.securityMeasures, "the general measures below");
    lines.push("", "| Field | Whose | Purpose | Time limit | When the account is erased |", "| --- | --- | --- | --- | --- |");
    for (const field of activity.fields) {
      lines.push(
        `| \`${field.model}.${field.field}\` | ${field.subject} | ${cell(field.purpose)} | \`${field.timeLimit}\` | ${
          field.subject === "customer" ? erasureLabels[field.erasure] : "untouched (staff data)"
        } |`,
      );
    }
  });

  lines.push("", "## Recipients: the sub-processor register", "");
  for (const recipient of records.recipients) {
    lines.push(`### ${recipient.name}`, "");
    lines.push(`- **Purpose:** ${recipient.purpose}`);
    lines.push(`- **Receives:** ${recipient.receives.join(", ")}`);
    lines.push(`- **Never receives:** ${recipient.neverReceives.join(", ")}`);
    lines.push(`- **Categories:** ${recipient.categories.map((category) => `\`${category}\``).join(", ")}`);
    lines.push(`- **Location:** ${recipient.location}`);
    lines.push(
      `- **Transfer outside the EEA:** ${recipient.transfer ? describeTransfer(recipient.transfer, false) : "none"}`,
      "",
    );
  }

  lines.push("## Security measures (GDPR Art. 32)", "");
  for (const measure of records.securityMeasures) lines.push(`- ${measure.measure} (\`${measure.where}\`)`);
  lines.push("");
  return lines.join("\n");
}
