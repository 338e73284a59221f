import { createCustomer, startTestApp, type TestApp, type TestCustomer } from "@smsape/api/testing";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type Listener, listen, orderNumber, type SmsEvent, smsFields, untilLive } from "./support.ts";

let app: TestApp;
let customer: TestCustomer;
let socket: Client | undefined;

beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "true" });
  customer = await createCustomer(app, { balanceMinor: 500 });
});
afterAll(async () => {
  await socket?.dispose();
  await app?.close();
});

describe("the built-in upstream operator simulator", () => {
  it("delivers a realistic SMS through the signed webhook a few seconds after a number is ordered, live to the subscriber", async () => {
    // A first order: the simulator answers it; its SMS then serves to prove the subscription live.
    const first = await orderNumber(customer);
    let firstMessageId = "";
    await eventually(
      async () => {
        const message = await app.services.db.smsMessage.findFirst({ where: { activationId: first.id } });
        firstMessageId = message?.id ?? "";
        return message !== null;
      },
      { timeoutMs: 30_000, intervalMs: 250, what: "the simulator's first SMS" },
    );
    socket = customer.client.subscriptions();
    const listener: Listener<SmsEvent> = listen(socket, `subscription { smsReceived { ${smsFields} } }`);
    await untilLive(app, listener, { accountId: customer.accountId, activationId: first.id, messageId: firstMessageId });

    const second = await orderNumber(customer);
    await eventually(() => listener.events.some((event) => event.smsReceived.activation.id === second.id), {
      timeoutMs: 30_000,
      what: "the simulated SMS, live",
    });
    const sms = listener.events.find((event) => event.smsReceived.activation.id === second.id)?.smsReceived;
    expect(sms?.text).toMatch(/^Your Telegram code is \d{6}\. Do not share it with anyone\.$/);
    expect(sms?.code).toBe(sms?.text?.match(/\d{6}/)?.[0]);
    expect(sms?.activation.status).toBe("SMS_RECEIVED");

    // It came in through the webhook, signed like the operator's, and was logged as such.
    expect(app.logs()).toContain("upstream operator simulator started");
    const stored = await app.services.db.smsMessage.findFirstOrThrow({ where: { activationId: second.id } });
    expect(stored.upstreamMessageId).toBe(`sim-${second.id}`);
  });
});
