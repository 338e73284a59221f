import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded.ts";

export { EmbeddedDatabaseInUseError } from "./embedded.ts";

import { PrismaClient } from "./generated/prisma/client.ts";

export type { default as PrismaTypes } from "./generated/pothos-types.ts";
export { getDatamodel } from "./generated/pothos-types.ts";
export * from "./generated/prisma/client.ts";

export type DatabaseTarget =
  /** A PostgreSQL server. */
  | { kind: "server"; url: string; poolSize?: number }
  /** PGlite in this process; data in `dataDir`, or in memory when it is null. */
  | { kind: "embedded"; dataDir: string | null };

export interface Database {
  prisma: PrismaClient;
  /** Plain SQL on the same pool as `prisma`, for the few hot reads where Prisma's own cost dominates. */
  sql: Sql;
  /** The URL other PostgreSQL clients (the job queue) connect to. */
  url: string;
  /** How many connections the application may hold at once. */
  poolSize: number;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Opens the database the configuration names. The embedded database is a single
 * PostgreSQL session, so the application gets exactly one connection to it:
 * a transaction and a query outside it can then never wait on each other.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  let poolSize: number;
  if (target.kind === "embedded") {
    embedded = await startEmbeddedPostgres({ dataDir: target.dataDir });
    url = embedded.url;
    poolSize = 1;
  } else {
    url = target.url;
    poolSize = target.poolSize ?? 10;
  }
  // One pool for Prisma and for plain SQL, so both count against the same connections
  // (on the embedded database: the same single connection).
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const prisma = new PrismaClient({
    // Prisma ends the pool when it disconnects, as it ends one it made itself.
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    // A transaction waits for a free connection. On the embedded database every
    // request queues for its one connection, so a burst waits longer than on a server.
    transactionOptions: { maxWait: embedded ? 20_000 : 5_000 },
  });
  return {
    prisma,
    // On the embedded database, plain SQL runs on PGlite in this process when no transaction holds it.
    sql: embedded ? embedded.inProcessSql(poolSql(pool), sqlTypes) : poolSql(pool),
    url,
    poolSize,
    embedded: Boolean(embedded),
    async close() {
      await prisma.$disconnect();
      // Ended already, unless only plain SQL ever used it.
      if (!pool.ending) await pool.end();
      await embedded?.stop();
    },
  };
}

/**
 * Plain SQL through the application's pool, without Prisma's query building
 * and result mapping (a few tenths of a millisecond of CPU per query, more than
 * the driver's own work). For reads on a request's hot path only; everything
 * else goes through Prisma.
 *
 * A query here takes a connection of its own from the pool: never call it from
 * inside an open transaction (on the embedded database, the one connection is
 * the transaction's, and the query would wait for it forever).
 */
export interface Sql {
  /**
   * The rows of one statement with `$1, $2…` parameters. Values come back as
   * Prisma returns them: `timestamp` columns as `Date`s read as UTC (how Prisma
   * writes them), `bigint` as `bigint`; other types as `pg` parses them.
   */
  rows<Row>(text: string, values?: readonly unknown[]): Promise<Row[]>;
}

const timestampOid = 1114;
const int8Oid = 20;
const sqlTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (format !== "binary") {
      // "2026-11-26 13:21:27.123", written by Prisma in UTC.
      if (oid === timestampOid) return (value: string) => new Date(`${value.replace(" ", "T")}Z`);
      if (oid === int8Oid) return (value: string) => BigInt(value);
    }
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

function poolSql(pool: pg.Pool): Sql {
  return {
    async rows<Row>(text: string, values: readonly unknown[] = []) {
      const result = await pool.query({ text, values: [...values], types: sqlTypes });
      return result.rows as Row[];
    },
  };
}
