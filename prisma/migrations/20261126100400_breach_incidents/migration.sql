-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('OPEN', 'CONTAINED', 'CLOSED');

-- CreateEnum
CREATE TYPE "IncidentDecision" AS ENUM ('NOTIFY', 'NOT_REQUIRED');

-- CreateEnum
CREATE TYPE "BreachDataCategory" AS ENUM ('EMAIL_ADDRESSES', 'PHONE_NUMBERS', 'SMS_CONTENT', 'CREDENTIALS', 'PAYMENT_REFERENCES', 'SESSION_DATA', 'PRIVACY_REQUESTS');

-- CreateTable
CREATE TABLE "BreachIncident" (
    "id" UUID NOT NULL,
    "reference" TEXT NOT NULL,
    "discoveredAt" TIMESTAMP(3) NOT NULL,
    "awareAt" TIMESTAMP(3) NOT NULL,
    "nature" TEXT NOT NULL,
    "dataCategories" "BreachDataCategory"[],
    "approxPeople" INTEGER,
    "approxRecords" INTEGER,
    "likelyConsequences" TEXT,
    "measures" TEXT,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "authorityDecision" "IncidentDecision",
    "authorityDecisionReason" TEXT,
    "authorityDecidedAt" TIMESTAMP(3),
    "authorityNotifiedAt" TIMESTAMP(3),
    "peopleDecision" "IncidentDecision",
    "peopleDecisionReason" TEXT,
    "peopleDecidedAt" TIMESTAMP(3),
    "createdById" UUID NOT NULL,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BreachIncident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IncidentNotification" (
    "id" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "accountId" UUID,
    "emailId" UUID,
    "notifiedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IncidentNotification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "BreachIncident_reference_key" ON "BreachIncident"("reference");

-- CreateIndex
CREATE INDEX "BreachIncident_status_createdAt_idx" ON "BreachIncident"("status", "createdAt");

-- CreateIndex
CREATE INDEX "IncidentNotification_accountId_idx" ON "IncidentNotification"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "IncidentNotification_incidentId_accountId_key" ON "IncidentNotification"("incidentId", "accountId");

-- AddForeignKey
ALTER TABLE "IncidentNotification" ADD CONSTRAINT "IncidentNotification_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "BreachIncident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- P21: the breach register is kept for good. An incident, and the record of
-- who was told about it, is never removed: rows are changed only through the
-- domain functions, which audit each change, and never deleted.
CREATE OR REPLACE FUNCTION "breach_register_keep"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is part of the breach register: its rows cannot be removed (%)', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "BreachIncident_keep_row"
  BEFORE DELETE ON "BreachIncident"
  FOR EACH ROW EXECUTE FUNCTION "breach_register_keep"();

CREATE TRIGGER "BreachIncident_keep_truncate"
  BEFORE TRUNCATE ON "BreachIncident"
  FOR EACH STATEMENT EXECUTE FUNCTION "breach_register_keep"();

CREATE TRIGGER "IncidentNotification_keep_row"
  BEFORE DELETE ON "IncidentNotification"
  FOR EACH ROW EXECUTE FUNCTION "breach_register_keep"();

CREATE TRIGGER "IncidentNotification_keep_truncate"
  BEFORE TRUNCATE ON "IncidentNotification"
  FOR EACH STATEMENT EXECUTE FUNCTION "breach_register_keep"();
