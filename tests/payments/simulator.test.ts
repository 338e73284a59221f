import { balance, createCustomer, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balanceCeilingMinor } from "../../api/src/domain/ledger/ledger.ts";

const simulateTopUp = `mutation($amount: BigInt!) { simulateTopUp(amountMinor: $amount) { __typename
  ... on SimulateTopUpPayload { paymentEventId balance { availableMinor heldMinor currency } }
  ... on Error { code message } } }`;

describe("the payment-processor simulator", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ SIMULATOR: "true" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("tops a balance up through a signed webhook to the service's own payment endpoint", async () => {
    const customer = await createCustomer(app);
    const { simulateTopUp: result } = await customer.client.data(simulateTopUp, { amount: 1_000 });
    expect(result.__typename).toBe("SimulateTopUpPayload");
    expect(result.balance).toEqual({ availableMinor: 1_000, heldMinor: 0, currency: "USD" });
    expect(await balance(customer.client)).toEqual({ availableMinor: 1_000, heldMinor: 0, currency: "USD" });
    // It took the real path: a payment event recorded by the webhook.
    const event = await app.services.db.paymentEvent.findUniqueOrThrow({ where: { id: result.paymentEventId } });
    expect(event).toMatchObject({ accountId: customer.accountId, amountMinor: 1_000n, currency: "USD", kind: "topup.succeeded" });
  });

  it("refuses amounts that are not a positive whole number", async () => {
    const customer = await createCustomer(app);
    const { simulateTopUp: result } = await customer.client.data(simulateTopUp, { amount: 0 });
    expect(result.code).toBe("VALIDATION_FAILED");
  });

  it("passes on the payment endpoint's refusal, such as the balance limit", async () => {
    const customer = await createCustomer(app, { balanceMinor: balanceCeilingMinor });
    const { simulateTopUp: result } = await customer.client.data(simulateTopUp, { amount: 1 });
    expect(result.code).toBe("SIMULATED_PAYMENT_FAILED");
    expect(result.message).toMatch(/HTTP 422: .*past the limit/);
    expect(await balance(customer.client)).toEqual({
      availableMinor: Number(balanceCeilingMinor),
      heldMinor: 0,
      currency: "USD",
    });
  });
});

describe("with the simulator off", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ SIMULATOR: "false" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("refuses simulated top-ups with SIMULATOR_DISABLED", async () => {
    const customer = await createCustomer(app);
    const { simulateTopUp: result } = await customer.client.data(simulateTopUp, { amount: 1_000 });
    expect(result.code).toBe("SIMULATOR_DISABLED");
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });
  });
});
