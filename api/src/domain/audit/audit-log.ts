/**
 * The audit log: who did what to which record, and why. Tamper-evident: each
 * entry's hash covers its content and the previous entry's hash, so changing,
 * removing or reordering any entry breaks every hash after it.
 *
 * Entries hold ids and field names, never personal values (no emails, phone
 * numbers, message text): the log outlives the data it describes.
 */
import { createHash } from "node:crypto";
import type { ActorType, AuditEntry, Prisma, PrismaClient } from "@smsape/db";
import { isUuid } from "../ids.ts";

export type AuditDetailValue = string | number | boolean | null | AuditDetailValue[] | { [key: string]: AuditDetailValue };
export type AuditDetails = { [key: string]: AuditDetailValue };

export interface NewAuditEntry {
  actorType: ActorType;
  actorId: string | null;
  /** What happened, as `subject.verb`: `privacy_request.created`. */
  action: string;
  subjectType: string;
  subjectId: string | null;
  reason?: string | null;
  details?: AuditDetails | null;
  /** When it happened; the service clock. */
  at: Date;
}

/** The previous hash of the first entry. */
export const genesisHash = "0".repeat(64);

/** Any constant: transactions that append take this lock, so the chain has one order. */
const appendLockKey = 7_001_017;

/**
 * Appends an entry in the caller's transaction; the entry exists exactly when
 * the change it describes does. Appends are serialised by a transaction-level
 * advisory lock, held until the caller's transaction ends.
 */
export async function appendAuditEntry(tx: Prisma.TransactionClient, entry: NewAuditEntry): Promise<AuditEntry> {
  if (entry.details) assertNoPersonalValues(entry.details);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${appendLockKey}::bigint)`;
  const previous = await tx.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const prevHash = previous?.hash ?? genesisHash;
  const content = auditContent({ ...entry, reason: entry.reason ?? null, details: entry.details ?? null });
  return tx.auditEntry.create({
    data: {
      ...content,
      at: entry.at,
      details: content.details ?? undefined,
      prevHash,
      hash: auditHash(prevHash, content),
    },
  });
}

type AuditContent = Omit<NewAuditEntry, "at"> & { at: string; reason: string | null; details: AuditDetails | null };

function auditContent(entry: Omit<NewAuditEntry, "at"> & { at: Date }): AuditContent {
  return {
    at: entry.at.toISOString(),
    actorType: entry.actorType,
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    reason: entry.reason ?? null,
    details: entry.details ?? null,
  };
}

export function auditHash(prevHash: string, content: AuditContent): string {
  return createHash("sha256").update(prevHash).update(canonicalJson(content)).digest("hex");
}

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
}

export type AuditChainVerification =
  | { valid: true; entries: number }
  | {
      valid: false;
      /** The first entry that does not follow from the entries before it. */
      brokenAtSeq: bigint;
      /** Where that entry stands in the chain as read in seq order, counting from 1. */
      brokenAtPosition: number;
      /**
       * `chain-broken`: it does not name the entry before it (one was removed, inserted or
       * reordered); `hash-mismatch`: its own content was changed.
       */
      problem: "chain-broken" | "hash-mismatch";
    };

/**
 * Walks the chain in seq order, carrying the hash of the entry before. Each entry
 * is checked against that running hash, never against the `prevHash` it stores:
 * a stored link proves nothing about the entry actually before it.
 */
export async function verifyAuditChain(
  db: PrismaClient | Prisma.TransactionClient,
  batchSize = 500,
): Promise<AuditChainVerification> {
  let prevHash = genesisHash;
  let after: bigint | null = null;
  let position = 0;
  for (;;) {
    const batch: AuditEntry[] = await db.auditEntry.findMany({
      where: after === null ? {} : { seq: { gt: after } },
      orderBy: { seq: "asc" },
      take: batchSize,
    });
    for (const entry of batch) {
      position += 1;
      const broken = (problem: "chain-broken" | "hash-mismatch") =>
        ({ valid: false, brokenAtSeq: entry.seq, brokenAtPosition: position, problem }) as const;
      if (entry.prevHash !== prevHash) return broken("chain-broken");
      const content = auditContent({
        at: entry.at,
        actorType: entry.actorType,
        actorId: entry.actorId,
        action: entry.action,
        subjectType: entry.subjectType,
        subjectId: entry.subjectId,
        reason: entry.reason,
        details: (entry.details ?? null) as AuditDetails | null,
      });
      if (auditHash(prevHash, content) !== entry.hash) return broken("hash-mismatch");
      prevHash = entry.hash;
    }
    if (batch.length < batchSize) return { valid: true, entries: position };
    after = batch[batch.length - 1]!.seq;
  }
}

const looksLikeEmail = /@/;
const looksLikePhoneOrCard = /\+?\d[\d\s().-]{5,}\d/;

/**
 * A guard, not a proof: refuses detail values that look like an email address
 * or a phone or card number, so a careless caller fails loudly in tests
 * instead of writing personal data into a log that is never rewritten.
 */
function assertNoPersonalValues(value: AuditDetailValue, path = "details"): void {
  if (typeof value === "string") {
    if (isUuid(value)) return;
    if (looksLikeEmail.test(value) || looksLikePhoneOrCard.test(value)) {
      throw new Error(`Audit ${path} looks like personal data; audit details hold ids and field names only.`);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) assertNoPersonalValues(item, `${path}[${index}]`);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) assertNoPersonalValues(item, `${path}.${key}`);
  }
}
