import {
  findInDatabase,
  GraphqlClient,
  newEmail,
  newPassword,
  signIn,
  signUp,
  startTestApp,
  type TestApp,
  viewerQuery,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const changePassword = `mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) { __typename ... on Error { code message } ... on ValidationError { issues { field message } } }
}`;
const requestReset = `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { __typename ... on RequestPasswordResetPayload { email } } }`;
const resetPassword = `mutation($input: ResetPasswordInput!) {
  resetPassword(input: $input) { __typename ... on Error { code } ... on ValidationError { issues { field message } } }
}`;
const viewerOf = async (client: GraphqlClient) => (await client.data(viewerQuery)).viewer;

describe("changing a password", () => {
  it("changes it, keeps this session, ends the others, and sends a notice", async () => {
    const { email, password } = await signUp(app);
    const here = await signIn(app, email, password);
    const elsewhere = await signIn(app, email, password);
    const newOne = newPassword();

    const { changePassword: result } = await here.bearerClient.data(changePassword, {
      input: { currentPassword: password, newPassword: newOne },
    });
    expect(result).toEqual({ __typename: "ChangePasswordPayload" });
    expect(await viewerOf(here.bearerClient)).toMatchObject({ email });
    expect(await viewerOf(elsewhere.bearerClient)).toBeNull();
    await expect(signIn(app, email, password)).rejects.toThrow(/INVALID_CREDENTIALS/);
    await signIn(app, email, newOne);
    const notice = await app.mailbox.latest(email, "Your password was changed");
    expect(notice.body).not.toContain(newOne);
  });

  it("refuses a wrong current password and a new password that breaks the rules", async () => {
    const { email, password } = await signUp(app);
    const { bearerClient } = await signIn(app, email, password);
    expect(
      (await bearerClient.data(changePassword, { input: { currentPassword: "wrong password", newPassword: newPassword() } }))
        .changePassword,
    ).toMatchObject({
      __typename: "WrongPasswordError",
      code: "WRONG_PASSWORD",
    });
    expect(
      (await bearerClient.data(changePassword, { input: { currentPassword: password, newPassword: "short" } })).changePassword
        .issues,
    ).toEqual([{ field: "newPassword", message: "must be at least 10 characters" }]);
    expect(
      (await bearerClient.data(changePassword, { input: { currentPassword: password, newPassword: email } })).changePassword
        .issues,
    ).toEqual([{ field: "newPassword", message: "must not be your email address" }]);
  });

  it("needs a session signed in with the password: an API key cannot change it", async () => {
    const { email, password } = await signUp(app);
    const { bearerClient } = await signIn(app, email, password);
    const { createApiKey } = await bearerClient.data(
      `mutation { createApiKey(input: { name: "script" }) { ... on CreateApiKeyPayload { secret } } }`,
    );
    const script = new GraphqlClient(app.url);
    script.bearer = createApiKey.secret;
    expect(
      (await script.data(changePassword, { input: { currentPassword: password, newPassword: newPassword() } })).changePassword
        .code,
    ).toBe("SESSION_REQUIRED");
  });
});

describe("resetting a forgotten password", () => {
  it("answers the same for an address with and without an account, and emails a token only to the account", async () => {
    const { email } = await signUp(app);
    const stranger = newEmail();
    const client = new GraphqlClient(app.url);
    expect((await client.data(requestReset, { email })).requestPasswordReset).toEqual({
      __typename: "RequestPasswordResetPayload",
      email,
    });
    expect((await client.data(requestReset, { email: stranger })).requestPasswordReset).toEqual({
      __typename: "RequestPasswordResetPayload",
      email: stranger,
    });
    await app.mailbox.deliver();
    expect(app.mailbox.to(stranger)).toEqual([]);
    expect(app.mailbox.to(email).some((message) => message.subject === "Reset your password")).toBe(true);
  });

  it("answers before looking the address up: one job queued for any address, holding the address only encrypted", async () => {
    const { email } = await signUp(app);
    const stranger = newEmail();
    const client = new GraphqlClient(app.url);
    // The queue's own table (pg-boss), where the request leaves its job.
    const resetJobs = () =>
      app.services.db.$queryRawUnsafe<Array<{ data: Record<string, unknown> }>>(
        `SELECT data FROM pgboss.job WHERE name = 'account.password-reset-requested' ORDER BY created_on, id`,
      );
    const before = (await resetJobs()).length;
    const answers = [];
    for (const address of [email, stranger]) {
      answers.push((await client.data(requestReset, { email: address })).requestPasswordReset);
    }
    expect(answers).toEqual([
      { __typename: "RequestPasswordResetPayload", email },
      { __typename: "RequestPasswordResetPayload", email: stranger },
    ]);
    const jobs = (await resetJobs()).slice(before);
    expect(jobs).toHaveLength(2);
    for (const job of jobs) {
      expect(Object.keys(job.data)).toEqual(["address"]);
      expect(job.data.address).toMatch(/^v1\./);
    }
    expect(JSON.stringify(jobs)).not.toContain(email);
    expect(await findInDatabase(app, stranger)).toEqual([]);
    await app.mailbox.deliver();
    expect(app.mailbox.to(stranger)).toEqual([]);
  });

  it("resets with the emailed token once, ends every session, verifies the address, and stores only the token's hash", async () => {
    const { email, password } = await signUp(app);
    const session = await signIn(app, email, password);
    const client = new GraphqlClient(app.url);
    await client.data(requestReset, { email });
    const token = await app.mailbox.token(email, /Reset your password/, "rst");
    expect(await findInDatabase(app, token)).toEqual([]);

    const newOne = newPassword();
    expect((await client.data(resetPassword, { input: { token, newPassword: newOne } })).resetPassword).toEqual({
      __typename: "ResetPasswordPayload",
    });
    expect(await viewerOf(session.bearerClient)).toBeNull();
    const after = await signIn(app, email, newOne);
    expect((await viewerOf(after.bearerClient)).emailVerified).toBe(true);
    await app.mailbox.latest(email, "Your password was changed");

    expect((await client.data(resetPassword, { input: { token, newPassword: newPassword() } })).resetPassword).toEqual({
      __typename: "InvalidTokenError",
      code: "INVALID_TOKEN",
    });
  });

  it("refuses a reset token after one hour, and an earlier token once a newer one was sent", async () => {
    const { email } = await signUp(app);
    const client = new GraphqlClient(app.url);
    await client.data(requestReset, { email });
    const first = await app.mailbox.token(email, /Reset your password/, "rst");
    await client.data(requestReset, { email });
    const second = await app.mailbox.token(email, /Reset your password/, "rst");
    expect(second).not.toBe(first);
    expect((await client.data(resetPassword, { input: { token: first, newPassword: newPassword() } })).resetPassword.code).toBe(
      "INVALID_TOKEN",
    );

    app.clock.advance(60 * 60_000 + 1000);
    expect((await client.data(resetPassword, { input: { token: second, newPassword: newPassword() } })).resetPassword.code).toBe(
      "INVALID_TOKEN",
    );
  });

  it("keeps the token usable when the new password is refused", async () => {
    const { email } = await signUp(app);
    const client = new GraphqlClient(app.url);
    await client.data(requestReset, { email });
    const token = await app.mailbox.token(email, /Reset your password/, "rst");
    expect((await client.data(resetPassword, { input: { token, newPassword: "short" } })).resetPassword.__typename).toBe(
      "ValidationError",
    );
    expect((await client.data(resetPassword, { input: { token, newPassword: email } })).resetPassword.issues).toEqual([
      { field: "newPassword", message: "must not be your email address" },
    ]);
    expect((await client.data(resetPassword, { input: { token, newPassword: newPassword() } })).resetPassword.__typename).toBe(
      "ResetPasswordPayload",
    );
  });
});
