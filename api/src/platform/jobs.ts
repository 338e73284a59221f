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

/** How a queue's workers take their jobs; each queue sizes them for its work. */
export interface WorkOptions {
  /** Jobs claimed per fetch (default 1). */
  batchSize?: number;
  /**
   * Jobs of a batch handled at once by work(), or workers fetching batches by
   * workBatch() (default 1); capped by the queue's `maxConcurrency`.
   */
  concurrency?: number;
  /**
   * How often an idle worker looks for jobs (default 2, at least 0.5). A worker
   * whose fetch came back full fetches again at once, so a backlog drains at
   * the speed of its handlers, not one batch per interval.
   */
  pollingIntervalSeconds?: number;
}

export interface JobQueue {
  send<T extends object>(
    name: string,
    data: T,
    options?: { startAfter?: Date; singletonKey?: string; within?: SqlExecutor },
  ): Promise<void>;
  work<T>(name: string, handler: JobHandler<T>, options?: WorkOptions): Promise<void>;
  /**
   * Like work(), for work that is cheaper done many at a time (one transaction
   * for a batch): the handler takes a whole batch, `concurrency` workers each
   * fetch their own, and a failure retries the whole batch.
   */
  workBatch<T>(name: string, handler: (batch: T[]) => Promise<void>, options?: WorkOptions): Promise<void>;
  /** Jobs of `name` not yet finished: waiting, due for a retry, or running. */
  unfinished(name: string): Promise<number>;
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
  /**
   * The most handlers one queue runs at once in this process. Each holds an
   * application database connection while it works, so it is sized from the
   * application's pool: 1 on the embedded database, whose single session
   * runs transactions one after another anyway.
   */
  maxConcurrency?: number;
  /** The default for queues that do not set their own. */
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

  /**
   * One pg-boss worker. A full batch means more may be waiting: it fetches
   * again at once instead of waiting out the polling interval.
   */
  const startWorker = async (name: string, workOptions: WorkOptions, onBatch: (jobs: PgBoss.Job<unknown>[]) => Promise<void>) => {
    const batchSize = workOptions.batchSize ?? 1;
    let workerId: string | undefined;
    workerId = await boss.work(
      name,
      { pollingIntervalSeconds: workOptions.pollingIntervalSeconds ?? options.pollingIntervalSeconds ?? 2, batchSize },
      async (jobs) => {
        if (jobs.length === batchSize && workerId) boss.notifyWorker(workerId);
        await onBatch(jobs);
      },
    );
  };

  /** Marks jobs failed (pg-boss retries them) keeping the error's class, never its message, which may quote personal data. */
  const failed = async (name: string, jobIds: string[], error: unknown) => {
    log.error({ err: error, job: name }, "job failed");
    const output = { error: error instanceof Error ? error.name : "UnknownError" };
    await Promise.all(jobIds.map((id) => boss.fail(name, id, output)));
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
    async work(name, handler, workOptions = {}) {
      await ensureQueue(name);
      const batchSize = workOptions.batchSize ?? 1;
      const concurrency = Math.max(1, Math.min(workOptions.concurrency ?? 1, options.maxConcurrency ?? 1, batchSize));
      const handle = async (job: PgBoss.Job<unknown>) => {
        try {
          await handler(job.data as never);
        } catch (error) {
          // Only this job is retried; the rest of its batch completes.
          await failed(name, [job.id], error);
        }
      };
      await startWorker(name, workOptions, async (jobs) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
            while (next < jobs.length) {
              const job = jobs[next++];
              if (job) await handle(job);
            }
          }),
        );
      });
    },
    async workBatch(name, handler, workOptions = {}) {
      await ensureQueue(name);
      const workers = Math.max(1, Math.min(workOptions.concurrency ?? 1, options.maxConcurrency ?? 1));
      for (let worker = 0; worker < workers; worker++) {
        await startWorker(name, workOptions, async (jobs) => {
          try {
            await handler(jobs.map((job) => job.data as never));
          } catch (error) {
            await failed(
              name,
              jobs.map((job) => job.id),
              error,
            );
          }
        });
      }
    },
    async unfinished(name) {
      await ensureQueue(name);
      return (await boss.getQueueSize(name, { before: "completed" })) ?? 0;
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
