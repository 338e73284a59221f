import { type Database, openDatabase } from "@smsape/db";
import { createTestDatabase, type TestDatabase } from "@smsape/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createJobQueue, type JobQueue } from "./jobs.ts";
import { createLogger } from "./logger.ts";

let testDatabase: TestDatabase;
let database: Database;
let queue: JobQueue;

beforeAll(async () => {
  testDatabase = await createTestDatabase(process.env.DATABASE_URL || undefined);
  database = await openDatabase(testDatabase.target);
  queue = createJobQueue({
    url: database.url,
    maxConnections: database.embedded ? 1 : 4,
    logger: createLogger({ level: "silent" }),
    pollingIntervalSeconds: 0.5,
    maxConcurrency: 4,
  });
  await queue.start();
});
afterAll(async () => {
  await queue?.stop();
  await database?.close();
  await testDatabase?.drop();
});

describe("the job queue", () => {
  it("runs every job sent to a queue exactly once", async () => {
    const seen: number[] = [];
    const allDone = new Promise<void>((resolve) => {
      void queue.work<{ n: number }>("test.count", async ({ n }) => {
        seen.push(n);
        if (seen.length === 10) resolve();
      });
    });
    for (let n = 0; n < 10; n++) await queue.send("test.count", { n });
    await allDone;
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("enqueues a job inside a transaction only when the transaction commits", async () => {
    const seen: string[] = [];
    const committedJobDone = new Promise<void>((resolve) => {
      void queue.work<{ label: string }>("test.transactional", async ({ label }) => {
        seen.push(label);
        if (label === "committed") resolve();
      });
    });
    await database.prisma
      .$transaction(async (tx) => {
        await queue.send("test.transactional", { label: "rolled back" }, { within: tx });
        throw new Error("abandon");
      })
      .catch(() => {});
    await database.prisma.$transaction(async (tx) => {
      await queue.send("test.transactional", { label: "committed" }, { within: tx });
    });
    await committedJobDone;
    expect(seen).toEqual(["committed"]);
  });

  it("runs the jobs of a batch as many at once as the queue's concurrency", async () => {
    await queue.declare("test.concurrent");
    for (let n = 0; n < 12; n++) await queue.send("test.concurrent", { n });
    let running = 0;
    let mostAtOnce = 0;
    let done = 0;
    await new Promise<void>((resolve) => {
      void queue.work(
        "test.concurrent",
        async () => {
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          await new Promise((wait) => setTimeout(wait, 30));
          running -= 1;
          if (++done === 12) resolve();
        },
        { batchSize: 6, concurrency: 3 },
      );
    });
    expect(mostAtOnce).toBe(3);
  });

  it("drains a backlog batch after batch, without waiting out the polling interval in between", async () => {
    await queue.declare("test.backlog");
    for (let n = 0; n < 20; n++) await queue.send("test.backlog", { n });
    const started = Date.now();
    let done = 0;
    await new Promise<void>((resolve) => {
      void queue.work(
        "test.backlog",
        async () => {
          if (++done === 20) resolve();
        },
        // Waiting out the interval between the four batches would take 90 seconds.
        { batchSize: 5, pollingIntervalSeconds: 30 },
      );
    });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("hands a batch worker whole batches, and retries a batch that failed", async () => {
    await queue.declare("test.batches");
    for (let n = 0; n < 12; n++) await queue.send("test.batches", { n });
    const batches: number[][] = [];
    await new Promise<void>((resolve) => {
      void queue.workBatch<{ n: number }>(
        "test.batches",
        async (jobs) => {
          batches.push(jobs.map((job) => job.n));
          if (batches.length === 1) throw new Error("the first batch fails");
          if (batches.flat().length === 12 + 5) resolve();
        },
        { batchSize: 5 },
      );
    });
    expect(batches.map((batch) => batch.length)).toEqual([5, 5, 5, 2]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("retries only the job that failed, not the rest of its batch", async () => {
    await queue.declare("test.partial-failure");
    for (let n = 0; n < 5; n++) await queue.send("test.partial-failure", { n });
    const runs: number[] = [];
    await new Promise<void>((resolve) => {
      void queue.work<{ n: number }>(
        "test.partial-failure",
        async ({ n }) => {
          runs.push(n);
          if (n === 2 && runs.filter((run) => run === 2).length === 1) throw new Error("first attempt fails");
          if (runs.length === 6) resolve();
        },
        { batchSize: 5 },
      );
    });
    expect(runs.sort((a, b) => a - b)).toEqual([0, 1, 2, 2, 3, 4]);
    // The last run's completion is recorded just after its handler returns.
    await vi.waitFor(async () => expect(await queue.unfinished("test.partial-failure")).toBe(0));
  });
});
