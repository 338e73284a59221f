import {
  closedForEndedCredential,
  connectedSubscriptions,
  createCustomer,
  deliverSms,
  eventually,
  GraphqlClient,
  type Listener,
  listen,
  type SmsEvent,
  smsFields,
  startTestApp,
  type TestApp,
  type TestCustomer,
  untilLive,
} from "@smsape/api/testing";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The only skipped tests: live events across instances need a Redis server to share events through.
const redisUnavailable = process.env.REDIS_URL
  ? null
  : "REDIS_URL is not set: no Redis to share live events between two instances";

describe("live events across API instances sharing Redis", () => {
  let first: TestApp;
  let second: TestApp;
  let alice: TestCustomer;
  const sockets: Client[] = [];

  beforeAll(async () => {
    if (redisUnavailable) return;
    first = await startTestApp();
    second = await startTestApp({}, { database: first.database });
    alice = await createCustomer(first, { balanceMinor: 500 });
  });
  afterAll(async () => {
    for (const socket of sockets) await socket.dispose();
    await second?.close();
    await first?.close();
  });

  const title = "delivers to a subscriber on instance 1 an SMS that arrived by webhook at instance 2";
  it.skipIf(redisUnavailable !== null)(redisUnavailable ? `${title} (skipped: ${redisUnavailable})` : title, async () => {
    expect(first.services.config.redisUrl).toBeTruthy();
    const activation = await alice.orderNumber();
    const earlier = await activation.receiveSms("Your Telegram code is 1010", { via: second });

    const socket = alice.client.subscriptions();
    sockets.push(socket);
    const listener: Listener<SmsEvent> = listen(
      socket,
      `subscription($id: ID) { smsReceived(activationId: $id) { ${smsFields} } }`,
      {
        id: activation.id,
      },
    );
    // Proved live through instance 2's bus, so Redis carries the probe too.
    await untilLive(second, listener, { accountId: alice.accountId, activationId: activation.id, messageId: earlier.messageId });

    const result = await deliverSms(second, { to: activation.phoneNumber, text: "Your Telegram code is 20304050" });
    expect(result.status).toBe(200);
    await eventually(() => listener.events.some((event) => event.smsReceived.code === "20304050"), {
      what: "the SMS on instance 1",
    });
    expect(listener.events.find((event) => event.smsReceived.code === "20304050")?.smsReceived).toMatchObject({
      text: "Your Telegram code is 20304050",
      activation: { id: activation.id, status: "SMS_RECEIVED" },
    });
  });

  const closeTitle = "P5: closes with 4401 a socket on instance 1 whose session was signed out through instance 2";
  it.skipIf(redisUnavailable !== null)(
    redisUnavailable ? `${closeTitle} (skipped: ${redisUnavailable})` : closeTitle,
    async () => {
      const bob = await createCustomer(first);
      const { socket, closes } = await connectedSubscriptions(bob.client);
      sockets.push(socket);
      const onSecond = new GraphqlClient(second.url);
      onSecond.bearer = bob.token;
      expect(await onSecond.data(`mutation { signOut }`)).toEqual({ signOut: true });
      await closedForEndedCredential(closes);
    },
  );
});
