-- CreateTable
CREATE TABLE "EmailRateLimit" (
    "addressHash" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3)[],

    CONSTRAINT "EmailRateLimit_pkey" PRIMARY KEY ("addressHash","template")
);
