/**
 * A socket authenticates once, when it connects. When the session or API key
 * it connected with ends, it is closed with 4401 (graphql-ws Unauthorized) at
 * once, rather than staying open and going silent: on sign-out, revocation
 * and password changes (announced over the live-event bus), at the session's
 * absolute expiry (a timer), and, as a backstop, at the next event.
 */
import { randomInt } from "node:crypto";
import {
  closedForEndedCredential,
  connectedSubscriptions,
  createCustomer,
  createStaffMember,
  eventually,
  GraphqlClient,
  listen,
  newPassword,
  type SmsEvent,
  smsFields,
  startTestApp,
  type TestApp,
  type TestCustomer,
  untilLive,
} from "@smsape/api/testing";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
const sockets: Client[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  for (const socket of sockets) await socket.dispose();
  await app?.close();
});

async function connectedSocket(client: GraphqlClient) {
  const connected = await connectedSubscriptions(client);
  sockets.push(connected.socket);
  return connected;
}

/** An SMS arriving now for a number the customer ordered, which the account's live sockets should hear. */
async function freshSms(customer: TestCustomer) {
  const activation = await customer.orderNumber();
  return activation.receiveSms(`Your code is ${randomInt(100_000, 1_000_000)}`);
}

describe("an open socket whose session ends is closed with 4401", () => {
  it("P5: signing out on another connection closes the session's socket at once, with no event needed", async () => {
    const customer = await createCustomer(app);
    const { closes } = await connectedSocket(customer.client);
    expect(await customer.client.data(`mutation { signOut }`)).toEqual({ signOut: true });
    await closedForEndedCredential(closes);
  });

  it("P5: signing out everywhere closes every session's socket; a socket opened with an API key stays open and still hears", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const { client: keyClient } = await customer.createApiKey("watcher");
    const activation = await customer.orderNumber();
    const first = await activation.receiveSms("Your code is 111111");
    const probe = { accountId: customer.accountId, activationId: activation.id, messageId: first.messageId };

    const bySession = await connectedSocket(customer.client);
    const byKey = await connectedSocket(keyClient);
    const sessionListener = listen<SmsEvent>(bySession.socket, `subscription { smsReceived { ${smsFields} } }`);
    const keyListener = listen<SmsEvent>(byKey.socket, `subscription { smsReceived { ${smsFields} } }`);
    await untilLive(app, sessionListener, probe);
    await untilLive(app, keyListener, probe);

    await customer.client.data(`mutation { signOutEverywhere { endedSessions } }`);
    await closedForEndedCredential(bySession.closes);

    const sms = await freshSms(customer);
    await eventually(() => keyListener.events.some((event) => event.smsReceived.id === sms.messageId), {
      what: "the API key's socket to hear the new SMS",
    });
    expect(sessionListener.events.map((event) => event.smsReceived.id)).not.toContain(sms.messageId);
    expect(byKey.closes).toEqual([]);
  });

  it("P5: changing the password closes the sockets of the other sessions, not this session's", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const elsewhere = await customer.signIn();
    const here = await connectedSocket(customer.client);
    const there = await connectedSocket(elsewhere.client);
    const listener = listen<SmsEvent>(here.socket, `subscription { smsReceived { ${smsFields} } }`);

    const { changePassword } = await customer.client.data(
      `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename } }`,
      { input: { currentPassword: customer.password, newPassword: newPassword() } },
    );
    expect(changePassword.__typename).toBe("ChangePasswordPayload");
    await closedForEndedCredential(there.closes);

    const sms = await freshSms(customer);
    await eventually(() => listener.events.some((event) => event.smsReceived.id === sms.messageId), {
      what: "this session's socket to hear the new SMS",
    });
    expect(here.closes).toEqual([]);
  });

  it("P5: resetting the password closes the socket of every session", async () => {
    const customer = await createCustomer(app);
    const { closes } = await connectedSocket(customer.client);
    const anonymous = new GraphqlClient(app.url);
    await anonymous.data(`mutation($email: String!) { requestPasswordReset(input: { email: $email }) { __typename } }`, {
      email: customer.email,
    });
    const token = await app.mailbox.token(customer.email, /Reset your password/, "rst");
    const { resetPassword } = await anonymous.data(
      `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { __typename } }`,
      { input: { token, newPassword: newPassword() } },
    );
    expect(resetPassword.__typename).toBe("ResetPasswordPayload");
    await closedForEndedCredential(closes);
  });

  it("P5: a socket is closed when its session reaches its absolute expiry, with no event needed", async () => {
    const customer = await createCustomer(app);
    // A session five seconds from the end of its absolute lifetime.
    const endsAt = new Date(app.services.now().getTime() + 5_000);
    await app.services.db.session.updateMany({ where: { accountId: customer.accountId }, data: { absoluteExpiresAt: endsAt } });
    const { closes } = await connectedSocket(customer.client);
    await closedForEndedCredential(closes);
    expect(app.services.now().getTime()).toBeGreaterThanOrEqual(endsAt.getTime());
  });
});

describe("an open socket whose API key is revoked is closed with 4401", () => {
  it("revoking the key closes the socket opened with it, with no event needed", async () => {
    const customer = await createCustomer(app);
    const key = await customer.createApiKey("watcher");
    const { closes } = await connectedSocket(key.client);
    const { revokeApiKey } = await customer.client.data(
      `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename } }`,
      { id: key.apiKeyId },
    );
    expect(revokeApiKey.__typename).toBe("RevokeApiKeyPayload");
    await closedForEndedCredential(closes);
  });
});

describe("a staff socket whose session ends is closed with 4401", () => {
  it("P5: signing out of the console closes the staff member's socket", async () => {
    const { client: staff } = await createStaffMember(app);
    const { closes } = await connectedSocket(staff);
    expect(await staff.data(`mutation { staffSignOut }`)).toEqual({ staffSignOut: true });
    await closedForEndedCredential(closes);
  });
});

describe("the backstop at each event", () => {
  /** A socket of `client` hearing the customer's SMS, proved live. */
  async function liveSmsSocket(customer: TestCustomer, client: GraphqlClient) {
    const activation = await customer.orderNumber();
    const first = await activation.receiveSms(`Your code is ${randomInt(100_000, 1_000_000)}`);
    const { socket, closes } = await connectedSocket(client);
    const listener = listen<SmsEvent>(socket, `subscription { smsReceived { ${smsFields} } }`);
    await untilLive(app, listener, { accountId: customer.accountId, activationId: activation.id, messageId: first.messageId });
    return { listener, closes };
  }

  it("P5: a session revoked while its announcement is lost (the bus away) closes its socket at the next event, which is not delivered", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const { listener, closes } = await liveSmsSocket(customer, customer.client);
    // Revoked in the database alone: no announcement reaches the socket's watch.
    await app.services.db.session.updateMany({
      where: { accountId: customer.accountId },
      data: { revokedAt: app.services.now() },
    });
    const after = await freshSms(customer);
    await closedForEndedCredential(closes);
    expect(listener.events.map((event) => event.smsReceived.id)).not.toContain(after.messageId);
  });

  it("an API key revoked while its announcement is lost closes its socket at the next event, which is not delivered", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const key = await customer.createApiKey("watcher");
    const { listener, closes } = await liveSmsSocket(customer, key.client);
    await app.services.db.apiKey.update({ where: { id: key.apiKeyId }, data: { revokedAt: app.services.now() } });
    const after = await freshSms(customer);
    await closedForEndedCredential(closes);
    expect(listener.events.map((event) => event.smsReceived.id)).not.toContain(after.messageId);
  });

  // Last: it moves the clock half a day forward.
  it("P5: a socket keeps receiving SMS until its session passes its absolute expiry; the next event then closes it", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const activation = await customer.orderNumber();
    const first = await activation.receiveSms("Your code is 333333");
    const { socket, closes } = await connectedSocket(customer.client);
    const listener = listen<SmsEvent>(socket, `subscription { smsReceived { ${smsFields} } }`);
    await untilLive(app, listener, { accountId: customer.accountId, activationId: activation.id, messageId: first.messageId });

    // A minute before the session's absolute expiry: still heard (an open socket counts as use, not idle).
    const lifetimeMs = app.services.config.sessions.absoluteMinutes * 60_000;
    app.clock.advance(lifetimeMs - 60_000);
    const before = await freshSms(customer);
    await eventually(() => listener.events.some((event) => event.smsReceived.id === before.messageId), {
      what: "the SMS a minute before expiry",
    });

    // Past it: the next event finds the session over, and closes the socket instead of delivering.
    app.clock.advance(2 * 60_000);
    const after = await freshSms(customer);
    await closedForEndedCredential(closes);
    expect(listener.events.map((event) => event.smsReceived.id)).not.toContain(after.messageId);
  });
});
