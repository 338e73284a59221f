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
    // On the embedded database plain SQL runs on PGlite in this process when no transaction holds the session
    // (embedded.ts). Its one session is also behind every connection, so statements named on one connection
    // would already exist for the next (pg-boss's, or this pool's after an idle close): no names there.
    sql: embedded
      ? embedded.inProcessSql(poolSql(pool, { namedStatements: false }), sqlTypes)
      : poolSql(pool, { namedStatements: true }),
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
 * the driver's own work). For a request's hot path only (reads, and the SMS
 * ingest's transaction); everything else goes through Prisma.
 *
 * A query through `rows` takes a connection of its own from the pool: never
 * call it from inside an open transaction (on the embedded database, the one
 * connection is the transaction's, and the query would wait for it forever).
 */
export interface Sql {
  /**
   * The rows of one statement with `$1, $2…` parameters. Values come back as
   * Prisma returns them: `timestamp` columns as `Date`s read as UTC (how Prisma
   * writes them), `bigint` as `bigint`; other types as `pg` parses them.
   * Write timestamps as ISO strings cast `::timestamp` (UTC, as Prisma writes
   * them), never as `Date`s (`pg` would send the process's local time).
   */
  rows<Row>(statement: SqlStatement, values?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs `work` in one transaction on one connection checked out of the pool
   * (BEGIN, its statements, COMMIT; ROLLBACK when it throws), for a hot write
   * path whose Prisma interactive transaction costs more than its statements.
   * Inside, use only `tx`: `rows` above would wait for a second connection,
   * forever on the embedded database.
   */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
}

/**
 * A statement's text, or its text with a name: a PostgreSQL server then parses it once per connection, not
 * per run (one name, one text). On the embedded database names are ignored (its one session is shared).
 */
export type SqlStatement = string | { name: string; text: string };

/** The open transaction of `Sql.transaction`; usable only until `work` settles. */
export interface SqlTransaction {
  rows<Row>(statement: SqlStatement, values?: readonly unknown[]): Promise<Row[]>;
}

/** PostgreSQL's error fields as `pg` raises them (`code` is the SQLSTATE, e.g. 23505 for a unique violation). */
export interface SqlError extends Error {
  code?: string;
  constraint?: string;
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

function poolSql(pool: pg.Pool, options: { namedStatements: boolean }): Sql {
  const queryConfig = (statement: SqlStatement, values: readonly unknown[]): pg.QueryConfig => {
    const text = typeof statement === "string" ? statement : statement.text;
    const name = typeof statement !== "string" && options.namedStatements ? { name: statement.name } : {};
    return { text, ...name, values: [...values], types: sqlTypes };
  };
  return {
    async rows<Row>(statement: SqlStatement, values: readonly unknown[] = []) {
      const result = await pool.query(queryConfig(statement, values));
      return result.rows as Row[];
    },
    async transaction<T>(work: (tx: SqlTransaction) => Promise<T>) {
      const client = await pool.connect();
      let open = true;
      const tx: SqlTransaction = {
        async rows<Row>(statement: SqlStatement, values: readonly unknown[] = []) {
          if (!open) throw new Error("The transaction has ended; its statements cannot run any more.");
          const result = await client.query(queryConfig(statement, values));
          return result.rows as Row[];
        },
      };
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const result = await work(tx);
        open = false;
        await client.query("COMMIT");
        return result;
      } catch (error) {
        open = false;
        // A connection that cannot roll back is closed rather than handed to the next user mid-transaction.
        await client.query("ROLLBACK").catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}
