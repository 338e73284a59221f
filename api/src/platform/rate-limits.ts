/**
 * Rate limits (P12, docs/security.md "Rate limits"): named limits counted by
 * rate-limiter-flexible, in Redis when REDIS_URL is set (every instance
 * shares the counters) and otherwise in PostgreSQL, in the RateLimitCounter
 * table a migration creates (the library's own shape; it never creates it).
 *
 * A limit counts under a key that is never a person's value: an account, an
 * API key or an email is counted under its keyed hash (`hashKey`), a client
 * network under the keyed hash of its /24 (IPv4) or /64 (IPv6) prefix under
 * a key of the UTC day (`networkKey`), so nothing in the store names an
 * address and one day's network keys cannot be matched with the next day's.
 *
 * When Redis cannot be reached, each limit falls back to counting in this
 * process's memory (the library's insurance limiter) until Redis answers
 * again: the limits then hold per instance rather than not at all, and a
 * request is never failed because its counter could not be stored.
 */
import { createHash, createHmac, hkdfSync } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import type { Redis } from "ioredis";
import pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

export interface RateLimit {
  /** How many attempts the window allows. */
  points: number;
  /** The window, in seconds, from the first attempt counted. */
  seconds: number;
  /** Once over, how long the key stays refused (the lockout), in seconds; the window's end when absent. */
  blockSeconds?: number;
}

/**
 * Every limit, its numbers and what it counts. The numbers are defaults;
 * RATE_LIMITS overrides any of them (config.ts). docs/security.md lists them.
 */
export const defaultRateLimits = {
  /** Failed customer sign-ins per account (the typed email's hash): the 10th locks it for 15 minutes and emails the owner. */
  "sign-in.account": { points: 10, seconds: 15 * 60, blockSeconds: 15 * 60 },
  /** Backoff before the lockout: after 3 failures in a minute the account waits for that minute to end. */
  "sign-in.account-backoff": { points: 3, seconds: 60 },
  /** Customer sign-in attempts per client network, good or bad. */
  "sign-in.network": { points: 60, seconds: 15 * 60 },
  /** Staff sign-in attempts per client network (each member's own lockout is api/src/domain/staff/lockout.ts). */
  "staff-sign-in.network": { points: 30, seconds: 15 * 60 },
  /** Sign-ups per client network. */
  "sign-up.network": { points: 30, seconds: 60 * 60 },
  /** Password reset requests and reset attempts per client network (each address's emails: email/rate-limits.ts). */
  "password-reset.network": { points: 30, seconds: 60 * 60 },
  /** Numbers ordered per account. */
  "order.account": { points: 30, seconds: 60 },
  /** Numbers ordered per API key. */
  "order.api-key": { points: 30, seconds: 60 },
  /** Numbers ordered per client network. */
  "order.network": { points: 120, seconds: 60 },
  /** Deliveries per webhook and client network (the processor's and the operator's servers). */
  "webhook.network": { points: 600, seconds: 60 },
} satisfies Record<string, RateLimit>;

export type RateLimitName = keyof typeof defaultRateLimits;
export const rateLimitNames = Object.keys(defaultRateLimits) as RateLimitName[];
export type RateLimitTable = Record<RateLimitName, RateLimit>;

/** How far a key is into its window, and how long until it may try again (0 when it may now). */
export interface RateLimitState {
  consumed: number;
  retryAfterSeconds: number;
}

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimits {
  store: "redis" | "postgres";
  /** Counts one attempt under `key`; refused (counting it all the same) once the window's points are used. */
  consume(limit: RateLimitName, key: string): Promise<Verdict>;
  /** Counts one failure and never refuses: the caller decides from the count. */
  penalty(limit: RateLimitName, key: string): Promise<RateLimitState>;
  /** Where `key` stands, without counting; null when nothing is counted. */
  peek(limit: RateLimitName, key: string): Promise<RateLimitState | null>;
  /** Refuses `key` for the limit's block time (the lockout). */
  block(limit: RateLimitName, key: string): Promise<void>;
  /** Forgets what `key` counted (after a good sign-in). */
  reset(limit: RateLimitName, key: string): Promise<void>;
  /** A stable keyed hash standing for an account, an API key or an email in the counters. */
  hashKey(purpose: string, value: string): string;
  /** The keyed hash standing for the client network of `address` on the UTC day of `at`. */
  networkKey(address: string, at: Date): string;
  /** A keyed hash of `value` under the key of the UTC day of `at`: tomorrow's for the same value matches nothing of today's. */
  dailyKey(purpose: string, value: string, at: Date): string;
  close(): Promise<void>;
}

/** The store's key prefix: one deployment's counters apart from another's sharing a Redis. */
const prefixFor = (scope: string) => `rl:${createHash("sha256").update(scope).digest("base64url").slice(0, 10)}`;

export function createRateLimits(options: {
  limits: RateLimitTable;
  /** The secret the keyed hashes derive from (the active field-encryption key). */
  secret: Buffer;
  /** What separates this deployment's counters from another's in a shared Redis (the database URL). */
  scope: string;
  redis: Redis | null;
  /** Used when `redis` is null. */
  databaseUrl: string;
  /** One connection is enough (and all the embedded database should be given). */
  maxConnections: number;
}): RateLimits {
  const prefix = prefixFor(options.scope);
  const pool = options.redis ? null : new pg.Pool({ connectionString: options.databaseUrl, max: options.maxConnections });
  pool?.on("error", () => {});
  // The library names its statements; the embedded database is one session shared by every
  // connection, where a second instance preparing the same name fails. Unnamed, they work on both.
  const store = pool && {
    query: (query: { text: string; values?: unknown[] }) => pool.query({ text: query.text, values: query.values ?? [] }),
  };
  const limiters = new Map(
    rateLimitNames.map((name) => {
      const limit = options.limits[name];
      const common = { keyPrefix: `${prefix}:${name}`, points: limit.points, duration: limit.seconds };
      const limiter = options.redis
        ? new RateLimiterRedis({
            ...common,
            storeClient: options.redis,
            useRedisPackage: false,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory(common),
          })
        : new RateLimiterPostgres({
            ...common,
            storeClient: store,
            storeType: "pool",
            tableName: "RateLimitCounter",
            tableCreated: true,
          });
      return [name, limiter] as const;
    }),
  );
  const limiterOf = (name: RateLimitName) => limiters.get(name)!;
  const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
  // Each purpose's key is derived once: the purposes are a handful of fixed names.
  const secrets = new Map<string, Buffer>();
  const hashSecret = (purpose: string) => {
    let secret = secrets.get(purpose);
    if (!secret) {
      secret = Buffer.from(hkdfSync("sha256", options.secret, Buffer.alloc(0), `rate-limit:${purpose}`, 32));
      secrets.set(purpose, secret);
    }
    return secret;
  };
  const networkSecret = hashSecret("client-network");

  return {
    store: options.redis ? "redis" : "postgres",
    async consume(limit, key) {
      try {
        await limiterOf(limit).consume(key);
        return { allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: seconds(rejection.msBeforeNext) };
        throw rejection;
      }
    },
    async penalty(limit, key) {
      const res = await limiterOf(limit).penalty(key);
      return { consumed: res.consumedPoints, retryAfterSeconds: seconds(res.msBeforeNext) };
    },
    async peek(limit, key) {
      const res = await limiterOf(limit).get(key);
      if (!res) return null;
      const over = res.consumedPoints >= options.limits[limit].points;
      return { consumed: res.consumedPoints, retryAfterSeconds: over ? seconds(res.msBeforeNext) : 0 };
    },
    async block(limit, key) {
      const { blockSeconds, seconds: window } = options.limits[limit];
      await limiterOf(limit).block(key, blockSeconds ?? window);
    },
    async reset(limit, key) {
      await limiterOf(limit).delete(key);
    },
    hashKey(purpose, value) {
      return createHmac("sha256", hashSecret(purpose)).update(value, "utf8").digest("base64url");
    },
    networkKey(address, at) {
      return dailyKeyOn(networkSecret, networkPrefix(address), at);
    },
    dailyKey(purpose, value, at) {
      return dailyKeyOn(hashSecret(`daily:${purpose}`), value, at);
    },
    async close() {
      await pool?.end();
    },
  };
}

/**
 * The day's key is the HMAC of the secret and the UTC date: every instance
 * derives the same one, and tomorrow's shares nothing recognisable with
 * today's (only the secret's holder, given the value, could compute both).
 */
function dailyKeyOn(secret: Buffer, value: string, at: Date): string {
  return createHmac("sha256", dayKeyOf(secret, at.toISOString().slice(0, 10)))
    .update(value)
    .digest("base64url");
}

/** The last day's key of each secret: derived once a day, not once a request. */
const dayKeys = new WeakMap<Buffer, { day: string; key: Buffer }>();

function dayKeyOf(secret: Buffer, day: string): Buffer {
  const known = dayKeys.get(secret);
  if (known?.day === day) return known.key;
  const key = createHmac("sha256", secret).update(`day:${day}`).digest();
  dayKeys.set(secret, { day, key });
  return key;
}

/** `203.0.113.0/24`, `2001:db8:1:2::/64`; an IPv4-mapped IPv6 address counts as its IPv4 one. */
export function networkPrefix(address: string): string {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  const v4 = mapped ?? (isIPv4(bare) ? bare : null);
  if (v4) return `${v4.split(".").slice(0, 3).join(".")}.0/24`;
  if (!isIPv6(bare)) return "unknown";
  const [head = "", tail = ""] = bare.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = bare.includes("::") ? (tail ? tail.split(":") : []) : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array(Math.max(0, missing)).fill("0"), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(":")}::/64`;
}
