/**
 * Test harness: the real service on a real port, over a database of its own,
 * with a clock the test can move and the log captured for inspection; and
 * everything tests share: seed factories, the API's sentences, the webhook
 * poster, live-event helpers.
 */
import { Writable } from "node:stream";
import { createTestDatabase } from "@smsape/db/testing";
import { type App, createApp } from "../app.ts";
import { type Environment, environmentWith, loadConfig } from "../config.ts";
import { createLogger } from "../platform/logger.ts";
import { TestMailbox } from "./mailbox.ts";

export interface TestApp extends App {
  /** Everything the service logged, one JSON line per entry. */
  logs(): string;
  clock: TestClock;
  /** Email the service delivered (P3); `deliver()` sends what is due in the outbox now. */
  mailbox: TestMailbox;
}

/** `count` minutes in milliseconds, for moving the clock: `app.clock.advance(minutes(5))`. */
export const minutes = (count: number) => count * 60_000;

export class TestClock {
  private offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
  advance(ms: number) {
    this.offsetMs += ms;
  }
}

export const testRateLimits = [
  "sign-in.network=100000/900",
  "staff-sign-in.network=100000/900",
  "sign-up.network=100000/3600",
  "password-reset.network=100000/3600",
  "order.account=100000/60",
  "order.api-key=100000/60",
  "order.network=100000/60",
  "webhook.network=100000/60",
].join(",");

/**
 * `options.database`: run over another test app's database (a second instance
 * of the service, as in production), instead of a fresh one; it is left to
 * that app to drop.
 */
export async function startTestApp(
  env: Partial<Record<keyof Environment, string>> = {},
  options: { database?: App["database"] } = {},
): Promise<TestApp> {
  const config = loadConfig(
    environmentWith({
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      DEMO_DATA: "true",
      SIMULATOR: "false",
      // Tests write audit checkpoints when they need one: a scheduled one would add entries mid-test.
      AUDIT_CHECKPOINT_MINUTES: "0",
      // Tests run purges when they mean to: a scheduled one would race the movable clock.
      RETENTION_PURGE_CRON: "off",
      // Every test client shares one network (loopback) and orders in bursts: the throughput limits are
      // raised here; tests of the limits (tests/ratelimits/) set the numbers they test.
      RATE_LIMITS: testRateLimits,
      ...env,
    }),
  );
  const shared = options.database;
  const database = shared
    ? // The embedded database is one session: a second app gets one connection to it too.
      { target: { kind: "server", url: shared.url, poolSize: shared.embedded ? 1 : 5 } as const, drop: async () => {} }
    : await createTestDatabase(config.database.kind === "server" ? config.database.url : undefined);
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
  const mailbox = new TestMailbox();
  try {
    // With SMTP_URL the service sends through that relay, as in production; else the test mailbox catches mail.
    const mailTransport = config.mail.smtpUrl ? undefined : mailbox;
    const app = await createApp(testConfig, { logger, now: clock.now, ...(mailTransport ? { mailTransport } : {}) });
    mailbox.attach(app.services);
    return {
      ...app,
      clock,
      mailbox,
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

/** The privacy policy version this release ships, in force from its date on. */
export { latestPolicyVersion } from "../seed/reference.ts";
export * from "./audit.ts";
export * from "./customer-api.ts";
export * from "./database-search.ts";
export * from "./factories.ts";
export { collect, GraphqlClient, type GraphqlResponse } from "./graphql-client.ts";
export * from "./live-events.ts";
export { MailProviderUnavailable, TestMailbox } from "./mailbox.ts";
export * from "./payment-data.ts";
export * from "./staff-api.ts";
export * from "./webhooks.ts";
