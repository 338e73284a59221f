/**
 * The data inventory (P1): every field of every model, once, with why we hold
 * it, how long, whether the data-subject export includes it and what erasure
 * does to it. Export (P14), erasure (P16), retention (P8) and the records of
 * processing are computed from this object, never listed again by hand.
 *
 * The type makes the compiler demand an entry for every scalar field of every
 * Prisma model and refuse entries for fields that do not exist; a test checks
 * the same against the datamodel at run time.
 *
 * Reading guide:
 * - personal: the value, in its record, says something about an identifiable
 *   person (pseudonymous ids included). `subject` says whose data it is.
 * - export: included in the customer's own copy of their data. A customer's
 *   personal field left out says why (`notExportedBecause`).
 * - erasure, when a customer's account is erased:
 *   "delete": goes with its record; "anonymise": the record stays and the value
 *   is cleared or replaced by one that points at nobody; "keep-legal-retention":
 *   kept as is until its retention ends, because the law requires it;
 *   "not-personal": untouched. A record is deleted when all its personal fields
 *   say "delete", kept otherwise.
 */
import type { Prisma } from "@smsape/db";
import type { RetentionPolicyKey } from "../retention/policies.ts";

export type DataCategory =
  | "identity"
  | "credential"
  | "consent"
  | "contact"
  | "activation"
  | "message-content"
  | "payment"
  | "privacy-request"
  | "technical"
  | "audit"
  | "reference";

export type DataSubject = "customer" | "staff";
export type Erasure = "delete" | "anonymise" | "keep-legal-retention" | "not-personal";

/** How long data without a scheduled purge of its own is kept. */
export const retentionRules = {
  "account-lifetime": "Kept while the account exists; erased with it.",
  "privacy-request-record":
    "Part of a rights request's record: kept with the request and removed with it when the privacy.request policy's period ends; pseudonymised when the account is erased.",
  evidence:
    "Records of what the service and its staff did (audit entries, purge runs): never rewritten; they hold ids and field names, not personal values.",
  "staff-access": "Kept while the staff member has access, and as long as the audit log needs to name who acted.",
  reference: "Service data (catalogue, number pool, policy texts), kept while in use.",
  "export-download":
    "A copy of a person's data waits encrypted for its single download, and is deleted when its link expires (7 days).",
  "rate-limit-window":
    "Counts the emails an address received in the last hour; the email sweep removes it once that hour has passed.",
  "rate-limit-counters":
    "A rate limit's count lives for its window or lockout (minutes to an hour); expired counts are swept within the hour after.",
  "abuse-signal-days":
    "Abuse signals are kept per UTC day for 30 days (abuseSignalDays), then deleted; each day's keys match no other day's.",
  "purge-queue":
    "Lists an SMS until its text is purged: the sms.body purge deletes the row as it clears the text, erasure with the SMS.",
  "legal-hold":
    "A legal hold is evidence of why data was kept past its period: kept for good; an erased account's link is cleared.",
  "webhook-endpoint":
    "A webhook endpoint and its signing secret are kept until the customer deletes the endpoint, and erased with the account.",
  "breach-register":
    "The register of personal-data breaches and who was told (GDPR Art. 33(5), P21): kept for good; an erased account's link is cleared.",
} as const;
export type RetentionRule = keyof typeof retentionRules;

export type Retention = { policy: RetentionPolicyKey } | { rule: RetentionRule };

export interface FieldClassification {
  category: DataCategory;
  personal: boolean;
  /** Whose personal data it is; null when it is not personal. */
  subject: DataSubject | null;
  purpose: string;
  retention: Retention;
  export: boolean;
  /** Why a customer's personal field is left out of their export. */
  notExportedBecause?: string;
  erasure: Erasure;
  /** Stored encrypted (P20): the export opens it. */
  encrypted?: true;
  /** Stored only as a one-way hash (P4, P5): nobody, staff included, can read the value back. */
  hashed?: true;
}

type ScalarFieldOf<M extends Prisma.ModelName> = keyof Prisma.TypeMap["model"][M]["payload"]["scalars"];
export type DataInventory = { [M in Prisma.ModelName]: { [F in ScalarFieldOf<M>]: FieldClassification } };

// ---------------------------------------------------------------- shorthands

const accountLifetime: Retention = { rule: "account-lifetime" };
const breachRegister: Retention = { rule: "breach-register" };
const webhookEndpoint: Retention = { rule: "webhook-endpoint" };
const webhookDelivery: Retention = { policy: "webhook.delivery" };

/** A customer's personal data that the export includes. */
function customer(
  category: DataCategory,
  purpose: string,
  retention: Retention,
  erasure: Erasure,
  extra: Partial<FieldClassification> = {},
): FieldClassification {
  return { category, personal: true, subject: "customer", purpose, retention, export: true, erasure, ...extra };
}

/** A customer's personal data left out of the export, with the reason. */
function customerNotExported(
  category: DataCategory,
  purpose: string,
  retention: Retention,
  erasure: Erasure,
  because: string,
): FieldClassification {
  return {
    category,
    personal: true,
    subject: "customer",
    purpose,
    retention,
    export: false,
    notExportedBecause: because,
    erasure,
  };
}

/** A staff member's personal data: never in a customer's export, untouched by a customer's erasure. */
function staff(category: DataCategory, purpose: string, retention: Retention, erasure: Erasure): FieldClassification {
  return { category, personal: true, subject: "staff", purpose, retention, export: false, erasure };
}

function notPersonal(category: DataCategory, purpose: string, retention: Retention = { rule: "reference" }): FieldClassification {
  return { category, personal: false, subject: null, purpose, retention, export: false, erasure: "not-personal" };
}

const hashOnly = "a one-way hash: of no use to the holder, and a risk if it leaked (P4)";
const recordId = "Identifies the record";
const ownerLink = "Links the record to the account that owns it";

/** A secret or identifier kept only as its one-way hash. */
function hashed(classification: FieldClassification): FieldClassification {
  return { ...classification, hashed: true };
}

// ---------------------------------------------------------------- the inventory

export const dataInventory: DataInventory = {
  PolicyVersion: {
    version: notPersonal("reference", 'The "Last updated" date of a policy version (P2)'),
    effectiveAt: notPersonal("reference", "When the version took effect (P2)"),
    text: notPersonal("reference", "The policy text itself (P2)"),
    createdAt: notPersonal("technical", "When the version was loaded or published"),
    publishedBy: staff(
      "identity",
      "Which compliance reviewer published the version (P2)",
      { rule: "staff-access" },
      "keep-legal-retention",
    ),
    noticesThroughAccountId: notPersonal(
      "technical",
      "Progress of the notice emails while they go out: the last account told; cleared when all were (P2)",
    ),
    noticesCompletedAt: notPersonal("technical", "When every account had been told of the version (P2)"),
  },
  PolicyAcknowledgement: {
    id: customer("consent", recordId, accountLifetime, "delete"),
    accountId: customer("consent", ownerLink, accountLifetime, "delete"),
    policyVersion: customer("consent", "Which policy version the account holder acknowledged (P2)", accountLifetime, "delete"),
    acknowledgedAt: customer("consent", "When they acknowledged it (P2)", accountLifetime, "delete"),
  },
  Account: {
    id: customer("identity", "Identifies the account", accountLifetime, "delete"),
    email: customer("contact", "Sign-in and the only contact channel (P3)", accountLifetime, "delete"),
    emailVerifiedAt: customer("identity", "Proves the holder controls the email address", accountLifetime, "delete"),
    passwordHash: hashed(
      customerNotExported("credential", "Verifies the password without storing it (P4)", accountLifetime, "delete", hashOnly),
    ),
    ageAttestedAt: customer("consent", "The holder's attestation of the age of majority (P22)", accountLifetime, "delete"),
    jurisdiction: customer("identity", "Which privacy law's rights and deadlines apply (P23)", accountLifetime, "delete"),
    restrictedAt: customer(
      "privacy-request",
      "Processing restricted while a request is reviewed (P17)",
      accountLifetime,
      "delete",
    ),
    createdAt: customer("technical", "When the account was opened", accountLifetime, "delete"),
    updatedAt: customer("technical", "When the account last changed", accountLifetime, "delete"),
  },
  AccountToken: {
    id: customer("technical", recordId, { policy: "token" }, "delete"),
    accountId: customer("technical", ownerLink, { policy: "token" }, "delete"),
    purpose: customer("technical", "Email verification or password reset", { policy: "token" }, "delete"),
    tokenHash: hashed(
      customerNotExported(
        "credential",
        "Verifies a one-time emailed code without storing it",
        { policy: "token" },
        "delete",
        hashOnly,
      ),
    ),
    expiresAt: customer("technical", "When the code stops working", { policy: "token" }, "delete"),
    usedAt: customer("technical", "When the code was used; it works once", { policy: "token" }, "delete"),
    createdAt: customer("technical", "When the code was sent", { policy: "token" }, "delete"),
  },
  Session: {
    id: customer("technical", recordId, { policy: "session" }, "delete"),
    accountId: customer("technical", ownerLink, { policy: "session" }, "delete"),
    tokenHash: hashed(
      customerNotExported(
        "credential",
        "Recognises the session token without storing it (P5)",
        { policy: "session" },
        "delete",
        hashOnly,
      ),
    ),
    createdAt: customer("technical", "When the holder signed in (P5)", { policy: "session" }, "delete"),
    lastSeenAt: customer("technical", "Last use, for the idle expiry (P5)", { policy: "session" }, "delete"),
    idleExpiresAt: customer("technical", "Idle expiry (P5)", { policy: "session" }, "delete"),
    absoluteExpiresAt: customer("technical", "Absolute expiry (P5)", { policy: "session" }, "delete"),
    revokedAt: customer("technical", "When the session was ended (P5)", { policy: "session" }, "delete"),
  },
  ApiKey: {
    id: customer("technical", recordId, accountLifetime, "delete"),
    accountId: customer("technical", ownerLink, accountLifetime, "delete"),
    name: customer("technical", "The holder's name for the key", accountLifetime, "delete"),
    prefix: customer("technical", "First characters, so the holder can tell keys apart", accountLifetime, "delete"),
    keyHash: hashed(
      customerNotExported("credential", "Recognises the key without storing it", accountLifetime, "delete", hashOnly),
    ),
    createdAt: customer("technical", "When the key was made", accountLifetime, "delete"),
    lastUsedAt: customer("technical", "When the key was last used, so unused keys can be revoked", accountLifetime, "delete"),
    revokedAt: customer("technical", "When the key was revoked", accountLifetime, "delete"),
  },
  OutboxEmail: {
    id: customer("contact", recordId, { policy: "email.outbox" }, "delete"),
    accountId: customer("contact", ownerLink, { policy: "email.outbox" }, "delete"),
    toAddressCiphertext: customer(
      "contact",
      "Where to deliver, encrypted; cleared once delivered (P11, P20)",
      { policy: "email.outbox" },
      "delete",
      { encrypted: true },
    ),
    template: customer("contact", "Which transactional email it is (P3)", { policy: "email.outbox" }, "delete"),
    subject: customer(
      "contact",
      "The email's subject line: one fixed line per template, never personal",
      { policy: "email.outbox" },
      "delete",
    ),
    bodyCiphertext: {
      ...customerNotExported(
        "message-content",
        "The email to deliver, encrypted; cleared once delivered (P11, P20)",
        { policy: "email.outbox" },
        "delete",
        "it may hold a live one-time sign-in or reset code; bodies leave the outbox at delivery (P11)",
      ),
      encrypted: true,
    },
    status: customer("contact", "Delivery state", { policy: "email.outbox" }, "delete"),
    attempts: customer("technical", "Delivery attempts so far", { policy: "email.outbox" }, "delete"),
    lastError: customer("technical", "Why the last delivery attempt failed", { policy: "email.outbox" }, "delete"),
    createdAt: customer("contact", "When the email was queued", { policy: "email.outbox" }, "delete"),
    sentAt: customer("contact", "Proof of delivery of security notices (5)", { policy: "email.outbox" }, "delete"),
  },
  EmailRateLimit: {
    addressHash: hashed(
      customerNotExported(
        "contact",
        "Recognises an address to cap the resets and notices it receives, without holding the address",
        { rule: "rate-limit-window" },
        "delete",
        "a keyed hash of the address: of no use to the holder, who has the address itself",
      ),
    ),
    template: customer("contact", "Which kind of email is counted", { rule: "rate-limit-window" }, "delete"),
    sentAt: customer("contact", "When the emails counted this hour were sent", { rule: "rate-limit-window" }, "delete"),
  },
  StaffUser: {
    id: staff("identity", "Identifies the staff member in the audit log", { rule: "staff-access" }, "keep-legal-retention"),
    email: staff("contact", "Staff sign-in", { rule: "staff-access" }, "keep-legal-retention"),
    displayName: staff("identity", "Shows who acted, in the console", { rule: "staff-access" }, "keep-legal-retention"),
    passwordHash: hashed(
      staff("credential", "Verifies the staff password without storing it", { rule: "staff-access" }, "anonymise"),
    ),
    role: staff("identity", "What the staff member may do", { rule: "staff-access" }, "keep-legal-retention"),
    mfaSecret: staff("credential", "Second factor for staff sign-in, encrypted (P20)", { rule: "staff-access" }, "anonymise"),
    createdAt: staff("technical", "When access was granted", { rule: "staff-access" }, "keep-legal-retention"),
    disabledAt: staff("technical", "When access ended", { rule: "staff-access" }, "keep-legal-retention"),
    mfaEnrolledAt: staff("technical", "When the second factor was enrolled (P20)", { rule: "staff-access" }, "anonymise"),
    mfaLastUsedStep: staff("credential", "Refuses a second-factor code used before (P20)", { rule: "staff-access" }, "anonymise"),
    failedAttempts: staff("technical", "Counts failed sign-ins for the lockout (P20)", { rule: "staff-access" }, "anonymise"),
    failureWindowStart: staff("technical", "When the counted failed sign-ins began", { rule: "staff-access" }, "anonymise"),
    lockedUntil: staff("technical", "When a sign-in lockout ends", { rule: "staff-access" }, "anonymise"),
  },
  StaffSignInChallenge: {
    id: staff("technical", recordId, { policy: "session" }, "delete"),
    staffUserId: staff("technical", "Links the sign-in step to the staff member", { policy: "session" }, "delete"),
    tokenHash: hashed(
      staff("credential", "Recognises the sign-in step's token without storing it", { policy: "session" }, "delete"),
    ),
    purpose: staff("technical", "Whether the step enrols or checks the second factor", { policy: "session" }, "delete"),
    pendingSecret: staff(
      "credential",
      "A second-factor secret awaiting its first code, encrypted",
      { policy: "session" },
      "delete",
    ),
    createdAt: staff("technical", "When the password was accepted", { policy: "session" }, "delete"),
    expiresAt: staff("technical", "When the sign-in step lapses", { policy: "session" }, "delete"),
    usedAt: staff("technical", "When the sign-in step was completed", { policy: "session" }, "delete"),
  },
  StaffSignInThrottle: {
    addressHash: notPersonal(
      "technical",
      "Keyed hash of an address typed at the staff sign-in that no staff member has, to lock it like a member's (P20)",
      { policy: "session" },
    ),
    failedAttempts: notPersonal("technical", "Failed sign-ins with that address in the window", { policy: "session" }),
    failureWindowStart: notPersonal("technical", "When the counted failures began", { policy: "session" }),
    lockedUntil: notPersonal("technical", "When the lock on that address ends", { policy: "session" }),
  },
  RateLimitCounter: {
    key: notPersonal(
      "technical",
      "A rate limit's name and the keyed hash it counts under (an account's, an API key's, a day's network): never an address or email (P12)",
      { rule: "rate-limit-counters" },
    ),
    points: notPersonal("technical", "Attempts counted in the window", { rule: "rate-limit-counters" }),
    expire: notPersonal("technical", "When the window or lockout ends (ms since the epoch)", { rule: "rate-limit-counters" }),
  },
  AbuseSignal: {
    day: notPersonal("technical", "The UTC day counted", { rule: "abuse-signal-days" }),
    keyKind: notPersonal("technical", "What the key stands for: a network, an API key or a service", {
      rule: "abuse-signal-days",
    }),
    key: notPersonal(
      "technical",
      "The day's keyed hash of a network or API key, or a service's code: never an account, email or address (P12)",
      { rule: "abuse-signal-days" },
    ),
    event: notPersonal("technical", "What was counted: orders, cancels, failed sign-ins, refusals", {
      rule: "abuse-signal-days",
    }),
    count: notPersonal("technical", "How many that day", { rule: "abuse-signal-days" }),
    lastAt: notPersonal("technical", "When the last one was counted", { rule: "abuse-signal-days" }),
  },
  StaffRecoveryCode: {
    id: staff("technical", recordId, { rule: "staff-access" }, "delete"),
    staffUserId: staff("technical", "Links the recovery code to the staff member", { rule: "staff-access" }, "delete"),
    codeHash: hashed(
      staff("credential", "Recognises a recovery code without storing it (P20)", { rule: "staff-access" }, "delete"),
    ),
    usedAt: staff("technical", "When the recovery code was used up", { rule: "staff-access" }, "delete"),
  },
  StaffSession: {
    id: staff("technical", recordId, { policy: "session" }, "delete"),
    staffUserId: staff("technical", "Links the session to the staff member", { policy: "session" }, "delete"),
    tokenHash: hashed(staff("credential", "Recognises the session token without storing it", { policy: "session" }, "delete")),
    mfaVerifiedAt: staff("technical", "When the second factor was checked (P20)", { policy: "session" }, "delete"),
    createdAt: staff("technical", "When the staff member signed in", { policy: "session" }, "delete"),
    lastSeenAt: staff("technical", "Last use, for the idle expiry", { policy: "session" }, "delete"),
    idleExpiresAt: staff("technical", "Idle expiry", { policy: "session" }, "delete"),
    absoluteExpiresAt: staff("technical", "Absolute expiry", { policy: "session" }, "delete"),
    revokedAt: staff("technical", "When the session was ended", { policy: "session" }, "delete"),
  },
  Country: {
    code: notPersonal("reference", "Catalogue: where numbers are offered"),
    name: notPersonal("reference", "Catalogue: the country's name"),
  },
  Service: {
    code: notPersonal("reference", "Catalogue: the service a number is ordered for"),
    name: notPersonal("reference", "Catalogue: the service's name"),
    codePattern: notPersonal("reference", "How to find the code in this service's SMS"),
  },
  Price: {
    countryCode: notPersonal("reference", "Catalogue: price per country"),
    serviceCode: notPersonal("reference", "Catalogue: price per service"),
    amountMinor: notPersonal("reference", "The price, in minor units"),
    currency: notPersonal("reference", "The price's currency"),
  },
  VirtualNumber: {
    id: notPersonal("reference", "Identifies a number of the service's pool"),
    phoneNumber: notPersonal("reference", "A number of the service's own pool, not a customer's"),
    countryCode: notPersonal("reference", "Where the number is from"),
    status: notPersonal("reference", "Whether the number can be given out"),
    operatorRoute: notPersonal("reference", "The upstream operator's route the number is reached through"),
    createdAt: notPersonal("technical", "When the number joined the pool"),
    retiredAt: notPersonal("technical", "When the number left the pool for good"),
  },
  NumberQuarantine: {
    numberId: notPersonal("reference", "The resting number"),
    serviceCode: notPersonal("reference", "The service it rests from"),
    until: notPersonal("reference", "When it may serve that service again"),
  },
  Activation: {
    id: customer("activation", recordId, accountLifetime, "delete"),
    numericId: customer(
      "activation",
      "The activation's id for sms-activate protocol clients, which read ids as integers",
      accountLifetime,
      "delete",
    ),
    accountId: customer("activation", "The ordering account: the only one that may read its SMS (P7)", accountLifetime, "delete"),
    idempotencyKey: customer("technical", "Makes a retried order place one activation", accountLifetime, "delete"),
    serviceCode: customer("activation", "The service the number was ordered for (P6)", accountLifetime, "delete"),
    countryCode: customer("activation", "The country of the number (P6)", accountLifetime, "delete"),
    numberId: customer("activation", "The pool number given out (P6)", accountLifetime, "delete"),
    phoneNumber: customer("activation", "The number as given out (P6)", accountLifetime, "delete"),
    priceMinor: customer("payment", "What the activation costs (P9)", accountLifetime, "delete"),
    currency: customer("payment", "The price's currency", accountLifetime, "delete"),
    status: customer("activation", "Where the activation stands (P6)", accountLifetime, "delete"),
    routingCiphertext: customer(
      "activation",
      "Upstream routing details, encrypted (P6, P20)",
      { policy: "activation.routing" },
      "delete",
      {
        encrypted: true,
      },
    ),
    createdAt: customer("activation", "When the number was ordered (P6)", accountLifetime, "delete"),
    expiresAt: customer("activation", "When it times out with a refund (P6)", accountLifetime, "delete"),
    cancelableAt: customer("activation", "When cancelling becomes possible", accountLifetime, "delete"),
    endedAt: customer("activation", "When it finished, was cancelled or timed out (P6)", accountLifetime, "delete"),
    updatedAt: customer("technical", "When it last changed", accountLifetime, "delete"),
  },
  ActivationStatusChange: {
    id: customer("activation", recordId, accountLifetime, "delete"),
    activationId: customer("activation", "The activation whose history this is (P6)", accountLifetime, "delete"),
    fromStatus: customer("activation", "Status history (P6)", accountLifetime, "delete"),
    toStatus: customer("activation", "Status history (P6)", accountLifetime, "delete"),
    reason: customer("activation", "Why the status changed (P6)", accountLifetime, "delete"),
    at: customer("activation", "When the status changed (P6)", accountLifetime, "delete"),
  },
  SmsMessage: {
    id: customer("message-content", recordId, accountLifetime, "delete"),
    activationId: customer("message-content", "The activation the SMS arrived for (P7)", accountLifetime, "delete"),
    upstreamMessageId: customer("technical", "The operator's id: a retried delivery is stored once", accountLifetime, "delete"),
    bodyCiphertext: customer(
      "message-content",
      "The SMS text, encrypted, until it ages out (P7, P8, P20)",
      { policy: "sms.body" },
      "delete",
      {
        encrypted: true,
      },
    ),
    codeCiphertext: customer(
      "message-content",
      "The code found in the SMS, encrypted, until it ages out (P7, P8)",
      { policy: "sms.body" },
      "delete",
      {
        encrypted: true,
      },
    ),
    receivedAt: customer("message-content", "When the SMS arrived", accountLifetime, "delete"),
    purgedAt: customer("message-content", "When the text was removed by the retention purge (P8)", accountLifetime, "delete"),
  },
  SmsAwaitingPurge: {
    smsId: customerNotExported(
      "message-content",
      "Lists an SMS not yet purged, for the sms.body purge (P8)",
      { rule: "purge-queue" },
      "delete",
      "a copy of the SMS's id, which the export carries with the SMS",
    ),
    receivedAt: customerNotExported(
      "message-content",
      "When that SMS arrived: the order the purge walks",
      { rule: "purge-queue" },
      "delete",
      "a copy of the SMS's time, which the export carries with the SMS",
    ),
  },
  LedgerEntry: {
    id: customer("payment", recordId, { policy: "ledger" }, "keep-legal-retention"),
    accountId: customer("payment", "Links the entry to the account; cleared on erasure", { policy: "ledger" }, "anonymise"),
    accountRef: customer(
      "payment",
      "Pseudonymous reference that keeps the books whole after erasure (P9)",
      { policy: "ledger" },
      "keep-legal-retention",
    ),
    kind: customer("payment", "Top-up, hold, charge, release or adjustment (P9)", { policy: "ledger" }, "keep-legal-retention"),
    availableDelta: customer(
      "payment",
      "Change to spendable funds, in minor units (P9)",
      { policy: "ledger" },
      "keep-legal-retention",
    ),
    heldDelta: customer("payment", "Change to funds held for an activation (P9)", { policy: "ledger" }, "keep-legal-retention"),
    currency: customer("payment", "The entry's currency (P9)", { policy: "ledger" }, "keep-legal-retention"),
    activationId: customer(
      "payment",
      "The activation the money moved for; cleared when it is erased",
      { policy: "ledger" },
      "anonymise",
    ),
    paymentEventId: customer(
      "payment",
      "The processor's event behind a top-up (P9)",
      { policy: "ledger" },
      "keep-legal-retention",
    ),
    createdAt: customer("payment", "When the money moved (P9)", { policy: "ledger" }, "keep-legal-retention"),
  },
  PaymentEvent: {
    id: customer(
      "payment",
      "The processor's event id; makes delivery idempotent (P9)",
      { policy: "ledger" },
      "keep-legal-retention",
    ),
    accountId: customer("payment", "The account topped up; cleared on erasure", { policy: "ledger" }, "anonymise"),
    kind: customer("payment", "What the processor reported (P9)", { policy: "ledger" }, "keep-legal-retention"),
    amountMinor: customer(
      "payment",
      "The amount, in minor units; never card data (P10)",
      { policy: "ledger" },
      "keep-legal-retention",
    ),
    currency: customer("payment", "The amount's currency", { policy: "ledger" }, "keep-legal-retention"),
    receivedAt: customer("payment", "When the processor reported it (P9)", { policy: "ledger" }, "keep-legal-retention"),
  },
  PrivacyRequest: {
    id: customer("privacy-request", recordId, { policy: "privacy.request" }, "keep-legal-retention"),
    accountId: customer(
      "privacy-request",
      "The requesting account; cleared on erasure",
      { policy: "privacy.request" },
      "anonymise",
    ),
    kind: customer(
      "privacy-request",
      "Which right was exercised (P14-P17)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    status: customer("privacy-request", "Where the request stands", { policy: "privacy.request" }, "keep-legal-retention"),
    source: customer(
      "privacy-request",
      "Self-service or recorded by support",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    jurisdiction: customer(
      "privacy-request",
      "The law that sets its deadlines (P23)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    details: customer(
      "privacy-request",
      "What the request is about, in the requester's words",
      { policy: "privacy.request" },
      "anonymise",
    ),
    verifiedAt: customer(
      "privacy-request",
      "When the requester was confirmed as the holder",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    receivedAt: customer(
      "privacy-request",
      "When it arrived: the clocks start here (P18)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    slaDueAt: customer(
      "privacy-request",
      "The policy's 72-hour answer (P18)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    legalDueAt: customer(
      "privacy-request",
      "The jurisdiction's deadline (P18, P23)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    completedAt: customer("privacy-request", "When it was closed", { policy: "privacy.request" }, "keep-legal-retention"),
    resolution: customer(
      "privacy-request",
      "How it was closed; may quote the requester",
      { policy: "privacy.request" },
      "anonymise",
    ),
    concernsMinor: customer(
      "privacy-request",
      "Whether it concerns a minor's data (P22)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    priority: customer(
      "privacy-request",
      "Its place in the staff queue (P18, P22)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    expeditedErasure: customer(
      "privacy-request",
      "A minor's data is erased without the standard waiting steps (P22)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    reporterContact: customerNotExported(
      "privacy-request",
      "How to answer whoever reported it, when not the holder",
      { policy: "privacy.request" },
      "anonymise",
      "it is the reporter's address, not the account holder's data",
    ),
    concernedEmail: customer("privacy-request", "The address a report named", { policy: "privacy.request" }, "anonymise"),
    identityMethod: customer(
      "privacy-request",
      "How the requester was confirmed as the holder",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    identityNote: customer(
      "privacy-request",
      "What staff noted about the identity check",
      { policy: "privacy.request" },
      "anonymise",
    ),
    assigneeId: customerNotExported(
      "privacy-request",
      "Which staff member handles it",
      { policy: "privacy.request" },
      "keep-legal-retention",
      "it names an employee",
    ),
    acknowledgedAt: customer(
      "privacy-request",
      "When receipt was confirmed (CCPA: within 10 business days)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    acknowledgeDueAt: customer(
      "privacy-request",
      "By when receipt must be confirmed (CCPA)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    dueAt: customer(
      "privacy-request",
      "The clock the queue works to (P18)",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    extendedAt: customer(
      "privacy-request",
      "When its deadline was extended, once",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    extensionReason: customer(
      "privacy-request",
      "Why, as the notice told the person",
      { policy: "privacy.request" },
      "anonymise",
    ),
    dueSoonNotifiedAt: customer(
      "privacy-request",
      "When staff were reminded it is due soon",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    overdueNotifiedAt: customer(
      "privacy-request",
      "When staff were told it is overdue",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
    rejectionReasonCode: customer(
      "privacy-request",
      "Why it was refused, as a code",
      { policy: "privacy.request" },
      "keep-legal-retention",
    ),
  },
  PrivacyRequestTransition: {
    id: customer("privacy-request", recordId, { rule: "privacy-request-record" }, "keep-legal-retention"),
    requestId: customer(
      "privacy-request",
      "The request it belongs to",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
    ),
    fromStatus: customer("privacy-request", "The state it left", { rule: "privacy-request-record" }, "keep-legal-retention"),
    toStatus: customer("privacy-request", "The state it entered", { rule: "privacy-request-record" }, "keep-legal-retention"),
    actorType: customer(
      "privacy-request",
      "Whether the holder, staff or the system moved it",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
    ),
    actorId: customerNotExported(
      "privacy-request",
      "Who moved it",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
      "for staff steps it names an employee",
    ),
    reasonCode: customer("privacy-request", "Why, as a code", { rule: "privacy-request-record" }, "keep-legal-retention"),
    note: customer(
      "privacy-request",
      "What staff wrote about the step; may name the person",
      { rule: "privacy-request-record" },
      "anonymise",
    ),
    at: customer("privacy-request", "When", { rule: "privacy-request-record" }, "keep-legal-retention"),
  },
  PrivacyRequestIdentityToken: {
    id: customer("technical", recordId, { policy: "token" }, "delete"),
    requestId: customer("technical", "The request the link confirms", { policy: "token" }, "delete"),
    tokenHash: hashed(
      customerNotExported("credential", "Verifies the emailed link without storing it", { policy: "token" }, "delete", hashOnly),
    ),
    expiresAt: customer("technical", "When the link stops working", { policy: "token" }, "delete"),
    usedAt: customer("technical", "When it was used; it works once", { policy: "token" }, "delete"),
    createdAt: customer("technical", "When it was sent", { policy: "token" }, "delete"),
  },
  SupportTicket: {
    id: customer("contact", recordId, accountLifetime, "delete"),
    accountId: customer("contact", ownerLink, accountLifetime, "delete"),
    channel: customer("contact", "Whether it came through the API or by email", accountLifetime, "delete"),
    fromAddress: customer("contact", "Who sent a logged email", accountLifetime, "delete"),
    subject: customer("contact", "The person's own words", accountLifetime, "delete"),
    body: customer("contact", "The person's own words", accountLifetime, "delete"),
    status: customer("contact", "Where the ticket stands", accountLifetime, "delete"),
    privacyRequestId: customer("contact", "The request it became, if any", accountLifetime, "delete"),
    createdAt: customer("contact", "When it arrived", accountLifetime, "delete"),
    classifiedAt: customer("contact", "When staff classified it as a privacy request", accountLifetime, "delete"),
    closedAt: customer("contact", "When staff closed it as needing nothing more", accountLifetime, "delete"),
  },
  SupportTicketMessage: {
    id: customer("contact", recordId, accountLifetime, "delete"),
    ticketId: customer("contact", "The ticket it answers", accountLifetime, "delete"),
    authorId: customerNotExported(
      "contact",
      "Which staff member wrote the reply",
      accountLifetime,
      "delete",
      "it names an employee",
    ),
    body: customer("contact", "Support's reply to the person, as it was emailed to them", accountLifetime, "delete"),
    createdAt: customer("contact", "When the reply was sent", accountLifetime, "delete"),
  },
  AuditEntry: {
    seq: notPersonal("audit", "Order of the tamper-evident chain", { rule: "evidence" }),
    at: customer("audit", "When the action happened", { rule: "evidence" }, "keep-legal-retention"),
    actorType: customer("audit", "Whether the holder, staff or the system acted", { rule: "evidence" }, "keep-legal-retention"),
    actorId: customerNotExported(
      "audit",
      "Who acted: the account or the staff member",
      { rule: "evidence" },
      "keep-legal-retention",
      "for staff actions it names an employee; the export says that staff acted (actorType), not who",
    ),
    action: customer("audit", "What was done", { rule: "evidence" }, "keep-legal-retention"),
    subjectType: customer("audit", "Which kind of record was touched", { rule: "evidence" }, "keep-legal-retention"),
    subjectId: customer("audit", "Which record was touched (an id, never a value)", { rule: "evidence" }, "keep-legal-retention"),
    reason: customer("audit", "Why staff acted", { rule: "evidence" }, "keep-legal-retention"),
    details: customer(
      "audit",
      "Ids and field names of what changed, never their values",
      { rule: "evidence" },
      "keep-legal-retention",
    ),
    prevHash: notPersonal("audit", "Chains the entry to the one before (tamper evidence)", { rule: "evidence" }),
    hash: notPersonal("audit", "Covers the entry and the chain before it (tamper evidence)", { rule: "evidence" }),
  },
  AuditNote: {
    id: customer("audit", "Names the note from the audit entry it belongs to", accountLifetime, "delete"),
    text: customer("audit", "What staff wrote when they acted (a note, a rejection message)", accountLifetime, "delete"),
    accountId: customer("audit", "The account the note is about: erasing it deletes the note", accountLifetime, "delete"),
    createdAt: customer("audit", "When the note was written", accountLifetime, "delete"),
  },
  AuditHead: {
    id: notPersonal("audit", "The one head row", { rule: "evidence" }),
    hash: notPersonal("audit", "The newest entry's hash, which the next entry chains to", { rule: "evidence" }),
    prevHash: notPersonal("audit", "The hash before it", { rule: "evidence" }),
  },
  AuditCheckpoint: {
    seq: notPersonal("audit", "The entry a signed checkpoint vouches for", { rule: "evidence" }),
    hash: notPersonal("audit", "The chain's hash at that entry", { rule: "evidence" }),
    at: notPersonal("audit", "When the checkpoint was signed", { rule: "evidence" }),
    keyId: notPersonal("audit", "Which signing key signed it", { rule: "evidence" }),
    signature: notPersonal("audit", "Ed25519 signature over seq, hash and time", { rule: "evidence" }),
  },
  RetentionPolicy: {
    key: notPersonal("reference", "The data category a retention policy governs (P8)"),
    description: notPersonal("reference", "What the policy covers"),
    retentionSecs: notPersonal("reference", "How long the data is kept"),
    legalBasis: notPersonal("reference", "Why it is kept that long"),
    countedFrom: notPersonal("reference", "The event the period counts from (P8)"),
    action: notPersonal("reference", "Whether the purge deletes the records or clears their personal values"),
    updatedAt: notPersonal("technical", "When the policy last changed"),
    updatedById: staff("identity", "Who last changed the period", { rule: "staff-access" }, "keep-legal-retention"),
  },
  PurgeRun: {
    id: notPersonal("audit", "Identifies a purge run (P8 evidence)", { rule: "evidence" }),
    policyKey: notPersonal("audit", "The policy the run enforced", { rule: "evidence" }),
    startedAt: notPersonal("audit", "When the run started", { rule: "evidence" }),
    finishedAt: notPersonal("audit", "When it finished", { rule: "evidence" }),
    cutoff: notPersonal("audit", "Data older than this was removed", { rule: "evidence" }),
    trigger: notPersonal("audit", "Whether the schedule or a staff member started the run", { rule: "evidence" }),
    startedById: staff("identity", "Who started the run from the console", { rule: "evidence" }, "keep-legal-retention"),
    status: notPersonal("audit", "Running or completed", { rule: "evidence" }),
    cursor: notPersonal("audit", "How far the run got: the last record id and time it examined", { rule: "evidence" }),
    batches: notPersonal("audit", "How many batches the run took", { rule: "evidence" }),
    examinedCount: notPersonal("audit", "Records past the cut-off the run looked at", { rule: "evidence" }),
    deletedCount: notPersonal("audit", "Records the run deleted", { rule: "evidence" }),
    anonymisedCount: notPersonal("audit", "Records whose personal values the run cleared", { rule: "evidence" }),
    heldBackCount: notPersonal("audit", "Records a legal hold kept", { rule: "evidence" }),
    busyMs: notPersonal("audit", "Time spent in the run's batches", { rule: "evidence" }),
  },
  LegalHold: {
    id: notPersonal("audit", "Identifies a legal hold", { rule: "legal-hold" }),
    scope: notPersonal("audit", "Whether it holds one account or a whole category", { rule: "legal-hold" }),
    accountId: customerNotExported(
      "audit",
      "The account whose data the hold keeps past retention and erasure",
      { rule: "legal-hold" },
      "anonymise",
      "telling the person of a hold could defeat its purpose (an inquiry); it is disclosed when the law allows",
    ),
    policyKey: notPersonal("audit", "The category a category hold keeps", { rule: "legal-hold" }),
    reasonCode: notPersonal("audit", "Why, as a reason code", { rule: "legal-hold" }),
    placedById: staff("identity", "Who placed the hold", { rule: "legal-hold" }, "keep-legal-retention"),
    placedAt: notPersonal("audit", "When it was placed", { rule: "legal-hold" }),
    until: notPersonal("audit", "When it ends by itself, if it has an end", { rule: "legal-hold" }),
    liftedAt: notPersonal("audit", "When it was lifted", { rule: "legal-hold" }),
    liftedById: staff("identity", "Who lifted it", { rule: "legal-hold" }, "keep-legal-retention"),
    liftReason: notPersonal("audit", "Why it was lifted, as a reason code", { rule: "legal-hold" }),
  },
  PrivacyExport: {
    id: customer("privacy-request", recordId, { rule: "export-download" }, "delete"),
    requestId: customer("privacy-request", "The access request the copy answers (P14)", { rule: "export-download" }, "delete"),
    accountId: customer("privacy-request", ownerLink, { rule: "export-download" }, "delete"),
    tokenHash: hashed(
      customerNotExported(
        "credential",
        "Recognises the emailed download link without storing it",
        { rule: "export-download" },
        "delete",
        hashOnly,
      ),
    ),
    contentCiphertext: {
      ...customerNotExported(
        "privacy-request",
        "The copy itself, encrypted, until it is downloaded (P14, P20)",
        { rule: "export-download" },
        "delete",
        "it is an earlier copy of this same data",
      ),
      encrypted: true,
    },
    createdAt: customer("privacy-request", "When the copy was prepared", { rule: "export-download" }, "delete"),
    expiresAt: customer(
      "privacy-request",
      "When the link stops working and the copy is deleted",
      { rule: "export-download" },
      "delete",
    ),
    downloadedAt: customer("privacy-request", "When the link was used; it works once", { rule: "export-download" }, "delete"),
  },
  PrivacyCorrection: {
    id: customer("privacy-request", recordId, accountLifetime, "delete"),
    requestId: customer("privacy-request", "The correction request it carried out (P15)", accountLifetime, "delete"),
    model: customer("privacy-request", "Which record was corrected (P15)", accountLifetime, "delete"),
    field: customer("privacy-request", "Which field was corrected (P15)", accountLifetime, "delete"),
    beforeValue: customer("privacy-request", "The value before the correction (P15)", accountLifetime, "delete"),
    afterValue: customer("privacy-request", "The value after the correction (P15)", accountLifetime, "delete"),
    appliedBy: customerNotExported(
      "privacy-request",
      "The staff member who applied it",
      accountLifetime,
      "delete",
      "it names an employee; the copy says that staff applied it",
    ),
    appliedAt: customer("privacy-request", "When it was applied (P15)", accountLifetime, "delete"),
  },
  ErasurePlan: {
    id: customer("privacy-request", recordId, { rule: "privacy-request-record" }, "keep-legal-retention"),
    requestId: customer(
      "privacy-request",
      "The deletion request it carries out (P16)",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
    ),
    accountId: customer(
      "privacy-request",
      "The account to erase; cleared by the run",
      { rule: "privacy-request-record" },
      "anonymise",
    ),
    status: customer(
      "privacy-request",
      "Prepared, approved or completed (P16)",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
    ),
    steps: customer(
      "privacy-request",
      "Per model: delete, anonymise or keep, under which rule until when (P16)",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
    ),
    preparedBy: customerNotExported(
      "privacy-request",
      "The staff member who prepared the plan (two-person rule)",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
      "it names an employee",
    ),
    preparedAt: customer(
      "privacy-request",
      "When the plan was prepared",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
    ),
    approvedBy: customerNotExported(
      "privacy-request",
      "The second staff member, who approved it (two-person rule)",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
      "it names an employee",
    ),
    approvedAt: customer("privacy-request", "When it was approved", { rule: "privacy-request-record" }, "keep-legal-retention"),
    ranBy: customerNotExported(
      "privacy-request",
      "The staff member who ran it",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
      "it names an employee",
    ),
    ranAt: customer("privacy-request", "When it ran", { rule: "privacy-request-record" }, "keep-legal-retention"),
    recipients: customer(
      "privacy-request",
      "Who received the data, told of the erasure (GDPR Art. 19)",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
    ),
    scan: customer(
      "privacy-request",
      "Where the post-erasure scan looked and what it found kept, and why (P16)",
      { rule: "privacy-request-record" },
      "keep-legal-retention",
    ),
  },
  ProcessingObjection: {
    id: customer("privacy-request", recordId, accountLifetime, "delete"),
    accountId: customer("privacy-request", ownerLink, accountLifetime, "delete"),
    requestId: customer("privacy-request", "The objection request it records (P17)", accountLifetime, "delete"),
    path: customer("privacy-request", "The processing objected to (P17)", accountLifetime, "delete"),
    recordedAt: customer("privacy-request", "When the objection was recorded (P17)", accountLifetime, "delete"),
  },
  EmailChange: {
    id: customer("contact", recordId, { policy: "token" }, "delete"),
    accountId: customer("contact", ownerLink, { policy: "token" }, "delete"),
    newEmail: customer(
      "contact",
      "The address the holder asked to change to, until they confirm it (P15)",
      { policy: "token" },
      "delete",
    ),
    tokenHash: hashed(
      customerNotExported(
        "credential",
        "Recognises the confirmation link without storing it",
        { policy: "token" },
        "delete",
        hashOnly,
      ),
    ),
    expiresAt: customer("contact", "When the confirmation link stops working", { policy: "token" }, "delete"),
    createdAt: customer("contact", "When the change was asked for", { policy: "token" }, "delete"),
    confirmedAt: customer("contact", "When the new address was confirmed (P15)", { policy: "token" }, "delete"),
  },
  BreachIncident: {
    id: notPersonal("audit", "Identifies an incident of the breach register (P21)", breachRegister),
    reference: notPersonal("audit", "The incident's reference, INC-year-number (P21)", breachRegister),
    discoveredAt: notPersonal("audit", "When the breach was discovered (P21)", breachRegister),
    awareAt: notPersonal("audit", "When we became aware: the authority's 72 hours run from here (P21)", breachRegister),
    nature: notPersonal("audit", "What happened, as staff describe it; never personal values (P21)", breachRegister),
    dataCategories: notPersonal("audit", "Which kinds of personal data were reached (P21)", breachRegister),
    approxPeople: notPersonal("audit", "About how many people are concerned (P21)", breachRegister),
    approxRecords: notPersonal("audit", "About how many records are concerned (P21)", breachRegister),
    likelyConsequences: notPersonal("audit", "The breach's likely consequences (P21)", breachRegister),
    measures: notPersonal("audit", "Measures taken or proposed (P21)", breachRegister),
    status: notPersonal("audit", "Open, contained or closed (P21)", breachRegister),
    authorityDecision: notPersonal("audit", "Whether the supervisory authority is notified (P21)", breachRegister),
    authorityDecisionReason: notPersonal("audit", "Why, in staff's words (P21)", breachRegister),
    authorityDecidedAt: notPersonal("audit", "When that was decided (P21)", breachRegister),
    authorityNotifiedAt: notPersonal("audit", "When the authority was notified (P21)", breachRegister),
    peopleDecision: notPersonal("audit", "Whether the people concerned are told (P21)", breachRegister),
    peopleDecisionReason: notPersonal("audit", "Why, in staff's words (P21)", breachRegister),
    peopleDecidedAt: notPersonal("audit", "When that was decided (P21)", breachRegister),
    createdById: staff("identity", "The staff member who opened the incident", breachRegister, "keep-legal-retention"),
    closedAt: notPersonal("audit", "When the incident was closed (P21)", breachRegister),
    createdAt: notPersonal("technical", "When the incident was registered", breachRegister),
    updatedAt: notPersonal("technical", "When the incident last changed", breachRegister),
  },
  WebhookEndpoint: {
    id: customer("technical", recordId, webhookEndpoint, "delete"),
    accountId: customer("technical", ownerLink, webhookEndpoint, "delete"),
    url: customer("technical", "Where the customer asked us to send its events", webhookEndpoint, "delete"),
    events: customer("technical", "Which events the endpoint receives", webhookEndpoint, "delete"),
    includeMessageContent: customer(
      "technical",
      "Whether the customer chose to receive SMS text and code at the endpoint (P7)",
      webhookEndpoint,
      "delete",
    ),
    secretCiphertext: {
      ...customerNotExported(
        "credential",
        "Signs each event so the endpoint can tell it came from us; encrypted (P20), since signing needs it back",
        webhookEndpoint,
        "delete",
        "a secret shown once; a copy of it would be a key to forge our events",
      ),
      encrypted: true,
    },
    createdAt: customer("technical", "When the endpoint was registered", webhookEndpoint, "delete"),
    secretRotatedAt: customer("technical", "When its secret was last replaced", webhookEndpoint, "delete"),
  },
  WebhookDelivery: {
    id: customer("technical", recordId, webhookDelivery, "delete"),
    endpointId: customer("technical", "The endpoint the event went to", webhookDelivery, "delete"),
    eventId: customer("technical", "The event's id: retries carry the same, so it is received once", webhookDelivery, "delete"),
    eventType: customer("technical", "Which event it is", webhookDelivery, "delete"),
    activationId: customer("activation", "The activation the event is about", webhookDelivery, "delete"),
    payloadCiphertext: {
      ...customerNotExported(
        "message-content",
        "The event's body, encrypted, while it waits for delivery; cleared once delivered or given up (P8, P20)",
        webhookDelivery,
        "delete",
        "it repeats the activation and SMS the copy already holds, and leaves the record at delivery",
      ),
      encrypted: true,
    },
    status: customer("technical", "Whether it was delivered, is pending or was given up", webhookDelivery, "delete"),
    attempts: customer("technical", "Delivery attempts so far", webhookDelivery, "delete"),
    lastStatusCode: customer("technical", "The HTTP status the endpoint last answered", webhookDelivery, "delete"),
    lastError: customer("technical", "Why the last attempt failed, as a code", webhookDelivery, "delete"),
    createdAt: customer("technical", "When the event happened and was queued", webhookDelivery, "delete"),
    lastAttemptAt: customer("technical", "When it was last attempted", webhookDelivery, "delete"),
    nextAttemptAt: customer("technical", "When it is tried again", webhookDelivery, "delete"),
    completedAt: customer("technical", "When it was delivered or given up", webhookDelivery, "delete"),
  },
  IncidentNotification: {
    id: customer("contact", recordId, breachRegister, "keep-legal-retention"),
    incidentId: customer("contact", "The incident the account was told about (P21)", breachRegister, "keep-legal-retention"),
    accountId: customer("contact", "The account told; cleared on erasure (P21)", breachRegister, "anonymise"),
    emailId: customer("contact", "The outbox email that carried the notice (P21)", breachRegister, "keep-legal-retention"),
    notifiedAt: customer("contact", "When the notice was queued (P21)", breachRegister, "keep-legal-retention"),
  },
};

export type InventoriedModel = keyof DataInventory;

/** Every classified field as a flat list, for the computations built on the inventory. */
export function inventoryFields(): Array<{ model: InventoriedModel; field: string } & FieldClassification> {
  return (Object.entries(dataInventory) as Array<[InventoriedModel, Record<string, FieldClassification>]>).flatMap(
    ([model, fields]) => Object.entries(fields).map(([field, classification]) => ({ model, field, ...classification })),
  );
}

/** The fields of `model` that a customer's export includes. */
export function exportedFields(model: InventoriedModel): string[] {
  return Object.entries(dataInventory[model] as Record<string, FieldClassification>)
    .filter(([, classification]) => classification.export)
    .map(([field]) => field);
}

/** What erasing a customer does to a record of `model`: delete it, keep it with some fields cleared, or nothing. */
export function erasureOf(model: InventoriedModel): { record: "delete" | "keep" | "untouched"; anonymise: string[] } {
  const fields = Object.entries(dataInventory[model] as Record<string, FieldClassification>);
  const personal = fields.filter(([, classification]) => classification.subject === "customer");
  if (personal.length === 0) return { record: "untouched", anonymise: [] };
  if (personal.every(([, classification]) => classification.erasure === "delete")) return { record: "delete", anonymise: [] };
  return {
    record: "keep",
    anonymise: fields.filter(([, classification]) => classification.erasure === "anonymise").map(([field]) => field),
  };
}

// ---------------------------------------------------------------- reaching a person's rows

/**
 * How to find one account's rows of a model, starting from the account id:
 * the account itself, a column holding the account id, a parent model that
 * holds it, the keyed hash of the account's address, or the audit entries the
 * account acted in or was the subject of. A model no account reaches says why.
 */
export type Reach =
  | { kind: "account" }
  | { kind: "direct"; field: "accountId" }
  | { kind: "via"; relation: string; parent: InventoriedModel }
  | { kind: "address-hash"; field: string }
  | { kind: "audit-trail" }
  | { kind: "unreachable"; because: string };

const direct: Reach = { kind: "direct", field: "accountId" };
const serviceData = "service data: it holds nobody's personal data";
const viaActivation: Reach = { kind: "via", relation: "activation", parent: "Activation" };
const viaRequest: Reach = { kind: "via", relation: "request", parent: "PrivacyRequest" };

export const reachFromAccount: Record<InventoriedModel, Reach> = {
  PolicyVersion: { kind: "unreachable", because: serviceData },
  PolicyAcknowledgement: direct,
  Account: { kind: "account" },
  AccountToken: direct,
  Session: direct,
  ApiKey: direct,
  OutboxEmail: direct,
  EmailRateLimit: { kind: "address-hash", field: "addressHash" },
  StaffUser: { kind: "unreachable", because: "staff members' own data, never a customer's" },
  StaffSession: { kind: "unreachable", because: "staff members' own data, never a customer's" },
  StaffSignInChallenge: { kind: "unreachable", because: "staff members' own data, never a customer's" },
  StaffSignInThrottle: {
    kind: "unreachable",
    because: "keyed hashes of addresses that belong to no staff member, not linked to any account; gone within 30 days",
  },
  StaffRecoveryCode: { kind: "unreachable", because: "staff members' own data, never a customer's" },
  RateLimitCounter: {
    kind: "unreachable",
    because:
      "counts under keyed hashes (a day's network key rotates daily); no account id, email or address; gone within the hour",
  },
  AbuseSignal: {
    kind: "unreachable",
    because: "daily counts under that day's keyed hashes or a service's code, never an account's id; deleted after 30 days",
  },
  AuditNote: direct,
  AuditHead: { kind: "unreachable", because: "the audit chain's newest hash: no one's data" },
  AuditCheckpoint: { kind: "unreachable", because: "signed hashes of the audit chain: no one's data" },
  Country: { kind: "unreachable", because: serviceData },
  Service: { kind: "unreachable", because: serviceData },
  Price: { kind: "unreachable", because: serviceData },
  VirtualNumber: {
    kind: "unreachable",
    because: "the service's own pool of numbers; the number an account was given is on its activation",
  },
  NumberQuarantine: { kind: "unreachable", because: "the pool's rest periods, per number and service, not per account" },
  Activation: direct,
  ActivationStatusChange: viaActivation,
  SmsMessage: viaActivation,
  SmsAwaitingPurge: { kind: "via", relation: "sms", parent: "SmsMessage" },
  LedgerEntry: direct,
  PaymentEvent: direct,
  PrivacyRequest: direct,
  AuditEntry: { kind: "audit-trail" },
  RetentionPolicy: { kind: "unreachable", because: serviceData },
  PurgeRun: { kind: "unreachable", because: "evidence of purge runs: counts and times, no one's data" },
  LegalHold: direct,
  PrivacyExport: direct,
  PrivacyCorrection: viaRequest,
  ErasurePlan: direct,
  ProcessingObjection: direct,
  EmailChange: direct,
  BreachIncident: { kind: "unreachable", because: "the breach register describes incidents, and names no customer" },
  IncidentNotification: direct,
  SupportTicket: direct,
  SupportTicketMessage: { kind: "via", relation: "ticket", parent: "SupportTicket" },
  PrivacyRequestTransition: viaRequest,
  PrivacyRequestIdentityToken: viaRequest,
  WebhookEndpoint: direct,
  WebhookDelivery: { kind: "via", relation: "endpoint", parent: "WebhookEndpoint" },
};

/**
 * The Prisma filter for one account's rows of a model reached through a
 * column or a parent; null for the others (the account row itself, the
 * address-hash and audit-trail reaches, and unreachable models).
 */
export function accountRowsWhere(model: InventoriedModel, accountId: string): Record<string, unknown> | null {
  const reach = reachFromAccount[model];
  switch (reach.kind) {
    case "account":
      return { id: accountId };
    case "direct":
      return { accountId };
    case "via":
      return { [reach.relation]: accountRowsWhere(reach.parent, accountId) };
    default:
      return null;
  }
}

/**
 * The fields staff may correct through a correction request (P15). The email
 * address is not among them: its holder changes it, proving the new address.
 */
export const correctableFields = {
  Account: ["jurisdiction"],
  ApiKey: ["name"],
} as const satisfies { [M in InventoriedModel]?: ReadonlyArray<ScalarFieldOf<M>> };
export type CorrectableModel = keyof typeof correctableFields;
