/**
 * `pnpm bench purge`: the retention purge of SMS bodies (P8) over a large
 * backlog while SMS keep arriving through the signed webhook. Run it with
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench purge
 *
 * On the embedded database (always, with a smaller backlog) and, when
 * DATABASE_URL is set, on a fresh database of that PostgreSQL server (created
 * for the run and dropped after it), the service runs in this process as
 * `pnpm start` runs it (createApp, the production pool size) and:
 *
 * 1. seeds `--rows` SMS inside the database (`INSERT … SELECT generate_series`:
 *    accounts, activations and numbers to own them, ~150-byte ciphertexts,
 *    every one received days ago and so due);
 * 2. measures the webhook alone: an upstream operator in a process of its own
 *    (tests/bench/purge/sms-sender.ts) delivers `--rate` SMS a second to live
 *    activations, and each delivery is timed from the moment it was due;
 * 3. purges the backlog with the same deliveries going on: our engine
 *    (`beginPurgeRun` then `continuePurgeRun`) at each `--batches` size, and as
 *    baselines a bare batched `UPDATE … WHERE id IN (next batch)` and one
 *    set-based `UPDATE` of every due row, the backlog seeded afresh before each.
 *
 * Reported per purge: rows/s (and the ratio to the bare batched UPDATE of the
 * same batch size), batches, the delivery latency p50/p99/max during it against
 * the webhook alone, heavyweight lock waits seen in pg_stat_activity (sampled
 * every 10 ms, PostgreSQL only), and this process's RSS before, at most during,
 * and after. Loopback only; bounded by `--rows` and the purge itself.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { readFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { type App, createApp } from "@smsape/api";
import { environmentWith, loadConfig } from "@smsape/api/config";
import { type DatabaseTarget, Prisma } from "@smsape/db";
import { createTestDatabase } from "@smsape/db/testing";
import pg from "pg";
import { systemActor } from "../../api/src/domain/actors.ts";
import { beginPurgeRun, continuePurgeRun, purgeScheduleJob } from "../../api/src/domain/retention/purges.ts";
import { createLogger } from "../../api/src/platform/logger.ts";
import { accounts, activations, liveNumbers, seedBacklog, seedOwners } from "./purge/backlog.ts";
import type { Delivery, SenderReport, SenderStart } from "./purge/sms-sender.ts";

const { values: given } = parseArgs({
  options: {
    rows: { type: "string" },
    "embedded-rows": { type: "string" },
    batches: { type: "string" },
    rate: { type: "string" },
    alone: { type: "string" },
    only: { type: "string" },
    database: { type: "string" },
    quick: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
/** A flag, else its environment variable, else the full run's or the quick run's default. */
const option = (name: keyof typeof given, variable: string, full: string, quick: string) =>
  (given[name] as string | undefined) ?? process.env[variable] ?? (given.quick ? quick : full);
const flags = {
  ...given,
  rows: option("rows", "BENCH_PURGE_ROWS", "1000000", "100000"),
  "embedded-rows": option("embedded-rows", "BENCH_PURGE_EMBEDDED_ROWS", "100000", "20000"),
  batches: option("batches", "BENCH_PURGE_BATCHES", "2000,5000,20000", "5000"),
  rate: option("rate", "BENCH_PURGE_SMS_RATE", "20", "5"),
  alone: option("alone", "BENCH_PURGE_ALONE", "15", "5"),
  only: (given.only as string | undefined) ?? (given.quick ? "engine,bare,bare-now" : undefined),
};

if (flags.help) {
  console.log(`pnpm bench purge [options]
  --rows N            SMS seeded and purged on PostgreSQL (BENCH_PURGE_ROWS, default 1000000)
  --embedded-rows N   the same on the embedded database (BENCH_PURGE_EMBEDDED_ROWS, default 100000)
  --batches a,b       batch sizes of the engine and the bare batched UPDATE (BENCH_PURGE_BATCHES, default 2000,5000,20000)
  --rate N            SMS delivered per second through the webhook throughout (BENCH_PURGE_SMS_RATE, default 20)
  --alone S           seconds of deliveries measured without a purge (BENCH_PURGE_ALONE, default 15)
  --only a,b          purges to run: engine, held (the engine with one account on hold), bare (the bare batched
                      UPDATE on the table as it was before SmsAwaitingPurge), bare-now (the same bare SQL on
                      today's tables), single (one set-based UPDATE, as before) (default all)
  --database D        embedded or postgres only (default: embedded, and postgres when DATABASE_URL is set)
  --quick             100,000 SMS (20,000 embedded), batches of 5,000, 5 SMS/s, 5 s alone, engine and both bare
                      purges only; any option given explicitly still wins`);
  process.exit(0);
}

const whole = (name: string, value: string | undefined) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    console.error(`--${name}: expected a whole number above 0, got ${value}`);
    process.exit(2);
  }
  return number;
};
const rate = whole("rate", flags.rate);
const aloneSeconds = whole("alone", flags.alone);
const batchSizes = (flags.batches ?? "").split(",").map((size) => whole("batches", size.trim()));
const purgeKinds = ["engine", "held", "bare", "bare-now", "single"] as const;
type PurgeKind = (typeof purgeKinds)[number];
const only = flags.only?.split(",").map((name) => name.trim());
if (only?.some((name) => !purgeKinds.includes(name as PurgeKind))) {
  console.error(`--only ${flags.only}: expected names among ${purgeKinds.join(", ")}`);
  process.exit(2);
}
const runs = (kind: PurgeKind) => !only || only.includes(kind);

/** Deliveries outstanding at most; beyond it a delivery is counted as skipped (the service fell behind). */
const maxInFlight = 200;
/** Deliveries run this long before a purge starts and after it ends, not counted. */
const settleMs = 2_000;

// ---------------------------------------------------------------------------------------------- load

/** The upstream operator in a process of its own. */
class Sender {
  private constructor(private readonly child: ChildProcess) {}

  static async start(options: Omit<SenderStart, "type">): Promise<Sender> {
    const child = fork(new URL("./purge/sms-sender.ts", import.meta.url), [], {
      execArgv: ["--import", import.meta.resolve("tsx")],
      stdio: ["ignore", 2, 2, "ipc"],
    });
    const started = new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`the SMS sender exited with code ${code}`)));
    });
    child.send({ type: "start", ...options } satisfies SenderStart);
    await started;
    child.removeAllListeners("exit");
    return new Sender(child);
  }

  stop(): Promise<SenderReport> {
    return new Promise((resolve) => {
      this.child.once("message", (report: SenderReport) => resolve(report));
      this.child.send({ type: "stop" });
    });
  }

  kill() {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** The statements of a purge, ours or a baseline's, as pg_stat_activity shows them. */
const purgeStatement =
  /"PurgeRun"|"LegalHold"|"SmsAwaitingPurge"|WITH (holds|c|batch) AS|UPDATE "SmsMessage" (t )?SET "bodyCiphertext"/;

interface LockWaits {
  /** Waits behind a session whose statement is a purge's, and the longest of them (ms, upper bound). */
  behindPurge: number;
  behindPurgeMs: number;
  /** Waits behind anything else (deliveries to one activation queue on its row lock), and the longest. */
  other: number;
  otherMs: number;
  blockers: string[];
  longestOther?: string;
}

/**
 * Heavyweight lock waits of the bench database's sessions, sampled from pg_stat_activity every 10 ms.
 * A wait is timed by its statement's age (query_start to the last sample that saw it waiting): an upper
 * bound, tight for the webhook's short statements. Waits shorter than a sampling interval can be missed.
 */
class LockWaitSampler {
  private waits = new Map<string, { ms: number; blocker: string; purge: boolean }>();
  private running = true;
  private done: Promise<void>;

  constructor(private readonly client: pg.Client) {
    this.done = this.loop();
  }

  private async loop() {
    while (this.running) {
      const { rows } = await this.client.query<{ key: string; ms: number; event: string; blockers: string[] | null }>(`
        SELECT w.pid || '@' || w.query_start AS key, w.wait_event AS event,
               extract(epoch FROM clock_timestamp() - w.query_start) * 1000 AS ms,
               (SELECT array_agg(left(b.query, 120)) FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(w.pid))) AS blockers
        FROM pg_stat_activity w
        WHERE w.datname = current_database() AND w.wait_event_type = 'Lock'`);
      for (const row of rows) {
        const blockers = row.blockers ?? [];
        const seen = this.waits.get(row.key);
        const wait = seen ?? { ms: 0, blocker: `${row.event} lock, held by: ${blockers.join(" | ") || "?"}`, purge: false };
        wait.ms = Math.max(wait.ms, Number(row.ms));
        wait.purge ||= blockers.some((query) => purgeStatement.test(query));
        this.waits.set(row.key, wait);
      }
      await sleep(10);
    }
  }

  async stop(): Promise<LockWaits> {
    this.running = false;
    await this.done;
    const waits = [...this.waits.values()];
    const behind = waits.filter((wait) => wait.purge);
    const other = waits.filter((wait) => !wait.purge);
    const longest = (list: typeof waits) => list.reduce((max, wait) => Math.max(max, wait.ms), 0);
    return {
      behindPurge: behind.length,
      behindPurgeMs: longest(behind),
      other: other.length,
      otherMs: longest(other),
      blockers: [...new Set(behind.map((wait) => wait.blocker))],
      longestOther: other.reduce<(typeof waits)[number] | null>((max, wait) => (max && max.ms >= wait.ms ? max : wait), null)
        ?.blocker,
    };
  }
}

/** This process's memory (the service and the purge; with the embedded database, the database too). */
class MemorySampler {
  private peakRss = 0;
  private peakHeap = 0;
  private timer: NodeJS.Timeout;

  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }

  private sample() {
    const { rss, heapUsed } = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, rss);
    this.peakHeap = Math.max(this.peakHeap, heapUsed);
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    return { peakRss: this.peakRss, peakHeap: this.peakHeap };
  }
}

interface Latency {
  count: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
  example?: string;
}

function latency(deliveries: Delivery[], from: number, to: number): Latency {
  const inWindow = deliveries.filter((delivery) => delivery.dueAt >= from && delivery.dueAt <= to);
  const times = inWindow.map((delivery) => delivery.ms).sort((a, b) => a - b);
  const at = (share: number) => times[Math.min(times.length - 1, Math.ceil(share * times.length) - 1)] ?? 0;
  const failed = inWindow.filter((delivery) => delivery.status !== 200 || delivery.outcome !== "delivered");
  return {
    count: times.length,
    p50: at(0.5),
    p99: at(0.99),
    max: times.at(-1) ?? 0,
    failed: failed.length,
    example: failed[0] && `${failed[0].status} ${failed[0].outcome}`,
  };
}

// ---------------------------------------------------------------------------------------------- purges

interface PurgeOutcome {
  rows: number;
  batches: number;
}

/** Our engine, as the scheduled job runs it. */
async function enginePurge(app: App, batchSize: number): Promise<PurgeOutcome> {
  const { run } = await beginPurgeRun(app.services, systemActor(purgeScheduleJob), "sms.body", "SCHEDULE");
  const done = await continuePurgeRun(app.services, run.id, { batchSize });
  return { rows: done.anonymisedCount, batches: done.batches };
}

/**
 * The engine while one account (of 10,000) is on legal hold: every batch then joins the owning
 * activation, and that account's SMS are held back.
 */
async function heldPurge(app: App, batchSize: number): Promise<PurgeOutcome> {
  const { db } = app.services;
  const [hold] = await db.$queryRawUnsafe<Array<{ id: string }>>(`
    INSERT INTO "LegalHold" (id, scope, "accountId", "reasonCode", "placedById")
    SELECT gen_random_uuid(), 'ACCOUNT', "accountId", 'benchmark', gen_random_uuid()
    FROM "Activation" WHERE status = 'COMPLETED' ORDER BY id LIMIT 1
    RETURNING id::text`);
  try {
    return await enginePurge(app, batchSize);
  } finally {
    await db.$executeRawUnsafe(`DELETE FROM "LegalHold" WHERE id = '${hold?.id}'`);
  }
}

/** What the policy clears, for the baselines: the same rows, with the same cut-off, without our engine. */
const clears = `"bodyCiphertext" = NULL, "codeCiphertext" = NULL, "purgedAt" = now() AT TIME ZONE 'UTC'`;
const due = `"purgedAt" IS NULL AND "receivedAt" < (now() AT TIME ZONE 'UTC') - interval '6 hours'`;

/**
 * A bare batched purge on the table as it was before SmsAwaitingPurge (the backlog is seeded with the
 * walk's index (purgedAt, receivedAt, id) and fillfactor 100 for it): the next `batchSize` due rows
 * after the last one, in that index's order, updated by
 * one statement each (its own transaction), with no run, no holds and no counts. The walk goes on from
 * the last row as the engine's does: restarting from the first due row would pass over every earlier
 * batch's dead index entries again.
 */
async function barePurge(app: App, batchSize: number): Promise<PurgeOutcome> {
  let rows = 0;
  let batches = 0;
  let last: { at: Date; id: string } | null = null;
  for (;;) {
    const after: Prisma.Sql = last
      ? Prisma.sql`("receivedAt", id) > (${last.at}::timestamp, ${last.id}::uuid)`
      : Prisma.sql`TRUE`;
    const { db } = app.services;
    const [, [batch]] = await db.$transaction([
      // As the engine's batch: nested loops over the keys, no JIT (purge-targets.ts).
      db.$executeRaw`SELECT set_config('jit', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`,
      db.$queryRaw<Array<{ changed: number; at: Date | null; id: string | null }>>`
      WITH batch AS (
        SELECT id, "receivedAt" FROM "SmsMessage" WHERE ${Prisma.raw(due)} AND ${after}
        ORDER BY "purgedAt", "receivedAt", id LIMIT ${batchSize}),
      done AS (UPDATE "SmsMessage" t SET ${Prisma.raw(clears)} FROM batch WHERE t.id = batch.id RETURNING t.id),
      last AS (SELECT "receivedAt", id FROM batch ORDER BY "receivedAt" DESC, id DESC LIMIT 1)
      SELECT (SELECT count(*) FROM done)::int AS changed, (SELECT "receivedAt" FROM last) AS at, (SELECT id::text FROM last) AS id`,
    ]);
    batches++;
    rows += batch?.changed ?? 0;
    if (!batch?.at || !batch.id || batch.changed < batchSize) return { rows, batches };
    last = { at: batch.at, id: batch.id };
  }
}

/**
 * The same bare batched purge on today's tables: the next `batchSize` SMS of the list awaiting purge,
 * in its index's order, cleared (a HOT update: no index holds what changes) and taken off the list, by
 * one statement each. What the engine's batch costs without a run, holds or counts.
 */
async function bareNowPurge(app: App, batchSize: number): Promise<PurgeOutcome> {
  let rows = 0;
  let batches = 0;
  let last: { at: Date; id: string } | null = null;
  for (;;) {
    const after: Prisma.Sql = last
      ? Prisma.sql`("receivedAt", "smsId") > (${last.at}::timestamp, ${last.id}::uuid)`
      : Prisma.sql`TRUE`;
    const { db } = app.services;
    const [, [batch]] = await db.$transaction([
      // As the engine's batch: nested loops over the keys, no JIT (purge-targets.ts).
      db.$executeRaw`SELECT set_config('jit', 'off', true), set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`,
      db.$queryRaw<Array<{ changed: number; at: Date | null; id: string | null }>>`
      WITH batch AS MATERIALIZED (
        SELECT "smsId" AS id, "receivedAt" FROM "SmsAwaitingPurge"
        WHERE "receivedAt" < (now() AT TIME ZONE 'UTC') - interval '6 hours' AND ${after}
        ORDER BY "receivedAt", "smsId" LIMIT ${batchSize}),
      done AS (UPDATE "SmsMessage" t SET ${Prisma.raw(clears)} FROM batch WHERE t.id = batch.id RETURNING t.id),
      listed AS (DELETE FROM "SmsAwaitingPurge" w USING batch WHERE w."smsId" = batch.id),
      last AS (SELECT "receivedAt", id FROM batch ORDER BY "receivedAt" DESC, id DESC LIMIT 1)
      SELECT (SELECT count(*) FROM done)::int AS changed, (SELECT "receivedAt" FROM last) AS at, (SELECT id::text FROM last) AS id`,
    ]);
    batches++;
    rows += batch?.changed ?? 0;
    if (!batch?.at || !batch.id || batch.changed < batchSize) return { rows, batches };
    last = { at: batch.at, id: batch.id };
  }
}

/** Every due row in one statement: the floor of what the database itself takes, and what one huge transaction costs. */
async function singlePurge(app: App): Promise<PurgeOutcome> {
  const rows = await app.services.db.$executeRawUnsafe(`UPDATE "SmsMessage" SET ${clears} WHERE ${due}`);
  return { rows, batches: 1 };
}

// ---------------------------------------------------------------------------------------------- run

interface Row {
  database: string;
  purge: string;
  kind: PurgeKind | "alone";
  batchSize: number | null;
  rows: number;
  batches: number;
  seconds: number;
  seededSeconds: number;
  latency: Latency;
  skipped: number;
  locks: LockWaits | null;
  rss: { before: number; peak: number; after: number };
  heapPeak: number;
  /** CPU seconds of the bench database's server backends during the purge (PostgreSQL on this host only). */
  databaseCpu: number | null;
  load: number;
}

/**
 * CPU time (user + system) of the server processes serving the bench database, read from /proc: the
 * purge's own cost, apart from the other work sharing the machine. Null when the server is not a local
 * process this one can read.
 */
async function databaseCpuSeconds(client: pg.Client | null): Promise<Map<number, number> | null> {
  if (!client) return null;
  const { rows } = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
      ticks.set(pid, (Number(stat[11]) + Number(stat[12])) / 100);
    } catch {
      return null;
    }
  }
  return ticks;
}

function cpuBetween(before: Map<number, number> | null, after: Map<number, number> | null): number | null {
  if (!before || !after) return null;
  let seconds = 0;
  for (const [pid, value] of after) seconds += value - (before.get(pid) ?? 0);
  return seconds;
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function benchDatabase(label: string, databaseUrl: string | undefined, rows: number): Promise<Row[]> {
  const config = loadConfig(
    environmentWith({
      DATABASE_URL: databaseUrl ?? "",
      NODE_ENV: "development",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      DEMO_DATA: "true",
      SIMULATOR: "false",
      AUDIT_CHECKPOINT_MINUTES: "0",
      // The purges run when the harness says, not on the schedule; live activations outlast the run.
      RETENTION_PURGE_CRON: "off",
      ACTIVATION_TIMEOUT_MINUTES: "240",
    }),
  );
  const server = config.database.kind === "server";
  const database = await createTestDatabase(config.database.kind === "server" ? config.database.url : undefined);
  // The pool size the service would have in production (DATABASE_POOL_SIZE), not the test harness's smaller one.
  const target: DatabaseTarget =
    database.target.kind === "server" && config.database.kind === "server"
      ? { ...database.target, poolSize: config.database.poolSize }
      : database.target;
  // Failed deliveries are counted and the first one shown in the report; the service's own log would drown it.
  const logger = createLogger({ level: "fatal", destination: process.stderr });
  const app = await createApp({ ...config, database: target }, { logger }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  interrupted = async () => {
    await app.close();
    await database.drop();
  };
  let sampler: pg.Client | null = null;
  let sender: Sender | null = null;
  const results: Row[] = [];
  try {
    console.error(`${label}: seeding ${accounts} accounts, ${activations} activations, live activations…`);
    await seedOwners(app);
    const numbers = await liveNumbers(app);
    if (database.target.kind === "server") {
      sampler = new pg.Client({ connectionString: database.target.url });
      await sampler.connect();
    }

    const measure = async (
      purge: string,
      kind: PurgeKind | "alone",
      batchSize: number | null,
      work: () => Promise<PurgeOutcome>,
    ) => {
      const layout = kind === "bare" || kind === "single" ? "before" : "now";
      const seededSeconds = kind === "alone" ? 0 : await seedBacklog(app, rows, server, layout);
      const load = loadavg()[0] ?? 0;
      console.error(`${label}: ${purge}${kind === "alone" ? "" : ` (backlog seeded in ${seededSeconds.toFixed(1)} s)`}…`);
      sender = await Sender.start({ url: app.url, secret: config.webhooks.smsSecret, numbers, perSecond: rate, maxInFlight });
      await sleep(settleMs);
      const locks = sampler ? new LockWaitSampler(sampler) : null;
      const rssBefore = process.memoryUsage().rss;
      const memory = new MemorySampler();
      const cpuBefore = await databaseCpuSeconds(sampler);
      const from = Date.now();
      const started = performance.now();
      const outcome = await work();
      const seconds = (performance.now() - started) / 1000;
      const databaseCpu = cpuBetween(cpuBefore, await databaseCpuSeconds(sampler));
      const to = Date.now();
      const peaks = memory.stop();
      const lockWaits = (await locks?.stop()) ?? null;
      await sleep(settleMs);
      const report = await sender.stop();
      sender = null;
      const row: Row = {
        database: label,
        purge,
        kind,
        batchSize,
        ...outcome,
        seconds,
        seededSeconds,
        latency: latency(report.deliveries, from, to),
        skipped: report.skipped,
        locks: lockWaits,
        rss: { before: rssBefore, peak: peaks.peakRss, after: process.memoryUsage().rss },
        heapPeak: peaks.peakHeap,
        databaseCpu,
        load,
      };
      results.push(row);
      const rowsPerSecond = kind === "alone" ? "" : `${(outcome.rows / seconds).toFixed(0)} rows/s, `;
      console.error(
        `  ${rowsPerSecond}deliveries p50/p99/max ${row.latency.p50.toFixed(1)}/${row.latency.p99.toFixed(1)}/${row.latency.max.toFixed(1)} ms, ` +
          `RSS ${mb(row.rss.before)}→${mb(row.rss.peak)}→${mb(row.rss.after)} MB`,
      );
      return row;
    };

    await measure(`deliveries alone, ${aloneSeconds} s`, "alone", null, async () => {
      await sleep(aloneSeconds * 1000);
      return { rows: 0, batches: 0 };
    });
    for (const batchSize of batchSizes) {
      if (runs("bare")) await measure(`bare batched UPDATE, ${batchSize}`, "bare", batchSize, () => barePurge(app, batchSize));
      if (runs("bare-now"))
        await measure(`bare batched UPDATE now, ${batchSize}`, "bare-now", batchSize, () => bareNowPurge(app, batchSize));
      if (runs("engine")) await measure(`engine, batch ${batchSize}`, "engine", batchSize, () => enginePurge(app, batchSize));
    }
    if (runs("held")) await measure("engine, batch 5000, one account held", "held", 5_000, () => heldPurge(app, 5_000));
    if (runs("single")) await measure("one set-based UPDATE", "single", null, () => singlePurge(app));
    return results;
  } finally {
    (sender as Sender | null)?.kill();
    await sampler?.end();
    interrupted = null;
    await app.close();
    await database.drop();
  }
}

/** Ctrl-C: the fresh database is dropped (the sender, a child, gets the same signal and leaves). */
let interrupted: (() => Promise<void>) | null = null;
process.on("SIGINT", async () => {
  await interrupted?.().catch(() => {});
  process.exit(130);
});

const databases: Array<{ label: string; url: string | undefined; rows: number }> = [
  { label: "embedded", url: undefined, rows: whole("embedded-rows", flags["embedded-rows"]) },
];
if (process.env.DATABASE_URL)
  databases.push({ label: "PostgreSQL", url: process.env.DATABASE_URL, rows: whole("rows", flags.rows) });
const onlyDatabase = flags.database?.toLowerCase();
const selected = databases.filter((database) => !onlyDatabase || database.label.toLowerCase().startsWith(onlyDatabase));
if (selected.length === 0) {
  console.error(`--database ${flags.database}: expected embedded, or postgres with DATABASE_URL set`);
  process.exit(2);
}

const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim();
const uptimeBefore = uptime();
const loadBefore = loadavg();
const rows: Row[] = [];
for (const database of selected) rows.push(...(await benchDatabase(database.label, database.url, database.rows)));
const loadAfter = loadavg();
const uptimeAfter = uptime();

const fixed = (value: number, digits = 0) => value.toFixed(digits);
const thousands = (value: number) => Math.round(value).toLocaleString("en-GB");
console.log(`
Machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}; load average ${loadBefore.map((value) => fixed(value, 2)).join(" ")} before, ${loadAfter.map((value) => fixed(value, 2)).join(" ")} after.
Deliveries: ${rate} SMS/s through POST /webhooks/sms (signed), open loop from a process of their own, timed from when each was due; ${settleMs / 1000} s before and after each purge not counted.
Backlog: ${selected.map((database) => `${database.label} ${thousands(database.rows)} SMS`).join(", ")} over ${thousands(activations)} activations of ${thousands(accounts)} accounts, all due; seeded afresh before each purge.
uptime: ${uptimeBefore} (before); ${uptimeAfter} (after).
Ratio: rows/s over the bare batched UPDATE on the former table layout, of the same batch size (the bare 5,000 for the set-based UPDATE).
Database CPU: user + system CPU of the bench database's server backends during the purge, per row; "rows per CPU s" is the rate one core given wholly to the purge's backend would reach (PostgreSQL on this host only).

| database | purge | rows | batches | s | rows/s | × bare | DB CPU µs/row | rows per DB CPU s | delivery p50 / p99 / max ms | deliveries | lock waits behind the purge / others (longest ms) | RSS MB before / peak / after | load 1 min |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const row of rows) {
  const bare = rows.find(
    (other) => other.database === row.database && other.kind === "bare" && other.batchSize === (row.batchSize ?? 5_000),
  );
  const perSecond = row.rows / row.seconds;
  const ratio = row.kind === "alone" || !bare || bare === row ? "—" : fixed(perSecond / (bare.rows / bare.seconds), 2);
  const deliveries = `${row.latency.count}${row.latency.failed ? ` (${row.latency.failed} failed)` : ""}${row.skipped ? `, ${row.skipped} skipped` : ""}`;
  const locks = row.locks
    ? `${row.locks.behindPurge} (${fixed(row.locks.behindPurgeMs)}) / ${row.locks.other} (${fixed(row.locks.otherMs)})`
    : "—";
  const cpu =
    row.kind === "alone" || row.databaseCpu === null || row.rows === 0
      ? "— | —"
      : `${fixed((row.databaseCpu * 1e6) / row.rows, 1)} | ${row.databaseCpu > 0 ? thousands(row.rows / row.databaseCpu) : "—"}`;
  console.log(
    `| ${row.database} | ${row.purge} | ${row.kind === "alone" ? "—" : thousands(row.rows)} | ${row.kind === "alone" ? "—" : row.batches} | ` +
      `${fixed(row.seconds, 1)} | ${row.kind === "alone" ? "—" : thousands(perSecond)} | ${ratio} | ${cpu} | ` +
      `${fixed(row.latency.p50, 1)} / ${fixed(row.latency.p99, 1)} / ${fixed(row.latency.max, 1)} | ${deliveries} | ${locks} | ` +
      `${mb(row.rss.before)} / ${mb(row.rss.peak)} / ${mb(row.rss.after)} | ${fixed(row.load, 2)} |`,
  );
}
for (const row of rows.filter((row) => row.locks?.behindPurge || row.locks?.other)) {
  const { blockers = [], longestOther } = row.locks ?? {};
  const clean = (text: string) => text.replace(/\s+/g, " ");
  if (blockers.length)
    console.log(`\n${row.database} / ${row.purge}: waits behind the purge: ${blockers.map(clean).join(" ; ")}`);
  if (longestOther) console.log(`\n${row.database} / ${row.purge}: longest other wait: ${clean(longestOther)}`);
}
const failed = rows.filter((row) => row.latency.failed > 0);
for (const row of failed) {
  console.error(`\n${row.database} / ${row.purge}: ${row.latency.failed} deliveries failed; first: ${row.latency.example}`);
}
process.exit(failed.length ? 1 : 0);
