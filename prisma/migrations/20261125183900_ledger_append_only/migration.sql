-- P9: the balance ledger is append-only. A balance is the sum of its entries,
-- so an entry, once written, is never changed or removed. The one exception is
-- erasure: the links to an erased account or activation may be cleared (set to
-- NULL, as their foreign keys' ON DELETE SET NULL does), while "accountRef"
-- keeps the entry attributable for accounting.
CREATE OR REPLACE FUNCTION "ledger_entry_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF (NEW."accountId" IS NULL OR NEW."accountId" IS NOT DISTINCT FROM OLD."accountId")
      AND (NEW."activationId" IS NULL OR NEW."activationId" IS NOT DISTINCT FROM OLD."activationId")
      AND ROW(NEW."id", NEW."accountRef", NEW."kind", NEW."availableDelta", NEW."heldDelta", NEW."currency", NEW."paymentEventId", NEW."createdAt")
        IS NOT DISTINCT FROM ROW(OLD."id", OLD."accountRef", OLD."kind", OLD."availableDelta", OLD."heldDelta", OLD."currency", OLD."paymentEventId", OLD."createdAt")
    THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'LedgerEntry is append-only: an entry cannot be changed (only its account or activation link cleared on erasure)'
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RAISE EXCEPTION 'LedgerEntry is append-only: entries cannot be removed (%)', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "LedgerEntry_append_only_row"
  BEFORE UPDATE OR DELETE ON "LedgerEntry"
  FOR EACH ROW EXECUTE FUNCTION "ledger_entry_append_only"();

CREATE TRIGGER "LedgerEntry_append_only_truncate"
  BEFORE TRUNCATE ON "LedgerEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_entry_append_only"();
