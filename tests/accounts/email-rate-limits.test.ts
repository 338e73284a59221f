import { findInDatabase, GraphqlClient, newPassword, signUp, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const requestReset = `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { __typename ... on RequestPasswordResetPayload { email } } }`;
/** The cap per address per hour (hourlyEmailLimits in api/src/domain/email/rate-limits.ts). */
const hourlyCap = 3;

async function requestResets(apps: TestApp[], email: string, times: number) {
  const answers = [];
  for (let i = 0; i < times; i++) {
    const client = new GraphqlClient(apps[i % apps.length]!.url);
    answers.push((await client.data(requestReset, { email })).requestPasswordReset);
  }
  return answers;
}

const emailsTo = (apps: TestApp[], email: string, subject: RegExp) =>
  apps.flatMap((each) => each.mailbox.to(email)).filter((message) => subject.test(message.subject));

describe("limits on emails a stranger can trigger", () => {
  it("delivers at most 3 reset emails an hour to one address however many resets are asked for, with the same answer each time", async () => {
    const { email } = await signUp(app);
    const answers = await requestResets([app], email, 30);
    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(
      new Set([JSON.stringify({ __typename: "RequestPasswordResetPayload", email })]),
    );
    await app.mailbox.deliver();
    expect(emailsTo([app], email, /Reset your password/)).toHaveLength(hourlyCap);
  });

  it("sends the owner of an address at most 3 'someone tried to sign up' notices an hour, answering every sign-up alike", async () => {
    const first = await signUp(app);
    for (let i = 0; i < 15; i++) {
      const again = await signUp(app, { email: first.email, password: newPassword() });
      expect(again.result).toEqual(first.result);
    }
    await app.mailbox.deliver();
    expect(emailsTo([app], first.email, /tried to sign up/)).toHaveLength(hourlyCap);
    expect(emailsTo([app], first.email, /Confirm your email/)).toHaveLength(1);
  });

  it("shares the cap between instances of the service over one database", async () => {
    const second = await startTestApp({}, { database: app.database });
    try {
      const both = [app, second];
      const { email } = await signUp(app);
      await requestResets(both, email, 30);
      const owner = await signUp(app);
      for (let i = 0; i < 16; i++) {
        const instance = both[i % 2]!;
        await signUp(instance, { email: owner.email, password: newPassword() });
      }
      await app.mailbox.deliver();
      await second.mailbox.deliver();
      expect(emailsTo(both, email, /Reset your password/)).toHaveLength(hourlyCap);
      expect(emailsTo(both, owner.email, /tried to sign up/)).toHaveLength(hourlyCap);
    } finally {
      await second.close();
    }
  });

  it("P12: counts an address by a keyed hash: the address itself is stored nowhere but in its account", async () => {
    const { email } = await signUp(app);
    await requestResets([app], email, 5);
    await signUp(app, { email, password: newPassword() });
    await app.mailbox.deliver();
    expect(await app.services.db.emailRateLimit.count()).toBeGreaterThan(0);
    expect(await findInDatabase(app, email)).toEqual(["public.Account.email"]);
  });

  // Last: it moves the clock.
  it("sends resets again once the hour of the earlier ones has passed", async () => {
    const { email } = await signUp(app);
    await requestResets([app], email, hourlyCap + 1);
    await app.mailbox.deliver();
    expect(emailsTo([app], email, /Reset your password/)).toHaveLength(hourlyCap);

    app.clock.advance(60 * 60_000 + 1000);
    await requestResets([app], email, 1);
    await app.mailbox.deliver();
    expect(emailsTo([app], email, /Reset your password/)).toHaveLength(hourlyCap + 1);
  });
});
