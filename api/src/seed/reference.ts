/**
 * Reference data every installation needs: the policy versions and the
 * retention policies. Idempotent; runs at every start.
 */
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@smsape/db";
import { seedRetentionPolicies } from "../domain/retention/policies.ts";

/** The policy versions this release ships, newest first; each has its text in domain/policy/texts/. */
const policyVersions = [{ version: "2026-03-20", effectiveAt: new Date("2026-03-20T00:00:00Z") }] as const;

/** The newest version this release ships: the one in force once its date has come. */
export const latestPolicyVersion = policyVersions[0].version;

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
  await seedRetentionPolicies(db);
}
