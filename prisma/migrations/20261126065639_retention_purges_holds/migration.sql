-- CreateEnum
CREATE TYPE "RetentionEvent" AS ENUM ('SMS_RECEIVED', 'ACTIVATION_ENDED', 'SESSION_ENDED', 'TOKEN_ENDED', 'EMAIL_DELIVERED', 'REQUEST_COMPLETED', 'ACCOUNT_ERASED', 'RECORD_CREATED');

-- CreateEnum
CREATE TYPE "RetentionAction" AS ENUM ('DELETE', 'ANONYMISE');

-- CreateEnum
CREATE TYPE "PurgeRunStatus" AS ENUM ('RUNNING', 'COMPLETED');

-- CreateEnum
CREATE TYPE "PurgeRunTrigger" AS ENUM ('SCHEDULE', 'STAFF');

-- CreateEnum
CREATE TYPE "LegalHoldScope" AS ENUM ('ACCOUNT', 'CATEGORY');

-- AlterTable
ALTER TABLE "PurgeRun" DROP COLUMN "removedCount",
ADD COLUMN     "anonymisedCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "batches" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "busyMs" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cursor" JSONB,
ADD COLUMN     "deletedCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "examinedCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "heldBackCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "startedById" UUID,
ADD COLUMN     "status" "PurgeRunStatus" NOT NULL DEFAULT 'RUNNING',
ADD COLUMN     "trigger" "PurgeRunTrigger" NOT NULL DEFAULT 'SCHEDULE';
ALTER TABLE "PurgeRun" ALTER COLUMN "trigger" DROP DEFAULT;

-- AlterTable: the policies seeded before this migration get what each one's purge does.
ALTER TABLE "RetentionPolicy" ADD COLUMN     "action" "RetentionAction" NOT NULL DEFAULT 'DELETE',
ADD COLUMN     "countedFrom" "RetentionEvent" NOT NULL DEFAULT 'RECORD_CREATED',
ADD COLUMN     "updatedById" UUID;
UPDATE "RetentionPolicy" SET "action" = 'ANONYMISE', "countedFrom" = 'SMS_RECEIVED' WHERE "key" = 'sms.body';
UPDATE "RetentionPolicy" SET "countedFrom" = 'SESSION_ENDED' WHERE "key" = 'session';
UPDATE "RetentionPolicy" SET "countedFrom" = 'EMAIL_DELIVERED' WHERE "key" = 'email.outbox';
ALTER TABLE "RetentionPolicy" ALTER COLUMN "action" DROP DEFAULT, ALTER COLUMN "countedFrom" DROP DEFAULT;

-- CreateTable
CREATE TABLE "LegalHold" (
    "id" UUID NOT NULL,
    "scope" "LegalHoldScope" NOT NULL,
    "accountId" UUID,
    "policyKey" TEXT,
    "reasonCode" TEXT NOT NULL,
    "placedById" UUID NOT NULL,
    "placedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "until" TIMESTAMP(3),
    "liftedAt" TIMESTAMP(3),
    "liftedById" UUID,
    "liftReason" TEXT,

    CONSTRAINT "LegalHold_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "LegalHold_accountId_idx" ON "LegalHold"("accountId");

-- CreateIndex
CREATE INDEX "LegalHold_policyKey_idx" ON "LegalHold"("policyKey");

-- CreateIndex
CREATE INDEX "Activation_endedAt_idx" ON "Activation"("endedAt");

-- CreateIndex
CREATE INDEX "PurgeRun_status_idx" ON "PurgeRun"("status");

-- AddForeignKey
ALTER TABLE "LegalHold" ADD CONSTRAINT "LegalHold_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LegalHold" ADD CONSTRAINT "LegalHold_policyKey_fkey" FOREIGN KEY ("policyKey") REFERENCES "RetentionPolicy"("key") ON DELETE SET NULL ON UPDATE CASCADE;

-- P9: the ledger stays append-only, with one more exception: the retention
-- purge of the "ledger" policy, and only it (it says so for its transaction),
-- removes entries no longer linked to any account (the account was erased)
-- once their accounting period is over.
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
  IF TG_OP = 'DELETE' AND OLD."accountId" IS NULL AND current_setting('smsape.retention_purge', true) = 'ledger' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'LedgerEntry is append-only: entries cannot be removed (%)', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

-- The SMS purge walks the bodies still held in (receivedAt, id) order.
DROP INDEX "SmsMessage_purgedAt_receivedAt_idx";
CREATE INDEX "SmsMessage_purgedAt_receivedAt_id_idx" ON "SmsMessage"("purgedAt", "receivedAt", "id");
