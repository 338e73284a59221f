/**
 * Background jobs on pg-boss: a queue kept in PostgreSQL (its own `pgboss`
 * schema), claimed with SKIP LOCKED so several instances can work one queue
 * without running a job twice. Works on the embedded database too.
 */
import PgBoss from "pg-boss";
import type { Logger } from "./logger.ts";

/** Something that runs SQL: a Prisma transaction, so a job is enqueued only if it commits. */
export interface SqlExecutor {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

export type JobHandler<T> = (data: T) => Promise<void>;

export interface JobQueue {
  send<T extends object>(name: string, data: T, options?: { startAfter?: Date; singletonKey?: string; within?: SqlExecutor }): Promise<void>;
  work<T>(name: string, handler: JobHandler<T>): Promise<void>;
  /** Runs `name` on a cron schedule, once across all instances. */
  schedule(name: string, cron: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createJobQueue(options: { url: string; maxConnections: number; logger: Logger; pollingIntervalSeconds?: number }): JobQueue {
  const boss = new PgBoss({ connectionString: options.url, max: options.maxConnections, schema: "pgboss" });
  const log = options.logger.child({ component: "jobs" });
  const queues = new Set<string>();
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));

  const ensureQueue = async (name: string) => {
    if (queues.has(name)) return;
    await boss.createQueue(name);
    queues.add(name);
  };

  return {
    async send(name, data, sendOptions = {}) {
      await ensureQueue(name);
      const within = sendOptions.within;
      await boss.send(name, data, {
        ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter } : {}),
        ...(sendOptions.singletonKey ? { singletonKey: sendOptions.singletonKey } : {}),
        ...(within
          ? { db: { executeSql: async (text: string, values: unknown[]) => ({ rows: await within.$queryRawUnsafe<unknown[]>(text, ...values) }) } }
          : {}),
      });
    },
    async work(name, handler) {
      await ensureQueue(name);
      await boss.work(name, { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) {
          try {
            await handler(job.data as never);
          } catch (error) {
            log.error({ err: error, job: name }, "job failed");
            throw error;
          }
        }
      });
    },
    async schedule(name, cron) {
      await ensureQueue(name);
      await boss.schedule(name, cron);
    },
    async start() {
      await boss.start();
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}
