/**
 * What each retention policy's purge does, table by table: which records are
 * due (the event its clock counts from), whose account they belong to (for
 * legal holds), and whether they are deleted or which columns are cleared.
 *
 * Every target is walked in keyset order, `(at, id)` or `id` alone, so a batch
 * starts exactly where the previous one ended: a run resumes after a crash
 * from the cursor its last batch committed, and reaches every due record once.
 * The SQL below is assembled from these constants only; values are parameters.
 */
import { Prisma } from "@smsape/db";
import type { InventoriedModel } from "../privacy/inventory.ts";
import type { RetentionPolicyKey } from "./policies.ts";

export interface PurgeTarget {
  /** The model, whose table (of the same name) the purge walks. */
  model: InventoriedModel;
  /** The primary key column ("id" unless said otherwise), and its type. */
  idColumn?: string;
  idType: "uuid" | "text";
  /**
   * A table listing exactly the model's records that still hold what the policy removes, keyed by
   * the record's id, walked instead of the model's table: `r` below is then a row of it. The purge
   * deletes a record's row there when it changes the record, so the walk never passes over purged
   * records, and the model's table needs no index on what the purge changes (its UPDATE can be HOT).
   */
  walk?: { table: string; key: string };
  /**
   * The instant the policy's clock counts from, as SQL over the row `r`.
   * "time" targets are walked in (at, id) order, over an index that has both;
   * "id" targets in id order (UUID v7 ids are in creation order), for clocks
   * that are an expression no index holds.
   */
  at: string;
  order: "time" | "id";
  /** Rows that still hold what the policy removes (not yet purged). */
  pending: string;
  /**
   * Joins needed to name the owning account. A batch joins only while some account is under a legal
   * hold: otherwise no row can be held for its account, and the join is work for nothing.
   */
  join?: string;
  /** The owning account's id, for holds on an account; NULL for staff data. */
  accountId: string;
  change: { kind: "delete" } | { kind: "anonymise"; clears: string[]; set: (now: Prisma.Sql) => Prisma.Sql };
  /** Set for the transaction: the database lets only this purge remove such rows. */
  permit?: string;
}

/** When a one-time secret stopped working: its use, or its expiry if it was never used. */
const usedOrExpired = (used: string) => `LEAST(COALESCE(r."${used}", 'infinity'::timestamp), r."expiresAt")`;

const sessionEnd = `LEAST(COALESCE(r."revokedAt", 'infinity'::timestamp), r."idleExpiresAt", r."absoluteExpiresAt")`;

export const purgeTargets: Record<RetentionPolicyKey, readonly PurgeTarget[]> = {
  "sms.body": [
    {
      model: "SmsMessage",
      idType: "uuid",
      walk: { table: "SmsAwaitingPurge", key: "smsId" },
      at: `r."receivedAt"`,
      order: "time",
      pending: "TRUE",
      join: `JOIN "SmsMessage" m ON m.id = r."smsId" JOIN "Activation" a ON a.id = m."activationId"`,
      accountId: `a."accountId"`,
      change: {
        kind: "anonymise",
        clears: ["bodyCiphertext", "codeCiphertext"],
        set: (now) => Prisma.sql`"bodyCiphertext" = NULL, "codeCiphertext" = NULL, "purgedAt" = ${now}`,
      },
    },
  ],
  "activation.routing": [
    {
      model: "Activation",
      idType: "uuid",
      at: `r."endedAt"`,
      order: "time",
      pending: `r."routingCiphertext" IS NOT NULL AND r."endedAt" IS NOT NULL`,
      accountId: `r."accountId"`,
      change: { kind: "anonymise", clears: ["routingCiphertext"], set: () => Prisma.sql`"routingCiphertext" = NULL` },
    },
  ],
  session: [
    {
      model: "Session",
      idType: "uuid",
      at: sessionEnd,
      order: "id",
      pending: "TRUE",
      accountId: `r."accountId"`,
      change: { kind: "delete" },
    },
    {
      model: "StaffSession",
      idType: "uuid",
      at: sessionEnd,
      order: "id",
      pending: "TRUE",
      accountId: "NULL::uuid",
      change: { kind: "delete" },
    },
    {
      model: "StaffSignInThrottle",
      idColumn: "addressHash",
      idType: "text",
      // A count of failures lives while its window or lock does.
      at: `GREATEST(COALESCE(r."lockedUntil", '-infinity'::timestamp), COALESCE(r."failureWindowStart", '-infinity'::timestamp))`,
      order: "id",
      pending: "TRUE",
      accountId: "NULL::uuid",
      change: { kind: "delete" },
    },
    {
      model: "StaffSignInChallenge",
      idType: "uuid",
      at: usedOrExpired("usedAt"),
      order: "id",
      pending: "TRUE",
      accountId: "NULL::uuid",
      change: { kind: "delete" },
    },
  ],
  token: [
    {
      model: "AccountToken",
      idType: "uuid",
      at: usedOrExpired("usedAt"),
      order: "id",
      pending: "TRUE",
      accountId: `r."accountId"`,
      change: { kind: "delete" },
    },
    {
      model: "EmailChange",
      idType: "uuid",
      at: usedOrExpired("confirmedAt"),
      order: "id",
      pending: "TRUE",
      accountId: `r."accountId"`,
      change: { kind: "delete" },
    },
    {
      model: "PrivacyRequestIdentityToken",
      idType: "uuid",
      at: usedOrExpired("usedAt"),
      order: "id",
      pending: "TRUE",
      join: `JOIN "PrivacyRequest" p ON p.id = r."requestId"`,
      accountId: `p."accountId"`,
      change: { kind: "delete" },
    },
  ],
  "email.outbox": [
    {
      model: "OutboxEmail",
      idType: "uuid",
      // Delivered: from delivery. Given up on (FAILED): from when it was queued.
      at: `COALESCE(r."sentAt", r."createdAt")`,
      order: "id",
      pending: `r.status <> 'PENDING'`,
      accountId: `r."accountId"`,
      change: { kind: "delete" },
    },
  ],
  "privacy.request": [
    {
      model: "PrivacyRequest",
      idType: "uuid",
      at: `r."completedAt"`,
      order: "id",
      pending: `r."completedAt" IS NOT NULL`,
      accountId: `r."accountId"`,
      change: { kind: "delete" },
    },
  ],
  ledger: [
    {
      model: "LedgerEntry",
      idType: "uuid",
      at: `r."createdAt"`,
      order: "id",
      pending: `r."accountId" IS NULL`,
      accountId: "NULL::uuid",
      change: { kind: "delete" },
      permit: "ledger",
    },
    {
      model: "PaymentEvent",
      idType: "text",
      at: `r."receivedAt"`,
      order: "id",
      pending: `r."accountId" IS NULL AND NOT EXISTS (SELECT 1 FROM "LedgerEntry" l WHERE l."paymentEventId" = r.id)`,
      accountId: "NULL::uuid",
      change: { kind: "delete" },
    },
  ],
  "webhook.delivery": [
    {
      model: "WebhookDelivery",
      idType: "uuid",
      at: `r."createdAt"`,
      order: "time",
      pending: "TRUE",
      join: `JOIN "WebhookEndpoint" e ON e.id = r."endpointId"`,
      accountId: `e."accountId"`,
      change: { kind: "delete" },
    },
  ],
};

/** Where a target's walk has reached: the last record a committed batch examined. */
export type PurgeCursor = {
  /** Index into the policy's targets. */
  target: number;
  at: string | null;
  id: string | null;
};

export interface BatchOutcome {
  examined: number;
  changed: number;
  heldBack: number;
  /** The last record examined; null when the target had nothing left. */
  last: { at: string | null; id: string } | null;
}

/** Active legal holds on an account (any account), as SQL. */
function accountHoldsSql(now: Date, account?: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`EXISTS (
    SELECT 1 FROM "LegalHold" h
    WHERE h.scope = 'ACCOUNT' ${account ? Prisma.sql`AND h."accountId" = ${account}` : Prisma.empty} AND h."liftedAt" IS NULL
      AND (h."until" IS NULL OR h."until" > ${ts(now)}))`;
}

/** Rows of the target held by an active legal hold on their account, or all of them under a hold on the category. */
function heldSql(now: Date, categoryHeld: boolean): Prisma.Sql {
  return Prisma.sql`(${categoryHeld} OR ${accountHoldsSql(now, Prisma.sql`c.account_id`)})`;
}

function ts(date: Date): Prisma.Sql {
  return Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/** The changed record's key, in the model's table. */
function keyOf(target: PurgeTarget, alias: string): Prisma.Sql {
  return Prisma.raw(`${alias}."${target.idColumn ?? "id"}"`);
}

/** The walked table (the model's own, or the list of its records still due) and its key column, over `r`. */
function walkOf(target: PurgeTarget): { table: Prisma.Sql; key: string } {
  return {
    table: Prisma.raw(`"${target.walk?.table ?? target.model}"`),
    key: `r."${target.walk?.key ?? target.idColumn ?? "id"}"`,
  };
}

function afterSql(target: PurgeTarget, cursor: PurgeCursor | null): Prisma.Sql {
  if (!cursor?.id) return Prisma.sql`TRUE`;
  const id = target.idType === "uuid" ? Prisma.sql`${cursor.id}::uuid` : Prisma.sql`${cursor.id}::text`;
  const key = Prisma.raw(walkOf(target).key);
  if (target.order === "id") return Prisma.sql`${key} > ${id}`;
  const at = ts(new Date(cursor.at ?? 0));
  return Prisma.sql`${Prisma.raw(target.at)} >= ${at} AND (${Prisma.raw(target.at)}, ${key}) > (${at}, ${id})`;
}

/** The walk's order reversed, every key descending (a lone trailing DESC would reverse only the id). */
function reverseOrderSql(target: PurgeTarget, alias: string): string {
  return target.order === "id" ? `${alias}.id DESC` : `${alias}.at DESC, ${alias}.id DESC`;
}

/**
 * The next `limit` due records after the cursor, with their owning account. A target whose account
 * needs a join is read one of two ways, chosen inside the statement (so on the same snapshot as the
 * holds the batch then applies): without the join while no account is under a hold, the account then
 * being NULL, and with it otherwise. PostgreSQL runs only the branch whose one-time condition holds.
 * `holds` (one row: `any_hold`) is defined by the statement this is part of.
 */
function candidatesSql(target: PurgeTarget, options: { cutoff: Date; cursor: PurgeCursor | null; limit: number }): Prisma.Sql {
  const { table, key } = walkOf(target);
  const order = target.order === "id" ? key : `${target.at}, ${key}`;
  const read = (join: string, accountId: string, when: Prisma.Sql) => Prisma.sql`
    SELECT ${Prisma.raw(key)} AS id, ${Prisma.raw(target.at)} AS at, ${Prisma.raw(accountId)} AS account_id
    FROM ${table} r ${Prisma.raw(join)}
    WHERE ${when} AND ${Prisma.raw(target.pending)} AND ${Prisma.raw(target.at)} < ${ts(options.cutoff)}
      AND ${afterSql(target, options.cursor)}
    ORDER BY ${Prisma.raw(order)}
    LIMIT ${options.limit}`;
  if (!target.join) return read("", target.accountId, Prisma.sql`TRUE`);
  return Prisma.sql`
    (${read("", "NULL::uuid", Prisma.sql`NOT (SELECT any_hold FROM holds)`)})
    UNION ALL
    (${read(target.join, target.accountId, Prisma.sql`(SELECT any_hold FROM holds)`)})`;
}

/**
 * One batch in the caller's transaction: up to `limit` due records after the
 * cursor, each either changed or (under a hold) counted as held back.
 */
export async function purgeBatch(
  tx: Prisma.TransactionClient,
  target: PurgeTarget,
  options: { cutoff: Date; cursor: PurgeCursor | null; limit: number; now: Date; categoryHeld: boolean },
): Promise<BatchOutcome> {
  const { now, categoryHeld } = options;
  if (target.permit) await tx.$executeRaw`SELECT set_config('smsape.retention_purge', ${target.permit}, true)`;
  // The branch not taken still counts in the plan's cost, which then passes jit_above_cost at large
  // batches: compiling the statement each time took longer than running what JIT would speed up.
  // A batch changes at most `limit` rows found by key: nested loops over the key's index. A hash or
  // merge join would read the whole table (or the whole list of SMS awaiting purge) for every batch,
  // and the planner picked one at a million rows, making the purge quadratic.
  await tx.$executeRaw`SELECT set_config('jit', 'off', true), set_config('enable_hashjoin', 'off', true),
    set_config('enable_mergejoin', 'off', true)`;
  const table = Prisma.raw(`"${target.model}"`);
  const change =
    target.change.kind === "delete"
      ? Prisma.sql`DELETE FROM ${table} t USING go WHERE ${keyOf(target, "t")} = go.id RETURNING 1`
      : Prisma.sql`UPDATE ${table} t SET ${target.change.set(ts(now))} FROM go WHERE ${keyOf(target, "t")} = go.id RETURNING 1`;
  // A changed record leaves the list of those still due, in the same statement (a cascade does it for a delete).
  const walked = target.walk
    ? Prisma.sql`, walked AS (DELETE FROM ${Prisma.raw(`"${target.walk.table}"`)} w USING go WHERE w.${Prisma.raw(`"${target.walk.key}"`)} = go.id)`
    : Prisma.empty;
  const [row] = await tx.$queryRaw<
    Array<{ examined: number; changed: number; held: number; last_at: Date | null; last_id: string | null }>
  >`
    WITH holds AS MATERIALIZED (SELECT ${accountHoldsSql(now)} AS any_hold),
    c AS MATERIALIZED (${candidatesSql(target, options)}),
    go AS (SELECT c.id FROM c WHERE NOT ${heldSql(now, categoryHeld)}),
    done AS (${change})${walked},
    last AS (SELECT c.at, c.id FROM c ORDER BY ${Prisma.raw(reverseOrderSql(target, "c"))} LIMIT 1)
    SELECT (SELECT count(*) FROM c)::int AS examined,
           (SELECT count(*) FROM done)::int AS changed,
           (SELECT count(*) FROM c)::int - (SELECT count(*) FROM go)::int AS held,
           (SELECT at AT TIME ZONE 'UTC' FROM last) AS last_at,
           (SELECT id::text FROM last) AS last_id`;
  if (!row) throw new Error("The purge batch returned nothing.");
  return {
    examined: row.examined,
    changed: row.changed,
    heldBack: row.held,
    last: row.last_id ? { at: row.last_at ? new Date(row.last_at).toISOString() : null, id: row.last_id } : null,
  };
}

/** What a purge of the target would do now, changing nothing. */
export async function purgeTargetImpact(
  db: Prisma.TransactionClient,
  target: PurgeTarget,
  options: { cutoff: Date; now: Date; categoryHeld: boolean },
): Promise<{ due: number; heldBack: number; oldest: Date | null }> {
  const { table } = walkOf(target);
  const [row] = await db.$queryRaw<Array<{ due: number; held: number; oldest: Date | null }>>`
    WITH c AS (
      SELECT ${Prisma.raw(target.at)} AS at, ${Prisma.raw(target.accountId)} AS account_id
      FROM ${table} r ${Prisma.raw(target.join ?? "")}
      WHERE ${Prisma.raw(target.pending)} AND ${Prisma.raw(target.at)} < ${ts(options.cutoff)}
    )
    SELECT count(*)::int AS due,
           (count(*) FILTER (WHERE ${heldSql(options.now, options.categoryHeld)}))::int AS held,
           min(at) AT TIME ZONE 'UTC' AS oldest
    FROM c`;
  return { due: row?.due ?? 0, heldBack: row?.held ?? 0, oldest: row?.oldest ? new Date(row.oldest) : null };
}
