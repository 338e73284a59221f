/**
 * The balance as SQL reads it: the sums of an account's ledger entries (P9).
 * Kept apart from the ledger's operations so that the credential lookup can
 * read the balance in its own statement without importing them.
 */

/** The one currency balances are kept in; prices and top-ups in another are refused. */
export const ledgerCurrency = "USD";

export interface Balance {
  availableMinor: bigint;
  heldMinor: bigint;
  currency: string;
}

/** The sums of an account's entries, as `available` and `held`. */
export const balanceSums = `COALESCE(SUM("availableDelta"), 0)::bigint AS "available", COALESCE(SUM("heldDelta"), 0)::bigint AS "held"`;

/** What `balanceSums` reads. */
export type BalanceSums = { available: bigint; held: bigint };

/**
 * The same sums for a statement that reads them beside something else: a join
 * adding `available` and `held` for the account whose id is in
 * `accountIdColumn` (a signed-in request reads its credential and its balance
 * in one statement, see `resolveCustomerToken`).
 */
export function balanceSumsJoin(accountIdColumn: string): string {
  return `LEFT JOIN LATERAL (SELECT ${balanceSums} FROM "LedgerEntry" WHERE "accountId" = ${accountIdColumn}) AS "balance" ON true`;
}

/** The balance from the sums a statement read (none read: an account without entries). */
export function balanceFromSums(sums: Partial<BalanceSums> | undefined): Balance {
  return { availableMinor: sums?.available ?? 0n, heldMinor: sums?.held ?? 0n, currency: ledgerCurrency };
}
