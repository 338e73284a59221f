/**
 * Abuse signals on the staff API (P12): what networks, API keys and services
 * did today, by keys that name no one, for staff with `abuse.read`; accounts
 * under restriction or objection are not counted (P17).
 */
import { randomUUID } from "node:crypto";
import {
  createCustomer,
  createStaffMember,
  GraphqlClient,
  signInMutation,
  startTestApp,
  type TestApp,
  type TestCustomer,
  type TestStaffMember,
  testRateLimits,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import { applyRestriction, recordObjection } from "../../api/src/domain/privacy/restriction.ts";

let app: TestApp;
let support: TestStaffMember;
let supportActor: StaffActor;

beforeAll(async () => {
  app = await startTestApp({
    // Cancel at once; failed sign-ins never reach the backoff or the lockout here.
    ACTIVATION_CANCEL_LOCK_MINUTES: "0",
    RATE_LIMITS: `${testRateLimits},sign-in.account=1000/900/900,sign-in.account-backoff=1000/60`,
  });
  support = await createStaffMember(app, { role: "SUPPORT" });
  supportActor = { kind: "staff", staffUserId: support.staffUserId, role: "SUPPORT", sessionId: randomUUID() };
});
afterAll(async () => {
  await app?.close();
});

const signalsQuery = `query($kind: AbuseSignalKeyKind) {
  abuseSignals(days: 1, keyKind: $kind) { id day keyKind key orders cancels cancelRate signInFailures rateLimited patterns }
}`;

async function signals(kind: "NETWORK" | "API_KEY" | "SERVICE", client = support.client) {
  return (await client.data<{ abuseSignals: any[] }>(signalsQuery, { kind })).abuseSignals;
}

/** Orders `count` numbers through `client` and cancels `cancel` of them. */
async function orderAndCancel(client: GraphqlClient, count: number, cancel: number, service = "telegram") {
  for (let i = 0; i < count; i++) {
    const { orderNumber } = await client.data(
      `mutation($s: String!) { orderNumber(input: { service: $s, country: "GB" }) { __typename ... on OrderNumberPayload { activation { id } } ... on Error { code } } }`,
      { s: service },
    );
    if (orderNumber.__typename !== "OrderNumberPayload") throw new Error(`order refused: ${orderNumber.code}`);
    if (i < cancel) {
      const { cancelActivation } = await client.data(`mutation($id: ID!) { cancelActivation(id: $id) { __typename } }`, {
        id: orderNumber.activation.id,
      });
      expect(cancelActivation.__typename).toBe("CancelActivationPayload");
    }
  }
}

async function failSignIns(customer: TestCustomer, times: number) {
  for (let i = 0; i < times; i++) {
    await new GraphqlClient(app.url).data(signInMutation, { input: { email: customer.email, password: "wrong-password" } });
  }
}

async function restrictedOrObjecting(kind: "RESTRICTION" | "OBJECTION") {
  const customer = await createCustomer(app, { balanceMinor: 10_000 });
  const request = await customer.requestPrivacy({ kind, details: "Do not count my activity" });
  if (kind === "RESTRICTION") await applyRestriction(app.services, supportActor, request.id);
  else await recordObjection(app.services, supportActor, request.id, "abuse-signals");
  return customer;
}

describe("abuse signals", () => {
  it("P12: shows order and cancel rates and failed sign-ins per network, API key and service, without account, email or address", async () => {
    const customer = await createCustomer(app, { balanceMinor: 10_000 });
    const { client: scripted } = await customer.createApiKey();
    await orderAndCancel(customer.client, 4, 3);
    await orderAndCancel(scripted, 2, 2);
    await failSignIns(customer, 5);

    const [network] = await signals("NETWORK");
    expect(network).toMatchObject({ orders: 6, cancels: 5, cancelRate: 0.83, signInFailures: 5 });
    expect(network.patterns).toEqual(expect.arrayContaining(["high-cancel-rate", "repeated-sign-in-failures"]));
    expect(network.key).toBe(app.services.limits.networkKey("127.0.0.1", app.services.now()));

    const apiKeys = await signals("API_KEY");
    expect(apiKeys).toHaveLength(1);
    expect(apiKeys[0]).toMatchObject({ orders: 2, cancels: 2, cancelRate: 1 });

    const services = await signals("SERVICE");
    expect(services).toEqual([expect.objectContaining({ key: "telegram", orders: 6, cancels: 5 })]);

    const everything = JSON.stringify(await support.client.data("query { abuseSignals(days: 30) { id key patterns } }"));
    expect(everything).not.toContain(customer.accountId);
    expect(everything).not.toContain(customer.email);
    expect(everything).not.toMatch(/127\.0\.0\.1|::1/);
    const stored = JSON.stringify(await app.services.db.abuseSignal.findMany(), (_key, value) => value);
    expect(stored).not.toContain(customer.accountId);
    expect(stored).not.toMatch(/127\.0\.0\.1/);
  });

  it("P17: leaves out accounts under restriction or that objected to abuse signals", async () => {
    const before = (await signals("NETWORK"))[0] ?? { orders: 0, cancels: 0, signInFailures: 0 };
    const objecting = await restrictedOrObjecting("OBJECTION");
    await orderAndCancel(objecting.client, 3, 3, "whatsapp");
    await failSignIns(objecting, 2);
    const restricted = await restrictedOrObjecting("RESTRICTION");
    await failSignIns(restricted, 2);

    const [after] = await signals("NETWORK");
    expect(after).toMatchObject({ orders: before.orders, cancels: before.cancels, signInFailures: before.signInFailures });
    expect((await signals("SERVICE")).map((row) => row.key)).not.toContain("whatsapp");

    // The same activity from an account free of both is counted.
    const free = await createCustomer(app, { balanceMinor: 10_000 });
    await orderAndCancel(free.client, 1, 1, "whatsapp");
    expect((await signals("SERVICE")).find((row) => row.key === "whatsapp")).toMatchObject({ orders: 1, cancels: 1 });
  });

  it("are for support and compliance staff only", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const answer = await admin.client.request(signalsQuery, { kind: "NETWORK" });
    expect(answer.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    expect((await signals("NETWORK", compliance.client)).length).toBeGreaterThan(0);
  });

  it("P12: one day's keys are not the next day's: the same network starts a new row", async () => {
    const customer = await createCustomer(app, { balanceMinor: 10_000 });
    const today = (await signals("NETWORK"))[0];
    app.clock.advance(24 * 60 * 60_000);
    // Yesterday's session is past its expiry: an API key orders.
    const client = new GraphqlClient(app.url);
    client.bearer = (await customer.createApiKey("tomorrow")).secret;
    await orderAndCancel(client, 1, 0);
    const [tomorrow] = await signals("NETWORK", await support.signIn());
    expect(tomorrow.day).not.toBe(today.day);
    expect(tomorrow.key).not.toBe(today.key);
    expect(tomorrow).toMatchObject({ orders: 1, cancels: 0, signInFailures: 0 });
  });
});
