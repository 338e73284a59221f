/**
 * Reference data every installation needs: the policy versions and the
 * retention policies. Idempotent; runs at every start.
 */
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@smsape/db";

/** The policy versions this release ships, newest first; each has its text in domain/policy/texts/. */
const policyVersions = [{ version: "2026-03-20", effectiveAt: new Date("2026-03-20T00:00:00Z") }] as const;

/** The newest version this release ships: the one in force once its date has come. */
export const latestPolicyVersion = policyVersions[0].version;

const day = 24 * 60 * 60;
export const retentionDefaults = [
  {
    key: "sms.body",
    description: "Text and code of received SMS",
    retentionSecs: day,
    legalBasis: "Service delivery; the policy keeps bodies only until they have been read (4.4)",
  },
  {
    key: "session",
    description: "Expired or revoked sign-in sessions",
    retentionSecs: 30 * day,
    legalBasis: "Account security (4.2)",
  },
  {
    key: "email.outbox",
    description: "Delivered transactional emails (metadata only; bodies leave at delivery)",
    retentionSecs: 90 * day,
    legalBasis: "Proof of delivery of security notices (5)",
  },
  {
    key: "ledger",
    description: "Top-ups and balance movements, pseudonymised after erasure",
    retentionSecs: 10 * 365 * day,
    legalBasis: "Accounting and tax law (4.5)",
  },
];

export async function seedReferenceData(db: PrismaClient): Promise<void> {
  for (const policy of policyVersions) {
    const text = readFileSync(new URL(`../domain/policy/texts/${policy.version}.txt`, import.meta.url), "utf8");
    // Shipped versions were agreed at sign-up: nobody is owed a notice of them.
    await db.policyVersion.upsert({
      where: { version: policy.version },
      create: { ...policy, text, noticesCompletedAt: policy.effectiveAt },
      update: {},
    });
  }
  for (const policy of retentionDefaults) {
    await db.retentionPolicy.upsert({ where: { key: policy.key }, create: policy, update: {} });
  }
}
