/**
 * The audit log: appends per second with 8 concurrent writers, and how fast
 * the chain verifies. Run it with
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test pnpm bench audit
 *
 * on that PostgreSQL server (the embedded database when DATABASE_URL is unset).
 * Each measurement runs beside a bare baseline in the same run, and the table
 * prints the ratio (written up in docs/benchmarks.md, "Audit log"):
 * - appends: 8 writers, one transaction per entry, against the same 8 writers
 *   inserting the same row into a table with no chain and no lock, and against
 *   the two appends before it: the first (advisory lock, read the previous hash,
 *   hash in Node, insert) and the second (advisory lock, then one INSERT … SELECT);
 * - verification: the whole chain from the first entry, streamed (the service's way on a server: one binary
 *   COPY, content and hashes in Node), against the same COPY read to its end and dropped; and, beside it,
 *   the check inside the database (the service's way on the embedded database) and the verification before
 *   this one (Prisma pages of content printed by PostgreSQL, hashed in Node).
 *
 * Bounded: BENCH_AUDIT_APPENDS appends per variant (2,000; 0 leaves the appends out), BENCH_AUDIT_ENTRIES
 * entries verified (500,000), each verification BENCH_AUDIT_ROUNDS times after a warm-up (3); loopback only.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { loadConfig } from "@smsape/api/config";
import { startTestApp, type TestApp } from "@smsape/api/testing";
import type { Prisma } from "@smsape/db";
import { copyOut } from "@smsape/db/copy";
import pg from "pg";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import { appendAuditEntry, auditContentSql, auditHash, genesisHash } from "../../api/src/domain/audit/audit-log.ts";
import { auditSigningKeys, writeAuditCheckpoint } from "../../api/src/domain/audit/checkpoints.ts";
import { auditCopySql } from "../../api/src/domain/audit/copy-check.ts";
import type { AuditEvent } from "../../api/src/domain/audit/events.ts";
import { type AuditStreamSource, auditStreamSource, verifyAuditChain } from "../../api/src/domain/audit/verification.ts";

const appends = Number(process.env.BENCH_AUDIT_APPENDS ?? 2_000);
const entries = Number(process.env.BENCH_AUDIT_ENTRIES ?? 500_000);
const rounds = Number(process.env.BENCH_AUDIT_ROUNDS ?? 3);
/** BENCH_AUDIT_ALL=1 adds the check inside the database and the verification before the streamed one (slow). */
const all = process.env.BENCH_AUDIT_ALL === "1";
const writers = 8;

interface Row {
  measurement: string;
  result: string;
  baseline: string;
  ratio: string;
}

const staff: StaffActor = {
  kind: "staff",
  staffUserId: "0196a1d2-0000-7000-8000-000000000001",
  role: "COMPLIANCE",
  sessionId: "0196a1d2-0000-7000-8000-00000000000f",
};
const event: AuditEvent = {
  action: "account.personal_data_revealed",
  subjectType: "Account",
  subjectId: "0196a1d2-0000-7000-8000-000000000002",
  reason: "customer_asked",
  details: { fields: ["email", "jurisdiction"], reference: null },
};

/**
 * `writers` loops sharing `total` transactions, half on each of two instances
 * of the service (a test app holds 5 connections); returns transactions per second.
 */
async function concurrently(apps: TestApp[], total: number, work: (tx: Prisma.TransactionClient) => Promise<unknown>) {
  let left = total;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const { db } = apps[writer % apps.length]!.services;
      while (left > 0) {
        left -= 1;
        await db.$transaction(work, { maxWait: 60_000, timeout: 60_000 });
      }
    }),
  );
  return (total / (performance.now() - started)) * 1000;
}

/** The first append: three statements under an advisory lock, the hash computed in Node. */
async function appendAsBefore(tx: Prisma.TransactionClient, at: Date) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7001017::bigint)`;
  const [previous] = await tx.$queryRaw<Array<{ hash: string }>>`SELECT hash FROM "AuditEntry" ORDER BY seq DESC LIMIT 1`;
  const prevHash = previous?.hash ?? genesisHash;
  const content = JSON.stringify({ at: at.toISOString(), ...event });
  const hash = createHash("sha256").update(prevHash).update(content).digest("hex");
  await tx.$executeRaw`
    INSERT INTO "AuditEntry" ("at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", "prevHash", "hash")
    VALUES (${at.toISOString()}::timestamp, 'STAFF', ${staff.staffUserId}, ${event.action}, ${event.subjectType}, ${event.subjectId},
            ${event.reason}, ${JSON.stringify(event.details)}::jsonb, ${prevHash}, ${hash})`;
}

/** The second: the advisory lock, then one INSERT … SELECT reading the previous hash and hashing in SQL. */
async function appendWithAdvisoryLock(tx: Prisma.TransactionClient, at: Date) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7001017::bigint)`;
  await tx.$executeRaw`
    INSERT INTO "AuditEntry" ("at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", "prevHash", "hash")
    SELECT "at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", previous.hash,
           encode(sha256(convert_to(previous.hash || ${auditContentSql}, 'UTF8')), 'hex')
    FROM (SELECT ${at.toISOString()}::timestamp(3) AS "at", 'STAFF'::"ActorType" AS "actorType", ${staff.staffUserId}::text AS "actorId",
                 ${event.action}::text AS "action", ${event.subjectType}::text AS "subjectType", ${event.subjectId}::text AS "subjectId",
                 ${event.reason}::text AS "reason", ${JSON.stringify(event.details)}::jsonb AS "details") AS entry,
         (SELECT coalesce((SELECT hash FROM "AuditEntry" ORDER BY seq DESC LIMIT 1), ${genesisHash}) AS hash) AS previous`;
}

/** Empties the log and its head (the earlier appends' rows are not part of the chain being measured). */
async function emptyLog(app: TestApp) {
  await app.services.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    await tx.$executeRawUnsafe(`DELETE FROM "AuditEntry"`);
    await tx.$executeRaw`UPDATE "AuditHead" SET hash = ${genesisHash}, "prevHash" = ${genesisHash}`;
  });
}

async function appendRates(app: TestApp, other: TestApp): Promise<Row[]> {
  const { db } = app.services;
  const apps = [app, other];
  await db.$executeRawUnsafe(`CREATE TABLE "BenchBareEntry" (LIKE "AuditEntry" INCLUDING DEFAULTS)`);
  await db.$executeRawUnsafe(`CREATE SEQUENCE "BenchBareEntry_seq"`);
  await db.$executeRawUnsafe(`ALTER TABLE "BenchBareEntry" ALTER COLUMN seq SET DEFAULT nextval('"BenchBareEntry_seq"')`);
  const bare = await concurrently(
    apps,
    appends,
    (tx) => tx.$executeRaw`
      INSERT INTO "BenchBareEntry" ("at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", "prevHash", "hash")
      VALUES (now(), 'STAFF', ${staff.staffUserId}, ${event.action}, ${event.subjectType}, ${event.subjectId},
              ${event.reason}, ${JSON.stringify(event.details)}::jsonb, '', md5(random()::text))`,
  );
  // Each earlier scheme is measured on its own, then its rows removed.
  const first = await concurrently(apps, appends, (tx) => appendAsBefore(tx, app.services.now()));
  await emptyLog(app);
  const second = await concurrently(apps, appends, (tx) => appendWithAdvisoryLock(tx, app.services.now()));
  await emptyLog(app);
  const ours = await concurrently(apps, appends, (tx) => appendAuditEntry(tx, staff, event, app.services.now()));
  const label = `${appends} appends, ${writers} concurrent writers, one transaction each`;
  return [
    {
      measurement: `${label}: appendAuditEntry`,
      result: `${ours.toFixed(0)} /s`,
      baseline: `${bare.toFixed(0)} /s bare insert (no lock, no chain)`,
      ratio: `${(ours / bare).toFixed(2)}`,
    },
    {
      measurement: `${label}: first append (advisory lock; read, hash in Node, insert)`,
      result: `${first.toFixed(0)} /s`,
      baseline: `${ours.toFixed(0)} /s appendAuditEntry`,
      ratio: `${(first / ours).toFixed(2)}`,
    },
    {
      measurement: `${label}: second append (advisory lock; one INSERT … SELECT)`,
      result: `${second.toFixed(0)} /s`,
      baseline: `${ours.toFixed(0)} /s appendAuditEntry`,
      ratio: `${(second / ours).toFixed(2)}`,
    },
  ];
}

/** Extends the chain to `count` entries inside PostgreSQL (one statement per entry, no round trips). */
async function seedChain(app: TestApp, count: number) {
  const { db } = app.services;
  const existing = await db.auditEntry.count();
  const missing = count - existing;
  if (missing <= 0) return;
  const content = auditContentSql.sql;
  await db.$executeRawUnsafe(`
    DO $$
    DECLARE previous text := coalesce((SELECT hash FROM "AuditEntry" ORDER BY seq DESC LIMIT 1), repeat('0', 64));
    BEGIN
      FOR i IN 1..${missing} LOOP
        INSERT INTO "AuditEntry" ("at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", "prevHash", "hash")
        SELECT "at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", previous,
               encode(sha256(convert_to(previous || ${content}, 'UTF8')), 'hex')
        FROM (SELECT localtimestamp(3) - (${missing} - i) * interval '1 second' AS "at", 'STAFF'::"ActorType" AS "actorType",
                     '${staff.staffUserId}'::text AS "actorId",
                     'account.personal_data_revealed'::text AS "action", 'Account'::text AS "subjectType",
                     gen_random_uuid()::text AS "subjectId", 'customer_asked'::text AS "reason",
                     '{"fields": ["email", "jurisdiction"]}'::jsonb AS "details") AS entry
        RETURNING hash INTO previous;
      END LOOP;
      UPDATE "AuditHead" SET hash = previous;
    END $$;`);
}

/**
 * The verification before this one, kept to compare with: keyset pages of 20,000 through Prisma, PostgreSQL
 * printing each entry's content (`auditContentSql`), Node hashing it onto the running hash, the next page
 * read while this one is hashed. (Checkpoints are left out: the chain here has one.)
 */
async function verifyAsBefore(db: TestApp["services"]["db"]): Promise<number> {
  const page = (after: bigint) =>
    db.$queryRaw<Array<{ seq: bigint; hash: string; content: string }>>`
      SELECT seq, hash, ${auditContentSql} AS content FROM "AuditEntry" WHERE seq > ${after} ORDER BY seq LIMIT 20000`;
  let running = genesisHash;
  let checked = 0;
  let pending = page(-1n);
  for (;;) {
    const rows = await pending;
    const last = rows.at(-1);
    if (rows.length === 20_000 && last) pending = page(last.seq);
    for (const row of rows) {
      if (auditHash(running, row.content) !== row.hash) throw new Error(`The seeded chain breaks at ${row.seq}.`);
      running = row.hash;
      checked += 1;
    }
    if (rows.length < 20_000) return checked;
  }
}

/** CPU time of this process (every thread: the workers of the streamed check too), in ms. */
function processCpu(): number {
  const usage = process.resourceUsage();
  return (usage.userCPUTime + usage.systemCPUTime) / 1000;
}

/**
 * CPU time the server's backends spend on the audit COPYs while `run` runs, in ms: the backends running one
 * are found in pg_stat_activity every 10 ms and their time on CPU read from /proc (the server is on this
 * machine: loopback only); a backend's last reading is taken as its total, so each may lose up to 10 ms.
 * Null when /proc cannot be read.
 */
async function serverCpuOf(url: string, run: () => Promise<unknown>): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const onCpu = new Map<number, number>();
  let readable = true;
  let running = true;
  const sample = async () => {
    while (running) {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY (SELECT seq, hash%'`,
      );
      for (const { pid } of rows) {
        try {
          onCpu.set(pid, Number((await readFile(`/proc/${pid}/schedstat`, "utf8")).split(" ")[0]) / 1e6);
        } catch {
          readable = readable && existsSync(`/proc/${process.pid}/schedstat`);
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const sampling = sample();
  try {
    await run();
  } finally {
    running = false;
    await sampling;
    await client.end();
  }
  return readable && onCpu.size > 0 ? [...onCpu.values()].reduce((sum, ms) => sum + ms, 0) : null;
}

async function verificationRates(app: TestApp): Promise<Row[]> {
  const { db } = app.services;
  const seedStarted = performance.now();
  await seedChain(app, entries);
  const seeded = (performance.now() - seedStarted) / 1000;
  await writeAuditCheckpoint(app.services);
  await db.$executeRawUnsafe(`VACUUM ANALYZE "AuditEntry"`);
  const total = await db.auditEntry.count();
  const publicKey = auditSigningKeys(app.services.config).publicKey;
  const url = auditStreamSource(app.services.config)?.url ?? app.database.url;

  const verify = (options: { stream: AuditStreamSource | null }) => async () => {
    const result = await verifyAuditChain(db, { publicKey, ...options });
    if (!result.valid) throw new Error(`The seeded chain does not verify: ${JSON.stringify(result, (_k, v) => String(v))}`);
    return result.entries;
  };
  /** The COPY the streamed check reads, whole, read to its end and dropped: what one backend and the wire give. */
  const bareCopy = async () => {
    let bytes = 0;
    await copyOut(url, auditCopySql(-1n), (piece) => {
      bytes += piece.length;
      return true;
    });
    if (bytes === 0) throw new Error("The COPY returned nothing.");
    return total;
  };
  const variants = {
    /** The service's way on a server: a part per core, each in a worker thread. */
    workers: verify({ stream: { url } }),
    /** The same check in one COPY on the calling thread (the way before the workers). */
    oneThread: verify({ stream: { url, parts: 1 } }),
    bare: bareCopy,
    ...(all
      ? { inDatabase: verify({ stream: null }), before: () => verifyAsBefore(db) }
      : ({} as Record<"inDatabase" | "before", never>)),
  };
  type Variant = keyof typeof variants;
  const names = Object.keys(variants) as Variant[];

  // The first streamed verification starts the worker threads; its time is reported on its own.
  const firstStarted = performance.now();
  await variants.workers();
  const first = (total / (performance.now() - firstStarted)) * 1000;

  // Warm each once (page cache, plans), then `rounds` runs of each, interleaved: the best, and every round.
  const runs = new Map<Variant, Array<{ rate: number; cpu: number }>>(names.map((name) => [name, []]));
  for (let round = 0; round <= rounds; round += 1) {
    for (const name of names) {
      const cpuBefore = processCpu();
      const started = performance.now();
      const checked = await variants[name]();
      const seconds = (performance.now() - started) / 1000;
      if (round > 0) runs.get(name)!.push({ rate: checked / seconds, cpu: (processCpu() - cpuBefore) / checked });
    }
  }
  // Once more each, for the CPU the server's backends spend (sampling costs a little, so not in the rates).
  const serverCpu = new Map<Variant, number | null>();
  for (const name of ["workers", "oneThread", "bare"] as const) {
    const ms = await serverCpuOf(url, variants[name]);
    serverCpu.set(name, ms === null ? null : ms / total);
  }

  const best = (name: Variant) => Math.max(...runs.get(name)!.map((run) => run.rate));
  const every = (name: Variant) =>
    runs
      .get(name)!
      .map((run) => run.rate.toFixed(0))
      .join(", ");
  /** Per entry: this process's CPU (least of the rounds) and the server's, in µs. */
  const cpu = (name: Variant) => {
    const node = Math.min(...runs.get(name)!.map((run) => run.cpu)) * 1000;
    const server = serverCpu.get(name);
    return `CPU/entry: node ${node.toFixed(2)} µs, server ${server == null ? "?" : (server * 1000).toFixed(2)} µs`;
  };
  const ours = best("workers");
  const label = `verify ${total} entries from the first (seeded in ${seeded.toFixed(1)} s), best of ${rounds}`;
  const rows: Row[] = [
    {
      measurement: `${label}: streamed, ${availableParallelism()} parts in worker threads [${every("workers")}] (${cpu("workers")}; first verification, threads starting: ${first.toFixed(0)} /s)`,
      result: `${ours.toFixed(0)} entries/s`,
      baseline: `${best("bare").toFixed(0)} rows/s one COPY of it all read and dropped [${every("bare")}] (${cpu("bare")})`,
      ratio: (ours / best("bare")).toFixed(2),
    },
    {
      measurement: `${label}: streamed in one COPY, checked on this thread [${every("oneThread")}] (${cpu("oneThread")})`,
      result: `${best("oneThread").toFixed(0)} entries/s`,
      baseline: `${ours.toFixed(0)} entries/s in worker threads`,
      ratio: (best("oneThread") / ours).toFixed(2),
    },
  ];
  if (all) {
    rows.push(
      {
        measurement: `${label}: inside the database (sha256 and lag, pages of 20,000) [${every("inDatabase")}]`,
        result: `${best("inDatabase").toFixed(0)} entries/s`,
        baseline: `${ours.toFixed(0)} entries/s streamed`,
        ratio: (best("inDatabase") / ours).toFixed(2),
      },
      {
        measurement: `${label}: previous (Prisma pages of printed content, hashed in Node) [${every("before")}]`,
        result: `${best("before").toFixed(0)} entries/s`,
        baseline: `${ours.toFixed(0)} entries/s streamed`,
        ratio: (best("before") / ours).toFixed(2),
      },
    );
  }
  return rows;
}

async function bench(label: string, env: Record<string, string>) {
  const app = await startTestApp({ LOG_LEVEL: "warn", ...env });
  const other = await startTestApp({ LOG_LEVEL: "warn", ...env }, { database: app.database });
  try {
    const rows = [...(appends > 0 ? await appendRates(app, other) : []), ...(await verificationRates(app))];
    return rows.map((row) => ({ database: label, ...row }));
  } finally {
    await other.close();
    await app.close();
  }
}

const label = loadConfig().database.kind === "server" ? "PostgreSQL server" : "embedded (PGlite)";
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");
const loadBefore = load();
const results = await bench(label, {});
console.log(`\nload average (1, 5, 15 min): ${loadBefore} before, ${load()} after; ${availableParallelism()} cores`);

console.log("\n| database | measurement | result | baseline | ratio |");
console.log("| --- | --- | ---: | ---: | ---: |");
for (const row of results) {
  console.log(`| ${row.database} | ${row.measurement} | ${row.result} | ${row.baseline} | ${row.ratio} |`);
}
