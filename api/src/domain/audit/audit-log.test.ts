import type { Prisma } from "@smsape/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../testing/index.ts";
import { type AuditChainVerification, appendAuditEntry, canonicalJson, genesisHash, verifyAuditChain } from "./audit-log.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const append = (action: string, details: Record<string, string | number | string[]>) =>
  app.services.db.$transaction((tx) =>
    appendAuditEntry(tx, {
      actorType: "STAFF",
      actorId: "0196a1d2-0000-7000-8000-000000000001",
      action,
      subjectType: "Account",
      subjectId: "0196a1d2-0000-7000-8000-000000000002",
      reason: "ticket 42",
      details,
      at: app.services.now(),
    }),
  );

/** Appends three entries; `positions` are their 1-based places in the whole chain. */
async function appendThree() {
  const before = await app.services.db.auditEntry.count();
  const entries = [
    await append("account.read", { fields: ["email"] }),
    await append("account.corrected", { fields: ["jurisdiction"] }),
    await append("account.read", { fields: ["jurisdiction"] }),
  ] as const;
  return { entries, positions: [before + 1, before + 2, before + 3] as const };
}

/**
 * Tampers with the log and verifies it inside one transaction, then rolls it
 * back: the table is altered the way someone with database access could, and
 * every test still starts from an intact chain.
 */
async function verifyWhileTampered(
  tamper: (tx: Prisma.TransactionClient) => Promise<unknown>,
  batchSize?: number,
): Promise<AuditChainVerification> {
  const rollback = new Error("roll back the tampering");
  let result: AuditChainVerification | undefined;
  try {
    await app.services.db.$transaction(
      async (tx) => {
        await tamper(tx);
        result = await verifyAuditChain(tx, batchSize);
        throw rollback;
      },
      { timeout: 30_000 },
    );
  } catch (error) {
    if (error !== rollback) throw error;
  }
  expect((await verifyAuditChain(app.services.db)).valid, "the tampering was rolled back").toBe(true);
  if (!result) throw new Error("The chain was not verified.");
  return result;
}

describe("the audit log", () => {
  it("writes canonical JSON whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: "x" }], c: true } })).toBe(
      '{"a":{"c":true,"d":[2,{"e":"x","f":null}]},"b":1}',
    );
  });

  it("chains each entry to the one before it", async () => {
    const before = await app.services.db.auditEntry.count();
    const first = await append("account.read", { fields: ["email", "jurisdiction"] });
    const second = await append("account.corrected", { fields: ["jurisdiction"], count: 1 });
    expect(second.prevHash).toBe(first.hash);
    if (before === 0) expect(first.prevHash).toBe(genesisHash);
    expect(await verifyAuditChain(app.services.db)).toEqual({ valid: true, entries: before + 2 });
  });

  it("keeps one chain when entries are appended concurrently", async () => {
    await Promise.all(Array.from({ length: 8 }, (_, index) => append("account.read", { fields: ["email"], index })));
    const result = await verifyAuditChain(app.services.db);
    expect(result.valid).toBe(true);
  });

  it("fails verification at the entry whose details were changed afterwards", async () => {
    const { entries, positions } = await appendThree();
    const result = await verifyWhileTampered(
      (tx) =>
        tx.$executeRaw`UPDATE "AuditEntry" SET details = ${JSON.stringify({ fields: ["passwordHash"] })}::jsonb WHERE seq = ${entries[1].seq}`,
    );
    expect(result).toEqual({
      valid: false,
      brokenAtSeq: entries[1].seq,
      brokenAtPosition: positions[1],
      problem: "hash-mismatch",
    });
  });

  it("fails verification after a removed middle entry, at the entry that followed it", async () => {
    const { entries, positions } = await appendThree();
    const removed = { valid: false, brokenAtSeq: entries[2].seq, brokenAtPosition: positions[1], problem: "chain-broken" };
    const remove = (tx: Prisma.TransactionClient) => tx.$executeRaw`DELETE FROM "AuditEntry" WHERE seq = ${entries[1].seq}`;
    expect(await verifyWhileTampered(remove)).toEqual(removed);
    // The same place when the log is read in small batches.
    expect(await verifyWhileTampered(remove, 2)).toEqual(removed);
  });

  it("fails verification at the first of two entries whose order was swapped", async () => {
    const { entries, positions } = await appendThree();
    const [first, second] = [entries[0].seq, entries[1].seq];
    const result = await verifyWhileTampered(async (tx) => {
      await tx.$executeRaw`UPDATE "AuditEntry" SET seq = -1 WHERE seq = ${first}`;
      await tx.$executeRaw`UPDATE "AuditEntry" SET seq = ${first} WHERE seq = ${second}`;
      await tx.$executeRaw`UPDATE "AuditEntry" SET seq = ${second} WHERE seq = -1`;
    });
    expect(result).toEqual({ valid: false, brokenAtSeq: first, brokenAtPosition: positions[0], problem: "chain-broken" });
  });

  it("refuses details that look like personal values", async () => {
    await expect(append("account.read", { email: "someone@example.test" })).rejects.toThrow(/ids and field names only/);
    await expect(append("account.read", { phone: "+44 7700 900123" })).rejects.toThrow(/ids and field names only/);
  });
});
