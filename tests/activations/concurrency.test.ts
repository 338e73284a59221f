import { balance, createCustomer, minutes, order, startTestApp, step, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Runs on the embedded database and, with DATABASE_URL set, on PostgreSQL,
// where the requests below really do run in parallel transactions.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("concurrent orders", () => {
  it("cannot overdraw a balance: ten orders at once with money for three, exactly three succeed", async () => {
    const customer = await createCustomer(app, { balanceMinor: 3 * 25 });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => order(customer.client, { service: "telegram", country: "US" })),
    );

    const placed = results.filter((result) => result.__typename === "OrderNumberPayload");
    expect(placed).toHaveLength(3);
    expect(results.filter((result) => result.code === "INSUFFICIENT_BALANCE")).toHaveLength(7);
    expect(new Set(placed.map((result) => result.activation.phoneNumber)).size).toBe(3);
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 75, currency: "USD" });

    // At no point in the ledger's history was the available balance negative.
    const entries = await app.services.db.ledgerEntry.findMany({
      where: { accountId: customer.accountId },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    let available = 0n;
    for (const entry of entries) {
      available += entry.availableDelta;
      expect(available).toBeGreaterThanOrEqual(0n);
    }
  });

  it("never gives one number to two activations, across accounts", async () => {
    await app.services.db.country.create({ data: { code: "ZY", name: "Racing" } });
    await app.services.db.price.create({ data: { countryCode: "ZY", serviceCode: "telegram", amountMinor: 10 } });
    await app.services.db.virtualNumber.createMany({
      data: Array.from({ length: 4 }, (_, index) => ({ phoneNumber: `+9990000010${index}`, countryCode: "ZY" })),
    });
    const customers = await Promise.all(Array.from({ length: 3 }, () => createCustomer(app, { balanceMinor: 100 })));
    const results = await Promise.all(
      customers.flatMap((customer) =>
        Array.from({ length: 3 }, () => order(customer.client, { service: "telegram", country: "ZY" })),
      ),
    );
    const placed = results.filter((result) => result.__typename === "OrderNumberPayload");
    expect(placed).toHaveLength(4);
    expect(results.filter((result) => result.code === "NO_NUMBERS_AVAILABLE")).toHaveLength(5);
    expect(new Set(placed.map((result) => result.activation.phoneNumber)).size).toBe(4);
  });

  it("applies only one of several racing cancels: the price is released once", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const { activation } = await order(customer.client, { service: "whatsapp", country: "US" });
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    const results = await Promise.all(Array.from({ length: 5 }, () => step(customer.client, "cancelActivation", activation.id)));
    expect(results.filter((result) => result.__typename === "CancelActivationPayload")).toHaveLength(1);
    expect(results.filter((result) => result.code === "ACTIVATION_STATUS_CONFLICT")).toHaveLength(4);
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
    expect(await app.services.db.ledgerEntry.count({ where: { activationId: activation.id, kind: "RELEASE" } })).toBe(1);
  });
});
