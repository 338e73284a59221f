/**
 * Outbound email through an SMTP relay (the transactional email vendor of
 * policy section 5). Only the outbox worker calls it (P3); the vendor receives
 * the recipient and the message, nothing else.
 */
import { createTransport } from "nodemailer";
import type { MailTransport, OutgoingEmail } from "./mail-transport.ts";

export function createSmtpTransport(options: { url: string; from: string }): MailTransport & { close(): void } {
  const transport = createTransport(options.url);
  return {
    async send(email: OutgoingEmail) {
      await transport.sendMail({ from: options.from, to: email.to, subject: email.subject, text: email.body });
    },
    close: () => transport.close(),
  };
}
