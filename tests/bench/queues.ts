/**
 * The background queues under a backlog, and the timing of a password reset
 * request. Run it with
 *
 *   pnpm bench queues
 *
 * on the embedded database always and, when DATABASE_URL is set, on that
 * PostgreSQL server too, in one run so the numbers compare. It starts the real
 * service in-process, builds each backlog as the service would (the emails
 * through the outbox, the activations row for row as an order writes them, in
 * bulk), and prints a Markdown table (written up in docs/benchmarks.md, "Job queues").
 *
 * Bounded: BENCH_EMAILS queued emails (1,000), BENCH_TIMEOUTS activations
 * timing out together (10,000), 40 reset requests of each kind; every wait
 * gives up after a fixed time and says so.
 */
import { performance } from "node:perf_hooks";
import { loadConfig } from "@smsape/api/config";
import { createCustomer, GraphqlClient, startTestApp, type TestApp, type TestCustomer } from "@smsape/api/testing";
import { verificationEmail } from "../../api/src/domain/accounts/account-emails.ts";
import { activationTimeoutJob, orderNumber } from "../../api/src/domain/activations/activations.ts";
import { enqueueEmail } from "../../api/src/domain/email/outbox.ts";
import { appendLedgerEntries } from "../../api/src/domain/ledger/ledger.ts";

const queuedEmails = Number(process.env.BENCH_EMAILS ?? 1_000);
const dueTimeouts = Number(process.env.BENCH_TIMEOUTS ?? 10_000);
const resetSamples = 40;

interface Row {
  measurement: string;
  result: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Polls `probe` until it returns a value, or gives up after `limitMs` (returns undefined). */
async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, limitMs: number, everyMs = 20) {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

const signUpMutation = `mutation($input: SignUpInput!) { signUp(input: $input) { __typename } }`;
const resetMutation = `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { __typename } }`;

async function signUp(app: TestApp, email: string) {
  await new GraphqlClient(app.url).data(signUpMutation, {
    input: { email, password: "bench-password-1234", ageAttestation: true, acceptPolicyVersion: "2026-03-20" },
  });
}

/**
 * requestPasswordReset for an address with an account and one without,
 * alternated (and which goes first alternated too), over HTTP: the answer's
 * time must not tell them apart.
 */
async function resetTiming(app: TestApp): Promise<Row[]> {
  const known = `bench-known-${Date.now()}@example.test`;
  const unknown = `bench-unknown-${Date.now()}@example.test`;
  await signUp(app, known);
  const client = new GraphqlClient(app.url);
  const time = async (email: string) => {
    const started = performance.now();
    await client.data(resetMutation, { email });
    return performance.now() - started;
  };
  for (let i = 0; i < 10; i++) {
    await time(known);
    await time(unknown);
  }
  const samples = { known: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < resetSamples; i++) {
    if (i % 2 === 0) {
      samples.known.push(await time(known));
      samples.unknown.push(await time(unknown));
    } else {
      samples.unknown.push(await time(unknown));
      samples.known.push(await time(known));
    }
  }
  return [
    {
      measurement: `requestPasswordReset, address with an account (median of ${resetSamples})`,
      result: `${median(samples.known).toFixed(1)} ms`,
    },
    {
      measurement: `requestPasswordReset, address without one (median of ${resetSamples}, interleaved)`,
      result: `${median(samples.unknown).toFixed(1)} ms`,
    },
  ];
}

/**
 * Queues BENCH_EMAILS verification emails in one transaction (a burst of
 * sign-ups), then signs up one more person over HTTP: how long until that
 * person's verification email is delivered, and how fast the backlog drains.
 */
async function emailBacklog(app: TestApp): Promise<Row[]> {
  const { services } = app;
  const { publicUrl } = services.config.http;
  const queuedAt = await services.db.$transaction(
    async (tx) => {
      for (let i = 0; i < queuedEmails; i++) {
        await enqueueEmail(
          tx,
          { accountId: null, to: `bench-backlog-${i}@example.test`, ...verificationEmail(publicUrl, `ver_bench${i}`) },
          services,
        );
      }
      return services.now();
    },
    { timeout: 300_000, maxWait: 60_000 },
  );
  const probe = `bench-probe-${Date.now()}@example.test`;
  await signUp(app, probe);
  const signedUp = performance.now();
  const arrived = await waitFor(() => (app.mailbox.to(probe).length ? performance.now() : undefined), 120_000, 10);

  const drained = await waitFor(
    async () => {
      const left = await services.db.outboxEmail.count({ where: { accountId: null, status: "PENDING" } });
      return left === 0 ? true : undefined;
    },
    300_000,
    250,
  );
  const last = await services.db.outboxEmail.aggregate({ where: { accountId: null, status: "SENT" }, _max: { sentAt: true } });
  const sent = await services.db.outboxEmail.count({ where: { accountId: null, status: "SENT" } });
  const drainMs = (last._max.sentAt?.getTime() ?? Date.now()) - queuedAt.getTime();
  return [
    {
      measurement: `verification email signed up behind ${queuedEmails} queued emails: delivered after`,
      result: arrived === undefined ? "not within 120 s" : `${((arrived - signedUp) / 1000).toFixed(2)} s`,
    },
    {
      measurement: `email delivery throughput, draining ${queuedEmails} queued`,
      result: drained
        ? `${((sent / drainMs) * 1000).toFixed(0)} emails/s (all in ${(drainMs / 1000).toFixed(1)} s)`
        : `${sent} of ${queuedEmails} sent in 300 s`,
    },
  ];
}

/**
 * Writes `count` activations of one customer, each closing at `closesAt`, as
 * orderNumber writes them (an assigned pool number, the activation and its
 * first status change, the hold on the ledger, the timeout job), but a
 * thousand per transaction: ordering 10,000 one by one through orderNumber
 * takes a quarter of an hour here, and the ordering is not what is measured.
 */
async function writeActivations(app: TestApp, customer: TestCustomer, count: number, closesAt: Date, tag: string) {
  const { services } = app;
  const now = services.now();
  const price = 100n;
  for (let start = 0; start < count; start += 1_000) {
    const size = Math.min(1_000, count - start);
    await services.db.$transaction(
      async (tx) => {
        const numbers = Array.from({ length: size }, (_, i) => `+1555${tag}${String(start + i).padStart(6, "0")}`);
        const activations = await tx.$queryRaw<Array<{ id: string }>>`
          WITH number AS (
            INSERT INTO "VirtualNumber" ("id", "phoneNumber", "countryCode", "status")
            SELECT gen_random_uuid(), phone, 'US', 'ASSIGNED' FROM unnest(${numbers}::text[]) AS phone
            RETURNING "id", "phoneNumber"
          )
          INSERT INTO "Activation"
            ("id", "accountId", "serviceCode", "countryCode", "numberId", "phoneNumber", "priceMinor", "currency",
             "status", "createdAt", "expiresAt", "cancelableAt", "updatedAt")
          SELECT gen_random_uuid(), ${customer.accountId}::uuid, 'telegram', 'US', "id", "phoneNumber", ${price}, 'USD',
            'WAITING_SMS', ${now.toISOString()}::timestamp, ${closesAt.toISOString()}::timestamp, ${now.toISOString()}::timestamp, now()
          FROM number
          RETURNING "id"`;
        const ids = activations.map(({ id }) => id);
        await tx.$executeRaw`
          INSERT INTO "ActivationStatusChange" ("id", "activationId", "fromStatus", "toStatus", "reason", "at")
          SELECT gen_random_uuid(), id, NULL, 'WAITING_SMS', 'number ordered', ${now.toISOString()}::timestamp
          FROM unnest(${ids}::uuid[]) AS id`;
        await appendLedgerEntries(
          tx,
          ids.map((activationId) => ({ accountId: customer.accountId, kind: "HOLD", amountMinor: price, at: now, activationId })),
        );
        for (const activationId of ids) {
          await services.jobs.send(
            activationTimeoutJob,
            { activationId },
            { startAfter: closesAt, singletonKey: `${activationTimeoutJob}:${activationId}`, within: tx },
          );
        }
      },
      { timeout: 300_000, maxWait: 60_000 },
    );
  }
}

/**
 * BENCH_TIMEOUTS activations whose windows all close at the same instant T, a
 * moment after they are written. Before T, one more activation, ordered
 * through orderNumber, whose window closes at once shows how late a timeout
 * fires while the backlog waits in the queue; from T, how fast the backlog's
 * timeouts refund, and how late each was.
 */
async function timeoutBacklog(app: TestApp): Promise<Row[]> {
  const { services } = app;
  const realNow = services.now;
  const timeoutMs = services.config.activations.timeoutMinutes * 60_000;
  const customer = await createCustomer(app, { balanceMinor: (dueTimeouts + 1_000) * 100 });
  await services.db.virtualNumber.create({ data: { phoneNumber: "+15558000001", countryCode: "US" } });

  // How long writing takes here, to set T just after the backlog is written.
  const calibrationStarted = performance.now();
  await writeActivations(app, customer, 500, new Date(Date.now() + 3_600_000), "1");
  const perActivationMs = (performance.now() - calibrationStarted) / 500;
  const closesAt = Date.now() + perActivationMs * dueTimeouts * 1.5 + 15_000;
  await writeActivations(app, customer, dueTimeouts, new Date(closesAt), "2");
  const builtWithMsToSpare = closesAt - Date.now();

  // One timeout due now, while the backlog waits for T.
  let probeRow: Row;
  if (builtWithMsToSpare > 8_000) {
    services.now = () => new Date(Date.now() + 1_000 - timeoutMs);
    const probe = await orderNumber(services, customer.accountId, { serviceCode: "telegram", countryCode: "US" })
      .then((step) => step.activation)
      .finally(() => {
        services.now = realNow;
      });
    const ended = await waitFor(
      async () =>
        (await services.db.activation.findUnique({ where: { id: probe.id }, select: { endedAt: true } }))?.endedAt ?? undefined,
      60_000,
      50,
    );
    probeRow = {
      measurement: `a timeout due while ${dueTimeouts} more wait in the queue: refunded after its due time`,
      result: ended ? `${((ended.getTime() - probe.expiresAt.getTime()) / 1000).toFixed(2)} s` : "not within 60 s",
    };
  } else {
    probeRow = { measurement: "a timeout due while the backlog waits", result: "skipped: the backlog took too long to build" };
  }

  const cleared = await waitFor(
    async () => {
      if (Date.now() < closesAt) return undefined;
      const waiting = await services.db.activation.count({ where: { expiresAt: new Date(closesAt), endedAt: null } });
      return waiting === 0 ? true : undefined;
    },
    Math.max(0, closesAt - Date.now()) + 600_000,
    500,
  );
  const ended = await services.db.activation.findMany({
    where: { expiresAt: new Date(closesAt), endedAt: { not: null } },
    select: { endedAt: true },
  });
  const lateness = ended.map((row) => (row.endedAt?.getTime() ?? 0) - closesAt).sort((a, b) => a - b);
  const clearedInMs = lateness.at(-1) ?? 0;
  return [
    probeRow,
    {
      measurement: `${dueTimeouts} timeouts due at once: refund throughput`,
      result: cleared
        ? `${((ended.length / clearedInMs) * 1000).toFixed(0)} timeouts/s (all in ${(clearedInMs / 1000).toFixed(1)} s)`
        : `${ended.length} of ${dueTimeouts} in 600 s`,
    },
    {
      measurement: `${dueTimeouts} timeouts due at once: refund after due time, p50 / p95 / max`,
      result: [50, 95, 100].map((p) => `${(percentile(lateness, p) / 1000).toFixed(1)} s`).join(" / "),
    },
  ];
}

async function bench(label: string, env: Record<string, string>) {
  const app = await startTestApp({ LOG_LEVEL: "warn", ...env });
  try {
    // Let start-up work (queue maintenance, schedules) settle.
    await sleep(3_000);
    const rows: Row[] = [];
    rows.push(...(await resetTiming(app)));
    rows.push(...(await emailBacklog(app)));
    rows.push(...(await timeoutBacklog(app)));
    return rows.map((row) => ({ database: label, ...row }));
  } finally {
    await app.close();
  }
}

const databases: Array<[string, Record<string, string>]> = [["embedded (PGlite)", { DATABASE_URL: "" }]];
if (loadConfig().database.kind === "server") databases.push(["PostgreSQL server", {}]);

const results = [];
for (const [label, env] of databases) results.push(...(await bench(label, env)));

console.log("\n| database | measurement | result |");
console.log("| --- | --- | ---: |");
for (const row of results) console.log(`| ${row.database} | ${row.measurement} | ${row.result} |`);
