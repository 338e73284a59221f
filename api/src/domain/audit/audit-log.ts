/**
 * The audit log: who did what to which record, and why. Tamper-evident: each
 * entry's hash covers its content and the previous entry's hash, so changing,
 * removing or reordering any entry breaks every hash after it (verification.ts
 * walks the chain; checkpoints.ts signs where it stood).
 *
 * Entries hold ids and field names, never personal values (no emails, phone
 * numbers, message text): the log outlives the data it describes. Free text
 * staff write goes to an erasable note that the entry names by id.
 */
import { hash } from "node:crypto";
import { type ActorType, Prisma } from "@smsape/db";
import { type Actor, auditActor } from "../actors.ts";
import { isUuid, newRecordId } from "../ids.ts";
import type { AuditEvent } from "./events.ts";

/** The previous hash of the first entry. */
export const genesisHash = "0".repeat(64);

/**
 * The text an entry's hash covers, built from its columns by PostgreSQL, the
 * same expression for a new entry (from its values) and for a stored one (from
 * its row). Every value is quoted (`quote_nullable`), so no two contents read
 * alike: `NULL` and `''` differ, and a separator inside a value is inside quotes.
 * `at` is written as `toISOString()` would; `details` as jsonb prints it.
 */
export const auditContentSql = Prisma.raw(
  `concat_ws('|', to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), quote_nullable("actorType"::text), ` +
    `quote_nullable("actorId"), quote_nullable("action"), quote_nullable("subjectType"), ` +
    `quote_nullable("subjectId"), quote_nullable("reason"), quote_nullable("details"::text))`,
);

/** An entry's hash: SHA-256 over the previous hash and the entry's content, in hex. */
export function auditHash(prevHash: string, content: string): string {
  return hash("sha256", prevHash + content);
}

/**
 * An actor named directly, for steps taken before anyone is signed in: a
 * staff member's own sign-in, a customer confirming a link from an email.
 */
export interface AuditActorRef {
  actorType: ActorType;
  actorId: string;
}

export interface AppendedAuditEntry {
  seq: bigint;
  prevHash: string;
  hash: string;
}

export interface AuditNoteInput {
  /** What staff wrote; it may name a person. */
  text: string;
  /** The account the text is about: erasing that account deletes it. */
  aboutAccountId: string | null;
}

/**
 * Appends an event in the caller's transaction; the entry exists exactly when
 * the change it describes does. `note` is free text kept outside the chain
 * (in AuditNote, erasable) and named by id in the entry's details.
 *
 * Appends are serialised by the lock on the chain's head row (AuditHead), held
 * until the caller's transaction ends: the chain has one order whatever the
 * number of instances. Taking the lock, reading the previous hash and writing
 * the entry with its hash (PostgreSQL's sha256) is one statement, so the lock
 * is held from that one round trip to the end of the caller's transaction.
 */
export async function appendAuditEntry(
  tx: Prisma.TransactionClient,
  actor: Actor | AuditActorRef,
  event: AuditEvent,
  at: Date,
  options: { note?: AuditNoteInput } = {},
): Promise<AppendedAuditEntry> {
  assertReasonCode(event.reason);
  const details: Record<string, unknown> = { ...event.details };
  assertNoPersonalValues(details);
  if (options.note) {
    const noteId = newRecordId();
    await tx.auditNote.create({
      data: { id: noteId, text: options.note.text, accountId: options.note.aboutAccountId, createdAt: at },
    });
    details.noteId = noteId;
  }
  const { actorType, actorId } = "kind" in actor ? auditActor(actor) : actor;
  // One statement: the UPDATE waits for the head row's lock, then (READ COMMITTED
  // re-reads a row that changed while it waited) chains onto the newest head.
  const [entry] = await tx.$queryRaw<Array<{ seq: bigint; prevHash: string; hash: string }>>`
    WITH entry AS (
      SELECT (${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')::timestamp(3) AS "at",
             ${actorType}::"ActorType" AS "actorType", ${actorId}::text AS "actorId",
             ${event.action}::text AS "action", ${event.subjectType}::text AS "subjectType",
             ${event.subjectId}::text AS "subjectId", ${event.reason ?? null}::text AS "reason",
             ${JSON.stringify(details)}::jsonb AS "details"
    ), head AS (
      UPDATE "AuditHead" SET "prevHash" = "AuditHead".hash,
             hash = encode(sha256(convert_to("AuditHead".hash || ${auditContentSql}, 'UTF8')), 'hex')
      FROM entry WHERE "AuditHead".id = 1
      RETURNING entry.*, "AuditHead"."prevHash", "AuditHead".hash
    )
    INSERT INTO "AuditEntry" ("at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", "prevHash", "hash")
    SELECT "at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details", "prevHash", hash FROM head
    RETURNING seq, "prevHash", hash`;
  if (!entry) throw new Error("The audit entry was not written.");
  return entry;
}

/**
 * Deletes the notes about an account (erasure, P16). The entries that named
 * them keep the note's id, which now points at nothing; the chain is untouched
 * and still verifies.
 */
export async function eraseAuditNotesAbout(tx: Prisma.TransactionClient, accountId: string): Promise<number> {
  const { count } = await tx.auditNote.deleteMany({ where: { accountId } });
  return count;
}

const reasonCode = /^[a-z][a-z0-9_.-]{0,63}$/;

/** A reason is a code (`customer_asked`), so a sentence that could name someone never reaches the chain. */
function assertReasonCode(reason: string | null | undefined): void {
  if (reason != null && !reasonCode.test(reason)) {
    throw new Error("An audit reason is a code such as customer_asked; write explanations in a note.");
  }
}

const looksLikeEmail = /@/;
const looksLikePhoneOrCard = /\+?\d[\d\s().-]{5,}\d/;
const isoTime = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?Z)?$/;
const word = /^[A-Za-z0-9_.:-]{0,100}$/;

/**
 * A guard, not a proof: detail strings must be ids, timestamps or single
 * words (field names, states, codes), and none may look like an email
 * address or a phone or card number, so a careless caller fails loudly in
 * tests instead of writing personal data into a log that is never rewritten.
 */
function assertNoPersonalValues(value: unknown, path = "details"): void {
  if (typeof value === "string") {
    if (isUuid(value) || isoTime.test(value)) return;
    if (!word.test(value) || looksLikeEmail.test(value) || looksLikePhoneOrCard.test(value)) {
      throw new Error(`Audit ${path} looks like personal data; audit details hold ids and field names only.`);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) assertNoPersonalValues(item, `${path}[${index}]`);
  } else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (!word.test(key)) throw new Error(`Audit ${path} has a key that is not a field name.`);
      assertNoPersonalValues(item, `${path}.${key}`);
    }
  }
}
