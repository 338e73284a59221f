import {
  activation,
  balance,
  createCustomer,
  deliverSms,
  GraphqlClient,
  minutes,
  order,
  startTestApp,
  step,
  type TestApp,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireActivations, expireOverdueActivations } from "../../api/src/domain/activations/activations.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

// Demo catalogue: a GB number costs 45, a US number 25; 20 numbers per country.

describe("an activation from order to completion", () => {
  it("P6: holds the price at order, keeps it through another SMS, and charges it on finish, with the balance right after each step", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });

    const ordered = await order(customer.client, { service: "telegram", country: "GB" });
    expect(ordered.__typename).toBe("OrderNumberPayload");
    const { id, phoneNumber } = ordered.activation;
    expect(ordered.activation).toMatchObject({
      status: "WAITING_SMS",
      priceMinor: 45,
      currency: "USD",
      serviceCode: "telegram",
      countryCode: "GB",
    });
    expect(phoneNumber).toMatch(/^\+447400123\d{3}$/);
    expect(ordered.balance).toEqual({ availableMinor: 55, heldMinor: 45, currency: "USD" });

    expect((await deliverSms(app, { to: phoneNumber })).status).toBe(200);
    expect((await activation(customer.client, id)).status).toBe("SMS_RECEIVED");
    expect(await balance(customer.client)).toEqual({ availableMinor: 55, heldMinor: 45, currency: "USD" });

    const again = await step(customer.client, "requestAnotherSms", id);
    expect(again.activation.status).toBe("WAITING_SMS");
    expect(again.balance).toEqual({ availableMinor: 55, heldMinor: 45, currency: "USD" });

    expect((await deliverSms(app, { to: phoneNumber, text: "Your code is 112233" })).status).toBe(200);
    const finished = await step(customer.client, "finishActivation", id);
    expect(finished.activation.status).toBe("COMPLETED");
    expect(finished.activation.endedAt).not.toBeNull();
    expect(finished.balance).toEqual({ availableMinor: 55, heldMinor: 0, currency: "USD" });

    const { ledgerEntries } = await customer.client.data(
      `{ ledgerEntries { edges { node { kind availableDelta heldDelta activation { id } } } } }`,
    );
    expect(ledgerEntries.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { kind: "CHARGE", availableDelta: 0, heldDelta: -45, activation: { id } },
      { kind: "HOLD", availableDelta: -45, heldDelta: 45, activation: { id } },
      { kind: "TOP_UP", availableDelta: 100, heldDelta: 0, activation: null },
    ]);
  });

  it("P6: records every status change with its time, in order, from the order to the end", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const orderedAt = app.services.now();
    const { activation: ordered } = await order(customer.client, { service: "whatsapp", country: "US" });
    app.clock.advance(minutes(1));
    await deliverSms(app, { to: ordered.phoneNumber });
    app.clock.advance(minutes(1));
    await step(customer.client, "finishActivation", ordered.id);

    const { statusHistory, createdAt, endedAt, expiresAt, cancelableAt } = await activation(customer.client, ordered.id);
    expect(
      statusHistory.map((change: { fromStatus: string | null; toStatus: string }) => [change.fromStatus, change.toStatus]),
    ).toEqual([
      [null, "WAITING_SMS"],
      ["WAITING_SMS", "SMS_RECEIVED"],
      ["SMS_RECEIVED", "COMPLETED"],
    ]);
    const times = statusHistory.map((change: { at: string }) => Date.parse(change.at));
    expect(times[0]).toBe(Date.parse(createdAt));
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(minutes(1));
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(minutes(1));
    expect(Date.parse(endedAt)).toBe(times[2]);
    expect(Date.parse(createdAt)).toBeGreaterThanOrEqual(orderedAt.getTime() - 1000);
    expect(Date.parse(expiresAt) - Date.parse(createdAt)).toBe(minutes(app.services.config.activations.timeoutMinutes));
    expect(Date.parse(cancelableAt) - Date.parse(createdAt)).toBe(minutes(app.services.config.activations.cancelLockMinutes));
  });

  it("returns the same activation for a retried order with the same idempotency key, holding the price once", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const first = await order(customer.client, { service: "telegram", country: "US", idempotencyKey: "order-1" });
    const second = await order(customer.client, { service: "telegram", country: "US", idempotencyKey: "order-1" });
    expect(second.activation.id).toBe(first.activation.id);
    expect(await balance(customer.client)).toEqual({ availableMinor: 75, heldMinor: 25, currency: "USD" });

    const reused = await order(customer.client, { service: "whatsapp", country: "US", idempotencyKey: "order-1" });
    expect(reused.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const other = await order(customer.client, { service: "telegram", country: "US", idempotencyKey: "order-2" });
    expect(other.activation.id).not.toBe(first.activation.id);
    expect(await balance(customer.client)).toEqual({ availableMinor: 50, heldMinor: 50, currency: "USD" });
  });
});

describe("canceling", () => {
  it("refuses to cancel before the cancel lock passes, saying when it unlocks, then releases the price", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const { activation: ordered } = await order(customer.client, { service: "telegram", country: "DE" });

    const locked = await step(customer.client, "cancelActivation", ordered.id);
    expect(locked).toMatchObject({ __typename: "CancelLockedError", code: "CANCEL_LOCKED", unlocksAt: ordered.cancelableAt });
    expect(await balance(customer.client)).toEqual({ availableMinor: 60, heldMinor: 40, currency: "USD" });

    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    const canceled = await step(customer.client, "cancelActivation", ordered.id);
    expect(canceled.activation.status).toBe("CANCELED");
    expect(canceled.balance).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });

    const twice = await step(customer.client, "cancelActivation", ordered.id);
    expect(twice).toMatchObject({ __typename: "ActivationStatusError", status: "CANCELED" });
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
  });

  it("refuses to cancel once an SMS arrived, and to finish before one did", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const { activation: ordered } = await order(customer.client, { service: "other", country: "DE" });
    expect(await step(customer.client, "finishActivation", ordered.id)).toMatchObject({
      code: "ACTIVATION_STATUS_CONFLICT",
      status: "WAITING_SMS",
    });
    expect(await step(customer.client, "requestAnotherSms", ordered.id)).toMatchObject({ code: "ACTIVATION_STATUS_CONFLICT" });

    await deliverSms(app, { to: ordered.phoneNumber });
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    expect(await step(customer.client, "cancelActivation", ordered.id)).toMatchObject({
      code: "ACTIVATION_STATUS_CONFLICT",
      status: "SMS_RECEIVED",
    });
    await step(customer.client, "requestAnotherSms", ordered.id);
    // Back to waiting, but an SMS did arrive: still not cancelable.
    expect(await step(customer.client, "cancelActivation", ordered.id)).toMatchObject({ code: "ACTIVATION_STATUS_CONFLICT" });
    expect(await balance(customer.client)).toEqual({ availableMinor: 60, heldMinor: 40, currency: "USD" });
  });
});

describe("timing out", () => {
  it("P6: times out an activation no SMS arrived for and releases its price", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const { activation: ordered } = await order(customer.client, { service: "telegram", country: "GB" });

    // A minute short of its window: the service's clock runs on in real time, and a loaded machine can take
    // seconds between these lines.
    app.clock.advance(minutes(app.services.config.activations.timeoutMinutes) - 60_000);
    await expireOverdueActivations(app.services);
    expect((await activation(customer.client, ordered.id)).status).toBe("WAITING_SMS");

    app.clock.advance(60_000);
    await expireOverdueActivations(app.services);
    const ended = await activation(customer.client, ordered.id);
    expect(ended.status).toBe("TIMED_OUT");
    expect(ended.statusHistory.at(-1)).toMatchObject({ fromStatus: "WAITING_SMS", toStatus: "TIMED_OUT", at: ended.endedAt });
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
  });

  it("completes and charges an activation whose SMS arrived when its time is up", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const { activation: ordered } = await order(customer.client, { service: "whatsapp", country: "GB" });
    await deliverSms(app, { to: ordered.phoneNumber });
    app.clock.advance(minutes(app.services.config.activations.timeoutMinutes));
    await expireOverdueActivations(app.services);
    expect((await activation(customer.client, ordered.id)).status).toBe("COMPLETED");
    expect(await balance(customer.client)).toEqual({ availableMinor: 55, heldMinor: 0, currency: "USD" });
    // An SMS after the end is dropped: the activation took its last one.
    expect((await deliverSms(app, { to: ordered.phoneNumber })).status).toBe(202);
  });

  it("times out through the background job enqueued with the order", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    // Order "in the past", so the job's start time (the activation's expiry) has already come.
    const window = minutes(app.services.config.activations.timeoutMinutes);
    const offset = app.services.now().getTime() - Date.now();
    app.clock.advance(-offset - window - 1000);
    const { activation: ordered } = await order(customer.client, { service: "other", country: "US" });
    app.clock.advance(offset + window + 1000);

    // Nobody calls the sweep here: the queue's own workers end it. Generous, for a loaded machine.
    let status = ordered.status;
    for (let attempt = 0; attempt < 180 && status === "WAITING_SMS"; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = (await activation(customer.client, ordered.id)).status;
    }
    expect(status).toBe("TIMED_OUT");
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
  }, 120_000);

  it("P6: a timeout job's worker also ends every other activation already due, not only its own", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const window = minutes(app.services.config.activations.timeoutMinutes);
    // Ordered now: its own job starts when its window closes, a full window from now.
    const { activation: later } = await order(customer.client, { service: "other", country: "US" });
    // Ordered "in the past": its job is due 10 s from now, in real time. Not at once: its worker
    // must not run before the next line has moved the service's clock past both windows.
    const delay = 10_000;
    const offset = app.services.now().getTime() - Date.now();
    app.clock.advance(-offset - window + delay);
    const { activation: dueNow } = await order(customer.client, { service: "telegram", country: "US" });
    // The service's clock passes the first one's window too; its job still waits for the real time.
    app.clock.advance(offset + 2 * window - delay + 2000);

    let ended: Array<{ id: string; endedAt: Date | null }> = [];
    // The worker ends its own activation, commits, then ends the others in a transaction of their own: once one
    // has ended, the other gets a few seconds. Ended by then or not at all, it was the worker's doing, or left
    // for its own job (a window away) or the minute's sweep.
    let firstSeenAt: number | null = null;
    for (let attempt = 0; attempt < 200 && ended.length < 2; attempt += 1) {
      if (firstSeenAt !== null && Date.now() - firstSeenAt > 5_000) break;
      await new Promise((resolve) => setTimeout(resolve, 400));
      ended = await app.services.db.activation.findMany({
        where: { id: { in: [dueNow.id, later.id] }, endedAt: { not: null } },
        select: { id: true, endedAt: true },
      });
      if (ended.length === 1) firstSeenAt ??= Date.now();
    }
    expect(ended.map(({ id }) => id).sort()).toEqual([dueNow.id, later.id].sort());
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
  }, 150_000);
});

describe("timing out many at once", () => {
  it("P6: ends a batch in one call, releasing or charging each once, with numbers back in quarantine and history written", async () => {
    const customer = await createCustomer(app, { balanceMinor: 200 });
    const ordered = async (service: string, country: string) => (await order(customer.client, { service, country })).activation;
    const silent = await ordered("telegram", "GB"); // no SMS: times out, 45 released
    const answered = await ordered("whatsapp", "GB"); // SMS arrived: completes, 45 charged
    const askedAgain = await ordered("other", "US"); // SMS arrived, then another asked for: completes, 25 charged
    const canceled = await ordered("telegram", "US"); // canceled before the batch ran: 25 released once
    await deliverSms(app, { to: answered.phoneNumber });
    await deliverSms(app, { to: askedAgain.phoneNumber });
    await step(customer.client, "requestAnotherSms", askedAgain.id);
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    await step(customer.client, "cancelActivation", canceled.id);
    expect(await balance(customer.client)).toEqual({ availableMinor: 85, heldMinor: 115, currency: "USD" });

    app.clock.advance(minutes(app.services.config.activations.timeoutMinutes));
    const ids = [silent.id, answered.id, askedAgain.id, canceled.id];
    const ended = await expireActivations(app.services, ids);
    expect(ended.map((activation) => activation.id).sort()).toEqual([silent.id, answered.id, askedAgain.id].sort());

    const endings = {
      [silent.id]: { fromStatus: "WAITING_SMS", toStatus: "TIMED_OUT" },
      [answered.id]: { fromStatus: "SMS_RECEIVED", toStatus: "COMPLETED" },
      [askedAgain.id]: { fromStatus: "WAITING_SMS", toStatus: "COMPLETED" },
      [canceled.id]: { fromStatus: "WAITING_SMS", toStatus: "CANCELED" },
    };
    for (const [id, ending] of Object.entries(endings)) {
      const read = await activation(customer.client, id);
      expect(read.status).toBe(ending.toStatus);
      expect(read.statusHistory.at(-1)).toMatchObject({ ...ending, at: read.endedAt });
    }
    const ledger = async () =>
      app.services.db.ledgerEntry.findMany({
        where: { activationId: { in: ids }, kind: { not: "HOLD" } },
        select: { activationId: true, accountRef: true, kind: true, availableDelta: true, heldDelta: true },
        orderBy: { activationId: "asc" },
      });
    const settled = await ledger();
    expect(settled).toEqual(
      expect.arrayContaining([
        { activationId: silent.id, accountRef: customer.accountId, kind: "RELEASE", availableDelta: 45n, heldDelta: -45n },
        { activationId: answered.id, accountRef: customer.accountId, kind: "CHARGE", availableDelta: 0n, heldDelta: -45n },
        { activationId: askedAgain.id, accountRef: customer.accountId, kind: "CHARGE", availableDelta: 0n, heldDelta: -25n },
        { activationId: canceled.id, accountRef: customer.accountId, kind: "RELEASE", availableDelta: 25n, heldDelta: -25n },
      ]),
    );
    expect(settled).toHaveLength(4);
    expect(await balance(customer.client)).toEqual({ availableMinor: 130, heldMinor: 0, currency: "USD" });

    const rows = await app.services.db.activation.findMany({
      where: { id: { in: ids } },
      select: { numberId: true, serviceCode: true, endedAt: true, number: { select: { status: true, quarantines: true } } },
    });
    for (const row of rows) {
      expect(row.number.status).toBe("AVAILABLE");
      const until = new Date((row.endedAt as Date).getTime() + minutes(app.services.config.activations.quarantineMinutes));
      expect(row.number.quarantines).toContainEqual({ numberId: row.numberId, serviceCode: row.serviceCode, until });
    }

    // Again (a retried job, the sweep): nothing moves, nothing is refunded twice.
    const history = await app.services.db.activationStatusChange.count({ where: { activationId: { in: ids } } });
    expect(await expireActivations(app.services, ids)).toEqual([]);
    expect(await ledger()).toEqual(settled);
    expect(await app.services.db.activationStatusChange.count({ where: { activationId: { in: ids } } })).toBe(history);
    expect(await balance(customer.client)).toEqual({ availableMinor: 130, heldMinor: 0, currency: "USD" });
  });
});

describe("sweeps running at once", () => {
  it("P6: share the due activations, each refunded exactly once", async () => {
    // A country of our own, so the pool has a number for each.
    await app.services.db.country.create({ data: { code: "ZY", name: "Sweepland" } });
    await app.services.db.price.create({ data: { countryCode: "ZY", serviceCode: "telegram", amountMinor: 25 } });
    await app.services.db.virtualNumber.createMany({
      data: Array.from({ length: 10 }, (_, i) => ({ phoneNumber: `+99910000${String(i).padStart(3, "0")}`, countryCode: "ZY" })),
    });
    const customer = await createCustomer(app, { balanceMinor: 250 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push((await order(customer.client, { service: "telegram", country: "ZY" })).activation.id);
    app.clock.advance(minutes(app.services.config.activations.timeoutMinutes));

    const [first, second, named] = await Promise.all([
      expireOverdueActivations(app.services),
      expireOverdueActivations(app.services),
      expireActivations(app.services, ids),
    ]);
    const releases = await app.services.db.ledgerEntry.groupBy({
      by: ["activationId"],
      where: { activationId: { in: ids }, kind: "RELEASE" },
      _count: true,
    });
    expect(releases.map((release) => release._count)).toEqual(ids.map(() => 1));
    expect(first + second + named.length).toBeGreaterThanOrEqual(ids.length);
    expect(await balance(customer.client)).toEqual({ availableMinor: 250, heldMinor: 0, currency: "USD" });
  });
});

describe("the number pool", () => {
  it("returns a number to the pool when an activation ends, resting in quarantine for that service only", async () => {
    // Country with one number: a catalogue entry of our own.
    await app.services.db.country.create({ data: { code: "ZZ", name: "Testland" } });
    await app.services.db.price.create({ data: { countryCode: "ZZ", serviceCode: "telegram", amountMinor: 10 } });
    await app.services.db.price.create({ data: { countryCode: "ZZ", serviceCode: "whatsapp", amountMinor: 10 } });
    await app.services.db.virtualNumber.create({ data: { phoneNumber: "+99900000001", countryCode: "ZZ" } });
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const availability = async () => {
      const { prices } = await new GraphqlClient(app.url).data(
        `{ prices(country: "ZZ") { edges { node { service { code } availableNumbers } } } }`,
      );
      return Object.fromEntries(
        prices.edges.map((edge: { node: { service: { code: string }; availableNumbers: number } }) => [
          edge.node.service.code,
          edge.node.availableNumbers,
        ]),
      );
    };
    expect(await availability()).toEqual({ telegram: 1, whatsapp: 1 });

    const { activation: first } = await order(customer.client, { service: "telegram", country: "ZZ" });
    expect(await availability()).toEqual({ telegram: 0, whatsapp: 0 });
    expect((await order(customer.client, { service: "whatsapp", country: "ZZ" })).code).toBe("NO_NUMBERS_AVAILABLE");

    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    await step(customer.client, "cancelActivation", first.id);
    expect(await availability()).toEqual({ telegram: 0, whatsapp: 1 });
    expect((await order(customer.client, { service: "telegram", country: "ZZ" })).code).toBe("NO_NUMBERS_AVAILABLE");

    const { activation: second } = await order(customer.client, { service: "whatsapp", country: "ZZ" });
    expect(second.phoneNumber).toBe(first.phoneNumber);
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    await step(customer.client, "cancelActivation", second.id);

    app.clock.advance(minutes(app.services.config.activations.quarantineMinutes));
    expect(await availability()).toEqual({ telegram: 1, whatsapp: 1 });
    // A day later: a fresh session (the first one has expired).
    const later = await createCustomer(app, { balanceMinor: 100 });
    expect((await order(later.client, { service: "telegram", country: "ZZ" })).activation.phoneNumber).toBe(first.phoneNumber);
  });
});

describe("orders that cannot be placed", () => {
  it("answers each with a typed error and holds nothing", async () => {
    const customer = await createCustomer(app, { balanceMinor: 30 });
    expect(await order(customer.client, { service: "telegram", country: "GB" })).toMatchObject({
      code: "INSUFFICIENT_BALANCE",
      requiredMinor: 45,
      availableMinor: 30,
    });
    expect(await order(customer.client, { service: "telegram", country: "US", maxPriceMinor: 20 })).toMatchObject({
      code: "PRICE_ABOVE_MAXIMUM",
      priceMinor: 25,
      maxPriceMinor: 20,
    });
    expect((await order(customer.client, { service: "myspace", country: "US" })).code).toBe("UNKNOWN_SERVICE");
    expect((await order(customer.client, { service: "telegram", country: "FR" })).code).toBe("UNKNOWN_COUNTRY");
    expect((await order(customer.client, { service: "telegram", country: "United States" })).code).toBe("VALIDATION_FAILED");
    expect(await balance(customer.client)).toEqual({ availableMinor: 30, heldMinor: 0, currency: "USD" });
  });

  it("refuses a negative or absurd maximum price as invalid input, and holds nothing", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const refusal = async (maxPriceMinor: unknown) => {
      const result = await customer.client.request(
        `mutation($input: OrderNumberInput!) { orderNumber(input: $input) { __typename ... on Error { code message } } }`,
        { input: { service: "telegram", country: "US", maxPriceMinor } },
      );
      return result.data?.orderNumber?.code ?? result.errors?.map((error) => error.extensions?.code ?? error.message);
    };
    // Within 64 bits: typed validation errors from the domain.
    expect(await refusal(-1)).toBe("VALIDATION_FAILED");
    expect(await refusal("1000000000001")).toBe("VALIDATION_FAILED");
    // Not a 64-bit whole number, or a JSON number already rounded: refused as input, never an internal error.
    for (const unreadable of ["99999999999999999999", 2 ** 53 + 2, 1.5, "25 cents", true]) {
      const answer = await refusal(unreadable);
      expect(answer).toEqual([expect.stringMatching(/BigInt|whole number/)]);
    }
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
    expect(app.logs()).not.toContain("unexpected error");
  });

  it("refuses an account whose email is not verified", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100, verified: false });
    expect((await order(customer.client, { service: "telegram", country: "US" })).code).toBe("EMAIL_NOT_VERIFIED");
  });

  it("P17: refuses new orders while the account's processing is restricted", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    await app.services.db.account.update({ where: { id: customer.accountId }, data: { restrictedAt: app.services.now() } });
    expect((await order(customer.client, { service: "telegram", country: "US" })).code).toBe("ACCOUNT_RESTRICTED");
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
  });

  it("refuses anonymous callers", async () => {
    const result = await new GraphqlClient(app.url).request(
      `mutation { orderNumber(input: { service: "telegram", country: "US" }) { __typename } }`,
    );
    expect(result.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
  });
});

describe("one account's activations are its own", () => {
  it("P7: another account cannot read, list, finish or cancel them", async () => {
    const owner = await createCustomer(app, { balanceMinor: 100 });
    const other = await createCustomer(app, { balanceMinor: 100 });
    const { activation: ordered } = await order(owner.client, { service: "telegram", country: "US" });

    expect(await activation(other.client, ordered.id)).toBeNull();
    const { activations } = await other.client.data(`{ activations { edges { node { id } } } }`);
    expect(activations.edges).toEqual([]);
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    expect((await step(other.client, "cancelActivation", ordered.id)).code).toBe("NOT_FOUND");
    expect((await step(other.client, "finishActivation", ordered.id)).code).toBe("NOT_FOUND");
    expect((await activation(owner.client, ordered.id)).status).toBe("WAITING_SMS");
  });

  it("lists the viewer's activations newest first, filtered by status", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const { activation: first } = await order(customer.client, { service: "telegram", country: "US" });
    app.clock.advance(1000);
    const { activation: second } = await order(customer.client, { service: "whatsapp", country: "US" });
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    await step(customer.client, "cancelActivation", first.id);

    const list = async (status?: string) => {
      const { activations } = await customer.client.data(
        `query($status: ActivationStatus) { activations(status: $status) { edges { node { id } } } }`,
        { status },
      );
      return activations.edges.map((edge: { node: { id: string } }) => edge.node.id);
    };
    expect(await list()).toEqual([second.id, first.id]);
    expect(await list("CANCELED")).toEqual([first.id]);
    expect(await list("WAITING_SMS")).toEqual([second.id]);
  });
});

describe("the catalogue", () => {
  it("is public: countries, services and prices with availability", async () => {
    const anonymous = new GraphqlClient(app.url);
    const { countries, services, prices } = await anonymous.data(`{
      countries { edges { node { code name } } }
      services { edges { node { code name } } }
      prices(country: "DE", service: "telegram") { edges { node { country { code } service { code } amountMinor currency availableNumbers } } }
    }`);
    expect(countries.edges.map((edge: { node: { code: string } }) => edge.node.code)).toEqual(
      expect.arrayContaining(["DE", "GB", "US"]),
    );
    expect(services.edges.map((edge: { node: { code: string } }) => edge.node.code)).toEqual(
      expect.arrayContaining(["other", "telegram", "whatsapp"]),
    );
    expect(prices.edges).toHaveLength(1);
    expect(prices.edges[0].node).toMatchObject({
      country: { code: "DE" },
      service: { code: "telegram" },
      amountMinor: 40,
      currency: "USD",
    });
    expect(prices.edges[0].node.availableNumbers).toBeGreaterThan(0);
  });
});
