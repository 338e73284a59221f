/**
 * The service for `pnpm bench sms`, in a process of its own: the real app
 * (`createApp`, as `pnpm start` runs it) over a fresh database (a new one on
 * the PostgreSQL server DATABASE_URL names, or an in-memory embedded one),
 * seeded with set-based SQL in a few statements:
 *
 * - BENCH_ACCOUNTS accounts (verified, policy accepted), each with a session
 *   whose token is `ses_<BENCH_RUN>_<i>` (stored hashed, SHA-256 hex, as sign-in
 *   stores it) and one live WAITING_SMS activation on its own number
 *   `+447707<i, 6 digits>`, with the rows ordering writes beside it (number
 *   ASSIGNED, the status history row, the HOLD ledger entry after a TOP_UP);
 * - BENCH_PAST ended activations (COMPLETED, CANCELED, TIMED_OUT) over the
 *   last 90 days on 20,000 other pool numbers, shared out over the accounts.
 *
 * The harness rebuilds the tokens and numbers from BENCH_RUN and the count,
 * so nothing large crosses the IPC channel.
 */
import { latestPolicyVersion } from "@smsape/api/testing";
import { serveHarness } from "../http/server-process.ts";
import { serviceOnFreshDatabase } from "../http/service-on-fresh-database.ts";

const accounts = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const past = Number(process.env.BENCH_PAST ?? 1_000_000);
const run = process.env.BENCH_RUN ?? "bench";
const pastNumbers = 20_000;

const { app, database, config, target } = await serviceOnFreshDatabase();

const { db } = app.services;
const started = performance.now();
const sql = (text: string) => db.$executeRawUnsafe(text);
const policy = latestPolicyVersion;
// Account i has a deterministic id, so every later statement finds it by i alone.
const accountId = (i: string) => `md5('${run}-account-' || ${i})::uuid`;
await sql(`
  INSERT INTO "Account" (id, email, "emailVerifiedAt", "passwordHash", "ageAttestedAt", "createdAt", "updatedAt")
  SELECT ${accountId("i")}, 'bench-' || i || '@example.test', now(), 'not-a-password-hash', now(), now(), now()
  FROM generate_series(0, ${accounts - 1}) i`);
await sql(`
  INSERT INTO "PolicyAcknowledgement" (id, "accountId", "policyVersion", "acknowledgedAt")
  SELECT gen_random_uuid(), ${accountId("i")}, '${policy}', now() FROM generate_series(0, ${accounts - 1}) i`);
await sql(`
  INSERT INTO "Session" (id, "accountId", "tokenHash", "createdAt", "lastSeenAt", "idleExpiresAt", "absoluteExpiresAt")
  SELECT gen_random_uuid(), ${accountId("i")}, encode(sha256(convert_to('ses_${run}_' || i, 'UTF8')), 'hex'),
         now(), now(), now() + interval '1 day', now() + interval '1 day'
  FROM generate_series(0, ${accounts - 1}) i`);
await sql(`INSERT INTO "Country" (code, name) VALUES ('GB', 'United Kingdom') ON CONFLICT DO NOTHING`);
await sql(`
  INSERT INTO "VirtualNumber" (id, "phoneNumber", "countryCode", status)
  SELECT gen_random_uuid(), '+447706' || lpad(i::text, 6, '0'), 'GB', 'AVAILABLE' FROM generate_series(0, ${pastNumbers - 1}) i`);
await sql(`
  INSERT INTO "VirtualNumber" (id, "phoneNumber", "countryCode", status)
  SELECT gen_random_uuid(), '+447707' || lpad(i::text, 6, '0'), 'GB', 'ASSIGNED' FROM generate_series(0, ${accounts - 1}) i`);
// The past: oldest first, each pool number used many times over, every account with its share.
await sql(`
  INSERT INTO "Activation" (id, "accountId", "serviceCode", "countryCode", "numberId", "phoneNumber", "priceMinor", currency,
                            status, "createdAt", "expiresAt", "cancelableAt", "endedAt", "updatedAt")
  SELECT gen_random_uuid(), ${accountId(`(i % ${accounts})`)}, 'telegram', 'GB', n.id, n."phoneNumber", 50, 'USD',
         (ARRAY['COMPLETED','CANCELED','TIMED_OUT'])[1 + i % 3]::"ActivationStatus",
         t, t + interval '20 minutes', t, t + interval '5 minutes', t
  FROM (SELECT i, now() - interval '90 days' + (i * interval '89 days') / ${past} AS t FROM generate_series(0, ${past - 1}) i) s
  JOIN "VirtualNumber" n ON n."phoneNumber" = '+447706' || lpad((i % ${pastNumbers})::text, 6, '0')`);
// The live ones, as orderNumber writes them: expiring in a day, so none ends during the run.
await sql(`
  INSERT INTO "Activation" (id, "accountId", "serviceCode", "countryCode", "numberId", "phoneNumber", "priceMinor", currency,
                            status, "createdAt", "expiresAt", "cancelableAt", "updatedAt")
  SELECT md5('${run}-live-' || i)::uuid, ${accountId("i")}, 'telegram', 'GB', n.id, n."phoneNumber", 50, 'USD', 'WAITING_SMS',
         now(), now() + interval '1 day', now(), now()
  FROM generate_series(0, ${accounts - 1}) i
  JOIN "VirtualNumber" n ON n."phoneNumber" = '+447707' || lpad(i::text, 6, '0')`);
await sql(`
  INSERT INTO "ActivationStatusChange" (id, "activationId", "fromStatus", "toStatus", reason, at)
  SELECT gen_random_uuid(), md5('${run}-live-' || i)::uuid, NULL, 'WAITING_SMS', 'number ordered', now()
  FROM generate_series(0, ${accounts - 1}) i`);
await sql(`
  INSERT INTO "LedgerEntry" (id, "accountId", "accountRef", kind, "availableDelta", "heldDelta", currency, "activationId", "createdAt")
  SELECT gen_random_uuid(), ${accountId("i")}, ${accountId("i")}::text, 'TOP_UP'::"LedgerEntryKind", 10000, 0, 'USD', NULL, now()
  FROM generate_series(0, ${accounts - 1}) i
  UNION ALL
  SELECT gen_random_uuid(), ${accountId("i")}, ${accountId("i")}::text, 'HOLD'::"LedgerEntryKind", -50, 50, 'USD', md5('${run}-live-' || i)::uuid, now()
  FROM generate_series(0, ${accounts - 1}) i`);
await sql(`ANALYZE`);
const seedSeconds = (performance.now() - started) / 1000;

serveHarness(
  {
    url: app.url,
    tokens: [],
    services: [],
    country: "GB",
    description:
      `the service (createApp, NODE_ENV=${config.environment}, LOG_LEVEL=${config.logLevel}, live events ` +
      `${config.redisUrl ? "through Redis" : "in memory"}) on ` +
      (target.kind === "server"
        ? `PostgreSQL, a fresh database, pool of ${target.poolSize} connections`
        : "the embedded database (PGlite in the server process, in memory)") +
      `; ${accounts.toLocaleString("en")} accounts each with a session and a live activation on its own number, ` +
      `${past.toLocaleString("en")} ended activations, seeded in ${seedSeconds.toFixed(1)} s`,
  },
  async () => {
    await app.close();
    await database.drop();
  },
);
