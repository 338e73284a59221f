/**
 * A customer's whole journey through the public API, as a client app makes it,
 * with the upstream operator and payment processor simulators on. Afterwards the
 * service's log is scanned for every secret and personal value the journey used.
 */
import {
  collect,
  GraphqlClient,
  latestPolicyVersion,
  newEmail,
  newPassword,
  signUp,
  startTestApp,
  type TestApp,
  verifyEmail,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ SIMULATOR: "true", LOG_LEVEL: "debug" });
});
afterAll(async () => {
  await app?.close();
});

describe("a customer's journey", () => {
  const secrets: Record<string, string> = {};

  it("signs up, verifies, tops up, orders a number, sees the SMS arrive live, finishes, and asks for a copy of their data", async () => {
    const email = newEmail();
    const password = newPassword();
    secrets.email = email;
    secrets.password = password;
    expect((await signUp(app, { email, password })).result.__typename).toBe("SignUpPayload");
    secrets.verificationToken = await app.mailbox.token(email, /Confirm your email/, "ver");
    expect((await verifyEmail(app, email)).__typename).toBe("VerifyEmailPayload");

    const client = new GraphqlClient(app.url);
    const { signIn } = await client.data(
      `mutation($input: SignInInput!) { signIn(input: $input) { __typename ... on SignInPayload { token } } }`,
      { input: { email, password } },
    );
    secrets.sessionToken = signIn.token;
    client.bearer = signIn.token;
    const viewer = (await client.data(`{ viewer { emailVerified policyAcknowledgementRequired acknowledgedPolicyVersion } }`))
      .viewer;
    expect(viewer).toEqual({
      emailVerified: true,
      policyAcknowledgementRequired: false,
      acknowledgedPolicyVersion: latestPolicyVersion,
    });

    const { createApiKey } = await client.data(
      `mutation { createApiKey(input: { name: "script" }) { __typename ... on CreateApiKeyPayload { secret } } }`,
    );
    secrets.apiKey = createApiKey.secret;

    const { simulateTopUp } = await client.data(
      `mutation { simulateTopUp(amountMinor: 500) { __typename ... on Error { code message } } }`,
    );
    expect(simulateTopUp.__typename).not.toMatch(/Error$/);
    expect((await client.data(`{ balance { availableMinor heldMinor } }`)).balance).toEqual({
      availableMinor: 500,
      heldMinor: 0,
    });

    // The script's API key works like a session for reading and ordering.
    const script = new GraphqlClient(app.url);
    script.bearer = createApiKey.secret;
    const sms = collect<{ smsReceived: { text: string; code: string; activation: { id: string; phoneNumber: string } } }>(
      script.subscriptions(),
      `subscription { smsReceived { text code activation { id phoneNumber } } }`,
      {},
      1,
      20_000,
    );
    // The simulator answers a number only after it has waited a few seconds, time enough to subscribe.
    const { orderNumber } = await script.data(
      `mutation { orderNumber(input: { service: "telegram", country: "GB", idempotencyKey: "journey-1" }) {
        __typename ... on OrderNumberPayload { activation { id phoneNumber status } balance { availableMinor heldMinor } } ... on Error { code message } } }`,
    );
    expect(orderNumber.__typename).toBe("OrderNumberPayload");
    expect(orderNumber.balance).toEqual({ availableMinor: 455, heldMinor: 45 });
    secrets.phoneNumber = orderNumber.activation.phoneNumber;

    const [event] = await sms.done;
    expect(event?.smsReceived.activation.id).toBe(orderNumber.activation.id);
    expect(event?.smsReceived.code).toMatch(/^\d{4,8}$/);
    expect(event?.smsReceived.text).toContain(event?.smsReceived.code);
    secrets.smsText = event?.smsReceived.text ?? "";
    secrets.smsCode = event?.smsReceived.code ?? "";

    const { finishActivation } = await client.data(
      `mutation($id: ID!) { finishActivation(id: $id) { __typename ... on FinishActivationPayload { activation { status } balance { availableMinor heldMinor } } } }`,
      { id: orderNumber.activation.id },
    );
    expect(finishActivation.activation.status).toBe("COMPLETED");
    expect(finishActivation.balance).toEqual({ availableMinor: 455, heldMinor: 0 });

    const { activations } = await client.data(
      `{ activations(first: 5) { edges { node { status statusHistory { toStatus } messages { edges { node { code } } } } } } }`,
    );
    expect(activations.edges[0].node.statusHistory.map((change: { toStatus: string }) => change.toStatus)).toEqual([
      "WAITING_SMS",
      "SMS_RECEIVED",
      "COMPLETED",
    ]);
    expect(activations.edges[0].node.messages.edges[0].node.code).toBe(secrets.smsCode);

    const { requestDataCopy } = await client.data(
      `mutation { requestDataCopy { __typename ... on PrivacyRequestPayload { privacyRequest { kind status legalDueAt } } } }`,
    );
    expect(requestDataCopy.privacyRequest).toMatchObject({ kind: "ACCESS", status: "RECEIVED" });

    const newPasswordValue = newPassword();
    secrets.newPassword = newPasswordValue;
    await client.data(`mutation($e: String!) { requestPasswordReset(input: { email: $e }) { __typename } }`, { e: email });
    secrets.resetToken = await app.mailbox.token(email, /Reset your password/, "rst");
    const { resetPassword } = await new GraphqlClient(app.url).data(
      `mutation($t: String!, $p: String!) { resetPassword(input: { token: $t, newPassword: $p }) { __typename } }`,
      { t: secrets.resetToken, p: newPasswordValue },
    );
    expect(resetPassword.__typename).toBe("ResetPasswordPayload");
  });

  it("P7, P20: left no email, password, token, key, SMS text or code, phone number or webhook secret in the log", () => {
    const log = app.logs();
    expect(log.length).toBeGreaterThan(1000); // the journey was logged at debug level
    const journeyValues = [
      "email",
      "password",
      "verificationToken",
      "sessionToken",
      "apiKey",
      "phoneNumber",
      "smsText",
      "smsCode",
      "newPassword",
      "resetToken",
    ];
    expect(Object.keys(secrets).sort()).toEqual(journeyValues.sort());
    const values = {
      ...secrets,
      localPart: secrets.email?.split("@")[0] ?? "",
      paymentSecret: app.services.config.webhooks.paymentSecret,
      smsSecret: app.services.config.webhooks.smsSecret,
    };
    for (const [name, value] of Object.entries(values)) {
      expect(value, name).toBeTruthy();
      expect(log.includes(value), `${name} appears in the log`).toBe(false);
    }
  });
});
