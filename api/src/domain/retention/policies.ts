/**
 * Retention (P8, P9): one policy per data category a purge looks after, how
 * long its records are kept, counted from which event, and what the purge then
 * does to them. The shipped defaults are seeded at start (never overwriting a
 * period COMPLIANCE has changed); what each policy's purge touches is declared
 * in `purgeTargets` (purge-targets.ts), and a test checks that the data
 * inventory, these policies and the encrypted columns agree.
 */
import type { RetentionAction, RetentionEvent, RetentionPolicy } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";

export const retentionPolicyKeys = [
  "sms.body",
  "activation.routing",
  "session",
  "token",
  "email.outbox",
  "privacy.request",
  "ledger",
  "webhook.delivery",
] as const;
export type RetentionPolicyKey = (typeof retentionPolicyKeys)[number];

export interface RetentionDefault {
  key: RetentionPolicyKey;
  description: string;
  retentionSecs: number;
  countedFrom: RetentionEvent;
  action: RetentionAction;
  legalBasis: string;
}

const hour = 60 * 60;
const day = 24 * hour;

/** The periods this release ships, with why each is that long. */
export const retentionDefaults: readonly RetentionDefault[] = [
  {
    key: "sms.body",
    description: "Text and code of received SMS",
    retentionSecs: 6 * hour,
    countedFrom: "SMS_RECEIVED",
    action: "ANONYMISE",
    legalBasis:
      "Service delivery: a code is read within minutes of arriving; the body leaves active storage hours later (4.4). The record that an SMS arrived stays with the activation.",
  },
  {
    key: "activation.routing",
    description: "Upstream routing details of finished activations (operator route, sender)",
    retentionSecs: 30 * day,
    countedFrom: "ACTIVATION_ENDED",
    action: "ANONYMISE",
    legalBasis: "Settling disputes with upstream operators over a finished activation (5)",
  },
  {
    key: "session",
    description: "Ended sign-in sessions of customers and staff, and staff sign-in challenges",
    retentionSecs: 30 * day,
    countedFrom: "SESSION_ENDED",
    action: "DELETE",
    legalBasis: "Account security: investigating a suspicious sign-in after the session ended (4.2)",
  },
  {
    key: "token",
    description: "Used or expired one-time tokens: email verification, password reset, email change, request confirmation links",
    retentionSecs: 7 * day,
    countedFrom: "TOKEN_ENDED",
    action: "DELETE",
    legalBasis: "Account security: a token is of no use once used or expired (4.2)",
  },
  {
    key: "email.outbox",
    description: "Delivered or abandoned transactional emails (metadata; bodies leave at delivery)",
    retentionSecs: 90 * day,
    countedFrom: "EMAIL_DELIVERED",
    action: "DELETE",
    legalBasis: "Proof of delivery of security and privacy notices (5)",
  },
  {
    key: "privacy.request",
    description: "Closed privacy requests with their steps, corrections, plans and objections",
    retentionSecs: 730 * day,
    countedFrom: "REQUEST_COMPLETED",
    action: "DELETE",
    legalBasis:
      "Record keeping of consumer requests for 24 months (CCPA regulations, 11 CCR 7101); accountability (GDPR Art. 5(2))",
  },
  {
    key: "ledger",
    description: "Balance movements and payment events of erased accounts, kept under a pseudonym",
    retentionSecs: 10 * 365 * day,
    countedFrom: "RECORD_CREATED",
    action: "DELETE",
    legalBasis:
      "Accounting and tax law: ten years from the movement (4.5). Entries of accounts that still exist make up their balance and stay.",
  },
  {
    key: "webhook.delivery",
    description: "Delivery records of customers' webhooks (status, attempts, times; bodies leave at delivery)",
    retentionSecs: 6 * hour,
    countedFrom: "RECORD_CREATED",
    action: "DELETE",
    legalBasis:
      "Service delivery: the customer sees recent deliveries to fix its endpoint; an event may carry an SMS, so its record ages out with SMS bodies (4.4). Retries end well within the period.",
  },
];

export function isRetentionPolicyKey(key: string): key is RetentionPolicyKey {
  return (retentionPolicyKeys as readonly string[]).includes(key);
}

/**
 * Seeds the shipped policies; a policy already present keeps its period, and
 * is written only when what the code fixes (description, clock, action, basis)
 * changed, so `updatedAt` says when the policy last changed.
 */
export async function seedRetentionPolicies(db: Services["db"]): Promise<void> {
  const present = new Map((await db.retentionPolicy.findMany()).map((policy) => [policy.key, policy]));
  for (const policy of retentionDefaults) {
    const { retentionSecs, ...fixed } = policy;
    const current = present.get(policy.key);
    if (!current) await db.retentionPolicy.create({ data: policy });
    else if (Object.entries(fixed).some(([field, value]) => current[field as keyof typeof current] !== value)) {
      await db.retentionPolicy.update({ where: { key: policy.key }, data: fixed });
    }
  }
}

export async function listRetentionPolicies(services: Services, actor: Actor): Promise<RetentionPolicy[]> {
  authorize(actor, "retention.read");
  const rows = await services.db.retentionPolicy.findMany();
  const order = new Map<string, number>(retentionPolicyKeys.map((key, index) => [key, index]));
  return rows.sort((a, b) => (order.get(a.key) ?? 99) - (order.get(b.key) ?? 99));
}

export async function findRetentionPolicy(services: Services, actor: Actor, key: string): Promise<RetentionPolicy> {
  authorize(actor, "retention.read");
  const policy = await services.db.retentionPolicy.findUnique({ where: { key } });
  if (!policy) throw new NotFoundError("The retention policy");
  return policy;
}

/** The shortest and longest periods a policy may be given: a purge every few minutes must not outrun delivery. */
export const retentionBounds = { minSecs: hour, maxSecs: 25 * 365 * day };

/**
 * Changes how long a category is kept. The console shows the impact first
 * (`dryRunRetention` with the proposed period); the change and its reason are
 * audited, with the old and new periods.
 */
export async function updateRetentionPeriod(
  services: Services,
  actor: Actor,
  key: string,
  input: { retentionSecs: number; reasonCode: string },
): Promise<RetentionPolicy> {
  authorize(actor, "retention.manage");
  if (actor.kind !== "staff") throw new Error("unreachable: authorize admits staff only");
  const issues = [];
  if (
    !Number.isInteger(input.retentionSecs) ||
    input.retentionSecs < retentionBounds.minSecs ||
    input.retentionSecs > retentionBounds.maxSecs
  ) {
    issues.push({ field: "retentionSecs", message: "must be a whole number of seconds from one hour to 25 years" });
  }
  if (!/^[a-z][a-z0-9_.-]{1,63}$/.test(input.reasonCode)) {
    issues.push({ field: "reasonCode", message: "must be a reason code such as legal_review or dpo_decision" });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const before = await tx.retentionPolicy.findUnique({ where: { key } });
    if (!before) throw new NotFoundError("The retention policy");
    const after = await tx.retentionPolicy.update({
      where: { key },
      data: { retentionSecs: input.retentionSecs, updatedById: actor.staffUserId, updatedAt: now },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "retention_policy.updated",
        subjectType: "RetentionPolicy",
        subjectId: key,
        reason: input.reasonCode,
        details: { fields: ["retentionSecs"], fromSecs: before.retentionSecs, toSecs: after.retentionSecs },
      },
      now,
    );
    return after;
  });
}
