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
  send<T extends object>(
    name: string,
    data: T,
    options?: { startAfter?: Date; singletonKey?: string; within?: SqlExecutor },
  ): Promise<void>;
  work<T>(name: string, handler: JobHandler<T>): Promise<void>;
  /** Creates a queue up front, so jobs can be sent to it inside a transaction. */
  declare(name: string): Promise<void>;
  /** Runs `name` on a cron schedule, once across all instances. */
  schedule(name: string, cron: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createJobQueue(options: {
  url: string;
  maxConnections: number;
  logger: Logger;
  pollingIntervalSeconds?: number;
}): JobQueue {
  const boss = new PgBoss({ connectionString: options.url, max: options.maxConnections, schema: "pgboss" });
  const log = options.logger.child({ component: "jobs" });
  const queues = new Map<string, Promise<void>>();
  boss.on("error", (error) => log.error({ err: error }, "job queue error"));

  // Creating a queue adds a table partition; two creations at once (two
  // instances starting together) can deadlock in PostgreSQL, so retry.
  const createQueue = async (name: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await boss.createQueue(name);
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== "40P01" || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  };
  const ensureQueue = (name: string): Promise<void> => {
    let created = queues.get(name);
    if (!created) {
      created = createQueue(name);
      created.catch(() => queues.delete(name));
      queues.set(name, created);
    }
    return created;
  };

  return {
    async send(name, data, sendOptions = {}) {
      const within = sendOptions.within;
      if (within && !queues.has(name)) {
        // Creating a queue needs the queue's own connection, which on the
        // embedded database would wait for the open transaction: a deadlock.
        throw new Error(`Queue "${name}" must have a worker (or be declared) before jobs are sent to it inside a transaction.`);
      }
      await ensureQueue(name);
      await boss.send(name, data, {
        ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter } : {}),
        ...(sendOptions.singletonKey ? { singletonKey: sendOptions.singletonKey } : {}),
        ...(within
          ? {
              db: {
                executeSql: async (text: string, values: unknown[]) => ({
                  rows: await within.$queryRawUnsafe<unknown[]>(text, ...values),
                }),
              },
            }
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
    declare: ensureQueue,
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
