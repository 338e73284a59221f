-- The outbox keeps an email's address and body encrypted from now on (P20).
-- Emails still waiting hold them in plain text, which this migration removes:
-- they are given up, as after a last failed attempt (a token they carried can
-- be asked for again).
UPDATE "OutboxEmail" SET "status" = 'FAILED', "lastError" = 'DroppedWhenTheOutboxWasEncrypted' WHERE "status" = 'PENDING';

-- AlterTable
ALTER TABLE "OutboxEmail" DROP COLUMN "body",
DROP COLUMN "toAddress",
ADD COLUMN     "bodyCiphertext" TEXT,
ADD COLUMN     "toAddressCiphertext" TEXT;
