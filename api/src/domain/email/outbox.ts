/**
 * The email outbox (P3, P11): every email the service sends is first a row in
 * OutboxEmail, written in the transaction of the change that causes it, so an
 * email goes out exactly when that change commits. delivery.ts sends the rows.
 */
import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";

export interface NewEmail {
  accountId: string | null;
  to: string;
  /** Which kind of email this is, e.g. "email-verification"; kept after delivery. */
  template: string;
  subject: string;
  body: string;
}

/** The job that delivers one email right after its transaction commits. */
export const deliverEmailJob = "email.deliver";

/**
 * Writes an email to the outbox inside `tx`. Given `services`, it also queues
 * a delivery job in the same transaction, so the email leaves within seconds
 * and is dated by the service clock; without, the minute sweep picks it up.
 */
export async function enqueueEmail(tx: Prisma.TransactionClient, email: NewEmail, services?: Pick<Services, "jobs" | "now">) {
  const row = await tx.outboxEmail.create({
    data: {
      ...(services ? { createdAt: services.now() } : {}),
      accountId: email.accountId,
      toAddress: email.to,
      template: email.template,
      subject: email.subject,
      body: email.body,
    },
    select: { id: true },
  });
  await services?.jobs.send(deliverEmailJob, { emailId: row.id }, { within: tx });
  return row;
}
