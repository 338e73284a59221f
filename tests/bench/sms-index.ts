/**
 * `pnpm bench sms-index`: how the SMS webhook finds the activation holding a
 * number (api/src/domain/sms/ingest.ts) on a large Activation table. Run with
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench sms-index
 *
 * On a fresh database of that server (created for the run, dropped after it)
 * with every migration applied, it seeds `--rows` ended activations spread
 * over `--numbers` pool numbers, plus one live activation per 50 numbers, then
 * times the lookup (`--lookups` runs of each, half for numbers with a live
 * activation, half without) three ways:
 *
 * - baseline: the lookup as it was before the index, `"status"::text IN ($2, $3)`,
 *   without the index (what every SMS cost);
 * - the same lookup with the index in place: the cast hides the predicate, so
 *   the planner cannot use the partial index;
 * - ours: the statuses written out, with the index.
 *
 * It prints each plan (EXPLAIN ANALYZE, BUFFERS) and the mean and p99 of the
 * timed lookups. Loopback only; bounded by `--rows` and `--lookups`.
 */
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { applyMigrations } from "@smsape/db/migrations";
import { createTestDatabase } from "@smsape/db/testing";
import pg from "pg";

const { values: flags } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    numbers: { type: "string", default: "20000" },
    lookups: { type: "string", default: "400" },
  },
});
const rows = Number(flags.rows);
const numbers = Number(flags.numbers);
const lookups = Number(flags.lookups);

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error("Set DATABASE_URL to a PostgreSQL server (the embedded database is not what this measures).");
  process.exit(2);
}

const phone = (i: number) => `+447706${String(i).padStart(6, "0")}`;

const database = await createTestDatabase(serverUrl);
const url = database.target.kind === "server" ? database.target.url : "";
const client = new pg.Client({ connectionString: url });
process.on("SIGINT", () => void database.drop().finally(() => process.exit(130)));
try {
  await applyMigrations(url);
  await client.connect();
  const started = performance.now();
  await client.query(`INSERT INTO "Country" (code, name) VALUES ('GB', 'United Kingdom') ON CONFLICT DO NOTHING`);
  await client.query(`
    INSERT INTO "VirtualNumber" (id, "phoneNumber", "countryCode", status)
    SELECT gen_random_uuid(), '+447706' || lpad(i::text, 6, '0'), 'GB', 'AVAILABLE' FROM generate_series(0, ${numbers - 1}) i`);
  // Ended activations, oldest first, each number used many times over; then the live ones.
  await client.query(`
    INSERT INTO "Activation" (id, "serviceCode", "countryCode", "numberId", "phoneNumber", "priceMinor", currency,
                              status, "createdAt", "expiresAt", "cancelableAt", "endedAt", "updatedAt")
    SELECT gen_random_uuid(), 'telegram', 'GB', n.id, n."phoneNumber", 50, 'USD',
           (ARRAY['COMPLETED','CANCELED','TIMED_OUT'])[1 + i % 3]::"ActivationStatus",
           t, t + interval '20 minutes', t, t + interval '5 minutes', t
    FROM (SELECT i, now() - interval '90 days' + (i * interval '89 days') / ${rows} AS t FROM generate_series(0, ${rows - 1}) i) s
    JOIN "VirtualNumber" n ON n."phoneNumber" = '+447706' || lpad((i % ${numbers})::text, 6, '0')`);
  await client.query(`
    INSERT INTO "Activation" (id, "serviceCode", "countryCode", "numberId", "phoneNumber", "priceMinor", currency,
                              status, "createdAt", "expiresAt", "cancelableAt", "updatedAt")
    SELECT gen_random_uuid(), 'telegram', 'GB', n.id, n."phoneNumber", 50, 'USD', 'WAITING_SMS',
           now(), now() + interval '20 minutes', now(), now()
    FROM "VirtualNumber" n WHERE right(n."phoneNumber", 6)::int % 50 = 0`);
  await client.query(`VACUUM ANALYZE "Activation"`);
  const seconds = (performance.now() - started) / 1000;
  const size = await client.query<{ table: string; index: string }>(`
    SELECT pg_size_pretty(pg_relation_size('"Activation"')) AS table,
           pg_size_pretty(pg_relation_size('"Activation_live_phoneNumber_idx"')) AS index`);

  const castQuery = `SELECT "id" FROM "Activation" WHERE "phoneNumber" = $1 AND "status"::text IN ($2, $3)
                     ORDER BY "createdAt" DESC LIMIT 1 FOR UPDATE`;
  const ourQuery = `SELECT "id" FROM "Activation" WHERE "phoneNumber" = $1 AND "status" IN ('WAITING_SMS', 'SMS_RECEIVED')
                    ORDER BY "createdAt" DESC LIMIT 1 FOR UPDATE`;
  const castValues = (n: string) => [n, "WAITING_SMS", "SMS_RECEIVED"];

  const measure = async (name: string, text: string, values: (n: string) => unknown[], dropIndex: boolean) => {
    await client.query("BEGIN");
    try {
      if (dropIndex) await client.query(`DROP INDEX "Activation_live_phoneNumber_idx"`);
      const plan = await client.query<{ "QUERY PLAN": string }>({
        text: `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
        values: values(phone(100)),
      });
      // A named statement, as Prisma's driver adapter prepares one: after five runs PostgreSQL may switch to a generic plan.
      const times: number[] = [];
      for (let i = 0; i < lookups; i++) {
        const number = phone(i % 2 === 0 ? (i * 50) % numbers : (i * 7 + 1) % numbers);
        const at = performance.now();
        await client.query({ name: `lookup-${name}`, text, values: values(number) });
        times.push(performance.now() - at);
      }
      times.sort((a, b) => a - b);
      const mean = times.reduce((sum, t) => sum + t, 0) / times.length;
      const p99 = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0;
      return { name, plan: plan.rows.map((row) => row["QUERY PLAN"]).join("\n"), mean, p99 };
    } finally {
      // The index comes back with the rollback.
      await client.query("ROLLBACK");
    }
  };

  const results = [
    await measure("baseline: cast statuses, no index", castQuery, castValues, true),
    await measure("cast statuses, index present", castQuery, castValues, false),
    // Ours takes the number as its only parameter.
    await measure("ours: statuses written out, index", ourQuery, (n) => [n], false),
  ];

  const baseline = results[0]?.mean ?? 1;
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? "?"}, Node ${process.version}`);
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log(
    `Activation: ${rows.toLocaleString("en")} ended + ${Math.ceil(numbers / 50)} live over ${numbers} numbers, seeded in ${seconds.toFixed(1)} s; table ${size.rows[0]?.table}, live-number index ${size.rows[0]?.index}`,
  );
  for (const result of results) {
    console.log(
      `\n== ${result.name}: mean ${result.mean.toFixed(3)} ms, p99 ${result.p99.toFixed(3)} ms (${(result.mean / baseline).toFixed(4)}x baseline) over ${lookups} lookups`,
    );
    console.log(result.plan);
  }
} finally {
  await client.end().catch(() => {});
  await database.drop();
}
