-- CreateTable
CREATE TABLE "AuditNote" (
    "id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "accountId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditNote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "hash" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("id")
);

-- The chain's head as it stands: the newest entry's hash, or the genesis hash.
INSERT INTO "AuditHead" ("id", "hash", "prevHash")
SELECT 1, coalesce((SELECT "hash" FROM "AuditEntry" ORDER BY "seq" DESC LIMIT 1), repeat('0', 64)),
       coalesce((SELECT "prevHash" FROM "AuditEntry" ORDER BY "seq" DESC LIMIT 1), repeat('0', 64));

-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "AuditNote_accountId_idx" ON "AuditNote"("accountId");

-- CreateIndex
CREATE INDEX "AuditEntry_actorType_actorId_idx" ON "AuditEntry"("actorType", "actorId");

-- CreateIndex
CREATE INDEX "AuditEntry_action_idx" ON "AuditEntry"("action");

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- The audit log and its checkpoints are append-only: an entry, once written,
-- is never changed or removed (personal text lives in "AuditNote", which is
-- erasable). Someone with superuser rights can still disable this; the hash
-- chain and the signed checkpoints are what detect that.
CREATE OR REPLACE FUNCTION "audit_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: rows cannot be changed or removed (%)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "AuditEntry_append_only_row"
  BEFORE UPDATE OR DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();

CREATE TRIGGER "AuditEntry_append_only_truncate"
  BEFORE TRUNCATE ON "AuditEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();

CREATE TRIGGER "AuditCheckpoint_append_only_row"
  BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();

CREATE TRIGGER "AuditCheckpoint_append_only_truncate"
  BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();

-- The head row is updated by every append and never removed: without it no
-- append can be written.
CREATE TRIGGER "AuditHead_keep_row"
  BEFORE DELETE ON "AuditHead"
  FOR EACH ROW EXECUTE FUNCTION "audit_append_only"();

CREATE TRIGGER "AuditHead_keep_truncate"
  BEFORE TRUNCATE ON "AuditHead"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_append_only"();
