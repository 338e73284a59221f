import {
  activation,
  balance,
  createCustomer,
  eventually,
  type Listener,
  listen,
  type SmsEvent,
  smsFields,
  startTestApp,
  step,
  type TestApp,
  type TestCustomer,
  untilLive,
} from "@smsape/api/testing";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireOverdueActivations } from "../../api/src/domain/activations/activations.ts";
import { neverDeliveredService } from "../../api/src/seed/demo.ts";
import { simulatorDefaults } from "../../api/src/simulators/upstream-operator.ts";

let app: TestApp;
let customer: TestCustomer;
let socket: Client | undefined;

beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "true" });
  customer = await createCustomer(app, { balanceMinor: 1_000 });
});
afterAll(async () => {
  await socket?.dispose();
  await app?.close();
});

describe("the built-in upstream operator simulator", () => {
  it("delivers a realistic SMS through the signed webhook a few seconds after a number is ordered, live to the subscriber", async () => {
    // A first order: the simulator answers it; its SMS then serves to prove the subscription live.
    const first = await customer.orderNumber();
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

    const second = await customer.orderNumber();
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
    expect(stored.upstreamMessageId).toBe(`sim-${second.id}-1`);
  });

  it("sends another SMS each time another is requested", async () => {
    const ordered = await customer.orderNumber();
    await smsCount(ordered.id, 1, "the first SMS");
    expect((await step(customer.client, "requestAnotherSms", ordered.id)).activation.status).toBe("WAITING_SMS");
    await smsCount(ordered.id, 2, "the second SMS");
    expect((await activation(customer.client, ordered.id)).status).toBe("SMS_RECEIVED");
    const ids = await app.services.db.smsMessage.findMany({
      where: { activationId: ordered.id },
      select: { upstreamMessageId: true },
    });
    expect(ids.map((message) => message.upstreamMessageId).sort()).toEqual([`sim-${ordered.id}-1`, `sim-${ordered.id}-2`]);
  });

  it(`never sends an SMS for the demo service "${neverDeliveredService.code}", so it can be cancelled after the lock for a refund`, async () => {
    const before = await balance(customer.client);
    const silent = await customer.orderNumber({ service: neverDeliveredService.code });
    // Ordered at the same time: once its SMS is in and another round has passed, the simulator has had its chance.
    const control = await customer.orderNumber();
    await smsCount(control.id, 1, "the SMS for the number ordered alongside");
    await new Promise((resolve) => setTimeout(resolve, simulatorDefaults.intervalMs + 500));
    expect(await app.services.db.smsMessage.count({ where: { activationId: silent.id } })).toBe(0);

    expect(await step(customer.client, "cancelActivation", silent.id)).toMatchObject({ code: "CANCEL_LOCKED" });
    app.clock.advance(app.services.config.activations.cancelLockMinutes * 60_000);
    const canceled = await step(customer.client, "cancelActivation", silent.id);
    expect(canceled.activation.status).toBe("CANCELED");
    // The control's price is held until it is finished; the silent order's price came back.
    await step(customer.client, "finishActivation", control.id);
    const charged = (await activation(customer.client, control.id)).priceMinor;
    expect(await balance(customer.client)).toEqual({ ...before, availableMinor: before.availableMinor - charged });
  });

  it(`lets an order for "${neverDeliveredService.code}" time out, its price released`, async () => {
    const silent = await customer.orderNumber({ service: neverDeliveredService.code });
    // A minute before its time is up, long past the simulator's delay: a round of the simulator passes it by.
    app.clock.advance((app.services.config.activations.timeoutMinutes - 1) * 60_000);
    await new Promise((resolve) => setTimeout(resolve, simulatorDefaults.intervalMs + 500));
    expect(await app.services.db.smsMessage.count({ where: { activationId: silent.id } })).toBe(0);
    app.clock.advance(60_000);
    await expireOverdueActivations(app.services);
    expect((await activation(customer.client, silent.id)).status).toBe("TIMED_OUT");
    const ledger = await app.services.db.ledgerEntry.findMany({
      where: { activationId: silent.id },
      select: { kind: true },
      orderBy: { id: "asc" },
    });
    expect(ledger.map((entry) => entry.kind)).toEqual(["HOLD", "RELEASE"]);
  });
});

async function smsCount(activationId: string, count: number, what: string) {
  await eventually(async () => (await app.services.db.smsMessage.count({ where: { activationId } })) >= count, {
    timeoutMs: 30_000,
    intervalMs: 250,
    what,
  });
}
