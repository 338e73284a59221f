import { getDatamodel } from "@smsape/db";
import { describe, expect, it } from "vitest";
import { retentionDefaults } from "../retention/policies.ts";
import {
  dataInventory,
  erasureOf,
  exportedFields,
  type FieldClassification,
  inventoryFields,
  type Reach,
  reachFromAccount,
  retentionRules,
} from "./inventory.ts";

const models = getDatamodel().datamodel.models;
const inventory = dataInventory as unknown as Record<string, Record<string, FieldClassification>>;

/** Columns: scalar and enum fields. Relation fields are reached through their foreign-key columns. */
const columnsOf = (model: string) => models[model]!.fields.filter((field) => field.kind !== "object").map((field) => field.name);

describe("the data inventory", () => {
  it("P1: classifies every field of every model in the Prisma datamodel", () => {
    const unclassified = Object.keys(models).flatMap((model) =>
      columnsOf(model)
        .filter((field) => !inventory[model]?.[field])
        .map(
          (field) =>
            `Add to dataInventory.${model} in api/src/domain/privacy/inventory.ts: ${field}: customer(...) | customerNotExported(..., because) | staff(...) | notPersonal(...)`,
        ),
    );
    expect(unclassified).toEqual([]);
  });

  it("P1: says for every model how a person's rows are reached from their account, or why they cannot be", () => {
    const reaches = reachFromAccount as Record<string, Reach | undefined>;
    const missing = Object.keys(models)
      .filter((model) => !reaches[model])
      .map(
        (model) =>
          `Add to reachFromAccount in api/src/domain/privacy/inventory.ts: ${model}: { kind: "direct", field: "accountId" } | { kind: "via", relation, parent } | { kind: "unreachable", because: "..." }`,
      );
    expect(missing).toEqual([]);
    for (const [model, reach] of Object.entries(reachFromAccount)) {
      const columns = columnsOf(model);
      if (reach.kind === "direct") expect(columns, model).toContain(reach.field);
      if (reach.kind === "via") {
        const relation = models[model]!.fields.find((field) => field.name === reach.relation);
        expect(relation?.type, `${model}.${reach.relation}`).toBe(reach.parent);
      }
      if (reach.kind === "unreachable") {
        // A model no account reaches holds no customer's data, or the reason says where it lives.
        expect(reach.because.trim(), model).not.toBe("");
      }
    }
  });

  it("P1: reaches every model that holds a customer's personal data", () => {
    const unreached = Object.entries(inventory)
      .filter(([, fields]) => Object.values(fields).some((field) => field.subject === "customer"))
      .filter(([model]) => reachFromAccount[model as keyof typeof reachFromAccount].kind === "unreachable")
      .map(([model]) => model);
    expect(unreached).toEqual([]);
  });

  it("anonymises only columns that can be cleared, so erasure can clear them", () => {
    const notNullable = inventoryFields()
      .filter((entry) => entry.subject === "customer" && entry.erasure === "anonymise")
      .filter((entry) => models[entry.model]!.fields.find((field) => field.name === entry.field)?.isRequired)
      .map((entry) => `${entry.model}.${entry.field}`);
    expect(notNullable).toEqual([]);
  });

  it("P1: names no model or field that does not exist", () => {
    const unknown = Object.entries(inventory).flatMap(([model, fields]) =>
      models[model]
        ? Object.keys(fields)
            .filter((field) => !columnsOf(model).includes(field))
            .map((field) => `${model}.${field}`)
        : [model],
    );
    expect(unknown).toEqual([]);
  });

  it("P1: gives every field a purpose and a retention that exists", () => {
    const policyKeys = new Set(retentionDefaults.map((policy) => policy.key));
    for (const entry of inventoryFields()) {
      const where = `${entry.model}.${entry.field}`;
      expect(entry.purpose.trim(), where).not.toBe("");
      if ("policy" in entry.retention) expect(policyKeys.has(entry.retention.policy), where).toBe(true);
      else expect(Object.keys(retentionRules), where).toContain(entry.retention.rule);
    }
  });

  it("P1: is consistent: personal data has a data subject, and only a customer's is exported", () => {
    for (const entry of inventoryFields()) {
      const where = `${entry.model}.${entry.field}`;
      expect(entry.personal, where).toBe(entry.subject !== null);
      expect(entry.erasure === "not-personal", where).toBe(!entry.personal);
      if (entry.export) expect(entry.subject, where).toBe("customer");
      // A customer's personal field stays out of their copy only for a stated reason.
      if (entry.subject === "customer" && !entry.export) expect(entry.notExportedBecause, where).toBeTruthy();
      if (entry.category === "credential") expect(entry.export, where).toBe(false);
    }
  });

  it("P1: never mixes deleting and keeping in one record, so erasure has one meaning per record", () => {
    for (const [model, fields] of Object.entries(inventory)) {
      const customerErasures = new Set(
        Object.values(fields)
          .filter((field) => field.subject === "customer")
          .map((field) => field.erasure),
      );
      if (customerErasures.has("delete")) expect([...customerErasures], model).toEqual(["delete"]);
    }
  });

  it("never marks for export a password hash, a token hash or a key hash", () => {
    expect(dataInventory.Account.passwordHash).toMatchObject({ category: "credential", export: false });
    expect(exportedFields("Account")).not.toContain("passwordHash");
    expect(exportedFields("Session")).not.toContain("tokenHash");
    expect(exportedFields("AccountToken")).not.toContain("tokenHash");
    expect(exportedFields("ApiKey")).not.toContain("keyHash");
    expect(exportedFields("Account")).toEqual(expect.arrayContaining(["email", "jurisdiction", "ageAttestedAt"]));
  });

  it("marks every ciphertext column encrypted and every hash of personal data hashed, for the records of processing", () => {
    const unmarked = inventoryFields()
      .filter(
        (entry) =>
          (entry.field.endsWith("Ciphertext") && !entry.encrypted) ||
          (entry.personal && entry.field.endsWith("Hash") && !entry.hashed),
      )
      .map((entry) => `${entry.model}.${entry.field}`);
    expect(unmarked).toEqual([]);
    expect(inventoryFields().filter((entry) => entry.encrypted && entry.hashed)).toEqual([]);
  });

  it("classifies SMS bodies and codes as message content under the sms.body retention", () => {
    for (const field of [dataInventory.SmsMessage.bodyCiphertext, dataInventory.SmsMessage.codeCiphertext]) {
      expect(field).toMatchObject({
        category: "message-content",
        retention: { policy: "sms.body" },
        export: true,
        erasure: "delete",
        encrypted: true,
      });
    }
  });

  it("classifies ledger entries as personal payment data under legal retention, unlinked from the account on erasure", () => {
    for (const field of Object.values(dataInventory.LedgerEntry)) {
      expect(field).toMatchObject({ category: "payment", personal: true, retention: { policy: "ledger" } });
    }
    expect(dataInventory.LedgerEntry.availableDelta.erasure).toBe("keep-legal-retention");
    expect(erasureOf("LedgerEntry")).toEqual({ record: "keep", anonymise: ["accountId", "activationId"] });
    expect(erasureOf("Account").record).toBe("delete");
    expect(erasureOf("Country").record).toBe("untouched");
    expect(erasureOf("StaffUser").record).toBe("untouched");
  });
});
