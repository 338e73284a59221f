/**
 * The inventory's retention entries, the shipped policies, what each purge
 * touches and the encrypted columns say the same thing: none can change
 * without the others.
 */
import { describe, expect, it } from "vitest";
import { encryptedColumns } from "../crypto/encrypted-columns.ts";
import { type FieldClassification, inventoryFields } from "../privacy/inventory.ts";
import { type RetentionPolicyKey, retentionDefaults, retentionPolicyKeys } from "./policies.ts";
import { purgeTargets } from "./purge-targets.ts";

const governed = inventoryFields().filter(
  (entry): entry is typeof entry & { retention: { policy: RetentionPolicyKey } } => "policy" in entry.retention,
);

describe("retention policies, purges, the inventory and the encrypted columns", () => {
  it("ships one policy, with a purge, per key", () => {
    expect(retentionDefaults.map((policy) => policy.key)).toEqual([...retentionPolicyKeys]);
    expect(Object.keys(purgeTargets).sort()).toEqual([...retentionPolicyKeys].sort());
    for (const policy of retentionDefaults) {
      const kinds = new Set(purgeTargets[policy.key].map((target) => target.change.kind));
      expect([...kinds], policy.key).toEqual([policy.action === "DELETE" ? "delete" : "anonymise"]);
    }
  });

  it("every policy governs some field of the inventory", () => {
    const used = new Set(governed.map((entry) => entry.retention.policy));
    expect([...retentionPolicyKeys].filter((key) => !used.has(key))).toEqual([]);
  });

  it("a field under a policy is removed by that policy's purge: its record deleted or the field cleared", () => {
    const unpurged = governed.filter((entry) => {
      const target = purgeTargets[entry.retention.policy].find((candidate) => candidate.model === entry.model);
      if (!target) return true;
      return target.change.kind === "anonymise" && !target.change.clears.includes(entry.field);
    });
    expect(unpurged.map((entry) => `${entry.model}.${entry.field} (${entry.retention.policy})`)).toEqual([]);
  });

  it("what a purge removes is under that policy in the inventory, field by field", () => {
    const byField = new Map(inventoryFields().map((entry) => [`${entry.model}.${entry.field}`, entry]));
    const mismatched: string[] = [];
    for (const key of retentionPolicyKeys) {
      for (const target of purgeTargets[key]) {
        const fields =
          target.change.kind === "anonymise"
            ? target.change.clears
            : inventoryFields()
                .filter((entry) => entry.model === target.model)
                .map((entry) => entry.field);
        for (const field of fields) {
          const entry = byField.get(`${target.model}.${field}`);
          if (!entry || !("policy" in entry.retention) || entry.retention.policy !== key) {
            mismatched.push(`${target.model}.${field}: purged by ${key}, inventory says ${JSON.stringify(entry?.retention)}`);
          }
        }
      }
    }
    expect(mismatched).toEqual([]);
  });

  it("every encrypted column is inventoried as encrypted and has a purge that removes it", () => {
    const problems: string[] = [];
    const fields = new Map<string, FieldClassification>(
      inventoryFields().map((entry) => [`${entry.model}.${entry.field}`, entry]),
    );
    for (const [name, column] of Object.entries(encryptedColumns)) {
      const model = column.model[0]?.toUpperCase() + column.model.slice(1);
      const entry = fields.get(`${model}.${column.column}`);
      if (!entry) {
        problems.push(`${name}: ${model}.${column.column} is not in the inventory`);
        continue;
      }
      if (!entry.encrypted) problems.push(`${name}: the inventory does not mark ${model}.${column.column} encrypted`);
      // The exceptions go by themselves: an access export is deleted when its link expires (access-export.ts), and
      // a webhook endpoint's secret lives exactly as long as its endpoint (deleted by the customer or with the account).
      if (!("policy" in entry.retention) && !["export-download", "webhook-endpoint"].includes(entry.retention.rule)) {
        problems.push(`${name}: ${model}.${column.column} has no purge (${entry.retention.rule})`);
      }
    }
    const encryptedInInventory = inventoryFields()
      .filter((entry) => entry.encrypted)
      .map((entry) => `${entry.model}.${entry.field}`);
    const listed = Object.values(encryptedColumns).map(
      (column) => `${column.model[0]?.toUpperCase()}${column.model.slice(1)}.${column.column}`,
    );
    expect(problems).toEqual([]);
    expect(encryptedInInventory.filter((field) => !listed.includes(field))).toEqual([]);
  });
});
