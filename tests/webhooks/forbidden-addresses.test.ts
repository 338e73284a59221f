/**
 * Server-side request forgery: with private addresses refused (as in
 * production), an endpoint that is or resolves to a loopback, private,
 * link-local or other non-public address is refused at registration, and a
 * delivery whose host resolves to one at delivery time (DNS rebinding, or a
 * record written before) never connects to it.
 */
import { randomUUID } from "node:crypto";
import { createCustomer, eventually, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealColumn } from "../../api/src/domain/crypto/encrypted-columns.ts";
import { forbiddenRange } from "../../api/src/domain/webhooks/addresses.ts";
import { WebhookReceiver } from "./receiver.ts";

const receiver = new WebhookReceiver();
let app: TestApp;

beforeAll(async () => {
  await receiver.start();
  app = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: "false" });
});
afterAll(async () => {
  await app?.close();
  await receiver.stop();
});

describe("webhook endpoints and non-public addresses", () => {
  it("names every non-public range, and only those, as forbidden", () => {
    const forbidden = [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "255.255.255.255",
      "::1",
      "::",
      "fe80::1",
      "fd00:ec2::254",
      "ff02::1",
      "::ffff:127.0.0.1",
      "64:ff9b::7f00:1",
      "2002:7f00:1::",
    ];
    expect(forbidden.filter((address) => forbiddenRange(address) === null)).toEqual([]);
    expect(["93.184.216.34", "2606:4700:4700::1111"].map(forbiddenRange)).toEqual([null, null]);
  });

  it("refuses at registration an address that is, or whose name resolves to, a non-public one", async () => {
    const customer = await createCustomer(app);
    for (const url of [
      receiver.url("/direct"),
      receiver.url("/by-name", "localhost"),
      `http://[::1]:${receiver.port}/v6`,
      `http://[::ffff:127.0.0.1]:${receiver.port}/mapped`,
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/hook",
      "http://2130706433/decimal",
    ]) {
      const { createWebhookEndpoint } = await customer.client.data(
        `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { __typename ... on Error { code message } } }`,
        { input: { url, events: ["SMS_RECEIVED"] } },
      );
      expect(createWebhookEndpoint, url).toMatchObject({
        __typename: "WebhookAddressForbiddenError",
        code: "WEBHOOK_ADDRESS_FORBIDDEN",
      });
    }
    expect(await app.services.db.webhookEndpoint.count({ where: { accountId: customer.accountId } })).toBe(0);
    expect(receiver.received).toEqual([]);
  });

  it("checks again at delivery, after resolving the name: an endpoint now resolving to loopback receives nothing", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    // As if the name had resolved to a public address when it was registered, and to loopback now.
    const id = randomUUID();
    const path = `/rebound/${id}`;
    await app.services.db.webhookEndpoint.create({
      data: {
        id,
        accountId: customer.accountId,
        url: receiver.url(path, "localhost"),
        events: ["sms.received", "activation.status_changed"],
        includeMessageContent: true,
        secretCiphertext: sealColumn(app.services.config.encryption, "webhookSecret", id, "whsec_test"),
      },
    });
    const activation = await customer.orderNumber();
    await activation.receiveSms("Code 77777");
    await eventually(
      async () => (await app.services.db.webhookDelivery.count({ where: { endpointId: id, status: "FAILED" } })) === 3,
      { what: "the three deliveries to be given up" },
    );
    const deliveries = await app.services.db.webhookDelivery.findMany({ where: { endpointId: id } });
    expect(deliveries.map((delivery) => [delivery.attempts, delivery.lastError, delivery.payloadCiphertext])).toEqual([
      [1, "FORBIDDEN_ADDRESS", null],
      [1, "FORBIDDEN_ADDRESS", null],
      [1, "FORBIDDEN_ADDRESS", null],
    ]);
    expect(receiver.received).toEqual([]);
  });
});
