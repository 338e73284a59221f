/**
 * How many emails of one kind one address may receive in an hour, so that a
 * stranger who knows an address cannot flood it with password resets or
 * "someone tried to sign up" notices. Counted in the database, so every
 * instance of the service shares the count; the address is kept only as a
 * keyed hash. Callers answer the same whether or not the email was sent.
 */
import type { Prisma, PrismaClient } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { keyedHash } from "../crypto/keyed-hash.ts";

/** Emails per address per rolling hour, by template. */
export const hourlyEmailLimits = {
  "password-reset": 3,
  "account-exists": 3,
  "privacy-identity-link": 3,
  "privacy-report-receipt": 3,
  // Not an email: reports naming one address, so a stranger cannot flood the queue about someone.
  "privacy-report": 5,
} as const;

export type RateLimitedTemplate = keyof typeof hourlyEmailLimits;

const hour = 60 * 60_000;

/**
 * Counts one email of `template` to `address` and returns true when the last
 * hour leaves room for it; returns false, counting nothing, when it does not.
 * One statement, so two instances counting at once cannot both take the last
 * place. Use it in the transaction that writes the email, so an email that
 * rolls back is not counted.
 */
export async function takeEmailAllowance(
  tx: Prisma.TransactionClient,
  services: Pick<Services, "config" | "now">,
  address: string,
  template: RateLimitedTemplate,
): Promise<boolean> {
  const addressHash = keyedHash(services.config.encryption, "email-rate-limit", address.trim().toLowerCase());
  const now = services.now();
  // Timestamps are stored without a zone, in UTC: pass ISO strings cast to that type.
  const at = now.toISOString();
  const since = new Date(now.getTime() - hour).toISOString();
  const counted = await tx.$queryRaw<unknown[]>`
    INSERT INTO "EmailRateLimit" AS l ("addressHash", "template", "sentAt")
    VALUES (${addressHash}, ${template}, ARRAY[${at}::timestamp])
    ON CONFLICT ("addressHash", "template") DO UPDATE
      SET "sentAt" = array_append(ARRAY(SELECT t FROM unnest(l."sentAt") AS t WHERE t > ${since}::timestamp ORDER BY t), ${at}::timestamp)
      WHERE cardinality(ARRAY(SELECT t FROM unnest(l."sentAt") AS t WHERE t > ${since}::timestamp)) < ${hourlyEmailLimits[template]}
    RETURNING 1`;
  return counted.length === 1;
}

/** Removes the counts whose hour has passed (the email sweep runs it): they serve nothing any more. */
export async function forgetPastEmailCounts(db: PrismaClient, now: Date): Promise<number> {
  const since = new Date(now.getTime() - hour).toISOString();
  return db.$executeRaw`
    DELETE FROM "EmailRateLimit" WHERE NOT EXISTS (SELECT 1 FROM unnest("sentAt") AS t WHERE t > ${since}::timestamp)`;
}
