import {
  findInDatabase,
  GraphqlClient,
  minutes,
  newEmail,
  signIn,
  signInMutation,
  signUp,
  startTestApp,
  type TestApp,
  viewerQuery,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ SESSION_IDLE_MINUTES: "30", SESSION_ABSOLUTE_MINUTES: "120" });
});
afterAll(async () => {
  await app?.close();
});

const viewerOf = async (client: GraphqlClient) => (await client.data(viewerQuery)).viewer;

/** An argon2id hash of "weakly hashed password" at m=4096, t=1: weaker than the service's parameters. */
const weakHash = "$argon2id$v=19$m=4096,p=1,t=1$LUu4iGA76MXlW9I3g+9iOw$UwOducEcGjvdGMf6+Vxo30ywJ6tf51E+ixZ0Yd5Z0F4";

describe("signing in and out", () => {
  it("signs in with a session usable as a bearer token and as a cookie, and sends a new sign-in notice", async () => {
    const { email, password } = await signUp(app);
    const { cookieClient, bearerClient, token, account } = await signIn(app, email, password);
    expect(token).toMatch(/^ses_[A-Za-z0-9_-]{40,}$/);
    expect(cookieClient.cookie("smsape_session")).toBe(token);
    expect(await viewerOf(bearerClient)).toMatchObject({ id: account.id, email });
    expect(await viewerOf(cookieClient)).toMatchObject({ id: account.id, email });

    const notice = await app.mailbox.latest(email, "New sign-in to your account");
    expect(notice.body).not.toContain(token);
  });

  it("answers an unknown email and a wrong password with the same typed error", async () => {
    const { email } = await signUp(app);
    const client = new GraphqlClient(app.url);
    const wrongPassword = (await client.data(signInMutation, { input: { email, password: "not the password" } })).signIn;
    const unknown = (await client.data(signInMutation, { input: { email: newEmail(), password: "not the password" } })).signIn;
    expect(wrongPassword).toEqual({
      __typename: "InvalidCredentialsError",
      code: "INVALID_CREDENTIALS",
      message: "The email or password is not right.",
    });
    expect(unknown).toEqual(wrongPassword);
  });

  it("lets an account whose email is not verified yet sign in, and says so on the viewer", async () => {
    const { email, password } = await signUp(app);
    const { bearerClient } = await signIn(app, email, password);
    expect((await viewerOf(bearerClient)).emailVerified).toBe(false);
  });

  it("answers viewer with null for an anonymous request and for an unknown token", async () => {
    expect(await viewerOf(new GraphqlClient(app.url))).toBeNull();
    const forged = new GraphqlClient(app.url);
    forged.bearer = "ses_forged";
    expect(await viewerOf(forged)).toBeNull();
  });

  it("P4: rehashes a password stored with weaker parameters at the next sign-in", async () => {
    const email = newEmail();
    await app.services.db.account.create({ data: { email, passwordHash: weakHash, ageAttestedAt: new Date() } });
    await signIn(app, email, "weakly hashed password");
    const { passwordHash } = await app.services.db.account.findUniqueOrThrow({ where: { email } });
    expect(passwordHash).not.toBe(weakHash);
    expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    await signIn(app, email, "weakly hashed password");
  });

  it("P5: stores session tokens only as hashes", async () => {
    const { email, password } = await signUp(app);
    const { token, account } = await signIn(app, email, password);
    expect(await findInDatabase(app, token)).toEqual([]);
    expect(await findInDatabase(app, token.slice(4))).toEqual([]);
    expect(await app.services.db.session.count({ where: { accountId: account.id } })).toBe(1);
  });

  it("P5: a session unused for longer than the idle time ends, while use keeps it alive", async () => {
    const { email, password } = await signUp(app);
    const { bearerClient } = await signIn(app, email, password);
    app.clock.advance(minutes(20));
    expect(await viewerOf(bearerClient)).not.toBeNull();
    app.clock.advance(minutes(20));
    expect(await viewerOf(bearerClient)).not.toBeNull();
    app.clock.advance(minutes(31));
    expect(await viewerOf(bearerClient)).toBeNull();
  });

  it("P5: a session ends at its absolute expiry however much it is used", async () => {
    const { email, password } = await signUp(app);
    const { bearerClient } = await signIn(app, email, password);
    for (let elapsed = 0; elapsed < 115; elapsed += 23) {
      app.clock.advance(minutes(23));
      expect(await viewerOf(bearerClient)).not.toBeNull();
    }
    app.clock.advance(minutes(6));
    expect(await viewerOf(bearerClient)).toBeNull();
  });

  it("P5: signing out revokes the session: its token is refused afterwards, and the cookie is cleared", async () => {
    const { email, password } = await signUp(app);
    const { cookieClient, token } = await signIn(app, email, password);
    expect(await cookieClient.data(`mutation { signOut }`)).toEqual({ signOut: true });
    expect(cookieClient.cookie("smsape_session")).toBeUndefined();
    const replay = new GraphqlClient(app.url);
    replay.bearer = token;
    expect(await viewerOf(replay)).toBeNull();
    const session = await app.services.db.session.findFirstOrThrow({ where: { account: { email } } });
    expect(session.revokedAt).not.toBeNull();
  });

  it("P5: signing out everywhere ends every session of the account, and no other account's", async () => {
    const { email, password } = await signUp(app);
    const laptop = await signIn(app, email, password);
    const phone = await signIn(app, email, password);
    const other = await signUp(app);
    const stranger = await signIn(app, other.email, other.password);

    const { signOutEverywhere } = await phone.bearerClient.data(`mutation { signOutEverywhere { endedSessions } }`);
    expect(signOutEverywhere).toEqual({ endedSessions: 2 });
    expect(await viewerOf(laptop.bearerClient)).toBeNull();
    expect(await viewerOf(phone.bearerClient)).toBeNull();
    expect(await viewerOf(stranger.bearerClient)).toMatchObject({ email: other.email });
  });

  it("refuses signOutEverywhere to an anonymous caller", async () => {
    const result = await new GraphqlClient(app.url).request(`mutation { signOutEverywhere { endedSessions } }`);
    expect(result.data?.signOutEverywhere ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
  });
});
