/**
 * A purge survives the death of its process (P8): the service, run as its own
 * process, walks a large purge in small batches; it is killed with SIGKILL
 * part-way, and the database then shows exactly what the run's report counts
 * (the cursor moves in the same transaction as each batch). Started again, the
 * service resumes the run by itself and finishes it: every due body purged,
 * each once, none skipped, and the bodies not yet due untouched.
 *
 * Both processes share one database: a fresh one on the PostgreSQL server when
 * DATABASE_URL is set, otherwise an embedded one in a data folder on disk,
 * which the test opens itself only while no service runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { demoCustomer, demoStaff } from "@smsape/api/demo";
import { GraphqlClient, staffSignIn, staffVerifyTotp, totpCode } from "@smsape/api/testing";
import { startEmbeddedPostgres } from "@smsape/db/embedded";
import { createTestDatabase } from "@smsape/db/testing";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Due rows: a hundred batches of the smallest size. */
const dueCount = 10_000;
const recentCount = 500;
const batchSize = 100;

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? exitOf(child) : null)));
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

/**
 * The service's entry point as one node process, the TypeScript loader inside
 * it: the pid is the service's, so SIGKILL ends the service itself and leaves
 * nothing behind (tsx's CLI would stand between, relaying signals).
 */
async function startService(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", tsxLoader, "api/src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "development",
      SIMULATOR: "false",
      LOG_LEVEL: "warn",
      AUDIT_CHECKPOINT_MINUTES: "0",
      RETENTION_PURGE_CRON: "off",
      RETENTION_PURGE_BATCH: String(batchSize),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => (stdout += chunk));
  child.stderr?.on("data", (chunk) => (stderr += chunk));
  const exited = exitOf(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (stdout.includes("SMSAPE is running")) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then(({ code, signal }) => {
      clearInterval(timer);
      reject(new Error(`The service exited (${code ?? signal}) before it was running: ${stderr}`));
    });
  });
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** Graceful stop, as an operator would; the service must exit cleanly. */
    async stop() {
      child.kill("SIGTERM");
      const { code, signal } = await exited;
      if (code !== 0) throw new Error(`The service stopped with ${code ?? signal}: ${stderr}`);
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The database the service processes share, and a way for the test to read and write it directly. */
async function sharedDatabase(): Promise<{
  env: Record<string, string>;
  withClient<T>(use: (db: pg.Client) => Promise<T>): Promise<T>;
}> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const database = await createTestDatabase(serverUrl);
    if (database.target.kind !== "server") throw new Error("Expected a database on the server.");
    const url = database.target.url;
    cleanups.push(() => database.drop());
    return {
      env: { DATABASE_URL: url },
      async withClient(use) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          return await use(client);
        } finally {
          await client.end();
        }
      },
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), "smsape-purge-restart-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  return {
    env: { DATA_DIR: dataDir },
    // The embedded database lives in one process at a time: opened here only while no service runs.
    async withClient(use) {
      const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres") });
      try {
        const client = new pg.Client({ connectionString: embedded.url });
        await client.connect();
        try {
          return await use(client);
        } finally {
          await client.end();
        }
      } finally {
        await embedded.stop();
      }
    },
  };
}

const runFields = "id status cutoff batches examined anonymised heldBack finishedAt";
interface RunReport {
  id: string;
  status: "RUNNING" | "COMPLETED";
  batches: number;
  examined: number;
  anonymised: number;
  heldBack: number;
}

async function purgeRun(staff: GraphqlClient, id: string): Promise<RunReport> {
  const { purgeRun } = await staff.data(
    `query($id: ID!) { purgeRun(id: $id) { __typename ... on QueryPurgeRunSuccess { data { ${runFields} } } } }`,
    { id },
  );
  if (purgeRun.__typename !== "QueryPurgeRunSuccess") throw new Error(`No report of run ${id}: ${purgeRun.__typename}`);
  return purgeRun.data;
}

/** Follows the run's report as the console does, until `done` holds. */
async function followRun(staff: GraphqlClient, id: string, done: (run: RunReport) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await purgeRun(staff, id);
    if (done(run)) return run;
    if (Date.now() > deadline) throw new Error(`The run did not get there in ${timeoutMs} ms: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The SMS rows by kind: `due-` rows are past the 6-hour period, `recent-` rows are not. */
async function smsState(db: pg.Client) {
  const { rows } = await db.query<{ kind: string; total: number; purged: number; withBody: number }>(`
    SELECT split_part("upstreamMessageId", '-', 1) AS kind, count(*)::int AS total,
           count(*) FILTER (WHERE "purgedAt" IS NOT NULL)::int AS purged,
           count(*) FILTER (WHERE "bodyCiphertext" IS NOT NULL OR "codeCiphertext" IS NOT NULL)::int AS "withBody"
    FROM "SmsMessage" GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(rows.map(({ kind, ...counts }) => [kind, counts]));
}

describe("a purge killed with its process", () => {
  it("P8: resumes when the service starts again, with nothing purged twice and nothing skipped", async () => {
    const database = await sharedDatabase();
    const port = await freePort();
    const env = { ...database.env, PORT: String(port) };

    // First start: the database is migrated and the demo data seeded.
    await (await startService(env)).stop();

    // SMS received two days ago (due) and an hour ago (not due), on activations of the demo customer.
    // Several share a receivedAt, so the keyset's id tie-break matters at batch boundaries.
    await database.withClient(async (db) => {
      const { rows } = await db.query<{ id: string }>(`SELECT id FROM "Account" WHERE email = $1`, [demoCustomer.email]);
      const accountId = rows[0]?.id;
      expect(accountId).toBeDefined();
      await db.query(
        `INSERT INTO "Activation" (id, "accountId", "serviceCode", "countryCode", "numberId", "phoneNumber", "priceMinor",
                                   currency, status, "createdAt", "expiresAt", "cancelableAt", "updatedAt")
         SELECT gen_random_uuid(), $1, 'telegram', n."countryCode", n.id, n."phoneNumber", 45, 'EUR', 'SMS_RECEIVED',
                now() AT TIME ZONE 'UTC' - interval '3 days', now() AT TIME ZONE 'UTC' - interval '3 days' + interval '20 minutes',
                now() AT TIME ZONE 'UTC' - interval '3 days', now() AT TIME ZONE 'UTC'
         FROM "VirtualNumber" n ORDER BY n."phoneNumber" LIMIT 10`,
        [accountId],
      );
      const inserted = await db.query(
        `INSERT INTO "SmsMessage" (id, "activationId", "upstreamMessageId", "bodyCiphertext", "codeCiphertext", "receivedAt")
         SELECT gen_random_uuid(), a.ids[1 + i % array_length(a.ids, 1)], 'due-' || i,
                'dev-1:' || encode(sha256(('body' || i)::bytea), 'base64'), 'dev-1:' || encode(sha256(('code' || i)::bytea), 'base64'),
                now() AT TIME ZONE 'UTC' - interval '2 days' + (i / 7) * interval '1 second'
         FROM generate_series(1, $1::int) i, (SELECT array_agg(id) AS ids FROM "Activation") a
         UNION ALL
         SELECT gen_random_uuid(), a.ids[1 + i % array_length(a.ids, 1)], 'recent-' || i,
                'dev-1:' || encode(sha256(('body' || i)::bytea), 'base64'), 'dev-1:' || encode(sha256(('code' || i)::bytea), 'base64'),
                now() AT TIME ZONE 'UTC' - interval '1 hour' + i * interval '1 millisecond'
         FROM generate_series(1, $2::int) i, (SELECT array_agg(id) AS ids FROM "Activation") a`,
        [dueCount, recentCount],
      );
      expect(inserted.rowCount).toBe(dueCount + recentCount);
      // Nothing else is due: the run's counts can be compared with these rows alone.
      expect(await smsState(db)).toEqual({
        due: { total: dueCount, purged: 0, withBody: dueCount },
        recent: { total: recentCount, purged: 0, withBody: recentCount },
      });
    });

    // Second start: COMPLIANCE starts a purge of SMS bodies; the process is killed part-way.
    const second = await startService(env);
    const staff = new GraphqlClient(`http://127.0.0.1:${port}`, "/admin/graphql");
    const compliance = demoStaff.find((member) => member.role === "COMPLIANCE");
    if (!compliance) throw new Error("The demo data has no COMPLIANCE member.");
    const step = await staffSignIn(staff, compliance.email, compliance.password);
    expect(step.step).toBe("ENTER_TOTP");
    const signedIn = await staffVerifyTotp(staff, step.challengeToken ?? "", {
      code: totpCode(compliance.totpSecret, new Date()),
    });
    expect(signedIn.__typename).toBe("StaffSignInSuccess");
    const { startPurge } = await staff.data(
      `mutation { startPurge(key: "sms.body") { __typename ... on MutationStartPurgeSuccess { data { ${runFields} } } ... on Error { code message } } }`,
    );
    expect(startPurge.__typename).toBe("MutationStartPurgeSuccess");
    const runId: string = startPurge.data.id;
    const partway = await followRun(staff, runId, (run) => run.status !== "RUNNING" || run.anonymised >= 10 * batchSize, 120_000);
    second.child.kill("SIGKILL");
    expect(await second.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(partway.status).toBe("RUNNING");

    // What the killed run recorded is exactly what changed: its cursor is the last row it purged.
    const purgedBeforeRestart = await database.withClient(async (db) => {
      const { rows } = await db.query(
        `SELECT status, cursor, batches, "examinedCount", "anonymisedCount", "heldBackCount" FROM "PurgeRun" WHERE id = $1`,
        [runId],
      );
      const run = rows[0];
      expect(run.status).toBe("RUNNING");
      expect(run.anonymisedCount).toBeGreaterThanOrEqual(partway.anonymised);
      expect(run.anonymisedCount).toBeLessThan(dueCount);
      expect(run.anonymisedCount).toBe(run.batches * batchSize);
      expect(run.examinedCount).toBe(run.anonymisedCount);
      expect(run.heldBackCount).toBe(0);
      expect(await smsState(db)).toEqual({
        due: { total: dueCount, purged: run.anonymisedCount, withBody: dueCount - run.anonymisedCount },
        recent: { total: recentCount, purged: 0, withBody: recentCount },
      });
      const last = await db.query<{ id: string }>(
        `SELECT id FROM "SmsMessage" WHERE "purgedAt" IS NOT NULL ORDER BY "receivedAt" DESC, id DESC LIMIT 1`,
      );
      expect(run.cursor).toMatchObject({ target: 0, id: last.rows[0]?.id });
      const purged = await db.query<{ id: string; purgedAt: Date }>(
        `SELECT id, "purgedAt" FROM "SmsMessage" WHERE "purgedAt" IS NOT NULL`,
      );
      return new Map(purged.rows.map((row) => [row.id, row.purgedAt.getTime()]));
    });

    // Third start, no schedule: the service resumes the run by itself and finishes it.
    const third = await startService(env);
    const finished = await followRun(staff, runId, (run) => run.status === "COMPLETED", 180_000);
    expect(finished).toMatchObject({ examined: dueCount, anonymised: dueCount, heldBack: 0 });
    await third.stop();

    await database.withClient(async (db) => {
      expect(await smsState(db)).toEqual({
        due: { total: dueCount, purged: dueCount, withBody: 0 },
        recent: { total: recentCount, purged: 0, withBody: recentCount },
      });
      // The rows purged before the kill were not purged again.
      const { rows } = await db.query<{ id: string; purgedAt: Date }>(
        `SELECT id, "purgedAt" FROM "SmsMessage" WHERE id = ANY($1::uuid[])`,
        [[...purgedBeforeRestart.keys()]],
      );
      expect(rows).toHaveLength(purgedBeforeRestart.size);
      expect(rows.filter((row) => row.purgedAt.getTime() !== purgedBeforeRestart.get(row.id))).toEqual([]);
      const run = await db.query(`SELECT status, "examinedCount", "anonymisedCount" FROM "PurgeRun" WHERE id = $1`, [runId]);
      expect(run.rows[0]).toEqual({ status: "COMPLETED", examinedCount: dueCount, anonymisedCount: dueCount });
      const completions = await db.query(
        `SELECT count(*)::int AS n FROM "AuditEntry" WHERE action = 'retention_purge.completed' AND "subjectId" = $1`,
        [runId],
      );
      expect(completions.rows[0].n).toBe(1);
    });
  }, 480_000);
});
