import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, startTestApp, type TestActivation, type TestApp, type TestCustomer } from "../../testing/index.ts";
import { type InboundSms, type IngestOutcome, ingestInboundSms } from "./ingest.ts";

let app: TestApp;
let customers: TestCustomer[];

beforeAll(async () => {
  app = await startTestApp();
  customers = await Promise.all([0, 1, 2].map(() => createCustomer(app, { balanceMinor: 10_000 })));
});
afterAll(async () => {
  await app?.close();
});

/** New activations, `each` for each customer. */
async function activations(each: number): Promise<TestActivation[]> {
  const ordered: TestActivation[] = [];
  for (const customer of customers) for (let i = 0; i < each; i++) ordered.push(await customer.orderNumber());
  return ordered;
}

/** The batch sizes recorded so far: each observation's count, by size bucket's upper bound. */
async function batchSizes(): Promise<{ batches: number; sms: number }> {
  const { values } = await app.services.metrics.smsIngestBatchSize.get();
  const value = (suffix: string) =>
    values.find((sample) => sample.metricName === `smsape_sms_ingest_batch_size_${suffix}`)?.value ?? 0;
  return { batches: value("count"), sms: value("sum") };
}

/** Every `smsReceived` event of each account, from now on, as `activationId/messageId`. */
function hear(accountIds: string[]) {
  const heard = new Map<string, string[]>(accountIds.map((id) => [id, []]));
  const iterators = accountIds.map((accountId) => {
    const iterator = app.services.events.subscribe("smsReceived", accountId)[Symbol.asyncIterator]();
    void (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next())
        heard.get(accountId)?.push(`${next.value.activationId}/${next.value.messageId}`);
    })();
    return iterator;
  });
  return { heard, stop: () => Promise.all(iterators.map((iterator) => iterator.return?.())) };
}

const sent = (activation: TestActivation, id: string, code: number): InboundSms => ({
  upstreamMessageId: id,
  to: activation.phoneNumber,
  text: `Your code is ${code}`,
});

describe("SMS that arrive together", () => {
  it("are stored in one transaction, each as if it came alone, and each owner hears only of its own", async () => {
    const held = await activations(3);
    const run = `together-${Date.now()}`;
    // The last activation has had an SMS already (it does not move again); the third customer's account tells a
    // webhook endpoint, whose SMS are written one statement each, with their deliveries.
    const last = held.at(-1) as TestActivation;
    await ingestInboundSms(app.services, sent(last, `earlier-${run}`, 123_456));
    const endpoint = await app.services.db.webhookEndpoint.create({
      data: {
        accountId: (customers[2] as TestCustomer).accountId,
        url: "https://hooks.example.test/sms",
        events: ["sms.received"],
        secretCiphertext: "not-used-here",
      },
    });
    // Every other SMS carries routing details, first seen for its activation.
    const distinct = held.map((activation, i) => ({
      ...sent(activation, `${run}-${i}`, 100_000 + i),
      ...(i % 2 === 1 ? { route: `route-${i}`, sender: "Telegram" } : {}),
    }));
    const burst = [
      ...distinct,
      // A second SMS to a number of the burst: it must see the first one's move to SMS_RECEIVED.
      sent(held[0] as TestActivation, `${run}-second`, 999_999),
      // A second delivery of a message of the burst: a duplicate, stored once.
      { ...(distinct[1] as InboundSms), text: "Your code is 111111" },
      // A number nobody holds.
      { upstreamMessageId: `${run}-nobody`, to: "+447700900999", text: "Your code is 222222" },
    ];
    const listening = hear(customers.map((customer) => customer.accountId));
    const before = await batchSizes();

    // All in one turn of the event loop, as a burst of webhooks reaches the queue.
    const outcomes = await Promise.all(burst.map((sms) => ingestInboundSms(app.services, sms)));

    const delivered = (outcome: IngestOutcome | undefined) => outcome?.outcome === "delivered";
    expect(outcomes.slice(0, distinct.length).every(delivered)).toBe(true);
    expect(outcomes.slice(distinct.length).map((outcome) => outcome.outcome)).toEqual([
      "delivered",
      "duplicate",
      "no-live-activation",
    ]);
    // The SMS of distinct numbers and ids shared one transaction; the second SMS and the retry each came after, alone.
    const after = await batchSizes();
    expect(after.batches - before.batches).toBe(3);
    expect(after.sms - before.sms).toBe(burst.length);

    const stored = await app.services.db.smsMessage.findMany({
      where: { upstreamMessageId: { startsWith: run } },
      select: { id: true, activationId: true, upstreamMessageId: true },
    });
    expect(stored).toHaveLength(distinct.length + 1);
    for (const [i, activation] of held.entries()) {
      const own = stored.filter((message) => message.activationId === activation.id).map((message) => message.upstreamMessageId);
      expect(own.sort()).toEqual(i === 0 ? [`${run}-0`, `${run}-second`] : [`${run}-${i}`]);
    }
    const moved = await app.services.db.activation.findMany({ where: { id: { in: held.map((activation) => activation.id) } } });
    expect(moved.map((activation) => activation.status)).toEqual(moved.map(() => "SMS_RECEIVED"));
    const routed = new Set(held.filter((_, i) => i % 2 === 1).map((activation) => activation.id));
    for (const activation of moved) expect(activation.routingCiphertext !== null, activation.id).toBe(routed.has(activation.id));
    // One move each, with its history row: the SMS to the activation that had moved already moved nothing.
    const history = await app.services.db.activationStatusChange.count({
      where: { activationId: { in: held.map((activation) => activation.id) }, toStatus: "SMS_RECEIVED" },
    });
    expect(history).toBe(held.length);
    // The endpoint hears of its account's SMS of the burst nothing of the others'.
    const deliveries = await app.services.db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    const thirds = held.filter((activation) => activation.accountId === endpoint.accountId).map((activation) => activation.id);
    expect(new Set(deliveries.map((delivery) => delivery.activationId))).toEqual(new Set(thirds));
    expect(deliveries.filter((delivery) => delivery.eventType === "sms.received")).toHaveLength(thirds.length);

    // P7: each account is told of its own activations' SMS, and of nothing else.
    const expected = new Map(customers.map((customer) => [customer.accountId, [] as string[]]));
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.outcome !== "delivered") continue;
      const owner = held.find((activation) => activation.phoneNumber === burst[i]?.to)?.accountId as string;
      expected.get(owner)?.push(`${outcome.activationId}/${outcome.messageId}`);
    }
    await expect.poll(() => [...listening.heard.values()].flat().length).toBe(distinct.length + 1);
    for (const [accountId, heard] of listening.heard) expect(heard.sort()).toEqual(expected.get(accountId)?.sort());
    await listening.stop();
    await app.services.db.webhookEndpoint.delete({ where: { id: endpoint.id } });
  });

  it("a few share a transaction, one statement each", async () => {
    const held = (await activations(1)).slice(0, 3);
    const run = `few-${Date.now()}`;
    const before = await batchSizes();
    const outcomes = await Promise.all(
      held.map((activation, i) =>
        ingestInboundSms(app.services, { ...sent(activation, `${run}-${i}`, 200_000 + i), route: `route-${i}` }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["delivered", "delivered", "delivered"]);
    const after = await batchSizes();
    expect([after.batches - before.batches, after.sms - before.sms]).toEqual([1, 3]);
    const stored = await app.services.db.smsMessage.findMany({ where: { upstreamMessageId: { startsWith: run } } });
    expect(stored.map((message) => [message.activationId, message.upstreamMessageId]).sort()).toEqual(
      held.map((activation, i) => [activation.id, `${run}-${i}`]).sort(),
    );
    const moved = await app.services.db.activation.findMany({ where: { id: { in: held.map((activation) => activation.id) } } });
    for (const activation of moved)
      expect([activation.status, activation.routingCiphertext !== null]).toEqual(["SMS_RECEIVED", true]);
  });

  it("are stored again one at a time when their shared transaction fails, so only the failing SMS fails", async () => {
    const held = await activations(2);
    const run = `refused-${Date.now()}`;
    const refused = `${run}-refused`;
    // A trigger the test adds refuses one message's row, which fails any transaction it is in.
    await app.services.sql.rows(`CREATE OR REPLACE FUNCTION refuse_one_sms() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW."upstreamMessageId" = '${refused}' THEN RAISE EXCEPTION 'this SMS is refused'; END IF;
        RETURN NEW;
      END $$`);
    await app.services.sql.rows(
      `CREATE TRIGGER refuse_one_sms BEFORE INSERT ON "SmsMessage" FOR EACH ROW EXECUTE FUNCTION refuse_one_sms()`,
    );
    try {
      const burst = held.map((activation, i) => sent(activation, i === 4 ? refused : `${run}-${i}`, 300_000 + i));
      const before = await batchSizes();
      const outcomes = await Promise.allSettled(burst.map((sms) => ingestInboundSms(app.services, sms)));

      expect(outcomes.map((outcome) => outcome.status)).toEqual(burst.map((_, i) => (i === 4 ? "rejected" : "fulfilled")));
      for (const outcome of outcomes) if (outcome.status === "fulfilled") expect(outcome.value.outcome).toBe("delivered");
      // One shared attempt, then each SMS on its own.
      const after = await batchSizes();
      expect(after.batches - before.batches).toBe(1 + burst.length);
      const stored = await app.services.db.smsMessage.findMany({ where: { upstreamMessageId: { startsWith: run } } });
      expect(stored.map((message) => message.upstreamMessageId).sort()).toEqual(
        burst
          .filter((_, i) => i !== 4)
          .map((sms) => sms.upstreamMessageId)
          .sort(),
      );
      // The refused SMS changed nothing: its activation still waits.
      const waiting = await app.services.db.activation.findUniqueOrThrow({ where: { id: (held[4] as TestActivation).id } });
      expect(waiting.status).toBe("WAITING_SMS");
    } finally {
      await app.services.sql.rows(`DROP TRIGGER refuse_one_sms ON "SmsMessage"`);
    }
  });
});
