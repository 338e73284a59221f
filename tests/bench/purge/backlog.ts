/**
 * The purge benchmark's data, made inside the database: owners (accounts,
 * numbers, activations), a backlog of due SMS, and live activations for the
 * deliveries that go on during a purge.
 */
import type { App } from "@smsape/api";
import { createCustomer } from "@smsape/api/testing";

/** Owners of the backlog: SMS are spread over this many activations of this many accounts. */
export const accounts = 10_000;
export const activations = 50_000;
const seededNumbers = 1_000;
/** Live activations the deliveries go to, in turn. */
const liveCustomers = 4;
const livePerCustomer = 8;
/**
 * A UUID v7 as the service makes them (milliseconds of `at` first, so ids follow time), with the rest
 * from `key`: the seeded rows sit in the indexes as organically grown rows do.
 */
const uuid7 = (at: string, key: string) =>
  `(lpad(to_hex(floor(extract(epoch FROM ${at}) * 1000)::bigint), 12, '0') || '7' || substr(md5(${key}), 1, 3) || '8' || substr(md5(${key}), 4, 15))::uuid`;
const accountId = (n: string) => uuid7(`base`, `'account-' || (${n})`);
const activationId = (n: string) => uuid7(`base`, `'activation-' || (${n})`);
const numberId = (n: string) => uuid7(`base`, `'number-' || (${n})`);
/**
 * The backlog starts 8 days before the run and is spread over 6 days: all of it past the 6-hour period.
 * One instant for every statement, so the ids computed from it agree between tables.
 */
const seedStart = new Date(Date.now() - 8 * 24 * 3_600_000).toISOString();
const base = `(SELECT '${seedStart}'::timestamptz AT TIME ZONE 'UTC' AS base) b`;

export async function seedOwners(app: App) {
  const { db } = app.services;
  await db.$executeRawUnsafe(`
    INSERT INTO "Account" (id, email, "passwordHash", "ageAttestedAt", "createdAt", "updatedAt")
    SELECT ${accountId("i")}, 'purge-bench-' || i || '@example.test', 'seeded', base, base, base
    FROM generate_series(0, ${accounts - 1}) i, ${base}`);
  await db.$executeRawUnsafe(`
    INSERT INTO "VirtualNumber" (id, "phoneNumber", "countryCode", status, "createdAt")
    SELECT ${numberId("i")}, '+447704' || lpad(i::text, 6, '0'), 'GB', 'DISABLED', base
    FROM generate_series(0, ${seededNumbers - 1}) i, ${base}`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Activation" (id, "accountId", "serviceCode", "countryCode", "numberId", "phoneNumber", "priceMinor", currency,
                              status, "createdAt", "expiresAt", "cancelableAt", "endedAt", "updatedAt")
    SELECT ${activationId("i")}, ${accountId(`i % ${accounts}`)}, 'telegram', 'GB', ${numberId(`i % ${seededNumbers}`)},
           '+447704' || lpad((i % ${seededNumbers})::text, 6, '0'), 50, 'USD',
           'COMPLETED', base, base + interval '20 minutes', base, base + interval '5 minutes', base
    FROM generate_series(0, ${activations - 1}) i, ${base}`);
}

/**
 * The table layouts a purge can be measured on: "now", as the migrations leave it (no index holds
 * purgedAt, fillfactor 70, the list of SMS awaiting purge filled by its trigger), and "before", as it
 * was until migration 20261126140000_sms_awaiting_purge (the walk's index (purgedAt, receivedAt, id),
 * fillfactor 100): the bare UPDATE baseline runs on that one.
 */
export type Layout = "now" | "before";
const formerWalkIndex = `"SmsMessage_purgedAt_receivedAt_id_idx"`;

/**
 * The backlog, afresh: `rows` SMS, all due, with ciphertext-sized bodies (~150 bytes) and codes (~60),
 * in the order they were received (ids follow time, as UUID v7 do). The tables' secondary indexes are
 * dropped for the insert and built again after it, which takes a fraction of the time of maintaining
 * them row by row; the purge then meets them as a REINDEX would leave them.
 */
export async function seedBacklog(app: App, rows: number, server: boolean, layout: Layout = "now") {
  const { db } = app.services;
  const started = performance.now();
  // The rows of the previous purge go (the webhook's rows too), so each purge starts from the same table.
  await db.$executeRawUnsafe(`TRUNCATE "SmsMessage", "SmsAwaitingPurge"`);
  await db.$executeRawUnsafe(`DROP INDEX IF EXISTS ${formerWalkIndex}`);
  // Applies to the pages the insert below writes (TRUNCATE left none).
  await db.$executeRawUnsafe(`ALTER TABLE "SmsMessage" SET (fillfactor = ${layout === "before" ? 100 : 70})`);
  const indexes = await db.$queryRawUnsafe<Array<{ name: string; definition: string }>>(`
    SELECT indexname AS name, indexdef AS definition FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename IN ('SmsMessage', 'SmsAwaitingPurge') AND indexname NOT LIKE '%_pkey'`);
  for (const index of indexes) await db.$executeRawUnsafe(`DROP INDEX "${index.name}"`);
  // The trigger on SmsMessage lists every row in SmsAwaitingPurge, as it does for the webhook's.
  await db.$executeRawUnsafe(`
    INSERT INTO "SmsMessage" (id, "activationId", "upstreamMessageId", "bodyCiphertext", "codeCiphertext", "receivedAt")
    SELECT ${uuid7("at", "'sms-' || i")}, ${activationId(`i % ${activations}`)}, 'seed-' || i,
           'dev-1:' || md5(i::text) || md5((i + 1)::text) || md5((i + 2)::text) || md5((i + 3)::text) || left(md5((i + 4)::text), 16),
           'dev-1:' || md5(i::text) || left(md5((i + 1)::text), 24),
           at
    FROM (SELECT i, base, base + (i * interval '6 days') / ${rows} AS at FROM generate_series(0, ${rows - 1}) i, ${base}) s`);
  for (const index of indexes) await db.$executeRawUnsafe(index.definition);
  if (layout === "before") {
    await db.$executeRawUnsafe(`CREATE INDEX ${formerWalkIndex} ON "SmsMessage" ("purgedAt", "receivedAt", id)`);
  }
  await db.$executeRawUnsafe(`VACUUM ANALYZE "SmsMessage"`);
  await db.$executeRawUnsafe(`VACUUM ANALYZE "SmsAwaitingPurge"`);
  // Dirty pages written out now, so no checkpoint from the seeding lands in the middle of the purge.
  if (server) await db.$executeRawUnsafe(`CHECKPOINT`);
  return (performance.now() - started) / 1000;
}

/** Live activations for the deliveries, ordered as customers order them; returns their numbers. */
export async function liveNumbers(app: App) {
  await app.services.db.virtualNumber.createMany({
    data: Array.from({ length: liveCustomers * livePerCustomer }, (_, index) => ({
      phoneNumber: `+447705${String(index).padStart(6, "0")}`,
      countryCode: "GB",
    })),
  });
  const numbers: string[] = [];
  for (let c = 0; c < liveCustomers; c++) {
    const customer = await createCustomer(app, { balanceMinor: 1_000_000 });
    for (let a = 0; a < livePerCustomer; a++) numbers.push((await customer.orderNumber({ country: "GB" })).phoneNumber);
  }
  return numbers;
}
