/**
 * The chain checked as it streams out of PostgreSQL, in parts checked at once:
 * the log is split into ranges of seqs, and each range is read by a binary
 * COPY on a connection of its own and checked (copy-check.ts) in a worker
 * thread of its own, so reading the rows (the server's backends) and writing
 * and hashing each entry's content (the workers) run on every core the box has.
 *
 * Each entry is checked onto the stored hash of the entry before it, so the
 * parts are independent: a part's first entry is checked onto the stored hash
 * of the previous part's last entry, which is where the parts join. The
 * earliest part with a broken entry has the chain's first.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Prisma, PrismaClient } from "@smsape/db";
import { type ChainPart, type ChainScan, checkChainPart } from "./copy-check.ts";
import type { ChainPartReply, ChainPartTask } from "./copy-check-worker.ts";

export type { ChainScan } from "./copy-check.ts";

/** Where the log is streamed from, and in how many parts at once. */
export interface AuditStreamSource {
  /** The PostgreSQL server; each COPY gets a connection of its own. */
  url: string;
  /**
   * At most this many parts (one per core: `os.availableParallelism()`), each
   * a range of at least `minimumPart` seqs (50,000), each checked in a worker
   * thread. A log too short for two parts is checked in one COPY on this thread.
   */
  parts?: number;
  minimumPart?: number;
}

type Db = PrismaClient | Prisma.TransactionClient;

/** Checks the entries after `after`, the first of them onto `running`. */
export async function scanChainStreamed(db: Db, source: AuditStreamSource, after: bigint, running: string): Promise<ChainScan> {
  const parts = await chainParts(db, source, after, running);
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only) return checkChainPart(only, () => false);

  const brokenParts = new Int32Array(new SharedArrayBuffer(4 * parts.length));
  const scans = await Promise.all(parts.map((part, index) => checkInWorker(index, { part, brokenParts, index })));
  let entries = 0;
  let last: ChainScan["last"] = null;
  for (const scan of scans) {
    entries += scan.entries;
    if (scan.broken) return { entries, last, broken: scan.broken };
    last = scan.last ?? last;
  }
  return { entries, last, broken: null };
}

/** The ranges of seqs the entries after `after` are read in, each with the stored hash its first entry follows. */
async function chainParts(db: Db, source: AuditStreamSource, after: bigint, running: string): Promise<ChainPart[]> {
  const whole = [{ url: source.url, after, upTo: null, running }];
  const parts = source.parts ?? availableParallelism();
  const minimumPart = BigInt(source.minimumPart ?? 50_000);
  if (parts < 2) return whole;
  const [span] = await db.$queryRaw<Array<{ low: bigint | null; high: bigint | null }>>`
    SELECT min(seq) AS low, max(seq) AS high FROM "AuditEntry" WHERE seq > ${after}`;
  if (span?.low == null || span.high == null) return whole;
  const length = span.high - span.low + 1n;
  const count = Math.min(parts, Number(length / minimumPart));
  if (count < 2) return whole;
  const bounds = Array.from({ length: count - 1 }, (_, i) => span.low! - 1n + (length * BigInt(i + 1)) / BigInt(count));
  // Each bound's entry (the last at or before it), whose stored hash the next part's first entry follows.
  const joins = await db.$queryRaw<Array<{ bound: bigint; hash: string | null }>>`
    SELECT bound, (SELECT hash FROM "AuditEntry" WHERE seq > ${after} AND seq <= bound ORDER BY seq DESC LIMIT 1) AS hash
    FROM unnest(${bounds.map(String)}::text[]::bigint[]) AS bound ORDER BY bound`;
  const result: ChainPart[] = [];
  let start = { after, running };
  for (const join of joins) {
    result.push({ url: source.url, ...start, upTo: join.bound });
    start = { after: join.bound, running: join.hash ?? start.running };
  }
  result.push({ url: source.url, ...start, upTo: null });
  return result;
}

/**
 * The worker threads, one per part index, started by the first verification
 * that needs them and kept (idle, they hold no connection and do not keep the
 * process alive): a thread takes about a second to load its modules.
 */
const workers: Array<ChainCheckWorker | undefined> = [];

async function checkInWorker(index: number, task: Omit<ChainPartTask, "id">): Promise<ChainScan> {
  let worker = workers[index];
  if (!worker) {
    worker = new ChainCheckWorker(() => {
      if (workers[index] === worker) workers[index] = undefined;
    });
    workers[index] = worker;
  }
  await worker.ready;
  return worker.check(task);
}

/** True in the production build (api/scripts/build.mjs defines it); undeclared when run from the sources. */
declare const __SMSAPE_BUNDLE__: boolean | undefined;

/**
 * What a worker thread runs. Built, it is the worker's own bundle beside the
 * service's (`import.meta.url` is this source file's place, which the build
 * keeps, so the path goes from src/domain/audit/ to dist/). From the sources,
 * the modules are TypeScript: the thread first registers tsx's loader (worker
 * threads do not inherit the loader hooks of the thread that starts them),
 * then imports copy-check-worker.ts.
 */
function workerBoot(): URL {
  if (typeof __SMSAPE_BUNDLE__ !== "undefined" && __SMSAPE_BUNDLE__)
    return new URL("../../../dist/audit-check-worker.js", import.meta.url);
  const loader = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./copy-check-worker.ts", import.meta.url).href;
  const code = `const { register } = await import(${JSON.stringify(loader)}); register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

class ChainCheckWorker {
  /** Settles once the thread has loaded its modules; rejects with why it could not. */
  readonly ready: Promise<void>;
  private readonly thread: Worker;
  private readonly pending = new Map<number, { resolve: (scan: ChainScan) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(onExit: () => void) {
    this.thread = new Worker(workerBoot(), { execArgv: [] });
    this.thread.unref();
    this.ready = new Promise((resolve, reject) => {
      this.thread.once("message", () => resolve());
      this.thread.once("error", reject);
      this.thread.once("exit", (code) => reject(new Error(`An audit check worker exited (code ${code}) as it started.`)));
    });
    this.thread.on("message", (reply: ChainPartReply | "ready") => {
      if (reply === "ready") return;
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.thread.unref();
      if ("error" in reply) waiting?.reject(new Error(reply.error));
      else waiting?.resolve(reply.scan);
    });
    this.thread.on("error", (error) => this.failAll(error));
    this.thread.on("exit", (code) => {
      onExit();
      this.failAll(new Error(`An audit check worker exited (code ${code}).`));
    });
  }

  check(task: Omit<ChainPartTask, "id">): Promise<ChainScan> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // While a part is being checked, the thread keeps the process alive.
      this.thread.ref();
      this.thread.postMessage({ id, ...task } satisfies ChainPartTask);
    });
  }

  private failAll(error: Error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}
