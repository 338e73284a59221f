import type { PrismaClient, Sql } from "@smsape/db";
import type { Config } from "../config.ts";
import type { JobQueue } from "../platform/jobs.ts";
import type { Logger } from "../platform/logger.ts";
import type { MailTransport } from "../platform/mail-transport.ts";
import type { Metrics } from "../platform/metrics.ts";
import type { PubSub } from "../platform/pubsub.ts";
import type { RateLimits } from "../platform/rate-limits.ts";

/**
 * What domain modules and resolvers work with: the database, the configuration
 * and the platform seams. Built once per process by createApp.
 */
export interface Services {
  db: PrismaClient;
  /** Plain SQL on the same pool, for the hottest reads only (never inside a transaction). */
  sql: Sql;
  config: Config;
  logger: Logger;
  events: PubSub;
  jobs: JobQueue;
  /** Sends email; only the outbox worker calls it (P3). */
  mailer: MailTransport;
  /** The named rate limits (P12), shared by every instance. */
  limits: RateLimits;
  /** The current time; tests move it forward instead of waiting. */
  now(): Date;
  /** Prometheus metrics of this process (served on /metrics when METRICS_TOKEN is set). */
  metrics: Metrics;
}
