-- The sms.body purge (P8) clears an SMS's text and code and sets "purgedAt". As an UPDATE of a
-- row whose indexes hold "purgedAt", each purged SMS cost a new row version plus an entry in
-- each of the table's four indexes, with their WAL. Now:
--
-- 1. The SMS not yet purged are listed in a narrow table of their own, which the purge walks
--    in (receivedAt, smsId) order and from which it deletes each row it purges: it holds only
--    what is still due, however many SMS have ever been purged.
-- 2. No index of "SmsMessage" holds "purgedAt" or a ciphertext, so the purge's UPDATE is a HOT
--    update (no index entry), provided the new version fits on the row's page: fillfactor 70
--    leaves that room for pages written from now on (a purged version, without its ciphertexts,
--    is about a third of the row). Pages written before keep their layout; their rows are purged
--    correctly, only without HOT.

-- DropIndex
DROP INDEX "SmsMessage_purgedAt_receivedAt_id_idx";

-- CreateTable
CREATE TABLE "SmsAwaitingPurge" (
    "smsId" UUID NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SmsAwaitingPurge_pkey" PRIMARY KEY ("smsId")
);

-- CreateIndex
CREATE INDEX "SmsAwaitingPurge_receivedAt_smsId_idx" ON "SmsAwaitingPurge"("receivedAt", "smsId");

-- AddForeignKey
ALTER TABLE "SmsAwaitingPurge" ADD CONSTRAINT "SmsAwaitingPurge_smsId_fkey" FOREIGN KEY ("smsId") REFERENCES "SmsMessage"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The SMS stored so far and not yet purged.
INSERT INTO "SmsAwaitingPurge" ("smsId", "receivedAt")
SELECT "id", "receivedAt" FROM "SmsMessage" WHERE "purgedAt" IS NULL;

-- Every SMS stored is listed until purged, by whichever code inserts it (one statement per insert).
-- Not only those with text yet: the webhook stores the row first and seals its text with the row's
-- id in the same transaction.
CREATE OR REPLACE FUNCTION "sms_message_awaiting_purge"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SmsAwaitingPurge" ("smsId", "receivedAt")
  SELECT "id", "receivedAt" FROM stored WHERE "purgedAt" IS NULL;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "SmsMessage_awaiting_purge"
  AFTER INSERT ON "SmsMessage"
  REFERENCING NEW TABLE AS stored
  FOR EACH STATEMENT EXECUTE FUNCTION "sms_message_awaiting_purge"();

-- Room on each page for the purged versions of its rows (HOT). Applies to pages written from now on.
ALTER TABLE "SmsMessage" SET (fillfactor = 70);
