/**
 * The service under test, in a process of its own: the real app (`createApp`,
 * as `pnpm start` runs it) configured from the environment the harness gives
 * it, over a fresh database (a new one on the PostgreSQL server DATABASE_URL
 * names, or an in-memory embedded one), with customers and a number pool made
 * through the service's own factories.
 *
 * BENCH_CUSTOMERS: how many signed-in customers to make (one per connection).
 * BENCH_NUMBERS: how many numbers to put in the pool for orders.
 */
import { createApp, loadConfig } from "@smsape/api";
import { createCustomer } from "@smsape/api/testing";
import type { DatabaseTarget } from "@smsape/db";
import { createTestDatabase } from "@smsape/db/testing";
import { serveHarness } from "./server-process.ts";

const country = "GB";
const customers = Number(process.env.BENCH_CUSTOMERS ?? 8);
const numbers = Number(process.env.BENCH_NUMBERS ?? 2_000);

const config = loadConfig();
const database = await createTestDatabase(config.database.kind === "server" ? config.database.url : undefined);
// The pool size the service would have in production (DATABASE_POOL_SIZE), not the test harness's smaller one.
const target: DatabaseTarget =
  database.target.kind === "server" && config.database.kind === "server"
    ? { ...database.target, poolSize: config.database.poolSize }
    : database.target;
const app = await createApp({ ...config, database: target }).catch(async (error: unknown) => {
  await database.drop();
  throw error;
});

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

serveHarness(
  {
    url: app.url,
    tokens,
    services: prices.map((price) => price.serviceCode),
    country,
    description:
      `the service (createApp, NODE_ENV=${config.environment}, LOG_LEVEL=${config.logLevel}) on ` +
      (target.kind === "server"
        ? `PostgreSQL, a fresh database, pool of ${target.poolSize} connections`
        : "the embedded database (PGlite in the server process, in memory)") +
      `; ${customers} customers, ${numbers} numbers in ${country}`,
  },
  async () => {
    await app.close();
    await database.drop();
  },
);
