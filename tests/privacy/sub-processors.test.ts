/**
 * The sub-processor register against what the code does (P13): every TCP
 * connection the service opens during a customer's whole journey goes to its
 * own database or Redis, to itself, or to a destination the register names
 * (a configured vendor, or an endpoint the customer registered for its own
 * events); the email vendor receives only the fields its entry lists, and a
 * customer's endpoint only what its entry says an event carries.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { AddressInfo, Socket } from "node:net";
import {
  createCustomer,
  deliverSms,
  eventually,
  GraphqlClient,
  postPaymentEvent,
  startTestApp,
  type TestApp,
} from "@smsape/api/testing";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  customerEndpointDestinations,
  registeredDestinations,
  subProcessors,
} from "../../api/src/domain/privacy/sub-processors.ts";
import { WebhookReceiver } from "../webhooks/receiver.ts";

interface Received {
  envelope: { from: string; to: string[] };
  headers: string[];
  text: string;
}

let vendor: SMTPServer;
let app: TestApp;
const customerEndpoint = new WebhookReceiver();
const received: Received[] = [];
const connections: string[] = [];
const watchSocket = (message: unknown) => {
  const { socket } = message as { socket: Socket };
  socket.once("connect", () => connections.push(`${socket.remoteAddress}:${socket.remotePort}`));
};

beforeAll(async () => {
  vendor = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            headers: [...mail.headers.keys()],
            text: mail.text ?? "",
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => vendor.listen(0, "127.0.0.1", resolve));
  await customerEndpoint.start();
  const { port } = vendor.server.address() as AddressInfo;
  // Watch from before the service starts: pools connect early.
  subscribe("net.client.socket", watchSocket);
  app = await startTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: "SMSAPE <no-reply@smsape.test>" });
});
afterAll(async () => {
  unsubscribe("net.client.socket", watchSocket);
  await app?.close();
  await new Promise<void>((resolve) => vendor?.close(() => resolve()));
  await customerEndpoint.stop();
});

const endpoint = (url: string | URL) => {
  const parsed = new URL(url);
  const host = parsed.hostname === "localhost" ? "127.0.0.1" : parsed.hostname;
  return `${host}:${parsed.port || { "postgres:": 5432, "redis:": 6379, "smtp:": 25 }[parsed.protocol]}`;
};

describe("the sub-processor register", () => {
  it("P13: a customer's whole journey opens connections only to the service's own systems and to registered destinations", async () => {
    const customer = await createCustomer(app);
    const topUp = await postPaymentEvent(app, {
      id: `evt_${Date.now()}`,
      type: "topup.succeeded",
      accountId: customer.accountId,
      amountMinor: 500,
      currency: "USD",
    });
    expect(topUp.status).toBe(200);
    const { createWebhookEndpoint } = await customer.client.data(
      `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { __typename } }`,
      { input: { url: customerEndpoint.url("/events"), events: ["SMS_RECEIVED"], includeMessageContent: true } },
    );
    expect(createWebhookEndpoint.__typename).toBe("WebhookEndpointWithSecret");
    const activation = await customer.orderNumber();
    expect((await deliverSms(app, { to: activation.phoneNumber })).status).toBe(200);
    await eventually(() => customerEndpoint.received.length > 0, { what: "the SMS event to reach the customer's endpoint" });
    await new GraphqlClient(app.url).data(
      `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { __typename } }`,
      { email: customer.email },
    );
    await eventually(() => received.filter((mail) => mail.envelope.to.includes(customer.email)).length >= 2, {
      what: "the verification and reset emails to reach the relay",
    });

    const own = [endpoint(app.url), endpoint(app.database.url)];
    if (app.services.config.redisUrl) own.push(endpoint(app.services.config.redisUrl));
    const registered = [
      ...registeredDestinations(app.services.config),
      ...(await customerEndpointDestinations(app.services.db)),
    ].map((destination) => endpoint(destination.url));
    const opened = [...new Set(connections)];
    expect(opened.filter((destination) => !own.includes(destination) && !registered.includes(destination))).toEqual([]);
    // The watch saw the relay: it does see outbound connections.
    expect(opened).toEqual(expect.arrayContaining(registered));
    expect(registeredDestinations(app.services.config).map((destination) => destination.subProcessor)).toEqual(["email-relay"]);
  });

  it("P13: the email vendor receives the recipient, the subject and the body, and nothing that names the account", async () => {
    const customer = await createCustomer(app);
    const mailsTo = () => received.filter((mail) => mail.envelope.to.includes(customer.email));
    await eventually(() => mailsTo().length > 0, { what: "the verification email to reach the relay" });
    const mails = mailsTo();
    const entry = subProcessors.find((processor) => processor.key === "email-relay");
    expect(entry?.receives).toEqual(["recipient address", "subject", "message body"]);
    for (const mail of mails) {
      expect(mail.envelope).toEqual({ from: "no-reply@smsape.test", to: [customer.email] });
      // Only the headers any email carries: no tracking, no account reference.
      expect(
        mail.headers.filter(
          (header) =>
            ![
              "from",
              "to",
              "subject",
              "message-id",
              "date",
              "mime-version",
              "content-type",
              "content-transfer-encoding",
            ].includes(header),
        ),
      ).toEqual([]);
      expect(mail.text).not.toContain(customer.accountId);
    }
  });

  it("P13: a customer's own endpoint receives the fields its entry lists for an event, and none that names the account", async () => {
    const entry = subProcessors.find((processor) => processor.key === "customer-webhook-endpoints");
    expect(entry?.direction).toBe("CUSTOMER_ENDPOINT");
    await eventually(() => customerEndpoint.received.length > 0, { what: "the journey's SMS event" });
    for (const request of customerEndpoint.received) {
      const event = JSON.parse(request.body);
      expect(Object.keys(event).sort()).toEqual(["createdAt", "data", "id", "type"]);
      expect(Object.keys(event.data.activation).sort()).toEqual(["country", "id", "service", "status"]);
      if (event.type === "sms.received") expect(Object.keys(event.data.sms).sort()).toEqual(["code", "id", "receivedAt", "text"]);
      // No account id, email or phone number: the endpoint is the customer's, and the customer knows its activation.
      expect(request.body).not.toMatch(/accountId|@|\+\d{6,}/);
    }
  });
});
