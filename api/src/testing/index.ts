/**
 * Test harness: the real service on a real port, over a database of its own,
 * with a clock the test can move and the log captured for inspection.
 */
import { Writable } from "node:stream";
import { createTestDatabase } from "@smsape/db/testing";
import { type App, createApp } from "../app.ts";
import { type Environment, environmentWith, loadConfig } from "../config.ts";
import { createLogger } from "../platform/logger.ts";

export interface TestApp extends App {
  /** Everything the service logged, one JSON line per entry. */
  logs(): string;
  clock: TestClock;
}

export class TestClock {
  private offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export async function startTestApp(env: Partial<Record<keyof Environment, string>> = {}): Promise<TestApp> {
  const config = loadConfig(
    environmentWith({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", DEMO_DATA: "true", SIMULATOR: "false", ...env }),
  );
  const database = await createTestDatabase(config.database.kind === "server" ? config.database.url : undefined);
  const lines: string[] = [];
  const logger = createLogger({
    level: env.LOG_LEVEL ?? "info",
    destination: new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  });
  const testConfig = { ...config, database: database.target };
  const clock = new TestClock();
  try {
    const app = await createApp(testConfig, { logger, now: clock.now });
    return {
      ...app,
      clock,
      logs: () => lines.join(""),
      async close() {
        await app.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

export { GraphqlClient, collect, type GraphqlResponse } from "./graphql-client.ts";
export { createCustomer, signInStaffClient, type TestCustomer } from "./factories.ts";
