import type { Prisma } from "@smsape/db";
import { copyOut } from "@smsape/db/copy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp, verifyAuditLogOf } from "../../testing/index.ts";
import type { StaffActor } from "../actors.ts";
import { appendAuditEntry, auditContentSql, eraseAuditNotesAbout, genesisHash } from "./audit-log.ts";
import { auditSigningKeys, writeAuditCheckpoint } from "./checkpoints.ts";
import { auditCopySql, StreamedChainCheck } from "./copy-check.ts";
import type { AuditEvent } from "./events.ts";
import { type AuditChainVerification, verifyAuditChain } from "./verification.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const staff: StaffActor = {
  kind: "staff",
  staffUserId: "0196a1d2-0000-7000-8000-000000000001",
  role: "COMPLIANCE",
  sessionId: "0196a1d2-0000-7000-8000-00000000000f",
};
const accountId = "0196a1d2-0000-7000-8000-000000000002";

const reveal = (fields: string[], reason = "customer_asked"): AuditEvent => ({
  action: "account.personal_data_revealed",
  subjectType: "Account",
  subjectId: accountId,
  reason,
  details: { fields, reference: null },
});

const append = (event: AuditEvent = reveal(["email"]), note?: string) =>
  app.services.db.$transaction((tx) =>
    appendAuditEntry(tx, staff, event, app.services.now(), note ? { note: { text: note, aboutAccountId: accountId } } : {}),
  );

/** Appends three entries; `positions` are their 1-based places in the whole chain. */
async function appendThree() {
  const before = await app.services.db.auditEntry.count();
  const entries = [
    await append(reveal(["email"])),
    await append({
      action: "correction.applied",
      subjectType: "Account",
      subjectId: accountId,
      details: { privacyRequestId: accountId, correctionId: accountId, fields: ["jurisdiction"] },
    }),
    await append(reveal(["jurisdiction"])),
  ] as const;
  return { entries, positions: [before + 1, before + 2, before + 3] as const };
}

/**
 * Changes the log the way someone with superuser rights could (the append-only
 * triggers are switched off for the change), runs `check`, then puts every
 * entry and checkpoint back as it was: every test starts from an intact chain.
 */
async function withLogChanged<T>(
  change: (tx: Prisma.TransactionClient) => Promise<unknown>,
  check: () => Promise<T>,
): Promise<T> {
  const { db } = app.services;
  await db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
      await tx.$executeRawUnsafe(`CREATE TABLE "SavedAuditEntry" AS TABLE "AuditEntry"`);
      await tx.$executeRawUnsafe(`CREATE TABLE "SavedAuditCheckpoint" AS TABLE "AuditCheckpoint"`);
      await change(tx);
    },
    { timeout: 30_000 },
  );
  try {
    return await check();
  } finally {
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
      await tx.$executeRawUnsafe(`DELETE FROM "AuditEntry"`);
      await tx.$executeRawUnsafe(`INSERT INTO "AuditEntry" SELECT * FROM "SavedAuditEntry"`);
      await tx.$executeRawUnsafe(`DELETE FROM "AuditCheckpoint"`);
      await tx.$executeRawUnsafe(`INSERT INTO "AuditCheckpoint" SELECT * FROM "SavedAuditCheckpoint"`);
      await tx.$executeRawUnsafe(`DROP TABLE "SavedAuditEntry", "SavedAuditCheckpoint"`);
    });
  }
}

/**
 * The chain verified both ways, which must agree: inside the database, and
 * streamed, in one COPY and in three parts (the embedded database can stream
 * too, though the service checks it inside).
 */
async function verifyBothWays(batchSize?: number): Promise<AuditChainVerification> {
  const publicKey = auditSigningKeys(app.services.config).publicKey;
  const { url } = app.database;
  const inDatabase = await verifyAuditChain(app.services.db, { publicKey, ...(batchSize ? { batchSize } : {}) });
  for (const stream of [
    { url, parts: 1 },
    { url, parts: 3, minimumPart: 1 },
  ]) {
    const streamed = await verifyAuditChain(app.services.db, { publicKey, stream });
    expect(streamed, `streamed in ${stream.parts} part(s), as checked inside the database`).toEqual(inDatabase);
  }
  return inDatabase;
}

/** Tampers with the log, verifies it both ways (they must agree), and restores it. */
async function verifyWhileTampered(
  tamper: (tx: Prisma.TransactionClient) => Promise<unknown>,
  batchSize?: number,
): Promise<AuditChainVerification> {
  const result = await withLogChanged(tamper, () => verifyBothWays(batchSize));
  expect((await verifyBothWays()).valid, "the tampering was undone").toBe(true);
  return result;
}

/** Rewrites every entry's actor and re-chains the whole log from the first entry: a self-consistent forgery. */
async function rebuildChain(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`UPDATE "AuditEntry" SET "actorId" = 'someone-else'`;
  const rows = await tx.$queryRaw<Array<{ seq: bigint }>>`SELECT seq FROM "AuditEntry" ORDER BY seq`;
  let running = genesisHash;
  for (const { seq } of rows) {
    const [row] = await tx.$queryRaw<Array<{ hash: string }>>`
      UPDATE "AuditEntry" SET "prevHash" = ${running},
        hash = encode(sha256(convert_to(${running} || ${auditContentSql}, 'UTF8')), 'hex')
      WHERE seq = ${seq} RETURNING hash`;
    running = row!.hash;
  }
}

describe("the audit log", () => {
  it("chains each entry to the one before it", async () => {
    const before = await app.services.db.auditEntry.count();
    const first = await append(reveal(["email", "jurisdiction"]));
    const second = await append(reveal(["jurisdiction"]));
    expect(second.prevHash).toBe(first.hash);
    if (before === 0) expect(first.prevHash).toBe(genesisHash);
    expect(await verifyAuditLogOf(app)).toMatchObject({ valid: true, entries: before + 2, lastSeq: second.seq });
  });

  it("records the actor, the event and its reason code as given", async () => {
    const { seq } = await append(reveal(["email"], "legal_claim"));
    const entry = await app.services.db.auditEntry.findUniqueOrThrow({ where: { seq } });
    expect(entry).toMatchObject({
      actorType: "STAFF",
      actorId: staff.staffUserId,
      action: "account.personal_data_revealed",
      subjectType: "Account",
      subjectId: accountId,
      reason: "legal_claim",
      details: { fields: ["email"] },
    });
  });

  it("keeps one chain, with no fork and no gap, when two instances append concurrently", async () => {
    // A second instance of the service over the same database, as in production.
    const other = await startTestApp({}, { database: app.database });
    try {
      const appenders = [app, other].flatMap((instance) =>
        Array.from({ length: 4 }, async () => {
          for (let round = 0; round < 10; round += 1) {
            await instance.services.db.$transaction((tx) =>
              appendAuditEntry(tx, staff, reveal(["email"]), instance.services.now()),
            );
          }
        }),
      );
      await Promise.all(appenders);
    } finally {
      await other.close();
    }
    const rows = await app.services.db.auditEntry.findMany({ orderBy: { seq: "asc" }, select: { prevHash: true, hash: true } });
    expect(rows.length).toBeGreaterThanOrEqual(80);
    // No fork: no two entries name the same predecessor. No gap: each names the one just before it.
    expect(new Set(rows.map((row) => row.prevHash)).size).toBe(rows.length);
    const expectedLinks = [genesisHash, ...rows.slice(0, -1).map((row) => row.hash)];
    expect(rows.map((row) => row.prevHash)).toEqual(expectedLinks);
    expect(await verifyAuditLogOf(app)).toMatchObject({ valid: true, entries: rows.length });
  });

  it("refuses to change or remove an entry", async () => {
    const { seq } = await append();
    await expect(app.services.db.$executeRaw`UPDATE "AuditEntry" SET action = 'x' WHERE seq = ${seq}`).rejects.toThrow(
      /append-only/,
    );
    await expect(app.services.db.$executeRaw`DELETE FROM "AuditEntry" WHERE seq = ${seq}`).rejects.toThrow(/append-only/);
  });

  it("refuses details that look like personal values and reasons that are not codes", async () => {
    const asDetails = (details: Record<string, unknown>) => ({ ...reveal([]), details }) as AuditEvent;
    await expect(append(asDetails({ fields: ["someone@example.test"] }))).rejects.toThrow(/ids and field names only/);
    await expect(append(asDetails({ fields: ["+44 7700 900123"] }))).rejects.toThrow(/ids and field names only/);
    await expect(append(asDetails({ fields: ["Jane Doe"] }))).rejects.toThrow(/ids and field names only/);
    await expect(append(reveal(["email"], "She called us on Monday"))).rejects.toThrow(/reason is a code/);
  });
});

describe("tampering is reported at the first broken entry", () => {
  it("an edited entry: its content no longer matches its hash", async () => {
    const { entries, positions } = await appendThree();
    const result = await verifyWhileTampered(
      (tx) =>
        tx.$executeRaw`UPDATE "AuditEntry" SET details = ${JSON.stringify({ fields: ["passwordHash"] })}::jsonb WHERE seq = ${entries[1].seq}`,
    );
    expect(result).toMatchObject({
      valid: false,
      brokenAtSeq: entries[1].seq,
      brokenAtPosition: positions[1],
      problem: "hash-mismatch",
    });
  });

  it("a removed middle entry: the entry after it no longer follows", async () => {
    const { entries, positions } = await appendThree();
    const removed = { valid: false, brokenAtSeq: entries[2].seq, brokenAtPosition: positions[1], problem: "chain-broken" };
    const remove = (tx: Prisma.TransactionClient) => tx.$executeRaw`DELETE FROM "AuditEntry" WHERE seq = ${entries[1].seq}`;
    expect(await verifyWhileTampered(remove)).toMatchObject(removed);
    // The same place when the log is read in small pages.
    expect(await verifyWhileTampered(remove, 2)).toMatchObject(removed);
  });

  it("two breaks far apart: the earlier one, however the log is split to be read", async () => {
    await appendThree();
    const { entries } = await appendThree();
    const [first] = await app.services.db.$queryRaw<Array<{ seq: bigint }>>`SELECT min(seq) AS seq FROM "AuditEntry"`;
    const result = await verifyWhileTampered(async (tx) => {
      await tx.$executeRaw`UPDATE "AuditEntry" SET reason = 'other' WHERE seq = ${first!.seq}`;
      await tx.$executeRaw`DELETE FROM "AuditEntry" WHERE seq = ${entries[1].seq}`;
    });
    expect(result).toMatchObject({ valid: false, brokenAtSeq: first!.seq, brokenAtPosition: 1, problem: "hash-mismatch" });
  });

  it("two entries swapped: the first of them", async () => {
    const { entries, positions } = await appendThree();
    const [first, second] = [entries[0].seq, entries[1].seq];
    const result = await verifyWhileTampered(async (tx) => {
      await tx.$executeRaw`UPDATE "AuditEntry" SET seq = -1 WHERE seq = ${first}`;
      await tx.$executeRaw`UPDATE "AuditEntry" SET seq = ${first} WHERE seq = ${second}`;
      await tx.$executeRaw`UPDATE "AuditEntry" SET seq = ${second} WHERE seq = -1`;
    });
    expect(result).toMatchObject({ valid: false, brokenAtSeq: first, brokenAtPosition: positions[0], problem: "chain-broken" });
  });

  it("a truncated tail: the chain ends before a signed checkpoint", async () => {
    const { entries, positions } = await appendThree();
    const checkpoint = await writeAuditCheckpoint(app.services);
    expect(checkpoint?.seq).toBe(entries[2].seq);
    const result = await verifyWhileTampered((tx) => tx.$executeRaw`DELETE FROM "AuditEntry" WHERE seq >= ${entries[1].seq}`);
    expect(result).toMatchObject({
      valid: false,
      brokenAtSeq: entries[2].seq,
      brokenAtPosition: positions[1],
      problem: "truncated",
    });
  });

  it("the whole log replaced by a new, self-consistent chain: it does not match the signed checkpoint", async () => {
    await appendThree();
    const checkpoint = await writeAuditCheckpoint(app.services);
    if (!checkpoint) throw new Error("No checkpoint was written.");
    const position = await app.services.db.auditEntry.count({ where: { seq: { lte: checkpoint.seq } } });
    const firstCheckpoint = await app.services.db.auditCheckpoint.findFirstOrThrow({ orderBy: { seq: "asc" } });
    const firstPosition = await app.services.db.auditEntry.count({ where: { seq: { lte: firstCheckpoint.seq } } });

    const rebuilt = await verifyWhileTampered(rebuildChain);
    expect(rebuilt).toMatchObject({
      valid: false,
      brokenAtSeq: firstCheckpoint.seq,
      brokenAtPosition: firstPosition,
      problem: "checkpoint-mismatch",
    });

    // Re-pointing the checkpoints at the forged chain needs the signing key.
    const forged = await verifyWhileTampered(async (tx) => {
      await rebuildChain(tx);
      await tx.$executeRaw`UPDATE "AuditCheckpoint" c SET hash = e.hash FROM "AuditEntry" e WHERE e.seq = c.seq`;
    });
    expect(forged).toMatchObject({
      valid: false,
      brokenAtSeq: firstCheckpoint.seq,
      brokenAtPosition: firstPosition,
      problem: "checkpoint-signature-invalid",
    });
    expect(position).toBeGreaterThanOrEqual(firstPosition);
  });

  it("verifies from a checkpoint: its signature, its entry, then the entries after it", async () => {
    await appendThree();
    const checkpoint = await writeAuditCheckpoint(app.services);
    if (!checkpoint) throw new Error("No checkpoint was written.");
    const { entries, positions } = await appendThree();
    const publicKey = auditSigningKeys(app.services.config).publicKey;

    const fromCheckpoint = await verifyAuditChain(app.services.db, { publicKey, from: checkpoint });
    const after = await app.services.db.auditEntry.count({ where: { seq: { gt: checkpoint.seq } } });
    expect(fromCheckpoint).toMatchObject({ valid: true, entries: after, lastSeq: entries[2].seq, lastPosition: positions[2] });
    for (const stream of [{ url: app.database.url }, { url: app.database.url, parts: 2, minimumPart: 1 }]) {
      expect(await verifyAuditChain(app.services.db, { publicKey, from: checkpoint, stream })).toEqual(fromCheckpoint);
    }

    const edited = await verifyWhileTampered(async (tx) => {
      await tx.$executeRaw`UPDATE "AuditEntry" SET reason = 'other' WHERE seq = ${entries[0].seq}`;
      return undefined;
    });
    expect(edited).toMatchObject({ brokenAtSeq: entries[0].seq, brokenAtPosition: positions[0], problem: "hash-mismatch" });

    const forgedCheckpoint = { ...checkpoint, hash: entries[0].hash };
    expect(await verifyAuditChain(app.services.db, { publicKey, from: forgedCheckpoint })).toMatchObject({
      valid: false,
      brokenAtSeq: checkpoint.seq,
      problem: "checkpoint-signature-invalid",
    });
  });

  it("schedules checkpoints every AUDIT_CHECKPOINT_MINUTES", async () => {
    const scheduled = await startTestApp({ AUDIT_CHECKPOINT_MINUTES: "15" });
    try {
      const rows = await scheduled.services.db.$queryRaw<Array<{ cron: string }>>`
        SELECT cron FROM pgboss.schedule WHERE name = 'audit.checkpoint'`;
      expect(rows).toEqual([{ cron: "*/15 * * * *" }]);
    } finally {
      await scheduled.close();
    }
  });

  it("writes no checkpoint when nothing was appended since the last one", async () => {
    await append();
    expect(await writeAuditCheckpoint(app.services)).not.toBeNull();
    expect(await writeAuditCheckpoint(app.services)).toBeNull();
  });
});

describe("notes: free text outside the chain", () => {
  it("keeps a note's text out of the entry, and the chain verifies once erasure deleted it", async () => {
    const text = "Caller said her name is Jane Roe, jane.roe@example.test, +44 7700 900123";
    const { seq } = await append(reveal(["email"]), text);
    const entry = await app.services.db.auditEntry.findUniqueOrThrow({ where: { seq } });
    const noteId = (entry.details as { noteId: string }).noteId;
    expect(await app.services.db.auditNote.findUnique({ where: { id: noteId } })).toMatchObject({ text, accountId });

    const deleted = await app.services.db.$transaction((tx) => eraseAuditNotesAbout(tx, accountId));
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await app.services.db.auditNote.count({ where: { accountId } })).toBe(0);

    const [found] = await app.services.db.$queryRaw<Array<{ count: bigint }>>`
      SELECT count(*) AS count FROM "AuditEntry" e
      WHERE e::text ILIKE '%Jane Roe%' OR e::text ILIKE '%jane.roe%' OR e::text LIKE '%900123%'`;
    expect(found?.count).toBe(0n);
    expect((await verifyAuditLogOf(app)).valid).toBe(true);
  });
});

/** An entry with the given column values, chained onto the newest entry by PostgreSQL as an append is. */
interface RawEntry {
  at: string;
  actorType?: "STAFF" | "SYSTEM" | "ACCOUNT";
  actorId?: string | null;
  action?: string;
  subjectId?: string | null;
  reason?: string | null;
  /** jsonb text, or null. */
  details?: string | null;
}

async function insertChained(tx: Prisma.TransactionClient, entry: RawEntry): Promise<bigint> {
  const [row] = await tx.$queryRaw<Array<{ seq: bigint }>>`
    INSERT INTO "AuditEntry" ("at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", "prevHash", "hash")
    SELECT "at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", previous.hash,
           encode(sha256(convert_to(previous.hash || ${auditContentSql}, 'UTF8')), 'hex')
    FROM (SELECT ${entry.at}::timestamp(3) AS "at", ${entry.actorType ?? "STAFF"}::"ActorType" AS "actorType",
                 ${entry.actorId === undefined ? staff.staffUserId : entry.actorId}::text AS "actorId",
                 ${entry.action ?? "account.personal_data_revealed"}::text AS "action", 'Account'::text AS "subjectType",
                 ${entry.subjectId === undefined ? accountId : entry.subjectId}::text AS "subjectId",
                 ${entry.reason === undefined ? "customer_asked" : entry.reason}::text AS "reason",
                 ${entry.details === undefined ? '{"fields": ["email"]}' : entry.details}::jsonb AS "details") AS entry,
         (SELECT hash FROM "AuditEntry" ORDER BY seq DESC LIMIT 1) AS previous
    RETURNING seq`;
  return row!.seq;
}

describe("the streamed check", () => {
  it("writes each entry's content byte for byte as PostgreSQL prints it, whatever the values", async () => {
    await append();
    // Values no append writes today, but a column can hold: quotes, backslashes, NULLs, empty strings,
    // characters beyond ASCII, and times over the whole range of a timestamp, infinite ones included.
    const unusual: RawEntry[] = [
      { at: "0001-01-01 00:00:00", actorId: "O'Brien", action: "back\\slash", subjectId: null, reason: null, details: null },
      {
        at: "4713-01-01 12:34:56.789 BC",
        actorId: "both ' and \\ in one",
        details: '{"k": "quote \\" backslash \\\\ apostrophe \'", "n": [1, 2.50, -0.0, 1e30], "u": "\\u00e9\\u4e2d"}',
      },
      { at: "0001-06-01 00:00:00 BC", actorType: "SYSTEM", actorId: null },
      { at: "1999-12-31 23:59:59.999", actorId: "\u00e9\u4e2d\u{1F600}", subjectId: "", reason: "" },
      { at: "1969-07-20 20:17:40.5", details: '{"nested": {"b": [true, null, {"c": "x|y"}], "a": ""}}' },
      { at: "2000-01-01 00:00:00" },
      { at: "12345-06-07 08:09:10.011", actorType: "ACCOUNT" },
      { at: "294276-12-31 23:59:59.999" },
      { at: "infinity" },
      { at: "-infinity", reason: "NULL" },
      { at: "2026-11-26 07:00:00.001", details: "[]" },
    ];
    const before = await app.services.db.auditEntry.count();
    let seqs: bigint[] = [];
    const intact = await withLogChanged(
      async (tx) => {
        seqs = [];
        for (const entry of unusual) seqs.push(await insertChained(tx, entry));
      },
      () => verifyBothWays(),
    );
    expect(intact).toMatchObject({ valid: true, entries: before + unusual.length });

    // And a change to one of them is seen by both.
    const edited = await withLogChanged(
      async (tx) => {
        seqs = [];
        for (const entry of unusual) seqs.push(await insertChained(tx, entry));
        await tx.$executeRaw`UPDATE "AuditEntry" SET "at" = '2026-01-01' WHERE seq = ${seqs[8]}`;
      },
      () => verifyBothWays(),
    );
    expect(edited).toMatchObject({ valid: false, brokenAtSeq: seqs[8], brokenAtPosition: before + 9, problem: "hash-mismatch" });
  });

  it("reads the COPY output alike whatever the sizes of the pieces it arrives in", async () => {
    await appendThree();
    const probe = await append(reveal(["email"], "stream_piece_probe"));
    await append();
    const pieces: Buffer[] = [];
    await copyOut(app.database.url, auditCopySql(-1n), (piece) => pieces.push(Buffer.from(piece)) > 0);
    const output = Buffer.concat(pieces);
    const checkInPiecesOf = (data: Buffer, size: number) => {
      const check = new StreamedChainCheck(genesisHash);
      for (let at = 0; at < data.length; at += size) if (!check.push(data.subarray(at, at + size))) break;
      return check.result();
    };

    const total = await app.services.db.auditEntry.count();
    const whole = checkInPiecesOf(output, output.length);
    expect(whole).toMatchObject({ entries: total, broken: null });
    for (const size of [1, 2, 7, 64, 1000]) expect(checkInPiecesOf(output, size)).toEqual(whole);

    // One byte of the probe's reason changed in the stream: it breaks there, in pieces of any size.
    const tampered = Buffer.from(output);
    tampered[tampered.indexOf("stream_piece_probe") + 7] = "P".charCodeAt(0);
    const broken = checkInPiecesOf(tampered, tampered.length);
    expect(broken.broken?.seq).toBe(probe.seq);
    expect(broken.broken?.previousHash).toBe(probe.prevHash);
    for (const size of [1, 3, 64]) expect(checkInPiecesOf(tampered, size)).toEqual(broken);
  });
});
