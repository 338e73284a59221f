-- The id sms-activate protocol clients see (their libraries read activation ids as integers).
-- Existing activations are numbered as the column is added.
-- AlterTable
ALTER TABLE "Activation" ADD COLUMN     "numericId" BIGSERIAL NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Activation_numericId_key" ON "Activation"("numericId");
