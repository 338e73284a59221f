/**
 * Verifying the audit log: every entry's hash must be the hash of its content
 * on the hash stored in the entry before it, and every signed checkpoint's
 * entry must be there with the signed hash. It starts from the first entry,
 * or from a checkpoint (whose signature and entry are checked first), and
 * reports the first thing wrong.
 *
 * The entries are checked either as they stream out of the PostgreSQL server
 * (streamed-check.ts: a binary COPY per part of the log, each part checked in a
 * worker thread, content and hashes in Node), or inside
 * the database through the caller's handle, a page of entries per statement:
 * that is how a transaction sees its own changes, and how the embedded
 * database is checked. Both give the same answer.
 */
import type { KeyObject } from "node:crypto";
import type { AuditCheckpoint, Prisma, PrismaClient } from "@smsape/db";
import type { Config } from "../../config.ts";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { NotFoundError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";
import { appendAuditEntry, auditContentSql, genesisHash } from "./audit-log.ts";
import { auditSigningKeys, checkpointSignatureValid, checkpointsAfter } from "./checkpoints.ts";
import { type AuditStreamSource, type ChainScan, scanChainStreamed } from "./streamed-check.ts";

export type { AuditStreamSource } from "./streamed-check.ts";

export type AuditChainProblem =
  /** The entry does not name the entry before it: one was removed, inserted or reordered. */
  | "chain-broken"
  /** The entry's own content was changed. */
  | "hash-mismatch"
  /** A checkpoint names an entry that is gone. */
  | "checkpoint-missing"
  /** The entry at a checkpoint's seq has another hash: the log was rebuilt or rewritten. */
  | "checkpoint-mismatch"
  /** A checkpoint's signature does not verify under the service's key: it was forged or altered. */
  | "checkpoint-signature-invalid"
  /** The chain ends before a checkpoint's seq: its tail was removed. */
  | "truncated";

export type AuditChainVerification =
  | {
      valid: true;
      /** Entries read and checked by this verification. */
      entries: number;
      /** Where the last of them stands in the whole chain, counting from 1; 0 for an empty log. */
      lastPosition: number;
      lastSeq: bigint | null;
      checkpoints: number;
    }
  | {
      valid: false;
      /** Entries that checked out before the break. */
      entries: number;
      /** The first entry (or, for checkpoint problems, the seq the checkpoint names) that is wrong. */
      brokenAtSeq: bigint;
      /** Where that entry stands, or should stand, in the chain as read in seq order, counting from 1. */
      brokenAtPosition: number;
      problem: AuditChainProblem;
    };

type Db = PrismaClient | Prisma.TransactionClient;

interface VerifyOptions {
  /** The public key checkpoints are signed with. */
  publicKey: KeyObject;
  /** Start here instead of at the first entry: its signature and its entry are checked first. */
  from?: Pick<AuditCheckpoint, "seq" | "hash" | "at" | "signature"> | null;
  /**
   * Stream the entries from this server. Without it they are checked inside
   * the database through `db`, `batchSize` entries per statement (20,000).
   */
  stream?: AuditStreamSource | null;
  batchSize?: number;
}

/** Where the service's verifications stream the log from: its PostgreSQL server; none on the embedded database. */
export function auditStreamSource(config: Pick<Config, "database">): AuditStreamSource | null {
  return config.database.kind === "server" ? { url: config.database.url } : null;
}

/**
 * Each entry is checked against the stored hash of the entry before it (or
 * the starting checkpoint's), never against the `prevHash` it stores: a stored
 * link proves nothing about the entry actually before it, and is read only to
 * say what broke. Entries that all match their predecessors' stored hashes
 * form one chain, so this is the running hash recomputed from the start.
 */
export async function verifyAuditChain(db: Db, options: VerifyOptions): Promise<AuditChainVerification> {
  const from = options.from ?? null;
  const start = from ? await positionOf(db, from.seq) : 0;
  const broken = (seq: bigint, position: number, problem: AuditChainProblem) =>
    ({ valid: false, entries: position - 1 - start, brokenAtSeq: seq, brokenAtPosition: position, problem }) as const;

  if (from) {
    if (!checkpointSignatureValid(from, options.publicKey)) {
      return { ...broken(from.seq, start, "checkpoint-signature-invalid"), entries: 0 };
    }
    const [entry] = await db.$queryRaw<Array<{ hash: string }>>`SELECT hash FROM "AuditEntry" WHERE seq = ${from.seq}`;
    if (!entry) return { ...broken(from.seq, start + 1, "checkpoint-missing"), entries: 0 };
    if (entry.hash !== from.hash) return { ...broken(from.seq, start, "checkpoint-mismatch"), entries: 0 };
  }

  // Read before the entries: every checkpoint's entry is then among those the scan can see.
  const checkpoints = await checkpointsAfter(db, from ? from.seq : null);
  for (const checkpoint of checkpoints) {
    if (!checkpointSignatureValid(checkpoint, options.publicKey)) {
      return { ...broken(checkpoint.seq, await positionOf(db, checkpoint.seq), "checkpoint-signature-invalid"), entries: 0 };
    }
  }

  const after = from ? from.seq : -1n;
  const running = from ? from.hash : genesisHash;
  const scan = options.stream
    ? await scanChainStreamed(db, options.stream, after, running)
    : await scanChainInDatabase(db, after, running, options.batchSize ?? 20_000);

  // A checkpoint before the broken entry is met first; at the broken entry itself, the entry's hash is.
  const checkpoint = await firstCheckpointProblem(
    db,
    checkpoints.filter((c) => scan.broken === null || c.seq < scan.broken.seq),
  );
  if (checkpoint) {
    if (checkpoint.missing) {
      // Missing: met at the next entry after it, or, with none after it, at the end of the chain.
      const position = (await positionOf(db, checkpoint.seq)) + 1;
      const later = scan.broken !== null || (scan.last !== null && scan.last.seq > checkpoint.seq);
      return broken(checkpoint.seq, position, later ? "checkpoint-missing" : "truncated");
    }
    return broken(checkpoint.seq, await positionOf(db, checkpoint.seq), "checkpoint-mismatch");
  }
  if (scan.broken) {
    const { seq, previousHash } = scan.broken;
    const [stored] = await db.$queryRaw<Array<{ prevHash: string; intact: boolean }>>`
      SELECT "prevHash", encode(sha256(convert_to(${previousHash}::text || ${auditContentSql}, 'UTF8')), 'hex') IS NOT DISTINCT FROM hash AS intact
      FROM "AuditEntry" WHERE seq = ${seq}`;
    if (stored?.intact) throw new Error(`The audit log's streamed check and the database disagree on the entry at seq ${seq}.`);
    return broken(seq, start + scan.entries + 1, stored?.prevHash === previousHash ? "hash-mismatch" : "chain-broken");
  }
  return {
    valid: true,
    entries: scan.entries,
    lastPosition: start + scan.entries,
    lastSeq: scan.last?.seq ?? from?.seq ?? null,
    checkpoints: checkpoints.length + (from ? 1 : 0),
  };
}

/**
 * The entries after `after` checked inside the database, a page at a time:
 * each entry's content hashed (`sha256`) onto the stored hash before it
 * (`lag`), the first onto `running`. A statement returns one row: the page's
 * first broken entry, or else its last entry.
 */
async function scanChainInDatabase(db: Db, after: bigint, running: string, batchSize: number): Promise<ChainScan> {
  let entries = 0;
  let last: ChainScan["last"] = null;
  for (;;) {
    const [row] = await db.$queryRaw<
      Array<{ seq: bigint; hash: string; previous: string; intact: boolean; position: bigint; rows: bigint }>
    >`
      WITH page AS (
        SELECT seq, hash, lag(hash, 1, ${running}::text) OVER (ORDER BY seq) AS previous, ${auditContentSql} AS content
        FROM (SELECT * FROM "AuditEntry" WHERE seq > ${after} ORDER BY seq LIMIT ${batchSize}) AS entry
      ), checked AS (
        SELECT seq, hash, previous,
               encode(sha256(convert_to(previous || content, 'UTF8')), 'hex') IS NOT DISTINCT FROM hash AS intact,
               row_number() OVER (ORDER BY seq) AS position, count(*) OVER () AS rows
        FROM page
      )
      SELECT seq, hash, previous, intact, position, rows FROM checked
      WHERE NOT intact OR position = rows ORDER BY seq LIMIT 1`;
    if (!row) return { entries, last, broken: null };
    if (!row.intact)
      return { entries: entries + Number(row.position) - 1, last, broken: { seq: row.seq, previousHash: row.previous } };
    entries += Number(row.rows);
    last = { seq: row.seq, hash: row.hash };
    if (row.rows < BigInt(batchSize)) return { entries, last, broken: null };
    after = row.seq;
    running = row.hash;
  }
}

/** The first checkpoint, in seq order, whose entry is gone or has another hash. */
async function firstCheckpointProblem(
  db: Db,
  checkpoints: Array<Pick<AuditCheckpoint, "seq" | "hash">>,
): Promise<{ seq: bigint; missing: boolean } | null> {
  if (checkpoints.length === 0) return null;
  const [row] = await db.$queryRaw<Array<{ seq: bigint; missing: boolean }>>`
    SELECT checkpoint.seq, entry.seq IS NULL AS missing
    FROM unnest(${checkpoints.map((c) => String(c.seq))}::text[]::bigint[], ${checkpoints.map((c) => c.hash)}::text[])
         AS checkpoint(seq, hash)
    LEFT JOIN "AuditEntry" entry ON entry.seq = checkpoint.seq
    WHERE entry.hash IS DISTINCT FROM checkpoint.hash
    ORDER BY checkpoint.seq LIMIT 1`;
  return row ?? null;
}

/** How many entries stand at or before `seq`. */
async function positionOf(db: Db, seq: bigint): Promise<number> {
  const [row] = await db.$queryRaw<Array<{ count: bigint }>>`SELECT count(*) AS count FROM "AuditEntry" WHERE seq <= ${seq}`;
  return Number(row?.count ?? 0);
}

/**
 * A staff verification (P20 evidence): from the first entry, or from the
 * checkpoint at `fromCheckpointSeq`. The verification is itself audited.
 */
export async function verifyAuditLog(
  services: Services,
  actor: Actor,
  input: { fromCheckpointSeq?: bigint | null } = {},
): Promise<AuditChainVerification & { fromCheckpointSeq: bigint | null }> {
  authorize(actor, "audit.read");
  const fromCheckpointSeq = input.fromCheckpointSeq ?? null;
  let from: AuditCheckpoint | null = null;
  if (fromCheckpointSeq !== null) {
    from = await services.db.auditCheckpoint.findUnique({ where: { seq: fromCheckpointSeq } });
    if (!from) throw new NotFoundError("The checkpoint");
  }
  const result = await verifyAuditChain(services.db, {
    publicKey: auditSigningKeys(services.config).publicKey,
    from,
    stream: auditStreamSource(services.config),
  });
  await services.db.$transaction((tx) =>
    appendAuditEntry(
      tx,
      actor,
      {
        action: "audit_chain.verified",
        subjectType: "AuditLog",
        subjectId: null,
        details: {
          fromCheckpointSeq: fromCheckpointSeq === null ? null : Number(fromCheckpointSeq),
          entries: result.entries,
          valid: result.valid,
          brokenAtSeq: result.valid ? null : Number(result.brokenAtSeq),
          problem: result.valid ? null : result.problem,
        },
      },
      services.now(),
    ),
  );
  return { ...result, fromCheckpointSeq };
}
