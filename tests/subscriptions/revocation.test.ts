import { createCustomer, GraphqlClient, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverSmsOk, eventually, listen, orderNumber, type SmsEvent, smsFields, untilLive } from "../sms/support.ts";

let app: TestApp;
const sockets: Client[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await app?.close();
});

describe("live events after sign-out", () => {
  it("P5, P7: a socket opened with a session hears nothing once that session is signed out; an API key's socket still does", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const { createApiKey } = await customer.client.data(
      `mutation { createApiKey(input: { name: "watcher" }) { ... on CreateApiKeyPayload { secret } } }`,
    );
    const activation = await orderNumber(customer);
    const first = await deliverSmsOk(app, { to: activation.phoneNumber, text: "Your code is 111111" });
    const probe = { accountId: customer.accountId, activationId: activation.id, messageId: first.messageId };

    const sessionSocket = customer.client.subscriptions();
    const keyClient = new GraphqlClient(app.url);
    keyClient.bearer = createApiKey.secret;
    const keySocket = keyClient.subscriptions();
    sockets.push(sessionSocket, keySocket);
    const bySession = listen<SmsEvent>(sessionSocket, `subscription { smsReceived { ${smsFields} } }`);
    const byKey = listen<SmsEvent>(keySocket, `subscription { smsReceived { ${smsFields} } }`);
    await untilLive(app, bySession, probe);
    await untilLive(app, byKey, probe);

    await customer.client.data(`mutation { signOutEverywhere { __typename } }`);

    // A new SMS: the key's socket hears it; by then the signed-out socket would have, had it been let through.
    const second = await orderNumber({ ...customer, client: keyClient });
    const sms = await deliverSmsOk(app, { to: second.phoneNumber, text: "Your code is 222222" });
    await eventually(() => byKey.events.some((event) => event.smsReceived.id === sms.messageId), {
      what: "the API key's socket to hear the new SMS",
    });
    expect(bySession.events.map((event) => event.smsReceived.id)).not.toContain(sms.messageId);
  });
});
