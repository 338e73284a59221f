-- Money is 64-bit: every amount in minor units becomes BIGINT, so balances and
-- sums past 2^31-1 (21,474,836.47 USD) are stored and read exactly.
-- The append-only trigger on "LedgerEntry" (ledger_append_only) compares whole
-- rows, whatever their column types, and ALTER TABLE fires no row triggers, so
-- it keeps guarding the entries unchanged. Changing the type rewrites each
-- table under an exclusive lock, once.

-- AlterTable
ALTER TABLE "Activation" ALTER COLUMN "priceMinor" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "LedgerEntry" ALTER COLUMN "availableDelta" SET DATA TYPE BIGINT,
ALTER COLUMN "heldDelta" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "PaymentEvent" ALTER COLUMN "amountMinor" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "Price" ALTER COLUMN "amountMinor" SET DATA TYPE BIGINT;
