import {
  balance,
  bip39Sample,
  cardNumber,
  cardNumberLengths,
  createCustomer,
  formatCardNumber,
  postPaymentEvent,
  processorIdShapes,
  startTestApp,
  type TestApp,
  webhookSignature,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logPseudonym } from "../../api/src/domain/crypto/log-pseudonyms.ts";
import { balanceCeilingMinor } from "../../api/src/domain/ledger/ledger.ts";
import { findCardOrWalletData } from "../../api/src/domain/payments/card-data.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

let eventCounter = 0;
const topUp = (accountId: string, extra: Record<string, unknown> = {}) => ({
  id: `evt_test_${++eventCounter}`,
  type: "topup.succeeded",
  accountId,
  amountMinor: 500,
  currency: "USD",
  ...extra,
});

const stored = async (eventId: string) => ({
  paymentEvents: await app.services.db.paymentEvent.count({ where: { id: eventId } }),
  ledgerEntries: await app.services.db.ledgerEntry.count({ where: { paymentEventId: eventId } }),
});

describe("top-ups through the payment webhook", () => {
  it("P9: records a signed top-up as a payment event and a TOP_UP entry", async () => {
    const customer = await createCustomer(app);
    const event = topUp(customer.accountId);
    expect(await postPaymentEvent(app, event)).toEqual({ status: 200, body: { status: "recorded" } });
    expect(await balance(customer.client)).toEqual({ availableMinor: 500, heldMinor: 0, currency: "USD" });
    expect(await stored(event.id)).toEqual({ paymentEvents: 1, ledgerEntries: 1 });
    const entry = await app.services.db.ledgerEntry.findUniqueOrThrow({ where: { paymentEventId: event.id } });
    expect(entry).toMatchObject({ kind: "TOP_UP", availableDelta: 500n, heldDelta: 0n, accountRef: customer.accountId });
  });

  it("answers a replayed event 200 and changes nothing", async () => {
    const customer = await createCustomer(app);
    const event = topUp(customer.accountId);
    await postPaymentEvent(app, event);
    // A fresh signature over the same event: the processor retrying, or someone replaying it.
    app.clock.advance(60_000);
    expect(await postPaymentEvent(app, event)).toEqual({ status: 200, body: { status: "duplicate" } });
    expect(await postPaymentEvent(app, { ...event, amountMinor: 900 })).toEqual({ status: 200, body: { status: "duplicate" } });
    expect(await balance(customer.client)).toEqual({ availableMinor: 500, heldMinor: 0, currency: "USD" });
    expect(await stored(event.id)).toEqual({ paymentEvents: 1, ledgerEntries: 1 });
  });

  it("refuses forged, unsigned and stale deliveries with 401 and stores nothing", async () => {
    const customer = await createCustomer(app);
    const forged = topUp(customer.accountId);
    expect((await postPaymentEvent(app, forged, { secret: "not-the-payment-secret-at-all" })).status).toBe(401);
    const unsigned = topUp(customer.accountId);
    expect((await postPaymentEvent(app, unsigned, { signature: null })).status).toBe(401);
    const stale = topUp(customer.accountId);
    const tenMinutesAgo = Math.floor(app.services.now().getTime() / 1000) - 600;
    expect((await postPaymentEvent(app, stale, { timestampSeconds: tenMinutesAgo })).status).toBe(401);
    // A valid signature over another body does not carry over.
    const signedFor = topUp(customer.accountId);
    const now = Math.floor(app.services.now().getTime() / 1000);
    const otherSignature = webhookSignature(
      app.services.config.webhooks.paymentSecret,
      JSON.stringify({ ...signedFor, amountMinor: 1 }),
      now,
    );
    expect((await postPaymentEvent(app, signedFor, { signature: otherSignature })).status).toBe(401);

    for (const event of [forged, unsigned, stale, signedFor])
      expect(await stored(event.id)).toEqual({ paymentEvents: 0, ledgerEntries: 0 });
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });
  });

  it("P9: refuses a delivery signed with a timestamp beyond the tolerance in the future with 401, and credits nothing", async () => {
    const customer = await createCustomer(app);
    const now = Math.floor(app.services.now().getTime() / 1000);
    const tolerance = app.services.config.webhooks.toleranceSeconds;
    const early = topUp(customer.accountId);
    expect(await postPaymentEvent(app, early, { timestampSeconds: now + tolerance + 60 })).toMatchObject({
      status: 401,
      body: { code: "BAD_SIGNATURE" },
    });
    const farFuture = topUp(customer.accountId);
    expect((await postPaymentEvent(app, farFuture, { timestampSeconds: now + 30 * 24 * 3600 })).status).toBe(401);
    // Within the tolerance a clock running ahead is fine.
    const slightlyAhead = topUp(customer.accountId);
    expect((await postPaymentEvent(app, slightlyAhead, { timestampSeconds: now + tolerance - 60 })).status).toBe(200);

    for (const event of [early, farFuture]) expect(await stored(event.id)).toEqual({ paymentEvents: 0, ledgerEntries: 0 });
    expect(await balance(customer.client)).toEqual({ availableMinor: 500, heldMinor: 0, currency: "USD" });
  });

  it("refuses an event for an unknown account, or in another currency, with a typed 422", async () => {
    const unknown = topUp("01960000-0000-7000-8000-000000000000");
    expect(await postPaymentEvent(app, unknown)).toMatchObject({ status: 422, body: { code: "UNKNOWN_ACCOUNT" } });
    const customer = await createCustomer(app);
    const euros = topUp(customer.accountId, { currency: "EUR" });
    expect(await postPaymentEvent(app, euros)).toMatchObject({ status: 422, body: { code: "UNSUPPORTED_CURRENCY" } });
    const negative = topUp(customer.accountId, { amountMinor: -500 });
    expect(await postPaymentEvent(app, negative)).toMatchObject({ status: 422, body: { code: "INVALID_PAYLOAD" } });
    for (const event of [unknown, euros, negative])
      expect(await stored(event.id)).toEqual({ paymentEvents: 0, ledgerEntries: 0 });
  });
});

describe("the balance ceiling", () => {
  it("refuses a top-up that would take available plus held past the ceiling with BALANCE_LIMIT_EXCEEDED, and credits nothing", async () => {
    const customer = await createCustomer(app, { balanceMinor: balanceCeilingMinor - 1_000n });
    await customer.orderNumber({ service: "telegram", country: "US" }); // 25 held, still counted
    const fits = topUp(customer.accountId, { amountMinor: 1_000 });
    expect(await postPaymentEvent(app, fits)).toEqual({ status: 200, body: { status: "recorded" } });
    const ceiling = Number(balanceCeilingMinor);
    expect(await balance(customer.client)).toEqual({ availableMinor: ceiling - 25, heldMinor: 25, currency: "USD" });

    const over = topUp(customer.accountId, { amountMinor: 1 });
    const refused = await postPaymentEvent(app, over);
    expect(refused).toMatchObject({ status: 422, body: { code: "BALANCE_LIMIT_EXCEEDED" } });
    expect(refused.body.error).toMatch(/limit of 1000000000000 per account.*nothing was credited/);
    expect(await stored(over.id)).toEqual({ paymentEvents: 0, ledgerEntries: 0 });
    expect(await balance(customer.client)).toEqual({ availableMinor: ceiling - 25, heldMinor: 25, currency: "USD" });
  });
});

describe("card numbers and wallet secrets", () => {
  const pan = "4111 1111 1111 1111";
  const seedPhrase = bip39Sample.slice(0, 12).join(" ");

  const payloads: Array<[string, (accountId: string) => Record<string, unknown>]> = [
    ["a Luhn-valid card number in a nested note", (accountId) => topUp(accountId, { metadata: { note: `paid with ${pan}` } })],
    ["a card number without spaces in a list", (accountId) => topUp(accountId, { lines: [{ ref: "5555555555554444" }] })],
    ["a card number with dashes", (accountId) => topUp(accountId, { reference: "4012-8888-8888-1881" })],
    ["a card security code field", (accountId) => topUp(accountId, { card: { cvv: "123", brand: "visa" } })],
    ["a card number field", (accountId) => topUp(accountId, { card_number: "on file" })],
    ["a seed phrase", (accountId) => topUp(accountId, { wallet: { memo: seedPhrase } })],
    ["a 24-word seed phrase in a key", (accountId) => topUp(accountId, { [`${seedPhrase} ${seedPhrase}`]: true })],
  ];

  for (const [what, build] of payloads) {
    it(`P10: refuses a payload carrying ${what} with 422, and neither stores nor logs it`, async () => {
      const customer = await createCustomer(app);
      const event = build(customer.accountId);
      const response = await postPaymentEvent(app, event);
      expect(response).toMatchObject({ status: 422, body: { code: "SENSITIVE_PAYMENT_DATA" } });
      expect(JSON.stringify(response.body)).not.toMatch(/4111|5555|4012|abandon|\b123\b/);
      expect(await stored(String(event.id))).toEqual({ paymentEvents: 0, ledgerEntries: 0 });
      expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });

      const logs = app.logs();
      expect(logs).toContain(logPseudonym(app.services.config.encryption, String(event.id)));
      for (const secret of [
        pan,
        pan.replace(/ /g, ""),
        "5555555555554444",
        "4012-8888-8888-1881",
        "4012888888881881",
        seedPhrase,
        "abandon ability",
      ]) {
        expect(logs).not.toContain(secret);
      }
    });
  }

  it("still accepts ordinary payloads: UUIDs, timestamps, amounts and plain notes", async () => {
    const customer = await createCustomer(app);
    const event = topUp(customer.accountId, {
      createdAt: "2026-11-25T10:00:00.000Z",
      orderId: "01960000-1234-7123-8123-456789012345",
      note: "Top-up for March, thank you!",
      card: { brand: "visa", last4: "1111", expMonth: 12 },
    });
    expect(await postPaymentEvent(app, event)).toEqual({ status: 200, body: { status: "recorded" } });
    expect(await balance(customer.client)).toEqual({ availableMinor: 500, heldMinor: 0, currency: "USD" });
  });
});

describe("processor event ids", () => {
  /** An id of the given shape that a scan of every value would take for a card number. */
  const cardLikeId = (make: () => string) => {
    for (let attempt = 0; attempt < 100_000; attempt += 1) {
      const id = make();
      if (findCardOrWalletData({ id })) return id;
    }
    throw new Error("no card-like id of that shape in 100,000 tries");
  };

  it("P10: credits top-ups whose generated ids hold card-like digit runs, of every shape processors use", async () => {
    const customer = await createCustomer(app);
    const ids = [
      "evt_47c33c75-b7d1-4f96-9626-847461926424",
      "evt_1795646588313",
      ...Object.values(processorIdShapes).flatMap((make) => [make(), make()]),
      ...Array.from({ length: 4 }, () => cardLikeId(processorIdShapes["evt_<uuid>"])),
      ...Array.from({ length: 4 }, () => cardLikeId(processorIdShapes["millisecond timestamp"])),
      ...Array.from({ length: 4 }, () => cardLikeId(processorIdShapes["evt_<millisecond timestamp>"])),
    ];
    const refused: Array<[string, unknown]> = [];
    for (const id of ids) {
      const response = await postPaymentEvent(app, topUp(customer.accountId, { id }));
      if (response.status !== 200 || response.body.status !== "recorded") refused.push([id, response]);
    }
    expect(refused).toEqual([]);
    expect(await balance(customer.client)).toEqual({ availableMinor: 500 * ids.length, heldMinor: 0, currency: "USD" });
    for (const id of ids) expect(await stored(id)).toEqual({ paymentEvents: 1, ledgerEntries: 1 });
  });

  it("P10: refuses an id that is a bare card number as invalid or sensitive, stores nothing and logs only its keyed hash", async () => {
    const customer = await createCustomer(app);
    for (const id of ["4111111111111111", "evt_4111111111111111", "evt_4111-1111-1111-1111", "evt_abc def"]) {
      const response = await postPaymentEvent(app, topUp(customer.accountId, { id }));
      expect(response.status, id).toBe(422);
      expect(["SENSITIVE_PAYMENT_DATA", "INVALID_PAYLOAD"]).toContain(response.body.code);
      expect(JSON.stringify(response.body)).not.toContain("4111");
      expect(await stored(id)).toEqual({ paymentEvents: 0, ledgerEntries: 0 });
    }
    const logs = app.logs();
    expect(logs).toContain(logPseudonym(app.services.config.encryption, "evt_4111111111111111"));
    expect(logs).not.toMatch(/4111[ -]?1111[ -]?1111[ -]?1111/);
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });
  });
});

describe("card numbers of every length in every field", () => {
  const places: Array<[string, (accountId: string, card: string) => Record<string, unknown>]> = [
    ["the event id", (accountId, card) => topUp(accountId, { id: `evt_${card}` })],
    ["the account id", (_accountId, card) => ({ ...topUp(_accountId), accountId: card })],
    ["the type", (accountId, card) => topUp(accountId, { type: card })],
    ["the currency", (accountId, card) => topUp(accountId, { currency: card })],
    ["the amount", (accountId, card) => topUp(accountId, { amountMinor: card })],
    ["an unknown field", (accountId, card) => topUp(accountId, { description: `card ${card} exp 12/29` })],
    ["a nested unknown field", (accountId, card) => topUp(accountId, { metadata: { billing: { note: card } } })],
    ["a list", (accountId, card) => topUp(accountId, { lines: [{ ref: "A" }, { ref: card }] })],
    ["a key", (accountId, card) => topUp(accountId, { metadata: { [card]: "on file" } })],
  ];

  it("P10: refuses Luhn-valid 13 to 19 digit card numbers, plain, spaced or dashed, wherever they are, with 422; stores and logs none", async () => {
    const customer = await createCustomer(app);
    const sent: string[] = [];
    const missed: string[] = [];
    for (const length of cardNumberLengths) {
      const digits = cardNumber(length);
      sent.push(digits);
      for (const format of ["plain", "spaced", "dashed"] as const) {
        const card = formatCardNumber(digits, format);
        for (const [place, build] of places) {
          const event = build(customer.accountId, card);
          const response = await postPaymentEvent(app, event);
          if (response.status !== 422 || response.body.code !== "SENSITIVE_PAYMENT_DATA")
            missed.push(`${length} digits ${format} in ${place}: ${response.status} ${response.body.code}`);
          if (JSON.stringify(response.body).includes(digits.slice(0, 8))) missed.push(`${length} digits echoed back`);
        }
      }
    }
    expect(missed).toEqual([]);
    expect(await app.services.db.paymentEvent.count({ where: { accountId: customer.accountId } })).toBe(0);
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });
    const logDigits = app.logs().replace(/[ -]/g, "");
    for (const digits of sent) expect(logDigits).not.toContain(digits);
  });
});
