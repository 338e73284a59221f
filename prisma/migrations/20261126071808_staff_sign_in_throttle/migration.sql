-- CreateTable
CREATE TABLE "StaffSignInThrottle" (
    "addressHash" TEXT NOT NULL,
    "failedAttempts" INTEGER NOT NULL DEFAULT 0,
    "failureWindowStart" TIMESTAMP(3),
    "lockedUntil" TIMESTAMP(3),

    CONSTRAINT "StaffSignInThrottle_pkey" PRIMARY KEY ("addressHash")
);
