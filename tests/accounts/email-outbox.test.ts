import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import {
  copyOfDatabase,
  findInDatabase,
  GraphqlClient,
  newPassword,
  signIn,
  signUp,
  startTestApp,
  type TestApp,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const apiSource = new URL("../../api/src/", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" || name === "testing" ? [] : sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the email outbox", () => {
  it("P3: only the outbox worker sends email; every other module writes to the outbox", () => {
    const senders = sourceFiles(apiSource)
      .filter((path) => /\bmailer\b/.test(readFileSync(path, "utf8")))
      .map((path) => relative(apiSource, path))
      .sort();
    // services/index.ts declares the seam and app.ts plugs a transport in; delivery.ts is the one caller.
    expect(senders).toEqual(["app.ts", "domain/email/delivery.ts", "services/index.ts"]);
    const callers = sourceFiles(apiSource).filter((path) => /mailer\.send\(|\.mailer\.send\(/.test(readFileSync(path, "utf8")));
    expect(callers.map((path) => relative(apiSource, path))).toEqual(["domain/email/delivery.ts"]);
    // A mail library is used only by the SMTP transport, which app.ts hands to the outbox worker as `mailer`.
    const mailLibraries = sourceFiles(apiSource)
      .filter((path) => /from "(nodemailer|@sendgrid|postmark|mailgun|@aws-sdk\/client-ses)/.test(readFileSync(path, "utf8")))
      .map((path) => relative(apiSource, path));
    expect(mailLibraries).toEqual(["platform/smtp.ts"]);
  });

  it("P3: every email delivered is a row of the outbox, written with the change that caused it", async () => {
    const before = app.mailbox.messages.length;
    const { email, password } = await signUp(app);
    await signIn(app, email, password);
    const delivered = (await app.mailbox.deliver()).slice(before);
    const rows = await app.services.db.outboxEmail.findMany({ where: { account: { email } }, orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => row.template)).toEqual(["email-verification", "new-sign-in"]);
    expect(rows.every((row) => row.status === "SENT")).toBe(true);
    expect(delivered.filter((message) => message.to === email).map((message) => message.subject)).toEqual(
      rows.map((row) => row.subject),
    );
  });

  it("delivers on its own, through the background worker, within seconds", async () => {
    const { email } = await signUp(app);
    const message = await waitFor(() => app.mailbox.to(email)[0]);
    expect(message.subject).toBe("Confirm your email address");
  });

  it("P11: clears the body and the address of an email once delivered, keeping what kind it was and when", async () => {
    const { email } = await signUp(app);
    await app.mailbox.deliver();
    const row = await app.services.db.outboxEmail.findFirstOrThrow({ where: { account: { email } } });
    expect(row).toMatchObject({
      status: "SENT",
      bodyCiphertext: null,
      toAddressCiphertext: null,
      template: "email-verification",
      attempts: 1,
      lastError: null,
    });
    expect(row.sentAt).not.toBeNull();
  });

  it("retries a failed delivery with growing delays, keeps no personal data in the error, and gives up after the last attempt", async () => {
    app.mailbox.unavailable = true;
    try {
      const { email } = await signUp(app);
      const row = () => app.services.db.outboxEmail.findFirstOrThrow({ where: { account: { email } } });
      // The delivery job queued with the sign-up, or the minute sweep, may be the one that makes an attempt:
      // each attempt is made once whoever makes it, so wait for its result rather than race it.
      const settles = async (expected: Record<string, unknown>) => {
        await app.mailbox.deliver();
        await vi.waitFor(async () => expect(await row()).toMatchObject(expected), { timeout: 10_000, interval: 100 });
      };
      await settles({ status: "PENDING", attempts: 1, lastError: "MailProviderUnavailable UNAVAILABLE" });

      // Not due again yet: nothing happens.
      await app.mailbox.deliver();
      expect((await row()).attempts).toBe(1);

      for (const [minutesLater, attempts] of [
        [1, 2],
        [5, 3],
        [30, 4],
        [120, 5],
      ] as const) {
        app.clock.advance(minutesLater * 60_000);
        await settles({ status: "PENDING", attempts });
      }
      app.clock.advance(360 * 60_000);
      await settles({ status: "FAILED", attempts: 6, bodyCiphertext: null, toAddressCiphertext: null });
      const failed = await row();
      expect(failed.lastError).not.toContain(email);
      expect(app.mailbox.to(email)).toEqual([]);
    } finally {
      app.mailbox.unavailable = false;
    }
  });

  it("delivers a retried email once the provider is back", async () => {
    app.mailbox.unavailable = true;
    const { email } = await signUp(app);
    await app.mailbox.deliver();
    app.mailbox.unavailable = false;
    app.clock.advance(60_000);
    await app.mailbox.deliver();
    expect(app.mailbox.to(email).map((message) => message.subject)).toEqual(["Confirm your email address"]);
    const row = await app.services.db.outboxEmail.findFirstOrThrow({ where: { account: { email } } });
    expect(row).toMatchObject({ status: "SENT", attempts: 2, lastError: null, bodyCiphertext: null });
  });

  it("P20: keeps a waiting email's address and token encrypted while the mail provider is down, and delivers it intact once it is back", async () => {
    const { email } = await signUp(app);
    await app.mailbox.deliver();
    const client = new GraphqlClient(app.url);
    app.mailbox.unavailable = true;
    let copy: Awaited<ReturnType<typeof copyOfDatabase>>;
    try {
      await client.data(`mutation($email: String!) { requestPasswordReset(input: { email: $email }) { __typename } }`, { email });
      await app.mailbox.deliver();
      const waiting = await app.services.db.outboxEmail.findFirstOrThrow({
        where: { account: { email }, template: "password-reset" },
      });
      expect(waiting).toMatchObject({ status: "PENDING", attempts: 1 });
      expect(waiting.toAddressCiphertext).toMatch(/^v1\./);
      expect(waiting.bodyCiphertext).toMatch(/^v1\./);
      // What someone who copied the database now would have: the address only in the account itself.
      copy = await copyOfDatabase(app);
      expect(copy.find(email)).toEqual(["public.Account.email"]);
    } finally {
      app.mailbox.unavailable = false;
    }

    app.clock.advance(60_000);
    await app.mailbox.deliver();
    const [message] = app.mailbox.to(email).filter((each) => each.subject === "Reset your password");
    const token = message?.body.match(/rst_[A-Za-z0-9_-]+/)?.[0] ?? "";
    expect(message?.body).toContain(`/reset-password?token=${token}`);
    expect(copy.find(token)).toEqual([]);
    // Intact: the token works.
    const { resetPassword } = await client.data(
      `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { __typename } }`,
      { input: { token, newPassword: newPassword() } },
    );
    expect(resetPassword.__typename).toBe("ResetPasswordPayload");

    const delivered = await app.services.db.outboxEmail.findFirstOrThrow({
      where: { account: { email }, template: "password-reset" },
    });
    expect(delivered).toMatchObject({ status: "SENT", toAddressCiphertext: null, bodyCiphertext: null });
    expect(await findInDatabase(app, token)).toEqual([]);
  });

  it("never logs an email address, a body or a token", async () => {
    const { email, password } = await signUp(app);
    await signIn(app, email, password);
    const messages = (await app.mailbox.deliver()).filter((message) => message.to === email);
    const logs = app.logs();
    expect(logs).not.toContain(email);
    for (const message of messages) {
      const token = message.body.match(/(ver|rst)_[A-Za-z0-9_-]+/)?.[0];
      if (token) expect(logs).not.toContain(token);
    }
  });
});
