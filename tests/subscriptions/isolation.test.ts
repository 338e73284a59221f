import {
  createCustomer,
  eventually,
  GraphqlClient,
  type Listener,
  listen,
  type SmsEvent,
  smsFields,
  startTestApp,
  type TestActivation,
  type TestApp,
  type TestCustomer,
  untilLive,
} from "@smsape/api/testing";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

let app: TestApp;
let alice: TestCustomer;
let bob: TestCustomer;
const sockets: Client[] = [];

beforeAll(async () => {
  app = await startTestApp();
  alice = await createCustomer(app, { balanceMinor: 1_000 });
  bob = await createCustomer(app, { balanceMinor: 1_000 });
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await app?.close();
});

function socketOf(customer: TestCustomer): Client {
  const socket = customer.client.subscriptions();
  sockets.push(socket);
  return socket;
}

/** An activation with one SMS already stored, whose id serves to prove a subscription live. */
async function activationWithAnSms(customer: TestCustomer, text: string) {
  const activation = await customer.orderNumber();
  const sms = await activation.receiveSms(text);
  return { activation, messageId: sms.messageId };
}

const smsSubscription = `subscription($id: ID) { smsReceived(activationId: $id) { ${smsFields} } }`;

describe("P7: an SMS is readable only by the account that ordered the number", () => {
  let aliceActivation: TestActivation;
  let aliceMessageId: string;
  const aliceText = "Alice-Only: your Telegram code is 58203917";

  beforeAll(async () => {
    ({ activation: aliceActivation, messageId: aliceMessageId } = await activationWithAnSms(alice, aliceText));
  });

  it("P7: another account cannot read it through activation(id), the activations list or the messages field", async () => {
    const own = await alice.client.data(
      `query($id: ID!) { activation(id: $id) { id messages { edges { node { id text code } } } } }`,
      {
        id: aliceActivation.id,
      },
    );
    expect(own.activation.messages.edges).toEqual([{ node: { id: aliceMessageId, text: aliceText, code: "58203917" } }]);

    const byId = await bob.client.request(
      `query($id: ID!) { activation(id: $id) { id phoneNumber messages { edges { node { text code } } } } }`,
      {
        id: aliceActivation.id,
      },
    );
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.activation).toBeNull();

    await bob.orderNumber();
    const list = await bob.client.data(
      `{ activations(first: 100) { edges { node { id messages { edges { node { id text code } } } } } } }`,
    );
    const ids = list.activations.edges.map((edge: any) => edge.node.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(aliceActivation.id);
    expect(JSON.stringify(list)).not.toContain("58203917");
  });

  it("P7: the staff API has no way to read SMS at all", async () => {
    const staff = new GraphqlClient(app.url, "/admin/graphql");
    const { __schema } = await staff.data(`{ __schema { types { name fields { name } } } }`);
    const names: string[] = __schema.types.map((type: { name: string }) => type.name);
    const fields: string[] = __schema.types.flatMap((type: { fields: { name: string }[] | null }) =>
      (type.fields ?? []).map((f) => f.name),
    );
    expect(names).not.toContain("SmsMessage");
    expect(fields).not.toContain("smsReceived");
    expect(fields).not.toContain("messages");
  });

  it("P7: another account's subscriptions never receive it, with or without naming the activation", async () => {
    // Bob: one subscription naming Alice's activation, one without a filter (proved live with his own SMS).
    const bobs = await activationWithAnSms(bob, "Bob's own code is 7777");
    const bobSocket = socketOf(bob);
    const bobOnAlicesActivation: Listener<SmsEvent> = listen(bobSocket, smsSubscription, { id: aliceActivation.id });
    const bobOnAlicesStatus = listen(
      bobSocket,
      `subscription($id: ID) { activationStatusChanged(activationId: $id) { id status } }`,
      {
        id: aliceActivation.id,
      },
    );
    const bobUnfiltered: Listener<SmsEvent> = listen(bobSocket, smsSubscription, {});
    await untilLive(app, bobUnfiltered, {
      accountId: bob.accountId,
      activationId: bobs.activation.id,
      messageId: bobs.messageId,
    });

    // Alice: a subscriber on her activation, proved live with her first SMS.
    const aliceListener: Listener<SmsEvent> = listen(socketOf(alice), smsSubscription, { id: aliceActivation.id });
    await untilLive(app, aliceListener, {
      accountId: alice.accountId,
      activationId: aliceActivation.id,
      messageId: aliceMessageId,
    });

    // Even an event naming Alice's SMS published on Bob's own topic is dropped: every event is authorised as it is delivered.
    app.services.events.publish("smsReceived", bob.accountId, { activationId: aliceActivation.id, messageId: aliceMessageId });
    app.services.events.publish("activationChanged", bob.accountId, { activationId: aliceActivation.id });

    const second = await aliceActivation.receiveSms("Alice-Only: second code 66120934");
    await eventually(() => aliceListener.events.some((event) => event.smsReceived.id === second.messageId), {
      what: "Alice's SMS",
    });
    expect(aliceListener.events.find((event) => event.smsReceived.id === second.messageId)?.smsReceived.text).toBe(
      "Alice-Only: second code 66120934",
    );

    // A round trip on Bob's socket after all of that: whatever Bob could have been sent, he has been sent by now.
    const probesBefore = bobUnfiltered.events.length;
    await eventually(() => bobUnfiltered.events.length > probesBefore, {
      each: () =>
        app.services.events.publish("smsReceived", bob.accountId, {
          activationId: bobs.activation.id,
          messageId: bobs.messageId,
        }),
      what: "Bob's probe",
    });
    expect(bobUnfiltered.events.map((event) => event.smsReceived.id).every((id) => id === bobs.messageId)).toBe(true);
    expect(JSON.stringify(bobUnfiltered.events)).not.toContain("Alice-Only");
    expect(bobOnAlicesActivation.events).toEqual([]);
    expect(bobOnAlicesStatus.events).toEqual([]);
    for (const listener of [bobUnfiltered, bobOnAlicesActivation, bobOnAlicesStatus]) expect(listener.errors).toEqual([]);
  });
  it("P7: an event naming another account's SMS is dropped whether its read goes alone or with other subscribers' reads", async () => {
    // Carol: one subscription on a socket of her own, proved live with her own SMS.
    const carol = await createCustomer(app, { balanceMinor: 1_000 });
    const carols = await activationWithAnSms(carol, "Carol's own code is 4242");
    const carolListener: Listener<SmsEvent> = listen(socketOf(carol), smsSubscription, {});
    const carolsEvent = { activationId: carols.activation.id, messageId: carols.messageId };
    await untilLive(app, carolListener, { accountId: carol.accountId, ...carolsEvent });
    const alicesEvent = { activationId: aliceActivation.id, messageId: aliceMessageId };

    // Alone: the only event of its turn, for Carol's one subscription, the only one listening yet.
    app.services.events.publish("smsReceived", carol.accountId, alicesEvent);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Together: two subscriptions each for Alice and Carol, so one turn reads Alice's own event twice and the
    // forged one twice, four reads in one statement.
    const carolSecond: Listener<SmsEvent> = listen(socketOf(carol), smsSubscription, {});
    await untilLive(app, carolSecond, { accountId: carol.accountId, ...carolsEvent });
    const aliceListener: Listener<SmsEvent> = listen(socketOf(alice), smsSubscription, { id: aliceActivation.id });
    const aliceSecond: Listener<SmsEvent> = listen(socketOf(alice), smsSubscription, {});
    for (const listener of [aliceListener, aliceSecond])
      await untilLive(app, listener, { accountId: alice.accountId, ...alicesEvent });
    const carols2 = [carolListener, carolSecond];
    const alices2 = [aliceListener, aliceSecond];
    const heardByAlice = alices2.map((listener) => listener.events.length);
    const heardByCarol = carols2.map((listener) => listener.events.length);
    app.services.events.publish("smsReceived", alice.accountId, alicesEvent);
    app.services.events.publish("smsReceived", carol.accountId, alicesEvent);
    app.services.events.publish("smsReceived", carol.accountId, carolsEvent);
    await eventually(
      () =>
        alices2.every((listener, i) => listener.events.length > (heardByAlice[i] ?? 0)) &&
        carols2.every((listener, i) => listener.events.length > (heardByCarol[i] ?? 0)),
      { what: "Alice's and Carol's own events" },
    );

    // One more round trip on Carol's sockets: whatever she could have been sent, she has been sent by now.
    const probesBefore = carols2.map((listener) => listener.events.length);
    await eventually(() => carols2.every((listener, i) => listener.events.length > (probesBefore[i] ?? 0)), {
      each: () => app.services.events.publish("smsReceived", carol.accountId, carolsEvent),
      what: "Carol's probe",
    });
    for (const listener of carols2) {
      expect(listener.events.map((event) => event.smsReceived.id).every((id) => id === carols.messageId)).toBe(true);
      expect(JSON.stringify(listener.events)).not.toContain("Alice-Only");
      expect(listener.errors).toEqual([]);
    }
    alices2.forEach((listener, i) => {
      expect(listener.events.at(heardByAlice[i] ?? 0)?.smsReceived.text).toBe(aliceText);
    });
  });
});

describe("live events reach their owner", () => {
  it("tells the owner when an activation's status changes", async () => {
    const activation = await alice.orderNumber();
    const statuses = listen<{ activationStatusChanged: { id: string; status: string } }>(
      socketOf(alice),
      `subscription($id: ID) { activationStatusChanged(activationId: $id) { id status } }`,
      { id: activation.id },
    );
    await eventually(() => statuses.events.length > 0, {
      each: () => app.services.events.publish("activationChanged", alice.accountId, { activationId: activation.id }),
      what: "the status subscription to be live",
    });
    const seen = statuses.events.length;
    await activation.receiveSms("Your code is 3141");
    await eventually(() => statuses.events.slice(seen).some((event) => event.activationStatusChanged.status === "SMS_RECEIVED"), {
      what: "SMS_RECEIVED",
    });
    expect(statuses.events.every((event) => event.activationStatusChanged.id === activation.id)).toBe(true);
  });

  it("tells the owner, and only the owner, when the balance moves", async () => {
    const aliceBalance = listen<{ balanceChanged: { availableMinor: number; heldMinor: number } }>(
      socketOf(alice),
      `subscription { balanceChanged { availableMinor heldMinor } }`,
    );
    const bobBalance = listen<{ balanceChanged: { availableMinor: number } }>(
      socketOf(bob),
      `subscription { balanceChanged { availableMinor } }`,
    );
    await eventually(() => aliceBalance.events.length > 0 && bobBalance.events.length > 0, {
      each: () => {
        app.services.events.publish("balanceChanged", alice.accountId, { accountId: alice.accountId });
        app.services.events.publish("balanceChanged", bob.accountId, { accountId: bob.accountId });
      },
      what: "the balance subscriptions to be live",
    });
    const bobSeen = bobBalance.events.length;
    const { balance: before } = await alice.client.data(`{ balance { availableMinor heldMinor } }`);

    await alice.orderNumber();
    const expected = { availableMinor: before.availableMinor - 45, heldMinor: before.heldMinor + 45 };
    await eventually(() => aliceBalance.events.some((event) => event.balanceChanged.heldMinor === expected.heldMinor), {
      what: "Alice's balance event",
    });
    expect(aliceBalance.events.find((event) => event.balanceChanged.heldMinor === expected.heldMinor)?.balanceChanged).toEqual(
      expected,
    );

    // A round trip on Bob's socket: Alice's order told him nothing.
    await eventually(() => bobBalance.events.length > bobSeen, {
      each: () => app.services.events.publish("balanceChanged", bob.accountId, { accountId: bob.accountId }),
      what: "Bob's probe",
    });
    const { balance: bobsBalance } = await bob.client.data(`{ balance { availableMinor } }`);
    expect(
      bobBalance.events
        .map((event) => event.balanceChanged.availableMinor)
        .every((value) => value === bobsBalance.availableMinor),
    ).toBe(true);
  });
});

describe("authentication at connection init", () => {
  async function refusal(client: GraphqlClient, query: string) {
    const socket = client.subscriptions();
    sockets.push(socket);
    const listener = listen(socket, query);
    await eventually(() => listener.errors.length > 0, { what: "the connection to be refused" });
    expect(listener.events).toEqual([]);
    return listener.errors[0] as { code?: number; reason?: string };
  }

  it("refuses an anonymous WebSocket connection", async () => {
    const error = await refusal(new GraphqlClient(app.url), `subscription { smsReceived { id text } }`);
    expect(error.code).toBe(4403);
  });

  /** A client that is not a browser: its credential is an Authorization header on the upgrade request, with no connection params. */
  function upgradeHeaderSocket(token: string): Client {
    const socket = createClient({
      url: `${app.url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers: { authorization: `Bearer ${token}` } });
        }
      },
      retryAttempts: 0,
    });
    sockets.push(socket);
    return socket;
  }

  it("accepts an Authorization: Bearer header on the upgrade request, as non-browser clients send it", async () => {
    const { activation, messageId } = await activationWithAnSms(alice, "Header: your Telegram code is 7070");
    const listener = listen<SmsEvent>(upgradeHeaderSocket(alice.token), `subscription { smsReceived { ${smsFields} } }`);
    await untilLive(app, listener, { accountId: alice.accountId, activationId: activation.id, messageId });
    expect(listener.errors).toEqual([]);
  });

  it("refuses an upgrade request whose Authorization header carries an unknown token", async () => {
    const listener = listen(upgradeHeaderSocket("ses_not-a-real-session-token"), `subscription { smsReceived { id } }`);
    await eventually(() => listener.errors.length > 0, { what: "the connection to be refused" });
    expect((listener.errors[0] as { code?: number }).code).toBe(4403);
  });

  it("refuses a WebSocket connection with an unknown session token", async () => {
    const client = new GraphqlClient(app.url);
    client.bearer = "ses_not-a-real-session-token";
    const error = await refusal(client, `subscription { balanceChanged { availableMinor } }`);
    expect(error.code).toBe(4403);
  });
});
