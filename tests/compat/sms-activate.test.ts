import { randomUUID } from "node:crypto";
import {
  balance,
  createCustomer,
  createStaffMember,
  deliverSms,
  minutes,
  order,
  startTestApp,
  type TestApp,
  type TestCustomer,
  testRateLimits,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import { applyRestriction } from "../../api/src/domain/privacy/restriction.ts";
import { SmsActivateClient, SmsActivateError } from "./client/sms-activate-client.ts";

// Demo catalogue: a GB number costs 45, DE 40, US 25 (minor units, USD); 20 numbers per country.
// The protocol's country numbers: 16 United Kingdom, 43 Germany, 187 United States; services tg, wa, ot.
const GB = 16;
const DE = 43;
const US = 187;

const metricsToken = "metrics-token-for-compat-tests-0123";
let app: TestApp;
let endpoint: string;
/** Every API key this file hands the service, to look for in the log and the metrics at the end. */
const keysSent: string[] = [];

beforeAll(async () => {
  app = await startTestApp({ METRICS_TOKEN: metricsToken });
  endpoint = `${app.url}${app.services.config.smsActivate.path}`;
});
afterAll(async () => {
  await app?.close();
});

/** A customer with an API key and a protocol client that sends it. */
async function protocolCustomer(
  options: { balanceMinor?: number; method?: "GET" | "POST" } = {},
): Promise<{ customer: TestCustomer; client: SmsActivateClient; key: string }> {
  const customer = await createCustomer(app, { balanceMinor: options.balanceMinor ?? 1_000 });
  const { secret } = await customer.createApiKey("sms-activate script");
  keysSent.push(secret);
  return { customer, client: new SmsActivateClient({ baseUrl: endpoint, apiKey: secret, method: options.method }), key: secret };
}

/** The word a failing call answered with. */
async function failure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof SmsActivateError) return error.answer;
    throw error;
  }
  throw new Error("The call succeeded.");
}

describe("the sms-activate protocol: balance and ordering", () => {
  it("answers the balance as an exact decimal string of the available balance", async () => {
    const { customer, client } = await protocolCustomer({ balanceMinor: 100 });
    expect(await client.getBalance()).toBe("1.00");
    // Near the balance ceiling (10^12 minor units) the answer stays exact to the cent.
    await customer.topUp(999_999_999_805n);
    expect(await client.getBalance()).toBe("9999999999.05");
  });

  it("orders a number with getNumber: an integer id, the number without +, the price held as through GraphQL", async () => {
    const { customer, client } = await protocolCustomer({ balanceMinor: 100 });
    const { id, phone } = await client.getNumber("tg", GB);
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(phone).toMatch(/^447400123\d{3}$/);
    expect(await client.getBalance()).toBe("0.55");
    expect(await balance(customer.client)).toEqual({ availableMinor: 55, heldMinor: 45, currency: "USD" });
    const { activations } = await customer.client.data(
      `{ activations { edges { node { phoneNumber serviceCode countryCode status } } } }`,
    );
    expect(activations.edges[0].node).toEqual({
      phoneNumber: `+${phone}`,
      serviceCode: "telegram",
      countryCode: "GB",
      status: "WAITING_SMS",
    });
  });

  it("orders a number with getNumberV2, answering JSON with the price as a decimal string", async () => {
    const { client } = await protocolCustomer({ balanceMinor: 100 });
    const ordered = await client.getNumberV2("wa", US);
    expect(ordered).toMatchObject({
      activationCost: "0.25",
      countryCode: String(US),
      canGetAnotherSms: true,
      activationOperator: "any",
    });
    expect(Number.isSafeInteger(ordered.activationId)).toBe(true);
    expect(ordered.phoneNumber).toMatch(/^120255501\d{2}$/);
    expect(ordered.activationTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(await client.getBalance()).toBe("0.75");
  });

  it("takes the parameters from a form-encoded POST body as well", async () => {
    const { client } = await protocolCustomer({ balanceMinor: 100, method: "POST" });
    expect(await client.getBalance()).toBe("1.00");
    const { id } = await client.getNumber("ot", US);
    expect(await client.getStatus(id)).toEqual({ status: "STATUS_WAIT_CODE" });
  });

  it("refuses with NO_BALANCE when the balance does not cover the price, holding nothing", async () => {
    const { customer, client } = await protocolCustomer({ balanceMinor: 10 });
    expect(await failure(client.getNumber("tg", GB))).toBe("NO_BALANCE");
    expect(await balance(customer.client)).toEqual({ availableMinor: 10, heldMinor: 0, currency: "USD" });
  });

  it("refuses an unknown or missing service with BAD_SERVICE, and a country without numbers with NO_NUMBERS", async () => {
    const { customer, client } = await protocolCustomer();
    expect(await failure(client.getNumber("no-such-service", GB))).toBe("BAD_SERVICE");
    expect((await client.call("getNumber", { country: GB })).body).toBe("BAD_SERVICE");
    // 0 is a country of the protocol's list that the catalogue has no numbers in.
    expect(await failure(client.getNumber("tg", 0))).toBe("NO_NUMBERS");
    expect(await balance(customer.client)).toEqual({ availableMinor: 1_000, heldMinor: 0, currency: "USD" });
  });

  it("refuses a price above maxPrice with WRONG_MAX_PRICE and the price", async () => {
    const { client } = await protocolCustomer();
    expect(await failure(client.getNumber("tg", GB, { maxPrice: "0.44" }))).toBe("WRONG_MAX_PRICE:0.45");
    expect((await client.getNumber("tg", GB, { maxPrice: "0.45" })).id).toBeGreaterThan(0);
  });

  it("returns the first activation for a retried order with the same idempotency key, holding the price once", async () => {
    const { client } = await protocolCustomer({ balanceMinor: 100 });
    const retry = { service: "tg", country: US, idempotencyKey: `order-${randomUUID()}` };
    const first = await client.call("getNumber", retry);
    const second = await client.call("getNumber", retry);
    expect(first.body).toMatch(/^ACCESS_NUMBER:\d+:\d+$/);
    expect(second.body).toBe(first.body);
    expect(await client.getBalance()).toBe("0.75");
  });
});

describe("the sms-activate protocol: an activation's steps", () => {
  it("waits for the code, asks for another, gets the next code and finishes, charging the price once", async () => {
    const { customer, client } = await protocolCustomer({ balanceMinor: 100 });
    const { id, phone } = await client.getNumber("tg", GB);
    expect(await client.setStatus(id, 1)).toBe("ACCESS_READY");
    expect(await client.getStatus(id)).toEqual({ status: "STATUS_WAIT_CODE" });
    expect(await client.getStatusV2(id)).toEqual({ verificationType: 0, sms: null, call: null });

    expect((await deliverSms(app, { to: `+${phone}`, text: "Your code is 482913" })).status).toBe(200);
    expect(await client.waitForCode(id)).toBe("482913");
    expect(await client.getStatusV2(id)).toMatchObject({ sms: { code: "482913", text: "Your code is 482913" } });

    expect(await client.setStatus(id, 3)).toBe("ACCESS_RETRY_GET");
    expect(await client.getStatus(id)).toEqual({ status: "STATUS_WAIT_RETRY", previousCode: "482913" });
    expect((await deliverSms(app, { to: `+${phone}`, text: "Your code is 112233" })).status).toBe(200);
    expect(await client.waitForCode(id)).toBe("112233");

    expect(await client.setStatus(id, 6)).toBe("ACCESS_ACTIVATION");
    expect(await balance(customer.client)).toEqual({ availableMinor: 55, heldMinor: 0, currency: "USD" });
    expect(await client.getStatus(id)).toEqual({ status: "STATUS_OK", code: "112233" });
    // Finished: no more steps.
    expect(await failure(client.setStatus(id, 8))).toBe("BAD_STATUS");
    expect(await failure(client.setStatus(id, 3))).toBe("BAD_STATUS");
  });

  it("refuses to finish before an SMS arrived, and an unknown status number, with BAD_STATUS", async () => {
    const { client } = await protocolCustomer();
    const { id } = await client.getNumber("tg", US);
    expect(await failure(client.setStatus(id, 6))).toBe("BAD_STATUS");
    expect(await failure(client.setStatus(id, 3))).toBe("BAD_STATUS");
    expect((await client.call("setStatus", { id, status: 5 })).body).toBe("BAD_STATUS");
  });

  it("refuses an early cancel with EARLY_CANCEL_DENIED, cancels once the lock passed, releasing the price", async () => {
    const { customer, client } = await protocolCustomer({ balanceMinor: 100 });
    const { id } = await client.getNumber("tg", GB);
    expect(await failure(client.setStatus(id, 8))).toBe("EARLY_CANCEL_DENIED");
    expect(await balance(customer.client)).toEqual({ availableMinor: 55, heldMinor: 45, currency: "USD" });

    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    expect(await client.setStatus(id, 8)).toBe("ACCESS_CANCEL");
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
    expect(await client.getStatus(id)).toEqual({ status: "STATUS_CANCEL" });
    expect(await client.getStatusV2(id)).toBe("STATUS_CANCEL");
  });

  it("rests a canceled number in quarantine for its service, as the GraphQL API does", async () => {
    // The only test of this file ordering in Germany: the pool gives the lowest free number.
    const { client } = await protocolCustomer();
    const first = await client.getNumber("tg", DE);
    app.clock.advance(minutes(app.services.config.activations.cancelLockMinutes));
    expect(await client.setStatus(first.id, 8)).toBe("ACCESS_CANCEL");
    const sameService = await client.getNumber("tg", DE);
    expect(sameService.phone).not.toBe(first.phone);
    const otherService = await client.getNumber("wa", DE);
    expect(otherService.phone).toBe(first.phone);
  });

  it("lists the activations in progress, with their codes", async () => {
    const { client } = await protocolCustomer();
    expect(await client.getActiveActivations()).toEqual({ status: "error", error: "NO_ACTIVATIONS" });
    const waiting = await client.getNumber("tg", US);
    const received = await client.getNumber("wa", US);
    await deliverSms(app, { to: `+${received.phone}`, text: "Your code is 665544" });
    const { activeActivations } = (await client.getActiveActivations()) as { activeActivations: Array<Record<string, unknown>> };
    expect(activeActivations.map((row) => row.activationId)).toEqual([String(received.id), String(waiting.id)]);
    expect(activeActivations[0]).toMatchObject({
      serviceCode: "wa",
      phoneNumber: received.phone,
      activationCost: "0.25",
      activationStatus: "2",
      smsCode: ["665544"],
      countryCode: String(US),
      countryName: "United States",
    });
    expect(activeActivations[1]).toMatchObject({ serviceCode: "tg", activationStatus: "4", smsCode: null });
  });
});

describe("the sms-activate protocol: catalogue", () => {
  it("lists prices per protocol country and service, as decimal strings with free numbers", async () => {
    const { client } = await protocolCustomer();
    const prices = await client.getPrices({ country: GB, service: "tg" });
    expect(Object.keys(prices)).toEqual([String(GB)]);
    expect(prices[GB]?.tg).toEqual({ cost: "0.45", count: expect.any(Number) });
    const all = await client.getPrices();
    expect(all[US]?.wa?.cost).toBe("0.25");
    expect(all[DE]?.ot?.cost).toBe("0.40");
    // A service outside the table keeps its own code.
    expect(all[DE]?.nosms?.cost).toBe("0.40");
  });

  it("lists the countries under the protocol's numbers, and the free numbers per service of a country", async () => {
    const { client } = await protocolCustomer();
    const countries = await client.getCountries();
    expect(countries[GB]).toMatchObject({ id: GB, eng: "United Kingdom", visible: 1 });
    expect(countries[DE]?.eng).toBe("Germany");
    expect(countries[US]?.eng).toBe("United States");
    const status = await client.getNumbersStatus(US);
    expect(Object.keys(status).sort()).toEqual(["nosms_0", "ot_0", "tg_0", "wa_0"]);
    expect(status.tg_0).toBeGreaterThan(0);
  });
});

describe("the sms-activate protocol: keys and isolation", () => {
  it("answers BAD_KEY for an unknown, revoked or session key, NO_KEY without one, and BAD_ACTION for an unknown action", async () => {
    const { customer, client } = await protocolCustomer();
    const unknownKey = `sk_${randomUUID().replaceAll("-", "")}`;
    keysSent.push(unknownKey);
    expect(await failure(new SmsActivateClient({ baseUrl: endpoint, apiKey: unknownKey }).getBalance())).toBe("BAD_KEY");
    keysSent.push(customer.token);
    expect(await failure(new SmsActivateClient({ baseUrl: endpoint, apiKey: customer.token }).getBalance())).toBe("BAD_KEY");
    expect(await fetch(`${endpoint}?action=getBalance`).then((response) => response.text())).toBe("NO_KEY");

    expect((await client.call("getRentNumber")).body).toBe("BAD_ACTION");
    expect((await client.call("constructor")).body).toBe("BAD_ACTION");
    expect((await client.call("")).body).toBe("BAD_ACTION");

    const { apiKeyId, secret } = await customer.createApiKey("to revoke");
    keysSent.push(secret);
    const revocable = new SmsActivateClient({ baseUrl: endpoint, apiKey: secret });
    expect(await revocable.getBalance()).toBe("10.00");
    await customer.client.data(`mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { __typename } }`, { id: apiKeyId });
    expect(await failure(revocable.getBalance())).toBe("BAD_KEY");
  });

  it("P7: another account's activation answers NO_ACTIVATION to every action, its SMS unread and its state unchanged", async () => {
    const owner = await protocolCustomer({ balanceMinor: 100 });
    const other = await protocolCustomer({ balanceMinor: 100 });
    const { id, phone } = await owner.client.getNumber("tg", GB);
    await deliverSms(app, { to: `+${phone}`, text: "Your code is 909090" });

    expect(await failure(other.client.getStatus(id))).toBe("NO_ACTIVATION");
    expect(await failure(other.client.getStatusV2(id))).toBe("NO_ACTIVATION");
    expect((await other.client.call("getFullSms", { id })).body).toBe("NO_ACTIVATION");
    for (const status of [1, 3, 6, 8] as const) expect(await failure(other.client.setStatus(id, status))).toBe("NO_ACTIVATION");
    // An id that was never given out answers alike.
    expect(await failure(other.client.getStatus(id + 1_000_000))).toBe("NO_ACTIVATION");
    expect(await failure(other.client.getStatus(Number.NaN))).toBe("WRONG_ACTIVATION_ID");
    expect(await other.client.getActiveActivations()).toEqual({ status: "error", error: "NO_ACTIVATIONS" });

    expect(await owner.client.getStatus(id)).toEqual({ status: "STATUS_OK", code: "909090" });
    expect(await balance(owner.customer.client)).toEqual({ availableMinor: 55, heldMinor: 45, currency: "USD" });
    expect(await balance(other.customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
  });

  it("P17: an account under restriction cannot order through the protocol, and nothing is held", async () => {
    const { customer, client } = await protocolCustomer({ balanceMinor: 100 });
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const actor: StaffActor = { kind: "staff", staffUserId: support.staffUserId, role: "SUPPORT", sessionId: randomUUID() };
    const request = await customer.requestPrivacy({ kind: "RESTRICTION" });
    await applyRestriction(app.services, actor, request.id);

    expect(await failure(client.getNumber("tg", GB))).toBe("ACCOUNT_RESTRICTED");
    expect(await failure(client.getNumberV2("tg", GB))).toBe("ACCOUNT_RESTRICTED");
    expect(await balance(customer.client)).toEqual({ availableMinor: 100, heldMinor: 0, currency: "USD" });
    expect(await app.services.db.activation.count({ where: { accountId: customer.accountId } })).toBe(0);
  });
});

describe("the sms-activate protocol: the key stays out of logs and metrics", () => {
  it("answers an internal failure with ERROR_SQL and logs it without the request", async () => {
    const { client } = await protocolCustomer();
    // A real failure of the database under the action: its table is briefly away.
    await app.services.db.$executeRawUnsafe(`ALTER TABLE "Price" RENAME TO "PriceAway"`);
    try {
      const answer = await client.call("getPrices");
      expect(answer).toMatchObject({ status: 500, body: "ERROR_SQL" });
    } finally {
      await app.services.db.$executeRawUnsafe(`ALTER TABLE "PriceAway" RENAME TO "Price"`);
    }
    expect(app.logs()).toContain("sms-activate request failed");
  });

  it("answers an oversized form body with 413", async () => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `api_key=${keysSent[0]}&action=getBalance&pad=${"x".repeat(32 * 1024)}`,
    });
    expect(response.status).toBe(413);
  });

  it("never writes any key it was sent to the log or a metric label", async () => {
    // Its own traffic too, so the scan has keys to look for when this test runs alone.
    const { client } = await protocolCustomer();
    await client.getNumber("tg", US);
    await client.call("getRentNumber");
    await new SmsActivateClient({ baseUrl: endpoint, apiKey: "sk_not-a-key-of-ours", method: "POST" }).call("getBalance");
    keysSent.push("sk_not-a-key-of-ours");
    const response = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    const metrics = await response.text();
    expect(metrics).toContain('smsape_sms_activate_requests_total{action="getNumber",answer="ACCESS_NUMBER"}');
    expect(metrics).toContain('smsape_sms_activate_requests_total{action="other",answer="BAD_ACTION"}');
    const logs = app.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const key of keysSent) {
      // The whole key, and its secret part alone (as a URL or a form body would carry it, or URL-encoded).
      for (const form of [key, key.slice(3), encodeURIComponent(key)]) {
        expect(logs).not.toContain(form);
        expect(metrics).not.toContain(form);
      }
    }
  });
});

describe("the sms-activate protocol: order limits", () => {
  it("counts protocol and GraphQL orders under the same limits, refusing with 429 RATE_LIMITED and Retry-After", async () => {
    const limited = await startTestApp({ RATE_LIMITS: `${testRateLimits},order.account=3/60` });
    try {
      const customer = await createCustomer(limited, { balanceMinor: 1_000 });
      const { secret } = await customer.createApiKey();
      keysSent.push(secret);
      const client = new SmsActivateClient({
        baseUrl: `${limited.url}${limited.services.config.smsActivate.path}`,
        apiKey: secret,
      });
      await client.getNumber("tg", US);
      expect((await order(customer.client, { service: "telegram", country: "US" })).__typename).toBe("OrderNumberPayload");
      await client.getNumber("wa", US);
      const refused = await client.call("getNumber", { service: "ot", country: US });
      expect(refused).toMatchObject({ status: 429, body: "RATE_LIMITED" });
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      expect(await client.getBalance()).toBe("9.25");
    } finally {
      await limited.close();
    }
  });
});
