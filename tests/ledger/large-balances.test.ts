import {
  balance,
  createCustomer,
  deliverSms,
  minutes,
  order,
  postPaymentEvent,
  startTestApp,
  step,
  type TestApp,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/**
 * A long history in one statement: `count` top-ups of `amountMinor`, recorded a
 * day ago as the webhook records them (a payment event and its TOP_UP entry).
 * The webhook takes at most 10,000.00 per event; this stands for years of them.
 */
async function seedTopUpHistory(accountId: string, count: number, amountMinor: bigint) {
  const at = new Date(app.services.now().getTime() - minutes(24 * 60)).toISOString();
  await app.services.db.$executeRaw`
    WITH events AS (
      INSERT INTO "PaymentEvent" ("id", "accountId", "kind", "amountMinor", "currency", "receivedAt")
      SELECT 'evt_history_' || ${accountId} || '_' || n, ${accountId}::uuid, 'topup.succeeded', ${amountMinor}::bigint, 'USD', ${at}::timestamp
      FROM generate_series(1, ${count}::int) AS n
      RETURNING "id", "receivedAt")
    INSERT INTO "LedgerEntry" ("id", "accountId", "accountRef", "kind", "availableDelta", "heldDelta", "currency", "paymentEventId", "createdAt")
    SELECT gen_random_uuid(), ${accountId}::uuid, ${accountId}, 'TOP_UP', ${amountMinor}::bigint, 0, 'USD', "id", "receivedAt"
    FROM events`;
}

let eventCounter = 0;
async function topUp(accountId: string, amountMinor: number) {
  app.clock.advance(1_000); // entries one second apart list in a known order
  const event = { id: `evt_large_${++eventCounter}`, type: "topup.succeeded", accountId, amountMinor, currency: "USD" };
  return postPaymentEvent(app, event);
}

async function latestLedgerEntries(customer: { client: { data(query: string): Promise<any> } }, count: number) {
  const { ledgerEntries } = await customer.client.data(
    `{ ledgerEntries(first: ${count}) { edges { node { kind availableDelta heldDelta } } } }`,
  );
  return ledgerEntries.edges.map((edge: { node: unknown }) => edge.node);
}

describe("balances past 32 bits", () => {
  it("reads a balance past 2^31 - 1 minor units exactly, lists its ledger, and orders, cancels and finishes with exact amounts", async () => {
    const customer = await createCustomer(app);
    await seedTopUpHistory(customer.accountId, 2_147, 1_000_000n);
    expect(await topUp(customer.accountId, 483_647)).toEqual({ status: 200, body: { status: "recorded" } });
    expect(await balance(customer.client)).toEqual({ availableMinor: 2_147_483_647, heldMinor: 0, currency: "USD" });
    expect(await topUp(customer.accountId, 1_000_000)).toEqual({ status: 200, body: { status: "recorded" } });
    expect(await balance(customer.client)).toEqual({ availableMinor: 2_148_483_647, heldMinor: 0, currency: "USD" });
    expect(await latestLedgerEntries(customer, 3)).toEqual([
      { kind: "TOP_UP", availableDelta: 1_000_000, heldDelta: 0 },
      { kind: "TOP_UP", availableDelta: 483_647, heldDelta: 0 },
      { kind: "TOP_UP", availableDelta: 1_000_000, heldDelta: 0 },
    ]);

    // A number priced past 32 bits too, so the held amount and every delta pass it.
    const price = 2_148_000_000;
    await app.services.db.country.create({ data: { code: "ZB", name: "Bigland" } });
    await app.services.db.price.create({ data: { countryCode: "ZB", serviceCode: "telegram", amountMinor: BigInt(price) } });
    await app.services.db.virtualNumber.createMany({
      data: [
        { phoneNumber: "+99900000201", countryCode: "ZB" },
        { phoneNumber: "+99900000202", countryCode: "ZB" },
      ],
    });

    const first = await order(customer.client, { service: "telegram", country: "ZB", maxPriceMinor: "3000000000" });
    expect(first.activation.priceMinor).toBe(price);
    expect(first.balance).toEqual({ availableMinor: 483_647, heldMinor: price, currency: "USD" });
    app.clock.advance(minutes(3));
    const canceled = await step(customer.client, "cancelActivation", first.activation.id);
    expect(canceled.activation.status).toBe("CANCELED");
    expect(canceled.balance).toEqual({ availableMinor: 2_148_483_647, heldMinor: 0, currency: "USD" });

    app.clock.advance(1_000);
    const second = await order(customer.client, { service: "telegram", country: "ZB" });
    expect(second.balance).toEqual({ availableMinor: 483_647, heldMinor: price, currency: "USD" });
    expect(await order(customer.client, { service: "telegram", country: "ZB" })).toMatchObject({
      code: "INSUFFICIENT_BALANCE",
      requiredMinor: price,
      availableMinor: 483_647,
    });
    expect(await order(customer.client, { service: "telegram", country: "ZB", maxPriceMinor: 2_147_483_647 })).toMatchObject({
      code: "PRICE_ABOVE_MAXIMUM",
      priceMinor: price,
      maxPriceMinor: 2_147_483_647,
    });
    expect((await deliverSms(app, { to: second.activation.phoneNumber })).status).toBe(200);
    app.clock.advance(1_000);
    const finished = await step(customer.client, "finishActivation", second.activation.id);
    expect(finished.activation.status).toBe("COMPLETED");
    expect(finished.balance).toEqual({ availableMinor: 483_647, heldMinor: 0, currency: "USD" });

    expect(await latestLedgerEntries(customer, 4)).toEqual([
      { kind: "CHARGE", availableDelta: 0, heldDelta: -price },
      { kind: "HOLD", availableDelta: -price, heldDelta: price },
      { kind: "RELEASE", availableDelta: price, heldDelta: -price },
      { kind: "HOLD", availableDelta: -price, heldDelta: price },
    ]);
  });

  it("reads amounts past 2^53 back exactly, as strings of decimal digits", async () => {
    // Past the balance ceiling, so only a hand-written correction could put them there.
    const customer = await createCustomer(app);
    const entries = [2n ** 62n, 2n ** 53n + 1n];
    for (const [index, availableDelta] of entries.entries()) {
      await app.services.db.ledgerEntry.create({
        data: {
          accountId: customer.accountId,
          accountRef: customer.accountId,
          kind: "ADJUSTMENT",
          availableDelta,
          createdAt: new Date(app.services.now().getTime() + index * 1_000),
        },
      });
    }
    expect(await balance(customer.client)).toEqual({ availableMinor: "4620693217682128897", heldMinor: 0, currency: "USD" });
    expect(await latestLedgerEntries(customer, 2)).toEqual([
      { kind: "ADJUSTMENT", availableDelta: "9007199254740993", heldDelta: 0 },
      { kind: "ADJUSTMENT", availableDelta: "4611686018427387904", heldDelta: 0 },
    ]);
  });
});
