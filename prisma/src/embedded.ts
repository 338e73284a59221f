import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import type { PGlite } from "@electric-sql/pglite";

export interface EmbeddedPostgres {
  /** A postgres:// URL that `pg` and Prisma's adapter connect to like any server. */
  url: string;
  /** Where the data lives, or null when it is held in memory. */
  dataDir: string | null;
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
    const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
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
