/**
 * The configuration, read once from the environment and validated. Nothing else
 * in the code reads process.env: everything it needs arrives through Config.
 */
import { resolve } from "node:path";
import type { DatabaseTarget } from "@smsape/db";
import { z } from "zod";
import { defaultRateLimits, type RateLimitName, type RateLimitTable, rateLimitNames } from "./platform/rate-limits.ts";

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
  .transform((value) => value === "true" || value === "1" || value === "yes");

/** Browser origins (`https://app.example.com`), separated by commas; never `*` or `null`. */
const origins = z.string().transform((value, ctx) => {
  const list: string[] = [];
  for (const item of value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    let origin: string | null = null;
    try {
      const url = new URL(item);
      if ((url.protocol === "https:" || url.protocol === "http:") && url.origin === item.replace(/\/$/, "")) origin = url.origin;
    } catch {}
    if (!origin) {
      ctx.addIssue({
        code: "custom",
        message: `expected origins such as https://app.example.com, separated by commas; got "${item}"`,
      });
      return z.NEVER;
    }
    list.push(origin);
  }
  return list;
});

const minutes = z.coerce.number({ error: "expected a number of minutes" }).int().positive();

/** A key ring: `id:base64key,id2:base64key2`; each key is 32 bytes (AES-256). */
const keyRing = z.string().transform((value, ctx) => {
  const keys = new Map<string, Buffer>();
  for (const part of value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)) {
    const [id, material] = part.split(":");
    const key = material ? Buffer.from(material, "base64") : Buffer.alloc(0);
    if (!id || key.length !== 32) {
      ctx.addIssue({ code: "custom", message: "expected id:base64 pairs of 32-byte keys, separated by commas" });
      return z.NEVER;
    }
    keys.set(id, key);
  }
  return keys;
});

/** `name=points/seconds[/blockSeconds]` pairs, separated by commas, changing the named limits' defaults. */
const rateLimitOverrides = z.string().transform((value, ctx) => {
  const table: RateLimitTable = structuredClone(defaultRateLimits);
  for (const item of value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^([a-z.-]+)=(\d+)\/(\d+)(?:\/(\d+))?$/.exec(item);
    const name = match?.[1] as RateLimitName | undefined;
    if (!match || !name || !rateLimitNames.includes(name) || Number(match[2]) < 1 || Number(match[3]) < 1) {
      ctx.addIssue({
        code: "custom",
        message: `expected name=points/seconds[/blockSeconds] with a name among ${rateLimitNames.join(", ")}; got "${item}"`,
      });
      return z.NEVER;
    }
    table[name] = {
      points: Number(match[2]),
      seconds: Number(match[3]),
      ...(match[4] ? { blockSeconds: Number(match[4]) } : {}),
    };
  }
  return table;
});

const environment = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number({ error: "expected a port number" }).int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default("127.0.0.1"),
  PUBLIC_URL: z.url({ error: "expected an absolute URL such as https://sms.example.com" }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "expected a postgres:// URL")
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DATA_DIR: z.string().min(1).default(".data"),
  // Apply pending migrations when the service starts (development, tests, `pnpm start`). Off in production:
  // `pnpm db migrate` runs first in a process of its own, and a service that finds one pending refuses to start.
  MIGRATE_ON_START: flag.optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "expected a redis:// URL")
    .optional(),
  // Changes to the rate limits' numbers (docs/security.md "Rate limits"), e.g. "sign-up.network=10/3600".
  RATE_LIMITS: rateLimitOverrides.optional(),
  // How many proxies of ours stand in front of the service: the client is the address the nearest one saw
  // (that many entries from the end of X-Forwarded-For). 0: the connection's own address.
  TRUST_PROXY_HOPS: z.coerce
    .number({ error: "expected a number of proxies from 0 to 5" })
    .int({ error: "expected a number of proxies from 0 to 5" })
    .min(0, { error: "expected a number of proxies from 0 to 5" })
    .max(5, { error: "expected a number of proxies from 0 to 5" })
    .default(0),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ENCRYPTION_KEYS: keyRing.optional(),
  ENCRYPTION_ACTIVE_KEY: z.string().min(1).optional(),
  PAYMENT_WEBHOOK_SECRET: z.string().min(16, "expected at least 16 characters").optional(),
  SMS_WEBHOOK_SECRET: z.string().min(16, "expected at least 16 characters").optional(),
  SIMULATOR: flag.optional(),
  DEMO_DATA: flag.optional(),
  ACTIVATION_TIMEOUT_MINUTES: minutes.default(20),
  ACTIVATION_CANCEL_LOCK_MINUTES: z.coerce.number().int().min(0).default(2),
  NUMBER_QUARANTINE_MINUTES: minutes.default(24 * 60),
  SESSION_IDLE_MINUTES: minutes.default(30),
  SESSION_ABSOLUTE_MINUTES: minutes.default(12 * 60),
  // Origins whose pages may call the customer API with credentials (CORS, WebSocket); none by default.
  CORS_ORIGINS: origins.optional(),
  // The staff console's origin, the only one allowed to call the staff API cross-origin; PUBLIC_URL's by default.
  STAFF_CONSOLE_ORIGIN: origins.optional(),
  // Largest GraphQL request body, in bytes; larger ones get 413.
  MAX_BODY_BYTES: z.coerce
    .number({ error: "expected a number of bytes from 1024 to 104857600" })
    .int({ error: "expected a number of bytes from 1024 to 104857600" })
    .min(1024, { error: "expected a number of bytes from 1024 to 104857600" })
    .max(100 * 1024 * 1024, { error: "expected a number of bytes from 1024 to 104857600" })
    .default(1024 * 1024),
  // Schema introspection: on by default outside production; off in production (staff API: signed-in staff only).
  GRAPHQL_INTROSPECTION: flag.optional(),
  // The staff API runs only the console's own operations, sent by hash (persisted operations); on in production.
  STAFF_PERSISTED_OPERATIONS_ONLY: flag.optional(),
  CONSOLE_DIR: z.string().min(1).optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "expected an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com")
    .optional(),
  MAIL_FROM: z.string().min(3).default("SMSAPE <no-reply@smsape.test>"),
  AUDIT_SIGNING_KEY: z
    .string()
    .transform((value) => Buffer.from(value, "base64"))
    .refine((key) => key.length === 32, { error: "expected the base64 of a 32-byte Ed25519 private key (seed)" })
    .optional(),
  // 0 writes no checkpoints on a schedule (tests write theirs when they need one).
  AUDIT_CHECKPOINT_MINUTES: z.coerce
    .number({ error: "expected a number of minutes from 0 to 59" })
    .int({ error: "expected a number of minutes from 0 to 59" })
    .min(0, { error: "expected a number of minutes from 0 to 59" })
    .max(59, { error: "expected a number of minutes from 0 to 59" })
    .default(10),
  // When the retention purge runs (pg-boss cron, once across instances); "off" schedules none.
  RETENTION_PURGE_CRON: z
    .string()
    .regex(/^(off|(\S+\s+){4}\S+)$/, { error: 'expected a five-field cron expression, e.g. "*/15 * * * *", or "off"' })
    .default("*/15 * * * *"),
  RETENTION_PURGE_BATCH: z.coerce
    .number({ error: "expected a number of rows from 100 to 100000" })
    .int({ error: "expected a number of rows from 100 to 100000" })
    .min(100, { error: "expected a number of rows from 100 to 100000" })
    .max(100_000, { error: "expected a number of rows from 100 to 100000" })
    .default(5_000),
  // Bearer token for GET /metrics (Prometheus); without it the endpoint is not served.
  METRICS_TOKEN: z.string().min(16, "expected at least 16 characters").optional(),
  // An OTLP/HTTP collector (e.g. http://127.0.0.1:4318): GraphQL operations are traced to it; unset, no tracing.
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ error: "expected the collector's URL, e.g. http://127.0.0.1:4318" }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("smsape"),
  // Customer webhooks (docs/webhooks.md): whether endpoints may point at private, loopback or link-local
  // addresses (allowed outside production, for a receiver on this machine; refused in production).
  WEBHOOK_ALLOW_PRIVATE_ADDRESSES: flag.optional(),
  // The wait before the first retry of a failed delivery, doubled (with jitter) before each next one.
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce
    .number({ error: "expected a number of seconds from 0 to 3600" })
    .min(0, { error: "expected a number of seconds from 0 to 3600" })
    .max(3600, { error: "expected a number of seconds from 0 to 3600" })
    .default(30),
  WEBHOOK_MAX_ATTEMPTS: z.coerce
    .number({ error: "expected a number of attempts from 1 to 20" })
    .int({ error: "expected a number of attempts from 1 to 20" })
    .min(1, { error: "expected a number of attempts from 1 to 20" })
    .max(20, { error: "expected a number of attempts from 1 to 20" })
    .default(8),
  // Where the sms-activate protocol's endpoint answers (docs/compat.md).
  SMS_ACTIVATE_PATH: z
    .string()
    .regex(/^\/[\w./-]*$/, { error: "expected a path such as /stubs/handler_api.php" })
    .default("/stubs/handler_api.php"),
});

export type Environment = z.input<typeof environment>;

/** Keys for development only: values encrypted under them protect nothing. */
const developmentKeyId = "dev-1";
const developmentKey = Buffer.alloc(32, 7);
const developmentSecret = "development-webhook-secret";
/** Signs audit checkpoints in development and tests only: anyone can forge them. */
const developmentAuditSigningKey = Buffer.alloc(32, 9);

/**
 * The process environment with some variables replaced, for running the service
 * in-process (tests) with the settings of the surrounding environment.
 */
export function environmentWith(
  overrides: Partial<Record<keyof Environment, string | undefined>>,
): Record<string, string | undefined> {
  return { ...process.env, ...overrides };
}

/** Relative paths (DATA_DIR) are taken from where the command was started, even under `pnpm --filter`. */
const startDirectory = () => process.env.INIT_CWD ?? process.cwd();

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = startDirectory()) {
  const parsed = environment.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== "")),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${String(issue?.path[0] ?? "configuration")}: ${issue?.message ?? "invalid"}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const require = (name: string, value: unknown) => {
    if (production && value === undefined) throw new ConfigError(`${name}: required when NODE_ENV=production`);
  };
  require("ENCRYPTION_KEYS", e.ENCRYPTION_KEYS);
  require("PAYMENT_WEBHOOK_SECRET", e.PAYMENT_WEBHOOK_SECRET);
  require("SMS_WEBHOOK_SECRET", e.SMS_WEBHOOK_SECRET);
  require("PUBLIC_URL", e.PUBLIC_URL);
  require("DATABASE_URL", e.DATABASE_URL);
  require("SMTP_URL", e.SMTP_URL);
  // Demo staff have published passwords and authenticator secrets.
  if (production && e.DEMO_DATA)
    throw new ConfigError("DEMO_DATA: not allowed when NODE_ENV=production (demo logins are public)");
  require("AUDIT_SIGNING_KEY", e.AUDIT_SIGNING_KEY);
  if (production && e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES)
    throw new ConfigError("WEBHOOK_ALLOW_PRIVATE_ADDRESSES: not allowed when NODE_ENV=production (server-side request forgery)");

  const keys = e.ENCRYPTION_KEYS ?? new Map([[developmentKeyId, developmentKey]]);
  const activeKeyId = e.ENCRYPTION_ACTIVE_KEY ?? [...keys.keys()].at(-1) ?? developmentKeyId;
  if (!keys.has(activeKeyId)) throw new ConfigError(`ENCRYPTION_ACTIVE_KEY: no key with id "${activeKeyId}" in ENCRYPTION_KEYS`);

  const publicUrl = new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  const introspection = e.GRAPHQL_INTROSPECTION ?? !production;
  if ((e.STAFF_CONSOLE_ORIGIN?.length ?? 0) > 1)
    throw new ConfigError("STAFF_CONSOLE_ORIGIN: expected one origin, the console's");
  return {
    environment: e.NODE_ENV,
    production,
    http: { port: e.PORT, host: e.HOST, publicUrl, secureCookies: publicUrl.protocol === "https:" },
    /** The GraphQL edge (docs/security.md). */
    edge: {
      corsOrigins: { customer: e.CORS_ORIGINS ?? [], staff: e.STAFF_CONSOLE_ORIGIN ?? [publicUrl.origin] },
      maxBodyBytes: e.MAX_BODY_BYTES,
      introspection,
      /** GraphiQL only where a developer works, and only with the schema readable. */
      graphiql: e.NODE_ENV === "development" && introspection,
      /** `/admin/graphql` runs only the operations in the console build's manifest (docs/security.md). */
      staffPersistedOperationsOnly: e.STAFF_PERSISTED_OPERATIONS_ONLY ?? production,
      /** HSTS once the service is reached over TLS. */
      hsts: publicUrl.protocol === "https:",
      trustProxyHops: e.TRUST_PROXY_HOPS,
    },
    /** Every named limit's numbers (platform/rate-limits.ts). */
    rateLimits: e.RATE_LIMITS ?? structuredClone(defaultRateLimits),
    database: (e.DATABASE_URL
      ? { kind: "server", url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: "embedded", dataDir: resolve(cwd, e.DATA_DIR, "postgres") }) as DatabaseTarget,
    /** Whether a start applies pending migrations itself (loading the schema engine) or refuses to run without them. */
    migrateOnStart: e.MIGRATE_ON_START ?? !production,
    redisUrl: e.REDIS_URL ?? null,
    logLevel: e.LOG_LEVEL,
    encryption: { keys, activeKeyId, developmentKeys: !e.ENCRYPTION_KEYS },
    webhooks: {
      paymentSecret: e.PAYMENT_WEBHOOK_SECRET ?? developmentSecret,
      smsSecret: e.SMS_WEBHOOK_SECRET ?? developmentSecret,
      toleranceSeconds: 300,
    },
    simulator: e.SIMULATOR ?? !production,
    demoData: !production && (e.DEMO_DATA ?? true),
    activations: {
      timeoutMinutes: e.ACTIVATION_TIMEOUT_MINUTES,
      cancelLockMinutes: e.ACTIVATION_CANCEL_LOCK_MINUTES,
      quarantineMinutes: e.NUMBER_QUARANTINE_MINUTES,
    },
    sessions: { idleMinutes: e.SESSION_IDLE_MINUTES, absoluteMinutes: e.SESSION_ABSOLUTE_MINUTES },
    consoleDir: e.CONSOLE_DIR ? resolve(cwd, e.CONSOLE_DIR) : null,
    /** Without an SMTP relay, emails stay in the process (development mailbox). */
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM },
    audit: {
      signingKeySeed: e.AUDIT_SIGNING_KEY ?? developmentAuditSigningKey,
      developmentKey: !e.AUDIT_SIGNING_KEY,
      checkpointMinutes: e.AUDIT_CHECKPOINT_MINUTES,
    },
    retention: {
      cron: e.RETENTION_PURGE_CRON === "off" ? null : e.RETENTION_PURGE_CRON,
      batchSize: e.RETENTION_PURGE_BATCH,
    },
    /** Deliveries of events to endpoints customers register (domain/webhooks). */
    customerWebhooks: {
      allowPrivateAddresses: e.WEBHOOK_ALLOW_PRIVATE_ADDRESSES ?? !production,
      httpsOnly: production,
      retryBaseSeconds: e.WEBHOOK_RETRY_BASE_SECONDS,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      timeoutMs: 10_000,
    },
    /** The sms-activate protocol's endpoint (http/sms-activate/). */
    smsActivate: { path: e.SMS_ACTIVATE_PATH },
    observability: {
      metricsToken: e.METRICS_TOKEN ?? null,
      tracing: e.OTEL_EXPORTER_OTLP_ENDPOINT
        ? { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME }
        : null,
    },
  };
}

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {
  override name = "ConfigError";
}
