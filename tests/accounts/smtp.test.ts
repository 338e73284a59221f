/**
 * The production mail path: with SMTP_URL set, the outbox worker delivers
 * through a real SMTP conversation (here with an SMTP server on loopback,
 * standing in for the email vendor).
 */
import type { AddressInfo } from "node:net";
import { signUp, startTestApp, type TestApp } from "@smsape/api/testing";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

interface Received {
  to: string[];
  subject: string;
  text: string;
}

let vendor: SMTPServer;
let app: TestApp;
const received: Received[] = [];

beforeAll(async () => {
  vendor = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => vendor.listen(0, "127.0.0.1", resolve));
  const { port } = vendor.server.address() as AddressInfo;
  app = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "SMSAPE <no-reply@smsape.test>" });
});
afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => vendor?.close(() => resolve()));
});

describe("email through an SMTP relay", () => {
  it("P3, P11: the outbox delivers the verification email over SMTP, then keeps neither body nor address", async () => {
    const { email } = await signUp(app);
    const account = await app.services.db.account.findUniqueOrThrow({ where: { email } });
    const outboxRow = await app.services.db.outboxEmail.findFirstOrThrow({ where: { accountId: account.id } });

    // The worker delivers on its own; running it now as well must not send twice.
    await app.mailbox.deliver();
    const message = await eventually(() => received.find((mail) => mail.to.includes(email)));
    expect(received.filter((mail) => mail.to.includes(email))).toHaveLength(1);
    expect(app.mailbox.to(email)).toEqual([]); // the test mailbox was not used
    expect(message.subject).toMatch(/Confirm your email/);
    expect(message.text).toMatch(/ver_[A-Za-z0-9_-]+/);

    // The row is marked once the relay has accepted the message.
    let row = await app.services.db.outboxEmail.findUniqueOrThrow({ where: { id: outboxRow.id } });
    for (let tries = 0; row.status === "PENDING" && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      row = await app.services.db.outboxEmail.findUniqueOrThrow({ where: { id: outboxRow.id } });
    }
    expect(row).toMatchObject({ status: "SENT", bodyCiphertext: null, toAddressCiphertext: null });
  });
});

async function eventually<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("not within the time allowed");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
