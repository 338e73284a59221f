/**
 * Verifying the audit log: walks the chain in seq order, re-hashing each
 * entry's content onto the hash of the entry before it, and checks every
 * signed checkpoint on the way. It starts from the first entry, or from a
 * checkpoint (whose signature and entry are checked first), and stops at the
 * first thing wrong.
 */
import type { KeyObject } from "node:crypto";
import type { AuditCheckpoint, Prisma, PrismaClient } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { NotFoundError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";
import { appendAuditEntry, auditContentSql, auditHash, genesisHash } from "./audit-log.ts";
import { auditSigningKeys, checkpointSignatureValid, checkpointsAfter } from "./checkpoints.ts";

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
  batchSize?: number;
}

/**
 * Each entry is checked against the running hash, never against the
 * `prevHash` it stores (a stored link proves nothing about the entry actually
 * before it); the stored link is read only to say what broke. Entries are read
 * in keyset pages of seq, hash and the content PostgreSQL prints for them.
 */
export async function verifyAuditChain(db: Db, options: VerifyOptions): Promise<AuditChainVerification> {
  const batchSize = options.batchSize ?? 20_000;
  const from = options.from ?? null;
  let position = 0;
  let entries = 0;
  const broken = (seq: bigint, at: number, problem: AuditChainProblem) =>
    ({ valid: false, entries, brokenAtSeq: seq, brokenAtPosition: at, problem }) as const;

  let running = genesisHash;
  let after = -1n;
  if (from) {
    position = await positionOf(db, from.seq);
    if (!checkpointSignatureValid(from, options.publicKey)) return broken(from.seq, position, "checkpoint-signature-invalid");
    const [entry] = await db.$queryRaw<Array<{ hash: string }>>`SELECT hash FROM "AuditEntry" WHERE seq = ${from.seq}`;
    if (!entry) return broken(from.seq, position + 1, "checkpoint-missing");
    if (entry.hash !== from.hash) return broken(from.seq, position, "checkpoint-mismatch");
    running = from.hash;
    after = from.seq;
  }

  const checkpoints = await checkpointsAfter(db, from ? from.seq : null);
  for (const checkpoint of checkpoints) {
    if (!checkpointSignatureValid(checkpoint, options.publicKey)) {
      return broken(checkpoint.seq, await positionOf(db, checkpoint.seq), "checkpoint-signature-invalid");
    }
  }
  let next = 0;
  let lastSeq: bigint | null = from ? from.seq : null;

  // The next page is fetched while this one is hashed: PostgreSQL prints and Node hashes at once.
  let pending = readAuditPage(db, after, batchSize);
  // A verification that stops early leaves the read ahead unawaited: its failure is nobody's.
  pending.catch(() => {});
  for (;;) {
    const page = await pending;
    if (page.rows === batchSize && page.last !== null) {
      pending = readAuditPage(db, page.last, batchSize);
      pending.catch(() => {});
    }
    for (const row of page.entries) {
      position += 1;
      const checkpoint = checkpoints[next];
      if (checkpoint && checkpoint.seq < row.seq) return broken(checkpoint.seq, position, "checkpoint-missing");
      if (auditHash(running, row.content) !== row.hash) {
        const [stored] = await db.$queryRaw<Array<{ prevHash: string }>>`
          SELECT "prevHash" FROM "AuditEntry" WHERE seq = ${row.seq}`;
        return broken(row.seq, position, stored?.prevHash === running ? "hash-mismatch" : "chain-broken");
      }
      if (checkpoint && checkpoint.seq === row.seq) {
        if (checkpoint.hash !== row.hash) return broken(checkpoint.seq, position, "checkpoint-mismatch");
        next += 1;
      }
      running = row.hash;
      entries += 1;
    }
    if (page.last !== null) lastSeq = page.last;
    if (page.rows < batchSize) break;
  }
  const unreached = checkpoints[next];
  if (unreached) return broken(unreached.seq, position + 1, "truncated");
  return { valid: true, entries, lastPosition: position, lastSeq, checkpoints: checkpoints.length + (from ? 1 : 0) };
}

export interface AuditPage {
  /** How many entries the page holds. */
  rows: number;
  last: bigint | null;
  entries: Array<{ seq: bigint; hash: string; content: string }>;
}

/**
 * The `limit` entries after `after`, in seq order: seq, hash and the content
 * PostgreSQL prints for each (`auditContentSql`).
 */
export async function readAuditPage(db: Db, after: bigint, limit: number): Promise<AuditPage> {
  const rows = await db.$queryRaw<Array<{ seq: bigint; hash: string; content: string }>>`
    SELECT seq, hash, ${auditContentSql} AS content FROM "AuditEntry" WHERE seq > ${after} ORDER BY seq LIMIT ${limit}`;
  return { rows: rows.length, last: rows.at(-1)?.seq ?? null, entries: rows };
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
  const result = await verifyAuditChain(services.db, { publicKey: auditSigningKeys(services.config).publicKey, from });
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
