/**
 * Sign-in throttling (P20): failed password and code attempts are counted on
 * the staff member's row, so every instance sees the same count and the lock
 * holds across them. `maxFailures` failures within `windowMinutes` lock the
 * member for `lockMinutes`; while locked every attempt gets the same answer,
 * whether or not the password was right. A full sign-in clears the count.
 *
 * An address no member has is counted the same way, under its keyed hash
 * (StaffSignInThrottle), so it locks after as many failures and answers alike:
 * the lock never tells whether an address belongs to a staff member.
 */
import { Prisma } from "@smsape/db";

export const staffLockout = { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 } as const;

/** When the member's lock ends, or null when they may try. */
export function lockedUntil(staff: { lockedUntil: Date | null }, now: Date): Date | null {
  return staff.lockedUntil && staff.lockedUntil > now ? staff.lockedUntil : null;
}

/**
 * Counts one failure in a single guarded UPDATE (the row lock orders
 * concurrent failures) and returns the lock's end when this failure locked the member.
 */
export async function countFailure(tx: Prisma.TransactionClient, staffUserId: string, now: Date): Promise<Date | null> {
  // Timestamps travel as ISO text cast to timestamp: the columns hold UTC without a zone.
  const windowStart = new Date(now.getTime() - staffLockout.windowMinutes * 60_000).toISOString();
  const lockEnd = new Date(now.getTime() + staffLockout.lockMinutes * 60_000);
  const inWindow = Prisma.sql`"failureWindowStart" > ${windowStart}::timestamp`;
  const rows = await tx.$queryRaw<Array<{ lockedNow: boolean }>>`
    UPDATE "StaffUser" SET
      "failedAttempts" = CASE WHEN ${inWindow} THEN "failedAttempts" + 1 ELSE 1 END,
      "failureWindowStart" = CASE WHEN ${inWindow} THEN "failureWindowStart" ELSE ${now.toISOString()}::timestamp END,
      "lockedUntil" = CASE
        WHEN (CASE WHEN ${inWindow} THEN "failedAttempts" + 1 ELSE 1 END) >= ${staffLockout.maxFailures}
        THEN ${lockEnd.toISOString()}::timestamp ELSE "lockedUntil" END
    WHERE "id" = ${staffUserId}::uuid
    RETURNING "lockedUntil" = ${lockEnd.toISOString()}::timestamp AS "lockedNow"`;
  return rows[0]?.lockedNow ? lockEnd : null;
}

/** Counts a failure for an address no staff member has; returns the lock's end when this failure locked it. */
export async function countAddressFailure(tx: Prisma.TransactionClient, addressHash: string, now: Date): Promise<Date | null> {
  const windowStart = new Date(now.getTime() - staffLockout.windowMinutes * 60_000).toISOString();
  const lockEnd = new Date(now.getTime() + staffLockout.lockMinutes * 60_000);
  const inWindow = Prisma.sql`t."failureWindowStart" > ${windowStart}::timestamp`;
  const rows = await tx.$queryRaw<Array<{ lockedNow: boolean }>>`
    INSERT INTO "StaffSignInThrottle" AS t ("addressHash", "failedAttempts", "failureWindowStart")
    VALUES (${addressHash}, 1, ${now.toISOString()}::timestamp)
    ON CONFLICT ("addressHash") DO UPDATE SET
      "failedAttempts" = CASE WHEN ${inWindow} THEN t."failedAttempts" + 1 ELSE 1 END,
      "failureWindowStart" = CASE WHEN ${inWindow} THEN t."failureWindowStart" ELSE ${now.toISOString()}::timestamp END,
      "lockedUntil" = CASE
        WHEN (CASE WHEN ${inWindow} THEN t."failedAttempts" + 1 ELSE 1 END) >= ${staffLockout.maxFailures}
        THEN ${lockEnd.toISOString()}::timestamp ELSE t."lockedUntil" END
    RETURNING t."lockedUntil" = ${lockEnd.toISOString()}::timestamp AS "lockedNow"`;
  return rows[0]?.lockedNow ? lockEnd : null;
}

/** After a full sign-in: the count starts again from nothing. */
export function clearedFailures() {
  return { failedAttempts: 0, failureWindowStart: null, lockedUntil: null } as const;
}
