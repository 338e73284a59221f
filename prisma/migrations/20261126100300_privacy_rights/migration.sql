-- CreateEnum
CREATE TYPE "ErasurePlanStatus" AS ENUM ('PREPARED', 'APPROVED', 'COMPLETED');

-- CreateTable
CREATE TABLE "PrivacyExport" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "contentCiphertext" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "downloadedAt" TIMESTAMP(3),

    CONSTRAINT "PrivacyExport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrivacyCorrection" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "beforeValue" TEXT,
    "afterValue" TEXT,
    "appliedBy" UUID NOT NULL,
    "appliedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PrivacyCorrection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ErasurePlan" (
    "id" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "accountId" UUID,
    "status" "ErasurePlanStatus" NOT NULL DEFAULT 'PREPARED',
    "steps" JSONB NOT NULL,
    "preparedBy" UUID NOT NULL,
    "preparedAt" TIMESTAMP(3) NOT NULL,
    "approvedBy" UUID,
    "approvedAt" TIMESTAMP(3),
    "ranBy" UUID,
    "ranAt" TIMESTAMP(3),
    "recipients" JSONB,
    "scan" JSONB,

    CONSTRAINT "ErasurePlan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProcessingObjection" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessingObjection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EmailChange" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "newEmail" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedAt" TIMESTAMP(3),

    CONSTRAINT "EmailChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PrivacyExport_tokenHash_key" ON "PrivacyExport"("tokenHash");

-- CreateIndex
CREATE INDEX "PrivacyExport_expiresAt_idx" ON "PrivacyExport"("expiresAt");

-- CreateIndex
CREATE INDEX "PrivacyCorrection_requestId_idx" ON "PrivacyCorrection"("requestId");

-- CreateIndex
CREATE INDEX "ErasurePlan_requestId_idx" ON "ErasurePlan"("requestId");

-- CreateIndex
CREATE UNIQUE INDEX "ProcessingObjection_accountId_path_key" ON "ProcessingObjection"("accountId", "path");

-- CreateIndex
CREATE UNIQUE INDEX "EmailChange_tokenHash_key" ON "EmailChange"("tokenHash");

-- CreateIndex
CREATE INDEX "EmailChange_accountId_idx" ON "EmailChange"("accountId");

-- AddForeignKey
ALTER TABLE "PrivacyExport" ADD CONSTRAINT "PrivacyExport_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "PrivacyRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivacyExport" ADD CONSTRAINT "PrivacyExport_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrivacyCorrection" ADD CONSTRAINT "PrivacyCorrection_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "PrivacyRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ErasurePlan" ADD CONSTRAINT "ErasurePlan_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "PrivacyRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProcessingObjection" ADD CONSTRAINT "ProcessingObjection_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProcessingObjection" ADD CONSTRAINT "ProcessingObjection_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "PrivacyRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EmailChange" ADD CONSTRAINT "EmailChange_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
