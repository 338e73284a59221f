/// <reference path="./pg-utils.d.ts" />
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import type { PGlite, protocol } from "@electric-sql/pglite";
import pg from "pg";
import pgUtils from "pg/lib/utils.js";
import type { Sql, SqlStatement } from "./index.ts";

export interface EmbeddedPostgres {
  /** A postgres:// URL that `pg` and Prisma's adapter connect to like any server. */
  url: string;
  /** Where the data lives, or null when it is held in memory. */
  dataDir: string | null;
  /**
   * `pooled` with its `rows` run on PGlite in this process (see inProcessSql);
   * everything else, and any query while another connection has the session, through `pooled`.
   */
  inProcessSql(pooled: Sql, types: pg.CustomTypesConfig): Sql;
  stop(): Promise<void>;
}

/** The data folder is already open in another process (two PGlite instances on one folder corrupt it). */
export class EmbeddedDatabaseInUseError extends Error {
  override name = "EmbeddedDatabaseInUseError";
}

/**
 * Starts PGlite (PostgreSQL compiled to WebAssembly) in this process and serves
 * it over the PostgreSQL wire protocol on a loopback port.
 *
 * PGlite is a single PostgreSQL session: the socket server queues the queries of
 * its connections, so while one connection holds a transaction open the others
 * wait. Callers use one pool connection for the application (see openDatabase).
 */
export async function startEmbeddedPostgres(options: { dataDir: string | null }): Promise<EmbeddedPostgres> {
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => {};
  try {
    if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
    // Loaded here, not at import: a service on a PostgreSQL server never carries PGlite.
    const [{ PGlite, protocol }, { PGLiteSocketServer }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("@electric-sql/pglite-socket"),
    ]);
    const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
    keepQueriesWhole(db);
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 16 });
    await server.start();
    const conn = server.getServerConn();
    return {
      url: `postgres://postgres@${conn}/postgres?sslmode=disable`,
      dataDir: options.dataDir,
      inProcessSql: (pooled, types) => inProcessSql(db, protocol.serialize, pooled, types),
      async stop() {
        await server.stop();
        await db.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * The socket server runs its connections' protocol messages one at a time and
 * keeps to one connection only while that connection has a transaction block
 * open. A query with parameters is several messages (Parse, Bind, Describe,
 * Execute, Sync), and when several connections' queries are waiting (behind
 * another's transaction), it runs their messages alternately: in the one
 * session, the second Parse replaces the first's unnamed statement, and the
 * first query fails ("bind message supplies 1 parameters, but prepared
 * statement "" requires 3") or runs the other's SQL. So a query counts as a
 * transaction block from its first message to its Sync, and the server keeps to
 * its connection until then.
 */
function keepQueriesWhole(db: PGlite): void {
  const extendedQueryMessages = new Set(["P", "B", "D", "E", "C", "H"]);
  let midQuery = false;
  const isInTransaction = db.isInTransaction.bind(db);
  const execProtocolRawStream = db.execProtocolRawStream.bind(db);
  const exec = db.exec.bind(db);
  db.isInTransaction = () => midQuery || isInTransaction();
  db.execProtocolRawStream = (message, options) => {
    midQuery = extendedQueryMessages.has(String.fromCharCode(message[0] ?? 0));
    return execProtocolRawStream(message, options);
  };
  // The server rolls back with `exec` when a connection leaves mid-transaction.
  db.exec = (query, options) => {
    midQuery = false;
    return exec(query, options);
  };
}

/**
 * `pooled`, but its `rows` run on PGlite directly: a statement's protocol
 * messages (Bind, Describe, Execute, Sync; Parse the first time) in one call
 * into the WebAssembly PostgreSQL, without `pg` and the socket server on both
 * sides of a loopback connection.
 *
 * PGlite is one session, shared with the socket server's connections (the
 * application's pool connection, the job queue's). The statement must not run
 * inside another connection's open transaction, where it would see that
 * transaction's uncommitted rows, nor between another connection's Parse and
 * Sync, where its own Parse would replace that query's unnamed statement. So:
 * - it holds PGlite's query lock (`runExclusive`) from the check to the end of
 *   its Sync. The socket server runs every message of every connection under
 *   the same lock, and PGlite's own `query`, `exec` and `transaction` take it
 *   too, so nothing else runs in the session meanwhile;
 * - under the lock it runs only when `isInTransaction()` is false: that is
 *   PostgreSQL's own transaction block state, and, through keepQueriesWhole,
 *   any extended query begun and not yet synced. The session is then idle
 *   between two whole queries, and the Sync leaves it idle again, after an
 *   error as well;
 * - otherwise it goes through `pooled`, which queues behind that transaction
 *   on the socket server as every query did before.
 * A query never waits for another transaction here, so it cannot deadlock
 * with one; called from inside the application's own transaction it would
 * wait through `pooled` forever, as it always has (see Sql).
 *
 * Values go in as `pg` sends them (its `prepareValue`: dates, arrays, JSON,
 * buffers as binary) and come back through `types` as `pg` reads them.
 */
function inProcessSql(db: PGlite, serialize: typeof protocol.serialize, pooled: Sql, types: pg.CustomTypesConfig): Sql {
  // Each statement text is parsed and planned once, as a named prepared statement of the session
  // (names of their own, so no connection's statements collide with them).
  const prepared = new Map<string, string>();
  let statements = 0;
  const maxPrepared = 100;

  async function run(text: string, values: readonly unknown[]) {
    // PGlite answers without any I/O, in promise callbacks only: without this turn of the event loop,
    // a caller reading in a loop would starve sockets and timers (the other connections' queries too).
    await new Promise((resolve) => setImmediate(resolve));
    return db.runExclusive(async () => {
      if (db.isInTransaction()) return null;
      let name = prepared.get(text);
      if (name === undefined && prepared.size < maxPrepared) {
        const fresh = `smsape_in_process_${++statements}`;
        // A statement that does not parse throws here and is never named.
        await db.execProtocolStream(joinMessages([serialize.parse({ name: fresh, text }), serialize.sync()]), {});
        prepared.set(text, fresh);
        name = fresh;
      }
      return db.execProtocolStream(
        joinMessages([
          ...(name === undefined ? [serialize.parse({ text })] : []),
          serialize.bind({ statement: name, values: [...values] as never[], valueMapper: pgUtils.prepareValue }),
          serialize.describe({ type: "P" }),
          serialize.execute({}),
          serialize.sync(),
        ]),
        {},
      );
    });
  }

  return {
    ...pooled,
    async rows<Row>(statement: SqlStatement, values: readonly unknown[] = []): Promise<Row[]> {
      // The statement's own name is for a server's connection; here every text gets a name of ours.
      const text = typeof statement === "string" ? statement : statement.text;
      let messages: Awaited<ReturnType<PGlite["execProtocolStream"]>> | null;
      try {
        try {
          messages = await run(text, values);
        } catch (error) {
          // Dropped by another connection (DEALLOCATE, DISCARD) or its plan outdated by a schema change: parse it again.
          const code = (error as { code?: string }).code;
          if (!prepared.has(text) || (code !== "26000" && code !== "0A000")) throw error;
          prepared.delete(text);
          messages = await run(text, values);
        }
      } catch (error) {
        throw asPgError(error);
      }
      if (!messages) return pooled.rows<Row>(text, values);
      return rowsOf<Row>(messages, types);
    },
  };
}

function rowsOf<Row>(messages: Awaited<ReturnType<PGlite["execProtocolStream"]>>, types: pg.CustomTypesConfig): Row[] {
  let parsers: Array<(value: string) => unknown> = [];
  let names: string[] = [];
  const rows: Row[] = [];
  for (const received of messages) {
    if (received.name === "rowDescription") {
      const { fields } = received as unknown as { fields: Array<{ name: string; dataTypeID: number }> };
      names = fields.map((field) => field.name);
      parsers = fields.map((field) => types.getTypeParser(field.dataTypeID, "text"));
    } else if (received.name === "dataRow") {
      const row: Record<string, unknown> = {};
      (received as unknown as { fields: Array<string | null> }).fields.forEach((value, i) => {
        row[names[i] as string] = value === null ? null : (parsers[i] as (value: string) => unknown)(value);
      });
      rows.push(row as Row);
    }
  }
  return rows;
}

function joinMessages(parts: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** PGlite's error carries the server's fields; callers get `pg`'s class, as through the pool. */
function asPgError(error: unknown): unknown {
  if (!(error instanceof Error) || !("code" in error) || error instanceof pg.DatabaseError) return error;
  const fields = error as unknown as pg.DatabaseError;
  return Object.assign(new pg.DatabaseError(fields.message, fields.length, "error"), fields);
}

/**
 * PGlite does not guard its folder the way a PostgreSQL server's postmaster.pid
 * does, so we do: `<dataDir>.lock` holds the owning process id while it is open.
 * A lock left by a process that no longer runs is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${dataDir}.lock`;
  mkdirSync(`${dataDir}/..`, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lockPath, "utf8").trim());
      if (owner && owner !== process.pid && processIsAlive(owner)) {
        throw new EmbeddedDatabaseInUseError(
          `The embedded database in ${dataDir} is open in process ${owner}. Stop that process first, or set DATA_DIR to another folder.`,
        );
      }
      if (owner === process.pid) {
        throw new EmbeddedDatabaseInUseError(`The embedded database in ${dataDir} is already open in this process.`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new EmbeddedDatabaseInUseError(`Could not lock the embedded database in ${dataDir}.`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
