/**
 * One part of the audit log checked as it streams out of PostgreSQL: a binary
 * COPY of the entries' columns in seq order, each entry's content written here
 * byte for byte as `auditContentSql` prints it, hashed onto the stored hash of
 * the entry before it, and compared with its own stored hash.
 *
 * Nothing is printed by the server but the columns themselves (the content
 * expression and SHA-256 cost PostgreSQL more than they cost Node), and no row
 * object is built: the COPY output is read where it lands. This module runs in
 * the worker threads of streamed-check.ts, so it imports nothing heavier than
 * the COPY client (no Prisma client).
 */
import { hash } from "node:crypto";
import { copyOut } from "@smsape/db/copy";

/** How far a check got: entries that checked out, the last of them, and the first that did not. */
export interface ChainScan {
  entries: number;
  last: { seq: bigint; hash: string } | null;
  /** The first entry whose hash is not its content's hash on `previousHash`, the stored hash before it. */
  broken: { seq: bigint; previousHash: string } | null;
}

/** The columns `auditContentSql` reads, after seq and hash; the content is written from them in this order. */
const columns = `seq, hash, "at", "actorType", "actorId", "action", "subjectType", "subjectId", "reason", "details"`;
const columnCount = 10;

/** The COPY that streams the entries after `after` (up to `upTo`), in seq order. */
export function auditCopySql(after: bigint, upTo: bigint | null = null): string {
  const range = `seq > ${BigInt(after)}${upTo === null ? "" : ` AND seq <= ${BigInt(upTo)}`}`;
  return `COPY (SELECT ${columns} FROM "AuditEntry" WHERE ${range} ORDER BY seq) TO STDOUT (FORMAT binary)`;
}

/** A range of seqs to check: the entries after `after` up to `upTo` (to the end: null), the first onto `running`. */
export interface ChainPart {
  url: string;
  after: bigint;
  upTo: bigint | null;
  running: string;
}

/**
 * Streams one part and checks it; stops reading at its first broken entry, or
 * as soon as `stopped()` says an earlier part has one (its result is then
 * partial, and not used).
 */
export async function checkChainPart(part: ChainPart, stopped: () => boolean): Promise<ChainScan> {
  const check = new StreamedChainCheck(part.running);
  let interrupted = false;
  await copyOut(part.url, auditCopySql(part.after, part.upTo), (piece) => {
    if (stopped()) {
      interrupted = true;
      return false;
    }
    return check.push(piece);
  });
  return interrupted ? check.partial() : check.result();
}

const quote = 0x27;
const backslash = 0x5c;
const bar = 0x7c;
const copySignature = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const headerLength = copySignature.length + 8;
/** How much of a piece is copied to complete a row cut between pieces. */
const joinBytes = 8192;
/** `quote_nullable(NULL)`. */
const nullLiteral = Buffer.from("NULL");

/**
 * Reads COPY's binary format (a header, then per row a field count and each
 * field as a length and its bytes, then a -1 trailer) from pieces that end
 * anywhere, and checks each row as it completes.
 */
export class StreamedChainCheck {
  /** Hash input under construction: the previous entry's hash (64 hex digits), then the content. */
  private input = Buffer.allocUnsafe(4096);
  private rest: Buffer | null = null;
  private headerRead = false;
  private ended = false;
  private entries = 0;
  private lastSeq: bigint | null = null;
  private lastSeqAt = -1;
  private broken: ChainScan["broken"] = null;
  private readonly offsets = new Int32Array(columnCount);
  private readonly lengths = new Int32Array(columnCount);
  private readonly at = new TimestampWriter();
  /** The hash computed for the entry being checked, as hex digits, to compare with the stored one in one call. */
  private readonly computed = Buffer.alloc(64);
  /** Where the next quote and backslash stand in the data being read (Infinity: none). */
  private nextQuote = -1;
  private nextBackslash = -1;

  /** `running`: the stored hash of the entry before the first (the genesis hash before the first of all). */
  constructor(running: string) {
    if (!/^[0-9a-f]{64}$/.test(running)) throw new Error("A chain is checked onto a hash of 64 hex digits.");
    this.input.write(running, 0, "latin1");
  }

  /** Takes the next piece of the COPY output; false once a broken entry is found (read no further). */
  push(piece: Buffer): boolean {
    if (this.broken || this.ended) return !this.broken;
    let data = piece;
    let at = 0;
    const rest = this.rest;
    this.rest = null;
    if (rest) {
      // Only the row cut between two pieces is copied, with the start of this piece it needs (unless it is long).
      const joined = Buffer.concat([rest, piece.subarray(0, joinBytes)]);
      const stop = this.read(joined, 0);
      if (stop >= rest.length || this.broken || this.ended) at = stop - rest.length;
      else if (piece.length <= joinBytes) {
        this.rest = joined.subarray(stop);
        return true;
      } else data = Buffer.concat([rest.subarray(stop), piece]);
    }
    if (this.broken || this.ended) return !this.broken;
    at = this.read(data, at);
    if (!this.broken && !this.ended && at < data.length) this.rest = data.subarray(at);
    return !this.broken;
  }

  result(): ChainScan {
    if (!this.broken && !this.ended) throw new Error("The COPY stream ended before its trailer.");
    return this.partial();
  }

  /** What was checked so far. */
  partial(): ChainScan {
    return {
      entries: this.entries,
      last: this.lastSeq === null ? null : { seq: this.lastSeq, hash: this.input.toString("latin1", 0, 64) },
      broken: this.broken,
    };
  }

  /** Reads the header if it has not been, then checks the complete rows from `start`; returns where it stopped. */
  private read(data: Buffer, start: number): number {
    let at = start;
    if (!this.headerRead) {
      if (data.length - at < headerLength) return at;
      if (!data.subarray(at, at + copySignature.length).equals(copySignature)) throw new Error("Not a binary COPY stream.");
      at += headerLength + data.readInt32BE(at + copySignature.length + 4);
      this.headerRead = true;
    }
    this.nextQuote = -1;
    this.nextBackslash = -1;
    at = this.rows(data, at);
    // The last checked seq, read once per piece rather than once per row.
    if (this.lastSeqAt >= 0) this.lastSeq = data.readBigInt64BE(this.lastSeqAt);
    this.lastSeqAt = -1;
    return at;
  }

  /** Checks the complete rows from `start`; returns where the first incomplete one begins. */
  private rows(data: Buffer, start: number): number {
    const { offsets, lengths } = this;
    const end = data.length;
    let at = start;
    for (;;) {
      const row = at;
      if (at + 2 > end) return row;
      const fields = data.readInt16BE(at);
      at += 2;
      if (fields === -1) {
        this.ended = true;
        return at;
      }
      if (fields !== columnCount) throw new Error(`An audit COPY row has ${fields} fields, not ${columnCount}.`);
      for (let field = 0; field < columnCount; field += 1) {
        if (at + 4 > end) return row;
        const length = (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
        at += 4;
        offsets[field] = at;
        lengths[field] = length;
        if (length > 0) {
          at += length;
          if (at > end) return row;
        }
      }
      if (!this.check(data)) return at;
    }
  }

  /** Checks the row whose fields `offsets` and `lengths` locate in `data`; false if it is broken. */
  private check(data: Buffer): boolean {
    const { offsets, lengths } = this;
    if (lengths[0] !== 8) throw new Error("An audit entry's seq is not an int8.");
    let room = 64 + 64 + 8 * 6;
    for (let field = 3; field < columnCount; field += 1) room += 2 * Math.max(lengths[field]!, 0);
    if (room > this.input.length) {
      const larger = Buffer.allocUnsafe(Math.max(room, 2 * this.input.length));
      this.input.copy(larger, 0, 0, 64);
      this.input = larger;
    }
    const input = this.input;
    let w = 64;

    // to_char("at", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'): NULL for ±infinity, which concat_ws leaves out with its separator.
    const atLength = lengths[2]!;
    let first = true;
    if (atLength === 8) {
      w = this.at.write(data, offsets[2]!, input, w);
      first = w === 64;
    } else if (atLength !== -1) {
      throw new Error("An audit entry's time is not a timestamp.");
    }
    // quote_nullable of actorType::text, actorId, action, subjectType, subjectId, reason, details::text.
    for (let field = 3; field < columnCount; field += 1) {
      if (!first) input[w++] = bar;
      first = false;
      const length = lengths[field]!;
      if (length === -1) {
        w += nullLiteral.copy(input, w);
        continue;
      }
      let from = offsets[field]!;
      const to = from + length;
      // jsonb's binary form is a version byte, then the text jsonb prints.
      if (field === columnCount - 1 && data[from++] !== 1) throw new Error("An audit entry's details are not jsonb version 1.");
      // The next quote and backslash in `data` are looked up once and kept until passed: most fields have neither.
      if (this.nextQuote < from) this.nextQuote = nextIndex(data, quote, from);
      if (this.nextBackslash < from) this.nextBackslash = nextIndex(data, backslash, from);
      const hasBackslash = this.nextBackslash < to;
      w = quoteLiteral(data, from, to, input, w, hasBackslash || this.nextQuote < to, hasBackslash);
    }

    const stored = offsets[1]!;
    const digest = hash("sha256", input.subarray(0, w), "hex");
    const computed = this.computed;
    computed.write(digest, 0, 64, "latin1");
    if (lengths[1] !== 64 || data.compare(computed, 0, 64, stored, stored + 64) !== 0) {
      this.broken = { seq: data.readBigInt64BE(offsets[0]!), previousHash: input.toString("latin1", 0, 64) };
      return false;
    }
    input.write(digest, 0, 64, "latin1");
    this.entries += 1;
    this.lastSeqAt = offsets[0]!;
    return true;
  }
}

/**
 * `quote_literal` over bytes: in single quotes, with quotes and backslashes
 * doubled, and an `E` before the opening quote when there is a backslash.
 * (In UTF-8 neither byte occurs inside a multi-byte character.)
 */
function quoteLiteral(
  src: Buffer,
  from: number,
  to: number,
  out: Buffer,
  at: number,
  hasSpecial: boolean,
  hasBackslash: boolean,
): number {
  let w = at;
  if (!hasSpecial) {
    out[w++] = quote;
    if (to - from > 64) w += src.copy(out, w, from, to);
    else for (let i = from; i < to; i += 1) out[w++] = src[i]!;
    out[w++] = quote;
    return w;
  }
  if (hasBackslash) out[w++] = 0x45; // E
  out[w++] = quote;
  for (let i = from; i < to; i += 1) {
    const byte = src[i]!;
    if (byte === quote || byte === backslash) out[w++] = byte;
    out[w++] = byte;
  }
  out[w++] = quote;
  return w;
}

/** Where `byte` next occurs in `data` from `from`; Infinity if nowhere. */
function nextIndex(data: Buffer, byte: number, from: number): number {
  const index = data.indexOf(byte, from);
  return index === -1 ? Number.POSITIVE_INFINITY : index;
}

/**
 * Writes `to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` for a timestamp in
 * COPY's binary form (int8 microseconds from 2000-01-01 00:00), as PostgreSQL
 * does over its whole range: the proleptic Gregorian calendar, the year
 * without era (1 BC prints as 0001) and at least four digits, milliseconds
 * truncated. Entries come in time order, so each day's date is formatted once.
 */
class TimestampWriter {
  private day = Number.NaN;
  /** "YYYY-MM-DDT" of `day`. */
  private readonly date = Buffer.alloc(16);
  private dateLength = 0;

  /** Returns the new write position; `at` itself for ±infinity (to_char gives NULL). */
  write(data: Buffer, offset: number, out: Buffer, at: number): number {
    const high = data.readInt32BE(offset);
    const low = data.readUInt32BE(offset + 4);
    if ((high === 0x7fffffff && low === 0xffffffff) || (high === -0x80000000 && low === 0)) return at;
    let second: number;
    let micros: number;
    if (high >= -0x100000 && high < 0x100000) {
      // Below 2^52 in magnitude: exact as a double.
      const value = high * 0x100000000 + low;
      micros = value % 1_000_000;
      if (micros < 0) micros += 1_000_000;
      second = (value - micros) / 1_000_000;
    } else {
      const value = (BigInt(high) << 32n) | BigInt(low);
      let rest = value % 1_000_000n;
      if (rest < 0n) rest += 1_000_000n;
      micros = Number(rest);
      second = Number((value - rest) / 1_000_000n);
    }
    const day = Math.floor(second / 86_400);
    if (day !== this.day) this.formatDate(day);
    const { date, dateLength } = this;
    let w = at;
    for (let i = 0; i < dateLength; i += 1) out[w++] = date[i]!;
    const ofDay = second - day * 86_400;
    w = twoDigits(out, w, Math.floor(ofDay / 3600));
    out[w++] = 0x3a; // :
    w = twoDigits(out, w, Math.floor(ofDay / 60) % 60);
    out[w++] = 0x3a;
    w = twoDigits(out, w, ofDay % 60);
    out[w++] = 0x2e; // .
    const millis = Math.floor(micros / 1000);
    out[w++] = 0x30 + Math.floor(millis / 100);
    w = twoDigits(out, w, millis % 100);
    out[w++] = 0x5a; // Z
    return w;
  }

  /** "YYYY-MM-DDT" for a day counted from 2000-01-01. */
  private formatDate(day: number): void {
    const { year, month, date } = civilFromDays(day + 10_957);
    const text = `${String(year <= 0 ? 1 - year : year).padStart(4, "0")}-${pad(month)}-${pad(date)}T`;
    this.dateLength = this.date.write(text, 0, "latin1");
    this.day = day;
  }
}

function twoDigits(out: Buffer, at: number, value: number): number {
  out[at] = 0x30 + Math.floor(value / 10);
  out[at + 1] = 0x30 + (value % 10);
  return at + 2;
}

const pad = (value: number) => String(value).padStart(2, "0");

/**
 * The proleptic Gregorian date `days` after 1970-01-01, with astronomical
 * years (0 is 1 BC), after Howard Hinnant's `civil_from_days`.
 */
function civilFromDays(days: number): { year: number; month: number; date: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, date };
}
