/**
 * The service under test, in a process of its own: the real app (`createApp`,
 * as `pnpm start` runs it) configured from the environment the harness gives
 * it, over a fresh database (a new one on the PostgreSQL server DATABASE_URL
 * names, or an in-memory embedded one), with customers and a number pool made
 * through the service's own factories.
 *
 * BENCH_CUSTOMERS: how many signed-in customers to make (one per connection).
 * BENCH_NUMBERS: how many numbers to put in the pool for orders.
 * BENCH_SHARED_ORDERS: how many orders the shared account's balance pays for
 * (`order-one-balance`), in a country of its own with more numbers than that,
 * so that the money runs out first.
 */
import { createCustomer } from "@smsape/api/testing";
import { type BalanceAudit, serveHarness } from "./server-process.ts";
import { serviceOnFreshDatabase } from "./service-on-fresh-database.ts";

const country = "GB";
const customers = Number(process.env.BENCH_CUSTOMERS ?? 8);
const numbers = Number(process.env.BENCH_NUMBERS ?? 2_000);
const sharedOrders = Number(process.env.BENCH_SHARED_ORDERS ?? 500);
const sharedCountry = "ZB";
const sharedPriceMinor = 25;

const { app, database, config, target } = await serviceOnFreshDatabase();

const { db } = app.services;
// In batches: one createMany of thousands of rows fails on the embedded database (08P01, bind message parameters).
for (let start = 0; start < numbers; start += 500) {
  await db.virtualNumber.createMany({
    data: Array.from({ length: Math.min(500, numbers - start) }, (_, index) => ({
      phoneNumber: `+447702${String(start + index).padStart(6, "0")}`,
      countryCode: country,
    })),
  });
}
const prices = await db.price.findMany({ where: { countryCode: country }, select: { serviceCode: true } });
const tokens: string[] = [];
for (let i = 0; i < customers; i++) tokens.push((await createCustomer(app, { balanceMinor: 1_000_000 })).token);

// The shared account: money for `sharedOrders` orders and a remainder short of one more.
const sharedService = prices[0]?.serviceCode ?? "telegram";
await db.country.create({ data: { code: sharedCountry, name: "Benchmark" } });
await db.price.create({ data: { countryCode: sharedCountry, serviceCode: sharedService, amountMinor: sharedPriceMinor } });
for (let start = 0; start < sharedOrders + 100; start += 500) {
  await db.virtualNumber.createMany({
    data: Array.from({ length: Math.min(500, sharedOrders + 100 - start) }, (_, index) => ({
      phoneNumber: `+447703${String(start + index).padStart(6, "0")}`,
      countryCode: sharedCountry,
    })),
  });
}
const shared = await createCustomer(app, { balanceMinor: sharedOrders * sharedPriceMinor + sharedPriceMinor - 1 });

/** The shared account's books, straight from the database. */
async function audit(): Promise<BalanceAudit> {
  const [books] = await db.$queryRaw<Array<Record<keyof BalanceAudit, bigint | number>>>`
    SELECT
      (SELECT COALESCE(SUM("availableDelta"), 0) FROM "LedgerEntry" WHERE "accountId" = ${shared.accountId}::uuid) AS "availableMinor",
      (SELECT COALESCE(SUM("heldDelta"), 0) FROM "LedgerEntry" WHERE "accountId" = ${shared.accountId}::uuid) AS "heldMinor",
      (SELECT COALESCE(MIN(running), 0) FROM (
         SELECT SUM("availableDelta") OVER (ORDER BY "createdAt", "id") AS running
         FROM "LedgerEntry" WHERE "accountId" = ${shared.accountId}::uuid) AS r) AS "lowestAvailableMinor",
      (SELECT COUNT(*) FROM "Activation"
         WHERE "accountId" = ${shared.accountId}::uuid AND "status" IN ('WAITING_SMS', 'SMS_RECEIVED')) AS "liveActivations",
      (SELECT COALESCE(SUM("priceMinor"), 0) FROM "Activation"
         WHERE "accountId" = ${shared.accountId}::uuid AND "status" IN ('WAITING_SMS', 'SMS_RECEIVED')) AS "liveActivationPricesMinor",
      (SELECT COUNT(*) FROM "LedgerEntry" WHERE "accountId" = ${shared.accountId}::uuid AND "kind" = 'HOLD') AS "holds",
      (SELECT COUNT(*) FROM "Activation" a WHERE a."accountId" = ${shared.accountId}::uuid AND (
         SELECT COUNT(*) FROM "LedgerEntry" e WHERE e."activationId" = a."id" AND e."kind" = 'HOLD' AND e."heldDelta" = a."priceMinor"
       ) <> 1) AS "activationsWithoutOneHold"`;
  if (!books) throw new Error("no books");
  return Object.fromEntries(Object.entries(books).map(([key, value]) => [key, Number(value)])) as unknown as BalanceAudit;
}

serveHarness(
  {
    url: app.url,
    tokens,
    services: prices.map((price) => price.serviceCode),
    country,
    sharedAccount: { token: shared.token, service: sharedService, priceMinor: sharedPriceMinor, orders: sharedOrders },
    description:
      `the service (createApp, NODE_ENV=${config.environment}, LOG_LEVEL=${config.logLevel}) on ` +
      (target.kind === "server"
        ? `PostgreSQL, a fresh database, pool of ${target.poolSize} connections`
        : "the embedded database (PGlite in the server process, in memory)") +
      `; ${customers} customers, ${numbers} numbers in ${country}; a shared account with money for ${sharedOrders} orders`,
  },
  async () => {
    await app.close();
    await database.drop();
  },
  audit,
);
