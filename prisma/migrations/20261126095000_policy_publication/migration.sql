-- P2: staff publish new policy versions; accounts are told by email, in id order, resumably.
ALTER TABLE "PolicyVersion" ADD COLUMN "publishedBy" UUID;
ALTER TABLE "PolicyVersion" ADD COLUMN "noticesThroughAccountId" UUID;
ALTER TABLE "PolicyVersion" ADD COLUMN "noticesCompletedAt" TIMESTAMP(3);
-- Versions shipped with the service were agreed at sign-up: nobody is owed a notice for them.
UPDATE "PolicyVersion" SET "noticesCompletedAt" = "createdAt";
