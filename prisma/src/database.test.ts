import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

// The embedded database is one PostgreSQL session behind one pool connection;
// a server gets a real pool. Concurrent transactions must behave on both.
let testDatabase: TestDatabase;
let database: Database;

beforeAll(async () => {
  testDatabase = await createTestDatabase(process.env.DATABASE_URL || undefined);
  database = await openDatabase(testDatabase.target);
  await database.prisma.$executeRawUnsafe(`CREATE TABLE counter (id int PRIMARY KEY, value int NOT NULL)`);
  await database.prisma.$executeRawUnsafe(`INSERT INTO counter VALUES (1, 0)`);
});
afterAll(async () => {
  await database?.close();
  await testDatabase?.drop();
});

describe(`the database (${process.env.DATABASE_URL ? "PostgreSQL server" : "embedded"})`, () => {
  it("runs concurrent read-modify-write transactions without losing an update", async () => {
    const increments = 20;
    await Promise.all(
      Array.from({ length: increments }, () =>
        database.prisma.$transaction(async (tx) => {
          const [row] = await tx.$queryRaw<{ value: number }[]>`SELECT value FROM counter WHERE id = 1 FOR UPDATE`;
          await new Promise((resolve) => setTimeout(resolve, 5));
          await tx.$executeRaw`UPDATE counter SET value = ${(row?.value ?? 0) + 1} WHERE id = 1`;
        }),
      ),
    );
    const [row] = await database.prisma.$queryRaw<{ value: number }[]>`SELECT value FROM counter WHERE id = 1`;
    expect(row?.value).toBe(increments);
  });

  it("rolls a failed transaction back whole while others commit", async () => {
    const results = await Promise.allSettled([
      database.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE counter SET value = value + 100 WHERE id = 1`;
        throw new Error("abandon");
      }),
      database.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`UPDATE counter SET value = value + 1 WHERE id = 1`;
      }),
    ]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "fulfilled"]);
    const [row] = await database.prisma.$queryRaw<{ value: number }[]>`SELECT value FROM counter WHERE id = 1`;
    expect(row?.value).toBe(21);
  });

  it("answers plain SQL on the same pool with the values Prisma would give: UTC timestamps, bigint", async () => {
    await database.prisma.$executeRawUnsafe(
      `CREATE TABLE stamped (id int PRIMARY KEY, at timestamp(3) NOT NULL, amount bigint NOT NULL)`,
    );
    const at = new Date("2026-03-29T01:30:00.123Z");
    const amount = 2n ** 60n + 1n;
    await database.prisma.$executeRaw`INSERT INTO stamped VALUES (1, ${at.toISOString()}::timestamp, ${amount})`;
    const [fromPrisma] = await database.prisma.$queryRaw<Array<{ at: Date; amount: bigint }>>`SELECT at, amount FROM stamped`;
    const [fromSql] = await database.sql.rows<{ at: Date; amount: bigint }>(`SELECT at, amount FROM stamped WHERE id = $1`, [1]);
    expect(fromSql).toEqual({ at, amount });
    expect(fromSql).toEqual(fromPrisma);
  });

  it("keeps each connection's queries whole while they wait behind another connection's transaction", async () => {
    const connect = async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      return client;
    };
    const [holder, first, second] = [await connect(), await connect(), await connect()];
    const concat = (client: pg.Client, values: string[]) =>
      client.query<{ v: string }>(`SELECT ${values.map((_, i) => `$${i + 1}::text`).join(" || ")} AS v`, values);
    try {
      for (let round = 0; round < 5; round++) {
        await holder.query("BEGIN");
        const waiting = Promise.all([concat(first, ["a"]), concat(second, ["b", "c", "d"])]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        await holder.query("COMMIT");
        const [one, three] = await waiting;
        expect([one.rows[0]?.v, three.rows[0]?.v]).toEqual(["a", "bcd"]);
      }
    } finally {
      await Promise.all([holder.end(), first.end(), second.end()]);
    }
  });

  it("runs a plain-SQL transaction on one connection: committed whole, or rolled back whole when it throws", async () => {
    await database.prisma.$executeRawUnsafe(`CREATE TABLE ledger_line (id int PRIMARY KEY, at timestamp(3) NOT NULL)`);
    const at = new Date("2026-11-26T23:30:00.456Z");
    const insert = { name: "ledger-line-insert", text: `INSERT INTO ledger_line VALUES ($1, $2::timestamp) RETURNING id` };
    const committed = await Promise.all(
      [1, 2, 3].map((id) => database.sql.transaction((tx) => tx.rows<{ id: number }>(insert, [id, at.toISOString()]))),
    );
    expect(committed.map(([row]) => row?.id)).toEqual([1, 2, 3]);
    const failed = database.sql.transaction(async (tx) => {
      await tx.rows(insert, [4, at.toISOString()]);
      await tx.rows(insert, [1, at.toISOString()]);
    });
    await expect(failed).rejects.toMatchObject({ code: "23505" });
    // Written with an ISO string, read back through Prisma as the same instant.
    const rows = await database.prisma.$queryRaw<{ id: number; at: Date }[]>`SELECT id, at FROM ledger_line ORDER BY id`;
    expect(rows).toEqual([1, 2, 3].map((id) => ({ id, at })));
    // The pool is whole again: plain SQL outside, and Prisma.
    expect(await database.sql.rows(`SELECT count(*)::int AS n FROM ledger_line`)).toEqual([{ n: 3 }]);
  });
});
