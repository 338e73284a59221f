/**
 * The test app's mail transport: a development mailbox whose provider can be
 * made to fail, standing in for the outside mail service.
 */
import { passwordResetRequestedJob } from "../domain/accounts/password-changes.ts";
import { deliverPendingEmails } from "../domain/email/delivery.ts";
import { privacyConcernReportedJob } from "../domain/privacy/requests.ts";
import { type DeliveredEmail, DevelopmentMailbox, type OutgoingEmail } from "../platform/mail-transport.ts";
import type { Services } from "../services/index.ts";

export class MailProviderUnavailable extends Error {
  override name = "MailProviderUnavailable";
  readonly code = "UNAVAILABLE";
}

export class TestMailbox extends DevelopmentMailbox {
  private services: Services | null = null;
  /** While true, every send fails as if the mail provider were down. */
  unavailable = false;

  constructor() {
    super(1000);
  }

  override async send(email: OutgoingEmail): Promise<void> {
    // The message quotes the address, as real providers' errors do; the outbox must not keep it.
    if (this.unavailable) throw new MailProviderUnavailable(`cannot deliver to ${email.to}`);
    await super.send(email);
  }

  attach(services: Services) {
    this.services = services;
  }

  /**
   * Waits for the background jobs that write emails (password reset requests,
   * privacy concern reports) to finish, then delivers every due outbox email now, through the real
   * worker code, and returns all messages delivered so far.
   */
  async deliver(): Promise<readonly DeliveredEmail[]> {
    const services = this.services;
    if (!services) throw new Error("The mailbox is not attached to an app.");
    const deadline = Date.now() + 20_000;
    const pending = async () =>
      (await services.jobs.unfinished(passwordResetRequestedJob)) + (await services.jobs.unfinished(privacyConcernReportedJob));
    while ((await pending()) > 0) {
      if (Date.now() > deadline) throw new Error("Password reset requests or privacy reports are still unhandled after 20 s.");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await deliverPendingEmails(services);
    return this.messages;
  }

  /** The messages delivered to `address`, oldest first. */
  to(address: string): DeliveredEmail[] {
    return this.messages.filter((message) => message.to === address.toLowerCase());
  }

  /**
   * The token (`ver_…`, `rst_…`) in the newest email to `address` whose
   * subject matches, waiting a little for the email to be written and sent.
   */
  async token(address: string, subject: RegExp | string, prefix: "ver" | "rst" | "prq", timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = await this.latest(address, subject).catch((error: Error) => {
        if (Date.now() > deadline) throw error;
        return null;
      });
      const token = message?.body.match(new RegExp(`\\b${prefix}_[A-Za-z0-9_-]+`))?.[0];
      if (token) return token;
      if (message) throw new Error(`No ${prefix}_ token in the email "${message.subject}"`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Delivers due email, then returns the newest message to `address` whose subject matches. */
  async latest(address: string, subject: RegExp | string): Promise<DeliveredEmail> {
    await this.deliver();
    const found = this.to(address).filter((message) =>
      typeof subject === "string" ? message.subject === subject : subject.test(message.subject),
    );
    const message = found.at(-1);
    if (!message) throw new Error(`No email to ${address} with subject ${String(subject)}`);
    return message;
  }
}
