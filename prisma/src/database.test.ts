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

  // On the embedded database, plain SQL runs on PGlite in this process, in the same single session as every
  // connection: it must wait out (or go around) any other connection's open transaction, never run inside it.
  it("plain SQL never sees another connection's uncommitted rows, nor disturbs its transaction", async () => {
    await database.prisma.$executeRawUnsafe(`CREATE TABLE pending (id int PRIMARY KEY, tag text NOT NULL)`);
    const count = async () =>
      (await database.sql.rows<{ n: bigint }>(`SELECT count(*) AS n FROM pending WHERE tag = $1`, ["uncommitted"]))[0]?.n;

    // Another client's transaction (as the job queue's connections are).
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query(`INSERT INTO pending VALUES (1, $1)`, ["uncommitted"]);
      const read = count();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await other.query(`INSERT INTO pending VALUES (2, $1)`, ["uncommitted"]);
      expect((await other.query(`SELECT count(*)::int AS n FROM pending`)).rows[0]?.n).toBe(2);
      await other.query("ROLLBACK");
      expect(await read).toBe(0n);
    } finally {
      await other.end();
    }

    // The application's own transaction through Prisma, rolled back at its end.
    let readDuring: Promise<bigint | undefined> | undefined;
    const abandoned = new Error("abandon");
    await expect(
      database.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`INSERT INTO pending VALUES (3, 'uncommitted')`;
        readDuring = count();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await tx.$executeRaw`INSERT INTO pending VALUES (4, 'uncommitted')`;
        const [row] = await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pending`;
        expect(row?.n).toBe(2);
        throw abandoned;
      }),
    ).rejects.toBe(abandoned);
    expect(await readDuring).toBe(0n);
    expect(await count()).toBe(0n);
  });

  it("plain SQL reads only committed pairs while transactions and other clients' queries interleave", async () => {
    await database.prisma.$executeRawUnsafe(
      `CREATE TABLE pairs (id serial PRIMARY KEY, pair int NOT NULL, kept boolean NOT NULL)`,
    );
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    const seen: Array<{ rows: bigint; odd: bigint; dropped: bigint }> = [];
    let running = true;
    try {
      const transactions = (async () => {
        for (let pair = 0; pair < 30; pair++) {
          const kept = pair % 3 !== 0;
          await database.prisma
            .$transaction(async (tx) => {
              await tx.$executeRaw`INSERT INTO pairs (pair, kept) VALUES (${pair}, ${kept})`;
              await new Promise((resolve) => setTimeout(resolve, 2));
              await tx.$executeRaw`INSERT INTO pairs (pair, kept) VALUES (${pair}, ${kept})`;
              if (!kept) throw new Error("abandon");
            })
            .catch(() => {});
        }
      })();
      // Another connection's transactions and parameterised queries, whose messages the socket server
      // runs one at a time: plain SQL must not slip in between them either.
      const otherClient = (async () => {
        for (let round = 0; round < 30; round++) {
          await other.query("BEGIN");
          await other.query(`INSERT INTO pairs (pair, kept) VALUES ($1, false)`, [1000 + round]);
          const { rows } = await other.query<{ v: string }>(`SELECT $1::text || $2::text AS v`, ["a", String(round)]);
          expect(rows[0]?.v).toBe(`a${round}`);
          await other.query("ROLLBACK");
        }
      })();
      // And queries outside any transaction: between one's first message and its Sync, the session is
      // that query's (its unnamed statement and portal), though no transaction block is open.
      const loose = new pg.Client({ connectionString: database.url });
      await loose.connect();
      const looseQueries = (async () => {
        try {
          for (let round = 0; round < 200; round++) {
            const { rows } = await loose.query<{ v: string }>(`SELECT $1::text || $2::text AS v`, ["b", String(round)]);
            expect(rows[0]?.v).toBe(`b${round}`);
          }
        } finally {
          await loose.end();
        }
      })();
      const reads = (async () => {
        while (running) {
          const [row] = await database.sql.rows<{ rows: bigint; odd: bigint; dropped: bigint }>(
            `SELECT count(*) AS rows,
                    (SELECT count(*) FROM (SELECT pair FROM pairs GROUP BY pair HAVING count(*) <> $1) AS p) AS odd,
                    count(*) FILTER (WHERE NOT kept) AS dropped
               FROM pairs`,
            [2],
          );
          if (row) seen.push(row);
        }
      })();
      try {
        await Promise.all([transactions, otherClient, looseQueries]);
      } finally {
        running = false;
        await reads;
      }
    } finally {
      await other.end();
    }
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.filter((row) => row.odd !== 0n || row.dropped !== 0n)).toEqual([]);
    const [final] = await database.sql.rows<{ rows: bigint }>(`SELECT count(*) AS rows FROM pairs WHERE kept = $1`, [true]);
    expect(final?.rows).toBe(40n);
  });
});
