import { type Database, openDatabase } from "@smsape/db";
import { createTestDatabase, type TestDatabase } from "@smsape/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
