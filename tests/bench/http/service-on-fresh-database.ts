/**
 * The service as a benchmark's server process runs it: configured from the
 * environment, on a fresh database of the configured server (or the embedded
 * one) with the pool size production would have (DATABASE_POOL_SIZE), not the
 * test harness's smaller one. The caller drops the database when it closes.
 */
import { createApp, loadConfig } from "@smsape/api";
import type { DatabaseTarget } from "@smsape/db";
import { createTestDatabase } from "@smsape/db/testing";

export async function serviceOnFreshDatabase() {
  const config = loadConfig();
  const database = await createTestDatabase(config.database.kind === "server" ? config.database.url : undefined);
  const target: DatabaseTarget =
    database.target.kind === "server" && config.database.kind === "server"
      ? { ...database.target, poolSize: config.database.poolSize }
      : database.target;
  const app = await createApp({ ...config, database: target }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return { app, database, config, target };
}
