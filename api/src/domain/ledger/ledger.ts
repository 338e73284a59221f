/**
 * The balance ledger (P9). Money only ever moves by appending an entry; a
 * balance is the sum of an account's entries and is never stored or edited.
 * The database refuses UPDATE and DELETE on "LedgerEntry" (see the migration
 * `ledger_append_only`), except clearing the links to an erased account or
 * activation; `accountRef` keeps the books whole after that.
 *
 * Entry kinds and their deltas (available, held), for a price p:
 *   TOP_UP   (+amount, 0)   a payment arrived
 *   HOLD     (-p, +p)       a number was ordered: the price is reserved
 *   CHARGE   (0, -p)        the activation completed: the reservation is spent
 *   RELEASE  (+p, -p)       canceled or timed out: the reservation comes back
 *
 * Amounts are whole minor units (cents) as `bigint`, 64-bit in the database.
 */
import type { LedgerEntry, LedgerEntryKind, Prisma, PrismaClient } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { credentialStandsCondition, credentialStandsParameters } from "../accounts/credentials.ts";
import type { AccountActor } from "../actors.ts";
import { newRecordId } from "../ids.ts";
import { type Balance, type BalanceSums, balanceFromSums, balanceSums, ledgerCurrency } from "./balance-sums.ts";

export { type Balance, ledgerCurrency } from "./balance-sums.ts";

/**
 * The most one account may hold (available plus held), in minor units:
 * 10,000,000,000.00 USD, far beyond any prepaid balance for numbers. A top-up
 * that would pass it is refused. It keeps every balance below 2^53, so clients
 * that read amounts as JSON numbers read them exactly.
 */
export const balanceCeilingMinor = 1_000_000_000_000n;

export type Tx = Prisma.TransactionClient;

/** The balance of an account: the sum of its entries. */
export async function balanceOf(db: Tx | PrismaClient, accountId: string): Promise<Balance> {
  const sums = await db.ledgerEntry.aggregate({
    where: { accountId },
    _sum: { availableDelta: true, heldDelta: true },
  });
  return balanceFromSums({ available: sums._sum.availableDelta ?? 0n, held: sums._sum.heldDelta ?? 0n });
}

/**
 * The balance as a request reads it, outside any transaction: the same sum as
 * balanceOf in one plain SQL statement (see Sql in @smsape/db), since every
 * balance field runs it. Inside a transaction, use balanceOf with the transaction.
 */
export async function currentBalance(services: Pick<Services, "sql">, accountId: string): Promise<Balance> {
  const [sums] = await services.sql.rows<BalanceSums>(
    { name: "balance", text: `SELECT ${balanceSums} FROM "LedgerEntry" WHERE "accountId" = $1::uuid` },
    [accountId],
  );
  return balanceFromSums(sums);
}

/**
 * What a live `balanceChanged` event delivers to one subscriber, in one
 * statement: the account's balance as `currentBalance` reads it, and whether
 * the credential the socket connected with still stands
 * (`credentialStandsCondition`). Without a standing credential there is no balance.
 */
export async function balanceToDeliver(
  services: Services,
  reader: AccountActor,
): Promise<{ credentialStands: boolean; balance: Balance | null }> {
  const [row] = await services.sql.rows<{ credentialStands: boolean } & BalanceSums>(
    {
      name: "balance-to-deliver",
      text: `SELECT ${credentialStandsCondition} AS "credentialStands", ${balanceSums} FROM "LedgerEntry" WHERE "accountId" = $4::uuid`,
    },
    [...credentialStandsParameters(services, reader), reader.accountId],
  );
  if (!row?.credentialStands) return { credentialStands: false, balance: null };
  return { credentialStands: true, balance: balanceFromSums(row) };
}

/** The account's own ledger entries, newest first. `query` carries the caller's selection and paging. */
export function findOwnLedgerEntries(
  services: Services,
  accountId: string,
  query: Omit<Prisma.LedgerEntryFindManyArgs, "where" | "orderBy">,
): Promise<LedgerEntry[]> {
  return services.db.ledgerEntry.findMany({ ...query, where: { accountId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
}

const deltas: Record<
  Exclude<LedgerEntryKind, "ADJUSTMENT">,
  (amountMinor: bigint) => { availableDelta: bigint; heldDelta: bigint }
> = {
  TOP_UP: (amount) => ({ availableDelta: amount, heldDelta: 0n }),
  HOLD: (amount) => ({ availableDelta: -amount, heldDelta: amount }),
  CHARGE: (amount) => ({ availableDelta: 0n, heldDelta: -amount }),
  RELEASE: (amount) => ({ availableDelta: amount, heldDelta: -amount }),
};

type NewEntry = {
  accountId: string;
  kind: Exclude<LedgerEntryKind, "ADJUSTMENT">;
  amountMinor: bigint;
  at: Date;
  activationId?: string;
  paymentEventId?: string;
};

/**
 * Appends one entry. `accountRef` is the account id at the time of writing, so
 * the entry still adds up in the books once the account is erased.
 */
export async function appendLedgerEntry(tx: Tx, entry: NewEntry) {
  return tx.ledgerEntry.create({ data: ledgerRow(entry) });
}

/**
 * Appends many entries in one statement, by the same rules as
 * appendLedgerEntry. The rows travel as one array per column, so the statement
 * has the same ten parameters however many entries it carries.
 */
export async function appendLedgerEntries(tx: Tx, entries: NewEntry[]): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = entries.map(ledgerRow);
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  return tx.$executeRaw`
    INSERT INTO "LedgerEntry"
      ("id", "accountId", "accountRef", "kind", "availableDelta", "heldDelta", "currency", "activationId", "paymentEventId", "createdAt")
    SELECT * FROM unnest(
      ${column(() => newRecordId())}::uuid[],
      ${column((row) => row.accountId)}::uuid[],
      ${column((row) => row.accountRef)}::text[],
      ${column((row) => row.kind)}::"LedgerEntryKind"[],
      ${column((row) => row.availableDelta.toString())}::bigint[],
      ${column((row) => row.heldDelta.toString())}::bigint[],
      ${column((row) => row.currency)}::text[],
      ${column((row) => row.activationId)}::uuid[],
      ${column((row) => row.paymentEventId)}::text[],
      ${column((row) => row.createdAt.toISOString())}::timestamp[]
    )`;
}

function ledgerRow(entry: NewEntry) {
  if (entry.amountMinor <= 0n) {
    throw new Error(`A ledger amount is a positive integer of minor units, not ${entry.amountMinor}.`);
  }
  return {
    accountId: entry.accountId,
    accountRef: entry.accountId,
    kind: entry.kind,
    ...deltas[entry.kind](entry.amountMinor),
    currency: ledgerCurrency,
    activationId: entry.activationId ?? null,
    paymentEventId: entry.paymentEventId ?? null,
    createdAt: entry.at,
  };
}
