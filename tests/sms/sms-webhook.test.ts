import {
  createCustomer,
  deliverSms,
  eventually,
  type Listener,
  listen,
  type SmsEvent,
  smsFields,
  startTestApp,
  type TestApp,
  type TestCustomer,
  untilLive,
  webhookSignature,
} from "@smsape/api/testing";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
let alice: TestCustomer;
const sockets: Client[] = [];

beforeAll(async () => {
  app = await startTestApp();
  alice = await createCustomer(app, { balanceMinor: 1_000 });
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await app?.close();
});

function subscriptionsOf(customer: TestCustomer): Client {
  const socket = customer.client.subscriptions();
  sockets.push(socket);
  return socket;
}

/** An activation of Alice's with one SMS already stored, and a subscriber on it that is provably live. */
async function liveSubscriberOnNewActivation() {
  const activation = await alice.orderNumber();
  const first = await activation.receiveSms("Your Telegram code is 1111");
  const listener: Listener<SmsEvent> = listen(
    subscriptionsOf(alice),
    `subscription($id: ID) { smsReceived(activationId: $id) { ${smsFields} } }`,
    {
      id: activation.id,
    },
  );
  await untilLive(app, listener, { accountId: alice.accountId, activationId: activation.id, messageId: first.messageId });
  const liveEvents = () => listener.events.map((event) => event.smsReceived).filter((sms) => sms.id !== first.messageId);
  return { activation, listener, liveEvents, first };
}

describe("inbound SMS from the upstream operator", () => {
  it("moves the activation to SMS_RECEIVED with the SMS and its code readable by the ordering account", async () => {
    const activation = await alice.orderNumber();
    const result = await deliverSms(app, { to: activation.phoneNumber, text: "Your Telegram code is 482913. Do not share it." });
    expect(result).toMatchObject({ status: 200, body: { status: "delivered" } });

    const { activation: read } = await alice.client.data(
      `query($id: ID!) { activation(id: $id) { status statusHistory { fromStatus toStatus reason } messages { edges { node { text code receivedAt } } } } }`,
      { id: activation.id },
    );
    expect(read.status).toBe("SMS_RECEIVED");
    expect(read.statusHistory.at(-1)).toEqual({ fromStatus: "WAITING_SMS", toStatus: "SMS_RECEIVED", reason: "SMS received" });
    expect(read.messages.edges.map((edge: any) => edge.node)).toEqual([
      { text: "Your Telegram code is 482913. Do not share it.", code: "482913", receivedAt: expect.any(String) },
    ]);
  });

  it("delivers a new SMS live to the ordering account's subscriber", async () => {
    const { activation, liveEvents } = await liveSubscriberOnNewActivation();
    const result = await deliverSms(app, { to: activation.phoneNumber, text: "Telegram: 570312 is your login code" });
    expect(result.status).toBe(200);

    await eventually(() => liveEvents().length === 1, { what: "the live SMS" });
    expect(liveEvents()).toEqual([
      {
        id: expect.any(String),
        text: "Telegram: 570312 is your login code",
        code: "570312",
        receivedAt: expect.any(String),
        activation: { id: activation.id, status: "SMS_RECEIVED" },
      },
    ]);
  });

  it("uses the service's own code pattern when it has one", async () => {
    await app.services.db.service.update({ where: { code: "whatsapp" }, data: { codePattern: "code (\\d{3}-\\d{3})" } });
    const activation = await alice.orderNumber({ service: "whatsapp" });
    await activation.receiveSms("Your WhatsApp code 123-456. Ref 99887");
    const { activation: read } = await alice.client.data(
      `query($id: ID!) { activation(id: $id) { messages { edges { node { code } } } } }`,
      {
        id: activation.id,
      },
    );
    expect(read.messages.edges[0].node.code).toBe("123-456");
  });

  it("accepts and drops an SMS for a number no activation holds, storing nothing", async () => {
    const before = await app.services.db.smsMessage.count();
    const result = await deliverSms(app, { to: "+447700900999", text: "Your code is 4444" });
    expect(result).toMatchObject({ status: 202, body: { status: "dropped" } });
    expect(await app.services.db.smsMessage.count()).toBe(before);
    expect(await app.services.db.smsMessage.findUnique({ where: { upstreamMessageId: result.messageId } })).toBeNull();
  });

  it("drops an SMS for a number whose activation has ended", async () => {
    const activation = await alice.orderNumber();
    await activation.receiveSms("Your code is 5555");
    await alice.client.data(`mutation($id: ID!) { finishActivation(id: $id) { __typename } }`, { id: activation.id });
    const late = await deliverSms(app, { to: activation.phoneNumber, text: "Your code is 6666" });
    expect(late).toMatchObject({ status: 202, body: { status: "dropped" } });
    expect(await app.services.db.smsMessage.count({ where: { activationId: activation.id } })).toBe(1);
  });

  it("refuses forged, tampered, unsigned and stale deliveries before storing or publishing anything", async () => {
    const { activation, liveEvents } = await liveSubscriberOnNewActivation();
    const before = await app.services.db.smsMessage.count();
    const sms = { to: activation.phoneNumber, text: "Your code is 13579" };
    const now = Math.floor(app.services.now().getTime() / 1000);

    const forged = await deliverSms(app, sms, { secret: "not-the-operator-secret-at-all" });
    const genuineBody = JSON.stringify({ ...sms, messageId: "op-tampered" });
    const tampered = await deliverSms(app, sms, {
      rawBody: JSON.stringify({ ...sms, messageId: "op-tampered", text: "Your code is 99999" }),
      signature: webhookSignature(app.services.config.webhooks.smsSecret, genuineBody, now),
    });
    const unsigned = await deliverSms(app, sms, { signature: null });
    const stale = await deliverSms(app, sms, { timestampSeconds: now - 10 * 60 });
    const fromTheFuture = await deliverSms(app, sms, { timestampSeconds: now + 10 * 60 });
    for (const refused of [forged, tampered, unsigned, stale, fromTheFuture]) expect(refused.status).toBe(401);
    expect(stale.body.error).toMatch(/too old or too new/);

    expect(await app.services.db.smsMessage.count()).toBe(before);
    const genuine = await deliverSms(app, { to: activation.phoneNumber, text: "Your code is 24680" });
    expect(genuine.status).toBe(200);
    await eventually(() => liveEvents().length >= 1, { what: "the genuine SMS" });
    expect(liveEvents().map((event) => event.text)).toEqual(["Your code is 24680"]);
  });

  it("refuses a signed delivery whose body is not a valid SMS, naming the fields", async () => {
    const result = await deliverSms(app, { to: "07700 900123", text: "" });
    expect(result.status).toBe(400);
    expect(result.body.issues.map((issue: { field: string }) => issue.field).sort()).toEqual(["text", "to"]);
  });

  it("stores and announces a retried delivery once", async () => {
    const { activation, liveEvents } = await liveSubscriberOnNewActivation();
    const sms = { messageId: "op-retried-1", to: activation.phoneNumber, text: "Your code is 86420" };
    const first = await deliverSms(app, sms);
    const retried = await deliverSms(app, sms);
    const retriedLater = await deliverSms(app, { ...sms, text: "Your code is 11111" });
    expect([first.body.status, retried.body.status, retriedLater.body.status]).toEqual(["delivered", "duplicate", "duplicate"]);
    expect(await app.services.db.smsMessage.count({ where: { upstreamMessageId: "op-retried-1" } })).toBe(1);

    // An SMS after the retries arrives after anything they could have announced.
    await activation.receiveSms("Your code is 97531");
    await eventually(() => liveEvents().length >= 2, { what: "both SMS" });
    expect(liveEvents().map((event) => event.text)).toEqual(["Your code is 86420", "Your code is 97531"]);
  });

  it("stores one of several simultaneous deliveries of a message and answers the others as duplicates", async () => {
    const { activation, liveEvents } = await liveSubscriberOnNewActivation();
    const sms = { messageId: "op-raced-1", to: activation.phoneNumber, text: "Your code is 24680" };
    const results = await Promise.all(Array.from({ length: 6 }, () => deliverSms(app, sms)));
    expect(results.map((result) => result.body.status).sort()).toEqual([
      "delivered",
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
      "duplicate",
    ]);
    expect(await app.services.db.smsMessage.count({ where: { upstreamMessageId: "op-raced-1" } })).toBe(1);
    await activation.receiveSms("Your code is 13579");
    await eventually(() => liveEvents().length >= 2, { what: "both SMS" });
    expect(liveEvents().map((event) => event.text)).toEqual(["Your code is 24680", "Your code is 13579"]);
  });

  it("answers a retry as a duplicate after the activation has ended, and keeps the operator's time of receipt", async () => {
    const activation = await alice.orderNumber();
    const receivedAt = new Date(Date.now() - 61_000);
    const sms = { messageId: "op-retried-after-end", to: activation.phoneNumber, text: "Your code is 55501" };
    expect((await deliverSms(app, { ...sms, receivedAt: receivedAt.toISOString() })).body.status).toBe("delivered");
    const stored = await app.services.db.smsMessage.findUniqueOrThrow({ where: { upstreamMessageId: sms.messageId } });
    expect(stored.receivedAt.toISOString()).toBe(receivedAt.toISOString());
    const history = await app.services.db.activationStatusChange.findMany({ where: { activationId: activation.id } });
    const moved = history.find((change) => change.toStatus === "SMS_RECEIVED");
    expect(Math.abs((moved?.at.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);

    await alice.client.data(`mutation($id: ID!) { finishActivation(id: $id) { __typename } }`, { id: activation.id });
    expect((await deliverSms(app, sms)).body.status).toBe("duplicate");
    expect((await deliverSms(app, { ...sms, messageId: "op-after-end" })).status).toBe(202);
  });

  it("P20: the database holds no SMS body, code or routing detail in plaintext", async () => {
    const activation = await alice.orderNumber();
    const text = "Zebra-Orchid says: your Telegram code is 73918254";
    await activation.receiveSms(text, { from: "Sender-Kestrel", route: "route-Heron-42" });

    const stored = await app.services.db.smsMessage.findFirstOrThrow({ where: { activationId: activation.id } });
    expect(stored.bodyCiphertext).toMatch(/^v1\.[^.]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(stored.codeCiphertext).toMatch(/^v1\./);
    const { routingCiphertext } = await app.services.db.activation.findUniqueOrThrow({ where: { id: activation.id } });
    expect(routingCiphertext).toMatch(/^v1\./);

    const columns = await app.services.db.$queryRaw<Array<{ schema: string; table: string; column: string }>>`
      SELECT table_schema AS schema, table_name AS table, column_name AS column FROM information_schema.columns
      WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
        AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY')`;
    expect(columns.some((column) => column.table === "SmsMessage" && column.column === "bodyCiphertext")).toBe(true);
    for (const secret of ["Zebra-Orchid", "73918254", "Sender-Kestrel", "route-Heron-42"]) {
      for (const { schema, table, column } of columns) {
        const [row] = await app.services.db.$queryRawUnsafe<Array<{ hits: number }>>(
          `SELECT count(*)::int AS hits FROM "${schema}"."${table}" WHERE position($1 in "${column}"::text) > 0`,
          secret,
        );
        expect(row?.hits, `${secret} found in ${schema}.${table}.${column}`).toBe(0);
      }
    }
  });

  it("never writes an SMS body, code, number or routing detail to the log", async () => {
    const activation = await alice.orderNumber();
    await activation.receiveSms("Quokka-Lantern code 60418273", { from: "Sender-Ibis", route: "route-Ibis-7" });
    await deliverSms(
      app,
      { to: activation.phoneNumber, text: "Quokka-Lantern code 60418273" },
      { secret: "wrong-secret-wrong-secret" },
    );
    const logs = app.logs();
    expect(logs).toContain("sms delivered");
    for (const secret of ["Quokka-Lantern", "60418273", activation.phoneNumber, "Sender-Ibis", "route-Ibis-7"])
      expect(logs).not.toContain(secret);
  });
});
