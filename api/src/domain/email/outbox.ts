/**
 * The email outbox (P3, P11): every email the service sends is first a row in
 * OutboxEmail, written in the transaction of the change that causes it, so an
 * email goes out exactly when that change commits. delivery.ts sends the rows.
 *
 * While it waits, an email's address and body (which may hold a live token)
 * are encrypted under the field-encryption key ring (P20): a copy of the
 * database taken while the mail provider is down holds neither.
 */
import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { sealColumn } from "../crypto/encrypted-columns.ts";

export interface NewEmail {
  accountId: string | null;
  to: string;
  /** Which kind of email this is, e.g. "email-verification"; kept after delivery. */
  template: string;
  /** One fixed line per template: it is kept in plain text and must not be personal. */
  subject: string;
  body: string;
}

/** The job that delivers one email right after its transaction commits. */
export const deliverEmailJob = "email.deliver";

/**
 * Writes an email to the outbox inside `tx`, and queues its delivery job in the
 * same transaction, so the email leaves within seconds; the minute sweep
 * retries what a job did not deliver.
 */
export async function enqueueEmail(
  tx: Prisma.TransactionClient,
  email: NewEmail,
  services: Pick<Services, "jobs" | "now" | "config">,
) {
  // The ciphertexts are bound to the row's id, which exists only once the row does.
  const row = await tx.outboxEmail.create({
    data: { createdAt: services.now(), accountId: email.accountId, template: email.template, subject: email.subject },
    select: { id: true },
  });
  const ring = services.config.encryption;
  await tx.outboxEmail.update({
    where: { id: row.id },
    data: {
      toAddressCiphertext: sealColumn(ring, "outboxAddress", row.id, email.to),
      bodyCiphertext: sealColumn(ring, "outboxBody", row.id, email.body),
    },
  });
  await services.jobs.send(deliverEmailJob, { emailId: row.id }, { within: tx });
  return row;
}
