/**
 * A client library of the sms-activate protocol from the npm registry
 * (`sms-activate`, pinned in tests/package.json), unchanged but for its base
 * URL, driving this service: what a customer switching providers does.
 * docs/compat.md says what this package is and why it is only a test's tool.
 */
import { balance, createCustomer, deliverSms, minutes, startTestApp, type TestApp } from "@smsape/api/testing";
import SMSActivate from "sms-activate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const GB = 16; // the protocol's country number of the United Kingdom (docs/compat.md)

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** The package's client for a new customer's API key, pointed at this service instead of the original's URL. */
async function registryClient(balanceMinor = 1_000) {
  const customer = await createCustomer(app, { balanceMinor });
  const { secret } = await customer.createApiKey("registry client");
  const client = new SMSActivate(secret);
  client.session.defaults.baseURL = `${app.url}${app.services.config.smsActivate.path}`;
  return { customer, client };
}

/** A `tg` number in the United Kingdom, as the package orders it (null would mean it did not read our answer). */
async function orderTelegram(client: SMSActivate) {
  const ordered = await client.getNumber("tg", GB);
  if (!ordered) throw new Error("The package read no number from the answer to getNumber.");
  return ordered;
}

describe("the sms-activate package from the npm registry, pointed at this service", () => {
  it("reads the balance, orders, waits for the code, asks for another and finishes, unchanged", async () => {
    const { customer, client } = await registryClient(1_000);
    // The package reads the balance with parseInt: 10.00 is 10.
    expect(await client.getBalance()).toBe(10);

    const ordered = await orderTelegram(client);
    expect(ordered).toEqual({ id: expect.any(Number), number: expect.any(Number) });
    expect(await client.setStatus(ordered.id, 1)).toBe("ACCESS_READY");
    expect(await client.getStatus(ordered.id)).toBe("STATUS_WAIT_CODE");
    expect(await client.getCode(ordered.id)).toBeNull();

    expect((await deliverSms(app, { to: `+${ordered.number}`, text: "Your code is 482913" })).status).toBe(200);
    expect(await client.getCode(ordered.id)).toBe("482913");

    expect(await client.setStatus(ordered.id, 3)).toBe("ACCESS_RETRY_GET");
    expect(await client.getStatus(ordered.id)).toBe("STATUS_WAIT_RETRY");
    expect((await deliverSms(app, { to: `+${ordered.number}`, text: "Your code is 112233" })).status).toBe(200);
    expect(await client.getCode(ordered.id)).toBe("112233");

    expect(await client.setStatus(ordered.id, 6)).toBe("ACCESS_ACTIVATION");
    expect(await balance(customer.client)).toEqual({ availableMinor: 955, heldMinor: 0, currency: "USD" });
  });

  it("cancels once the lock has passed, after the early cancel is refused, releasing the price", async () => {
    const { customer, client } = await registryClient(100);
    const ordered = await orderTelegram(client);
    // The package hands back the refusal's word rather than throwing it.
    expect(await client.setStatus(ordered.id, 8)).toBe("EARLY_CANCEL_DENIED");
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    expect(await client.setStatus(ordered.id, 8)).toBe("ACCESS_CANCEL");
    expect(await client.getStatus(ordered.id)).toBe("STATUS_CANCEL");
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
  });

  it("raises the package's own errors for a wrong key, an unknown service and an empty balance", async () => {
    const { client } = await registryClient(10);
    await expect(client.getNumber("no-such-service", GB)).rejects.toMatchObject({ name: "BadService" });
    await expect(client.getNumber("tg", GB)).rejects.toMatchObject({ name: "NoBalance" });
    const stranger = new SMSActivate("sk_not_a_key_of_anyone");
    stranger.session.defaults.baseURL = `${app.url}${app.services.config.smsActivate.path}`;
    await expect(stranger.getBalance()).rejects.toMatchObject({ name: "InvalidAPIKey" });
  });
});
