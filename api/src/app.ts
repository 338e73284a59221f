/**
 * The composition root: opens the database, migrates it, wires the platform
 * seams and the HTTP server. `main.ts` runs it as a process; tests run it in
 * theirs, on a port of their own.
 */
import { fileURLToPath } from "node:url";
import { type Database, EmbeddedDatabaseInUseError, openDatabase } from "@smsape/db";
import { unappliedMigrations } from "@smsape/db/migration-state";
import { Redis } from "ioredis";
import type { Config } from "./config.ts";
import { buildSchemas } from "./graphql/schema.ts";
import { createHttpServer } from "./http/server.ts";
import { webhookRoutes } from "./http/webhooks/index.ts";
import { registerJobs } from "./jobs/index.ts";
import { createJobQueue } from "./platform/jobs.ts";
import { createLogger, type Logger } from "./platform/logger.ts";
import { DevelopmentMailbox, type MailTransport } from "./platform/mail-transport.ts";
import { createMetrics } from "./platform/metrics.ts";
import { createLiveEventBus } from "./platform/pubsub.ts";
import { createRateLimits } from "./platform/rate-limits.ts";
import { createSmtpTransport } from "./platform/smtp.ts";
import { seedDemoData } from "./seed/demo.ts";
import { latestPolicyVersion, seedReferenceData } from "./seed/reference.ts";
import type { Services } from "./services/index.ts";
import { startUpstreamSimulator } from "./simulators/upstream-operator.ts";

export type { Config } from "./config.ts";
export { ConfigError, loadConfig } from "./config.ts";

export interface App {
  services: Services;
  /** The base URL the server listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  database: { embedded: boolean; url: string };
  /** Where a developer reads the emails the service sent, when no mail provider is configured. */
  devMailboxUrl: string | null;
  migrationsApplied: string[];
  close(): Promise<void>;
}

/** A failure to start that the person starting the service can fix; its message says how. */
export class StartupError extends Error {
  override name = "StartupError";
}

export const defaultConsoleDir = fileURLToPath(new URL("../../console/dist", import.meta.url));

export async function createApp(
  config: Config,
  options: { logger?: Logger; now?: () => Date; mailTransport?: MailTransport } = {},
): Promise<App> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const cleanups: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, "error while shutting down"));
    }
  };

  try {
    const database = await openDatabaseOrExplain(config);
    cleanups.push(() => database.close());
    const migrationsApplied = await migrateIfNeeded(config, database.url);
    if (migrationsApplied.length) logger.info({ migrations: migrationsApplied }, "database migrated");

    await seedReferenceData(database.prisma);
    if (config.demoData) await seedDemoData(database.prisma, latestPolicyVersion, config.encryption);

    const bus = createLiveEventBus(config.redisUrl, logger);
    cleanups.push(() => bus.close());
    // The embedded database is one session: the queue gets one connection of its own.
    // Job handlers use the application's pool; half of it stays free for requests.
    const jobs = createJobQueue({
      url: database.url,
      maxConnections: database.embedded ? 1 : 4,
      maxConcurrency: Math.max(1, Math.floor(database.poolSize / 2)),
      logger,
    });
    const mailer =
      options.mailTransport ??
      (config.mail.smtpUrl
        ? createSmtpTransport({ url: config.mail.smtpUrl, from: config.mail.from })
        : new DevelopmentMailbox());
    if ("close" in mailer && typeof mailer.close === "function") cleanups.push(async () => (mailer as { close(): void }).close());
    // Redis when configured, so every instance counts together; else the database's RateLimitCounter table.
    const limitsRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }) : null;
    limitsRedis?.on("error", (error: Error) => logger.warn({ err: { message: error.message } }, "rate limits: redis error"));
    const limits = createRateLimits({
      limits: config.rateLimits,
      secret: activeEncryptionKey(config),
      scope: database.url,
      redis: limitsRedis,
      databaseUrl: database.url,
      maxConnections: database.embedded ? 1 : 2,
    });
    cleanups.push(async () => {
      await limits.close();
      limitsRedis?.disconnect();
    });
    const services: Services = {
      db: database.prisma,
      sql: database.sql,
      config,
      logger,
      events: bus.pubsub,
      jobs,
      mailer,
      limits,
      now: options.now ?? (() => new Date()),
      metrics: createMetrics(),
    };
    await jobs.start();
    cleanups.push(() => jobs.stop());
    await registerJobs(services);

    // Loaded only when on: a service without a collector carries none of OpenTelemetry.
    const tracingConfig = config.observability.tracing;
    const tracing = tracingConfig ? (await import("./platform/tracing.ts")).startTracing(tracingConfig) : null;
    if (tracing) cleanups.push(() => tracing.close());

    // A database that accepts but never answers counts as unreachable after 2 s.
    const checkDatabase = () =>
      Promise.race([
        database.prisma.$queryRaw`SELECT 1`.then(
          () => "ok",
          () => "unreachable",
        ),
        new Promise<string>((resolve) => setTimeout(() => resolve("unreachable"), 2_000).unref()),
      ]);
    const http = createHttpServer({
      services,
      schemas: buildSchemas(),
      consoleDir: config.consoleDir ?? defaultConsoleDir,
      webhooks: webhookRoutes(services),
      // Without a mail provider a developer still needs to read verification emails.
      devMailbox: !config.production && mailer instanceof DevelopmentMailbox ? mailer : null,
      checkHealth: async () => ({ database: await checkDatabase() }),
      // Ready for traffic: the database answers and, with Redis, live events reach the other instances.
      checkReadiness: async () => ({
        database: await checkDatabase(),
        ...(bus.transport === "redis" ? { redis: await bus.check() } : {}),
      }),
      tracing,
    });
    const port = await http.listen(config.http.port, config.http.host).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        throw new StartupError(
          `Port ${config.http.port} on ${config.http.host} is already in use. Stop the other process or set PORT to a free port.`,
        );
      }
      if (error.code === "EACCES") throw new StartupError(`Port ${config.http.port} needs privileges; set PORT above 1023.`);
      throw error;
    });
    cleanups.push(() => http.close());

    const host = config.http.host === "0.0.0.0" || config.http.host === "::" ? "127.0.0.1" : config.http.host;
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    if (config.simulator) cleanups.push(startUpstreamSimulator(services, { baseUrl: url }).stop);
    return {
      services,
      url,
      port,
      database: { embedded: database.embedded, url: database.url },
      devMailboxUrl: !config.production && mailer instanceof DevelopmentMailbox ? `${url}/dev/mailbox` : null,
      migrationsApplied,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Plain SQL says whether anything is pending; the schema engine (WebAssembly that stays resident once loaded)
 * is loaded only to apply something, and only where the configuration lets a start migrate.
 */
async function migrateIfNeeded(config: Config, databaseUrl: string): Promise<string[]> {
  const { pending, failed } = await unappliedMigrations(databaseUrl);
  if (!pending.length && !failed.length) return [];
  if (!config.migrateOnStart) {
    if (failed.length)
      throw new StartupError(
        `The migration ${failed.join(", ")} failed part way; see \`pnpm db status\`, resolve it, then run \`pnpm db migrate\`.`,
      );
    throw new StartupError(
      `The database lacks ${pending.length} migration${pending.length === 1 ? "" : "s"} (${pending.join(", ")}). ` +
        "Run `pnpm db migrate` (or `node api/dist/db.js migrate`) before starting the service, or set MIGRATE_ON_START=true.",
    );
  }
  const { applyMigrations } = await import("@smsape/db/migrations");
  return applyMigrations(databaseUrl);
}

function activeEncryptionKey(config: Config): Buffer {
  const key = config.encryption.keys.get(config.encryption.activeKeyId);
  if (!key) throw new StartupError(`ENCRYPTION_ACTIVE_KEY: no key with id "${config.encryption.activeKeyId}"`);
  return key;
}

async function openDatabaseOrExplain(config: Config): Promise<Database> {
  const database = await openDatabase(config.database).catch((error: unknown) => {
    if (error instanceof EmbeddedDatabaseInUseError) throw new StartupError(error.message);
    throw error;
  });
  try {
    await database.prisma.$queryRaw`SELECT 1`;
    return database;
  } catch (error) {
    await database.close().catch(() => {});
    if (config.database.kind === "server") {
      const target = new URL(config.database.url);
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new StartupError(
        `Cannot reach the database at ${target.hostname}:${target.port || 5432}${target.pathname} (DATABASE_URL): ${reason}. ` +
          "Start PostgreSQL, fix DATABASE_URL, or unset it to use the embedded database.",
      );
    }
    throw new StartupError(
      `The embedded database in ${config.database.dataDir} did not open: ${String(error)}. Remove that folder to start afresh.`,
    );
  }
}
