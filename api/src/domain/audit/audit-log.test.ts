import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../../testing/index.ts";
import { appendAuditEntry, canonicalJson, genesisHash, verifyAuditChain } from "./audit-log.ts";

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
    const target = await append("account.read", { fields: ["email"] });
    await append("account.read", { fields: ["jurisdiction"] });
    await app.services.db
      .$executeRaw`UPDATE "AuditEntry" SET details = ${JSON.stringify({ fields: ["passwordHash"] })}::jsonb WHERE seq = ${target.seq}`;
    expect(await verifyAuditChain(app.services.db)).toMatchObject({
      valid: false,
      brokenAtSeq: target.seq,
      problem: "hash-mismatch",
    });
  });

  it("refuses details that look like personal values", async () => {
    await expect(append("account.read", { email: "someone@example.test" })).rejects.toThrow(/ids and field names only/);
    await expect(append("account.read", { phone: "+44 7700 900123" })).rejects.toThrow(/ids and field names only/);
  });
});
