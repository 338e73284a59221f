import {
  findInDatabase,
  GraphqlClient,
  latestPolicyVersion,
  newEmail,
  newPassword,
  signIn,
  signUp,
  signUpMutation,
  startTestApp,
  type TestApp,
  verifyEmail,
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

describe("signing up", () => {
  it("opens an account, emails a verification token, and verifies the address with it", async () => {
    const { email, password, result } = await signUp(app, { email: `  ${newEmail().toUpperCase()} `, jurisdiction: "GDPR" });
    expect(result).toEqual({ __typename: "SignUpPayload", email });

    const { bearerClient } = await signIn(app, email, password);
    expect((await bearerClient.data(viewerQuery)).viewer).toMatchObject({ email, emailVerified: false, jurisdiction: "GDPR" });

    expect(await verifyEmail(app, email)).toEqual({ __typename: "VerifyEmailPayload" });
    expect((await bearerClient.data(viewerQuery)).viewer.emailVerified).toBe(true);
  });

  it("stores only the hash of the verification token, and the token works once", async () => {
    const { email } = await signUp(app);
    const token = await app.mailbox.token(email, /Confirm your email/, "ver");
    expect(await findInDatabase(app, token)).toEqual([]);
    const account = await app.services.db.account.findUniqueOrThrow({ where: { email }, include: { tokens: true } });
    expect(account.tokens[0]?.expiresAt.getTime()).toBe(account.tokens[0]!.createdAt.getTime() + 24 * 60 * 60_000);

    const client = new GraphqlClient(app.url);
    const verify = `mutation($t: String!) { verifyEmail(input: { token: $t }) { __typename ... on Error { code } } }`;
    expect((await client.data(verify, { t: token })).verifyEmail.__typename).toBe("VerifyEmailPayload");
    expect((await client.data(verify, { t: token })).verifyEmail).toEqual({
      __typename: "InvalidTokenError",
      code: "INVALID_TOKEN",
    });
  });

  it("refuses an expired verification token", async () => {
    const { email } = await signUp(app);
    const token = await app.mailbox.token(email, /Confirm your email/, "ver");
    app.clock.advance(24 * 60 * 60_000 + 1000);
    const client = new GraphqlClient(app.url);
    const { verifyEmail: result } = await client.data(
      `mutation($t: String!) { verifyEmail(input: { token: $t }) { __typename } }`,
      { t: token },
    );
    expect(result.__typename).toBe("InvalidTokenError");
  });

  it("P22: refuses to open an account without the adult age attestation", async () => {
    const email = newEmail();
    const { result } = await signUp(app, { email, ageAttestation: false });
    expect(result).toMatchObject({ __typename: "AgeAttestationRequiredError", code: "AGE_ATTESTATION_REQUIRED" });
    expect(await app.services.db.account.count({ where: { email } })).toBe(0);
  });

  it("P2: records the acknowledgement of the policy version in force, and refuses any other version", async () => {
    const { email, password, result } = await signUp(app);
    expect(result.__typename).toBe("SignUpPayload");
    const account = await app.services.db.account.findUniqueOrThrow({ where: { email }, include: { acknowledgements: true } });
    expect(account.acknowledgements.map((ack) => ack.policyVersion)).toEqual([latestPolicyVersion]);
    const { bearerClient } = await signIn(app, email, password);
    expect((await bearerClient.data(viewerQuery)).viewer).toMatchObject({
      policyAcknowledgementRequired: false,
      acknowledgedPolicyVersion: latestPolicyVersion,
    });

    const refused = await signUp(app, { acceptPolicyVersion: "2020-01-01" });
    expect(refused.result).toMatchObject({ __typename: "PolicyVersionNotInForceError", code: "POLICY_VERSION_NOT_IN_FORCE" });
    expect(refused.result.message).toContain(latestPolicyVersion);
  });

  it("checks the email and password and names each field at fault", async () => {
    const client = new GraphqlClient(app.url);
    const attempt = async (email: string, password: string) =>
      (
        await client.data(signUpMutation, {
          input: { email, password, ageAttestation: true, acceptPolicyVersion: latestPolicyVersion },
        })
      ).signUp;

    expect(await attempt("not an email", "long enough password")).toMatchObject({
      __typename: "ValidationError",
      issues: [{ field: "email", message: expect.stringMatching(/email address/) }],
    });
    expect((await attempt(newEmail(), "short")).issues).toEqual([
      { field: "password", message: "must be at least 10 characters" },
    ]);
    expect((await attempt(newEmail(), "x".repeat(129))).issues).toEqual([
      { field: "password", message: "must be at most 128 characters" },
    ]);
    const email = newEmail();
    expect((await attempt(email, email.toUpperCase())).issues).toEqual([
      { field: "password", message: "must not be your email address" },
    ]);
  });

  it("does not reveal that an address already has an account: same answer, and a notice to its owner", async () => {
    const first = await signUp(app);
    const again = await signUp(app, { email: first.email.toUpperCase(), password: newPassword() });
    expect(again.result).toEqual(first.result);
    expect(await app.services.db.account.count({ where: { email: first.email } })).toBe(1);

    const notice = await app.mailbox.latest(first.email, /tried to sign up/);
    expect(notice.body).not.toMatch(/ver_/);
    // The original password still works; the second one does not.
    await expect(signIn(app, first.email, again.password)).rejects.toThrow(/INVALID_CREDENTIALS/);
    await signIn(app, first.email, first.password);
  });

  it("sends a fresh verification email on request, at most once a minute, and not once verified", async () => {
    const { email, password } = await signUp(app);
    const { bearerClient } = await signIn(app, email, password);
    const resend = `mutation { resendVerification { __typename ... on Error { code } } }`;
    expect((await bearerClient.data(resend)).resendVerification).toEqual({
      __typename: "ConflictError",
      code: "RESEND_TOO_SOON",
    });
    const firstToken = (await app.mailbox.latest(email, /Confirm your email/)).body;

    app.clock.advance(61_000);
    expect((await bearerClient.data(resend)).resendVerification.__typename).toBe("ResendVerificationPayload");
    const secondToken = (await app.mailbox.latest(email, /Confirm your email/)).body;
    expect(secondToken).not.toBe(firstToken);

    expect(await verifyEmail(app, email)).toEqual({ __typename: "VerifyEmailPayload" });
    app.clock.advance(61_000);
    expect((await bearerClient.data(resend)).resendVerification).toEqual({
      __typename: "ConflictError",
      code: "EMAIL_ALREADY_VERIFIED",
    });
  });

  it("P4: the database never holds the password as typed, in any column of any table", async () => {
    const password = `Plain-${newPassword()}-text`;
    const { email } = await signUp(app, { password });
    await signIn(app, email, password);
    await app.mailbox.deliver();
    expect(await findInDatabase(app, password)).toEqual([]);
    // The scan itself finds what is there.
    expect(await findInDatabase(app, email)).toContain("public.Account.email");
    const { passwordHash } = await app.services.db.account.findUniqueOrThrow({ where: { email } });
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});
