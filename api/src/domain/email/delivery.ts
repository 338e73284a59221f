/**
 * The outbox worker: sends due OutboxEmail rows through `services.mailer`, the
 * only code that does (P3). It alone opens an email's encrypted address and
 * body, at the moment of sending (P20). A delivered email keeps its metadata
 * (template, subject, when) but loses its body and address (P11). A failed
 * attempt is retried on a schedule counted from the email's creation, then
 * given up.
 */
import type { OutboxEmail, Prisma } from "@smsape/db";
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

/** Emails sent in one transaction: few enough that its locks are not held long while a relay is slow. */
const emailsPerTransaction = 10;

/**
 * Attempts each of these emails that is due, a few per transaction. Their
 * rows are locked while they are sent, so two workers (or a worker and a
 * test) never send one twice; a worker skips the rows another holds.
 */
export async function deliverEmails(services: Services, emailIds: string[]): Promise<Record<DeliveryOutcome, number>> {
  const counts: Record<DeliveryOutcome, number> = { sent: 0, failed: 0, "gave-up": 0, skipped: 0 };
  for (let start = 0; start < emailIds.length; start += emailsPerTransaction) {
    const ids = emailIds.slice(start, start + emailsPerTransaction);
    const outcomes = await services.db.$transaction((tx) => sendLocked(services, tx, ids), {
      // The locks are held while the transport talks to the mail provider.
      timeout: 60_000 * emailsPerTransaction,
      maxWait: 30_000,
    });
    for (const [emailId, outcome] of outcomes) {
      counts[outcome] += 1;
      if (outcome === "failed" || outcome === "gave-up") services.logger.warn({ emailId, outcome }, "email delivery failed");
    }
    counts.skipped += ids.length - outcomes.size;
  }
  return counts;
}

type Locked = Pick<
  OutboxEmail,
  "id" | "status" | "attempts" | "createdAt" | "subject" | "toAddressCiphertext" | "bodyCiphertext"
>;

async function sendLocked(services: Services, tx: Prisma.TransactionClient, ids: string[]) {
  const emails = await tx.$queryRaw<Locked[]>`
    SELECT id, status, attempts, "createdAt", subject, "toAddressCiphertext", "bodyCiphertext" FROM "OutboxEmail"
    WHERE id = ANY(${ids}::uuid[]) AND status = 'PENDING' ORDER BY "createdAt" FOR UPDATE SKIP LOCKED`;
  const now = services.now();
  const ring = services.config.encryption;
  const outcomes = new Map<string, DeliveryOutcome>();
  const sent: string[] = [];
  for (const email of emails) {
    if (!isDue(email, now) || email.toAddressCiphertext === null || email.bodyCiphertext === null) continue;
    try {
      await services.mailer.send({
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
      outcomes.set(email.id, gaveUp ? "gave-up" : "failed");
      continue;
    }
    sent.push(email.id);
    outcomes.set(email.id, "sent");
  }
  if (sent.length) {
    await tx.outboxEmail.updateMany({
      where: { id: { in: sent } },
      data: {
        status: "SENT",
        sentAt: now,
        attempts: { increment: 1 },
        lastError: null,
        bodyCiphertext: null,
        toAddressCiphertext: null,
      },
    });
  }
  return outcomes;
}

/** Attempts every due email, oldest first. The sweep job runs it; tests may await it directly. */
export async function deliverPendingEmails(services: Services, limit = 100): Promise<Record<DeliveryOutcome, number>> {
  const candidates = await services.db.outboxEmail.findMany({
    where: { status: "PENDING" },
    select: { id: true, status: true, attempts: true, createdAt: true },
    orderBy: { createdAt: "asc" },
    take: limit,
  });
  const now = services.now();
  return deliverEmails(
    services,
    candidates.filter((email) => isDue(email, now)).map((email) => email.id),
  );
}

export async function registerEmailJobs(services: Services): Promise<void> {
  // Emails carry codes someone is waiting for: a worker claims up to 50 jobs a
  // fetch and sends them a few per transaction; on a database server several
  // workers do so at once. Polled at pg-boss's shortest interval.
  await services.jobs.workBatch<{ emailId: string }>(
    deliverEmailJob,
    async (jobs) => {
      await deliverEmails(
        services,
        jobs.map((job) => job.emailId),
      );
    },
    { batchSize: 50, concurrency: 4, pollingIntervalSeconds: 0.5 },
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
