/**
 * How an email leaves the service. The outbox worker (domain/email/delivery.ts) is the only
 * caller of `send` (P3): every other module writes an OutboxEmail row instead.
 */
export interface OutgoingEmail {
  to: string;
  subject: string;
  body: string;
}

export interface MailTransport {
  send(email: OutgoingEmail): Promise<void>;
}

export interface DeliveredEmail extends OutgoingEmail {
  deliveredAt: Date;
}

/**
 * The transport used when none is configured: keeps the last messages in this
 * process's memory for the developer, and logs nothing (bodies hold codes and
 * tokens). Messages vanish when the process stops.
 */
export class DevelopmentMailbox implements MailTransport {
  private readonly kept: DeliveredEmail[] = [];

  constructor(private readonly capacity = 100) {}

  async send(email: OutgoingEmail): Promise<void> {
    this.kept.push({ ...email, deliveredAt: new Date() });
    if (this.kept.length > this.capacity) this.kept.splice(0, this.kept.length - this.capacity);
  }

  /** The messages kept, oldest first. */
  get messages(): readonly DeliveredEmail[] {
    return this.kept;
  }
}
