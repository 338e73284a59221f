import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createCustomer, GraphqlClient, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const workspace = fileURLToPath(new URL("../..", import.meta.url));
const keyA = `a:${randomBytes(32).toString("base64")}`;
const keyB = `b:${randomBytes(32).toString("base64")}`;

let app: TestApp;
let onlyKeyB: TestApp | undefined;
beforeAll(async () => {
  app = await startTestApp({ ENCRYPTION_KEYS: keyA });
});
afterAll(async () => {
  await onlyKeyB?.close();
  await app?.close();
});

/** `pnpm --filter @smsape/api reencrypt` against the test app's database, with the given keys. */
function reencrypt(keys: string, activeKeyId: string) {
  return run("pnpm", ["--silent", "--filter", "@smsape/api", "reencrypt"], {
    cwd: workspace,
    env: {
      ...process.env,
      DATABASE_URL: app.database.url,
      ENCRYPTION_KEYS: keys,
      ENCRYPTION_ACTIVE_KEY: activeKeyId,
      NODE_ENV: "development",
    },
  });
}

async function storedValues() {
  const messages = await app.services.db.smsMessage.findMany({ select: { bodyCiphertext: true, codeCiphertext: true } });
  const activations = await app.services.db.activation.findMany({
    where: { routingCiphertext: { not: null } },
    select: { routingCiphertext: true },
  });
  const emails = await app.services.db.outboxEmail.findMany({ select: { toAddressCiphertext: true, bodyCiphertext: true } });
  return [
    ...messages.flatMap((m) => [m.bodyCiphertext, m.codeCiphertext]),
    ...activations.map((a) => a.routingCiphertext),
    ...emails.flatMap((e) => [e.toAddressCiphertext, e.bodyCiphertext]),
  ].filter((value): value is string => value !== null);
}

describe("P20: key rotation", () => {
  it("P20: re-encrypts every SMS body, code, routing detail and waiting email under the new key, after which the old key can go", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    // An email that cannot leave while the mail provider is down waits in the outbox, encrypted.
    app.mailbox.unavailable = true;
    await new GraphqlClient(app.url).data(
      `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { __typename } }`,
      {
        email: customer.email,
      },
    );
    await app.mailbox.deliver();
    const texts = ["Your Telegram code is 310247", "Your Telegram code is 902113", "Welcome! No code in this one"];
    const activations = [];
    for (const text of texts) {
      const activation = await customer.orderNumber();
      await activation.receiveSms(text, { from: "Telegram", route: "uk-route-3" });
      activations.push(activation);
    }
    const before = await storedValues();
    expect(before).toHaveLength(3 + 2 + 3 + 2);
    expect(before.every((value) => value.startsWith("v1.a."))).toBe(true);

    const first = await reencrypt(`${keyA},${keyB}`, "b");
    expect(first.stdout).toMatch(/"smsBody":3,"smsCode":2,"activationRouting":3,"outboxAddress":1,"outboxBody":1/);
    const after = await storedValues();
    expect(after).toHaveLength(before.length);
    expect(after.every((value) => value.startsWith("v1.b."))).toBe(true);

    // Idempotent: nothing is left to do.
    const second = await reencrypt(`${keyA},${keyB}`, "b");
    expect(second.stdout).toMatch(/"smsBody":0,"smsCode":0,"activationRouting":0,"outboxAddress":0,"outboxBody":0/);

    // A service that knows only key B reads everything.
    onlyKeyB = await startTestApp({ ENCRYPTION_KEYS: keyB }, { database: app.database });
    const reader = new GraphqlClient(onlyKeyB.url);
    reader.bearer = customer.token;
    const read = [];
    for (const activation of activations) {
      const { activation: result } = await reader.data(
        `query($id: ID!) { activation(id: $id) { messages { edges { node { text code } } } } }`,
        {
          id: activation.id,
        },
      );
      read.push(result.messages.edges[0].node);
    }
    expect(read).toEqual([
      { text: texts[0], code: "310247" },
      { text: texts[1], code: "902113" },
      { text: texts[2], code: null },
    ]);
    // ...and delivers the waiting email once its retry is due.
    onlyKeyB.clock.advance(6 * 60_000);
    await onlyKeyB.mailbox.deliver();
    expect(onlyKeyB.mailbox.to(customer.email).map((message) => message.subject)).toEqual(["Reset your password"]);
  });

  it("fails clearly when a value's key is no longer configured", async () => {
    const result = await reencrypt(keyA, "a").then(
      () => null,
      (error: { stderr: string; code: number }) => error,
    );
    expect(result?.code).toBe(1);
    expect(result?.stderr).toMatch(/No encryption key with id "b" is configured/);
  });
});
