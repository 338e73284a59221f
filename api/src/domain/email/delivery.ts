/**
 * The outbox worker: sends due OutboxEmail rows through `services.mailer`, the
 * only code that does (P3). It alone opens an email's encrypted address and
 * body, at the moment of sending (P20). A delivered email keeps its metadata
 * (template, subject, when) but loses its body and address (P11). A failed
 * attempt is retried on a schedule counted from the email's creation, then
 * given up.
 */
import type { OutboxEmail } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { openColumn } from "../crypto/encrypted-columns.ts";
import { deliverEmailJob } from "./outbox.ts";
import { forgetPastEmailCounts } from "./rate-limits.ts";

/** When attempt n+1 is due, counted from the email's creation; its length is the number of attempts. */
export const retrySchedule = [0, 1, 5, 30, 120, 360].map((minutes) => minutes * 60_000);
export const maxAttempts = retrySchedule.length;

export const sweepEmailsJob = "email.sweep";

export function isDue(email: Pick<OutboxEmail, "status" | "attempts" | "createdAt">, now: Date): boolean {
  const offset = retrySchedule[email.attempts];
  return email.status === "PENDING" && offset !== undefined && email.createdAt.getTime() + offset <= now.getTime();
}

export type DeliveryOutcome = "sent" | "failed" | "gave-up" | "skipped";

/**
 * Attempts one email if it is due. The row is locked while it is sent, so two
 * workers (or a worker and a test) never send it twice.
 */
export async function deliverEmail(services: Services, emailId: string): Promise<DeliveryOutcome> {
  const { db, mailer, logger } = services;
  const outcome = await db.$transaction(
    async (tx): Promise<DeliveryOutcome> => {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM "OutboxEmail" WHERE id = ${emailId}::uuid AND status = 'PENDING' FOR UPDATE SKIP LOCKED`;
      if (!locked.length) return "skipped";
      const email = await tx.outboxEmail.findUniqueOrThrow({ where: { id: emailId } });
      const now = services.now();
      if (!isDue(email, now) || email.toAddressCiphertext === null || email.bodyCiphertext === null) return "skipped";
      const ring = services.config.encryption;
      try {
        await mailer.send({
          to: openColumn(ring, "outboxAddress", email.id, email.toAddressCiphertext),
          subject: email.subject,
          body: openColumn(ring, "outboxBody", email.id, email.bodyCiphertext),
        });
      } catch (error) {
        const attempts = email.attempts + 1;
        const gaveUp = attempts >= maxAttempts;
        await tx.outboxEmail.update({
          where: { id: email.id },
          data: {
            attempts,
            lastError: describeFailure(error),
            ...(gaveUp ? { status: "FAILED", bodyCiphertext: null, toAddressCiphertext: null } : {}),
          },
        });
        return gaveUp ? "gave-up" : "failed";
      }
      await tx.outboxEmail.update({
        where: { id: email.id },
        data: {
          status: "SENT",
          sentAt: now,
          attempts: email.attempts + 1,
          lastError: null,
          bodyCiphertext: null,
          toAddressCiphertext: null,
        },
      });
      return "sent";
    },
    // The lock is held while the transport talks to the mail provider.
    { timeout: 60_000, maxWait: 30_000 },
  );
  if (outcome === "failed" || outcome === "gave-up") logger.warn({ emailId, outcome }, "email delivery failed");
  return outcome;
}

/** Attempts every due email, oldest first. The sweep job runs it; tests may await it directly. */
export async function deliverPendingEmails(services: Services, limit = 100): Promise<Record<DeliveryOutcome, number>> {
  const candidates = await services.db.outboxEmail.findMany({
    where: { status: "PENDING" },
    select: { id: true, status: true, attempts: true, createdAt: true },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
  const counts: Record<DeliveryOutcome, number> = { sent: 0, failed: 0, "gave-up": 0, skipped: 0 };
  const now = services.now();
  for (const email of candidates) {
    if (!isDue(email, now)) continue;
    counts[await deliverEmail(services, email.id)] += 1;
  }
  return counts;
}

export async function registerEmailJobs(services: Services): Promise<void> {
  // Emails carry codes someone is waiting for: claim many per fetch and, on a
  // database server, send several at once; poll at pg-boss's shortest interval.
  await services.jobs.work<{ emailId: string }>(
    deliverEmailJob,
    async ({ emailId }) => {
      await deliverEmail(services, emailId);
    },
    { batchSize: 50, concurrency: 8, pollingIntervalSeconds: 0.5 },
  );
  await services.jobs.work(sweepEmailsJob, async () => {
    await deliverPendingEmails(services);
    await forgetPastEmailCounts(services.db, services.now());
  });
  await services.jobs.schedule(sweepEmailsJob, "* * * * *");
}

/**
 * What is kept of a failure: the error's class and code, never its message,
 * which may quote the address or the provider's copy of the email.
 */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return "UnknownError";
  const code = (error as { code?: unknown }).code;
  const safeCode =
    typeof code === "string" || typeof code === "number"
      ? String(code)
          .replace(/[^\w.-]/g, "")
          .slice(0, 40)
      : "";
  return safeCode ? `${error.name} ${safeCode}` : error.name;
}
