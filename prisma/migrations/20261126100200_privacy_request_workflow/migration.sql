-- CreateEnum
CREATE TYPE "PrivacyRequestPriority" AS ENUM ('MINOR_DATA', 'PRIVACY_REQUEST');

-- CreateEnum
CREATE TYPE "IdentityMethod" AS ENUM ('EMAIL_LINK', 'ID_DOCUMENT', 'SIGNED_IN_SESSION', 'OTHER');

-- CreateEnum
CREATE TYPE "SupportTicketChannel" AS ENUM ('API', 'EMAIL');

-- CreateEnum
CREATE TYPE "SupportTicketStatus" AS ENUM ('OPEN', 'CLASSIFIED', 'CLOSED');

-- AlterEnum
ALTER TYPE "Jurisdiction" ADD VALUE 'UK_GDPR';

-- AlterEnum
ALTER TYPE "PrivacyRequestSource" ADD VALUE 'REPORT';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "PrivacyRequestStatus" ADD VALUE 'IDENTITY_PENDING';
ALTER TYPE "PrivacyRequestStatus" ADD VALUE 'EXTENDED';
ALTER TYPE "PrivacyRequestStatus" ADD VALUE 'AWAITING_APPROVAL';

-- AlterTable
ALTER TABLE "PrivacyRequest" ADD COLUMN     "acknowledgeDueAt" TIMESTAMP(3),
ADD COLUMN     "acknowledgedAt" TIMESTAMP(3),
ADD COLUMN     "assigneeId" UUID,
ADD COLUMN     "concernedEmail" TEXT,
ADD COLUMN     "concernsMinor" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "dueAt" TIMESTAMP(3),
ADD COLUMN     "dueSoonNotifiedAt" TIMESTAMP(3),
ADD COLUMN     "expeditedErasure" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "extendedAt" TIMESTAMP(3),
ADD COLUMN     "extensionReason" TEXT,
ADD COLUMN     "identityMethod" "IdentityMethod",
ADD COLUMN     "identityNote" TEXT,
ADD COLUMN     "overdueNotifiedAt" TIMESTAMP(3),
ADD COLUMN     "priority" "PrivacyRequestPriority" NOT NULL DEFAULT 'PRIVACY_REQUEST',
ADD COLUMN     "rejectionReasonCode" TEXT,
ADD COLUMN     "reporterContact" TEXT;

-- Requests filed before the queue had its own clock work to their SLA, or the legal deadline when earlier.
UPDATE "PrivacyRequest" SET "dueAt" = LEAST("slaDueAt", "legalDueAt");
ALTER TABLE "PrivacyRequest" ALTER COLUMN "dueAt" SET NOT NULL;

-- CreateTable
CREATE TABLE "PrivacyRequestTransition" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "fromStatus" "PrivacyRequestStatus",
    "toStatus" "PrivacyRequestStatus" NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "reasonCode" TEXT NOT NULL,
    "note" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PrivacyRequestTransition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrivacyRequestIdentityToken" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PrivacyRequestIdentityToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SupportTicket" (
    "id" UUID NOT NULL,
    "accountId" UUID,
    "channel" "SupportTicketChannel" NOT NULL,
    "fromAddress" TEXT,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "SupportTicketStatus" NOT NULL DEFAULT 'OPEN',
    "privacyRequestId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "classifiedAt" TIMESTAMP(3),

    CONSTRAINT "SupportTicket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PrivacyRequestTransition_requestId_at_idx" ON "PrivacyRequestTransition"("requestId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "PrivacyRequestIdentityToken_tokenHash_key" ON "PrivacyRequestIdentityToken"("tokenHash");

-- CreateIndex
CREATE INDEX "PrivacyRequestIdentityToken_requestId_idx" ON "PrivacyRequestIdentityToken"("requestId");

-- CreateIndex
CREATE UNIQUE INDEX "SupportTicket_privacyRequestId_key" ON "SupportTicket"("privacyRequestId");

-- CreateIndex
CREATE INDEX "SupportTicket_status_createdAt_idx" ON "SupportTicket"("status", "createdAt");

-- CreateIndex
CREATE INDEX "PrivacyRequest_priority_dueAt_idx" ON "PrivacyRequest"("priority", "dueAt");

-- AddForeignKey
ALTER TABLE "PrivacyRequest" ADD CONSTRAINT "PrivacyRequest_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "StaffUser"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivacyRequestTransition" ADD CONSTRAINT "PrivacyRequestTransition_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "PrivacyRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivacyRequestIdentityToken" ADD CONSTRAINT "PrivacyRequestIdentityToken_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "PrivacyRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportTicket" ADD CONSTRAINT "SupportTicket_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SupportTicket" ADD CONSTRAINT "SupportTicket_privacyRequestId_fkey" FOREIGN KEY ("privacyRequestId") REFERENCES "PrivacyRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;
