/**
 * Two service processes (A and B, `pnpm start`'s entry point spawned twice) on
 * one PostgreSQL and one Redis, as production runs them. A third instance in
 * this test's process, on the same database and Redis, makes the test's data
 * through the domain's own functions and checks the books afterwards.
 *
 * Needs a PostgreSQL server and Redis (DATABASE_URL and REDIS_URL, as CI's
 * second half sets them): the embedded database is one process's and the
 * in-process event bus one process's, so "many instances" has no meaning
 * without them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { createRequire } from "node:module";
import { type AddressInfo, createServer } from "node:net";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { App } from "@smsape/api";
import {
  createCustomer,
  deliverSms,
  eventually,
  GraphqlClient,
  latestPolicyVersion,
  listen,
  type SmsEvent,
  signInMutation,
  signUpMutation,
  smsFields,
  startTestApp,
  type TestApp,
  type TestCustomer,
  untilLive,
  verifyAuditLogOf,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const why = !process.env.DATABASE_URL
  ? "DATABASE_URL is not set (several instances need a PostgreSQL server)"
  : !process.env.REDIS_URL
    ? "REDIS_URL is not set (live events between instances travel through Redis)"
    : null;

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The service as an operator starts it, on the shared database and Redis. */
async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", tsxLoader, "api/src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "development",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL,
      DATABASE_POOL_SIZE: "5",
      SIMULATOR: "false",
      LOG_LEVEL: "warn",
      AUDIT_CHECKPOINT_MINUTES: "0",
      RETENTION_PURGE_CRON: "off",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("SMSAPE is running")) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`${name} exited with ${code}: ${output}`));
    });
  });
  return { name, url: `http://127.0.0.1:${port}`, child, exited, output: () => output };
}

/** An App whose HTTP address is the instance's: the test helpers (signed webhooks) then post to it. */
const via = (local: App, instance: Instance): App => ({ ...local, url: instance.url });

function bearer(instance: Instance, token: string): GraphqlClient {
  const client = new GraphqlClient(instance.url);
  client.bearer = token;
  return client;
}

const orderMutation = `mutation { orderNumber(input: { service: "telegram", country: "GB" }) {
  __typename ... on OrderNumberPayload { activation { id } } ... on Error { code } } }`;

describe.skipIf(why !== null)(`many instances on one PostgreSQL and Redis${why ? ` (skipped: ${why})` : ""}`, () => {
  let local: TestApp;
  let a: Instance;
  let b: Instance;
  let customer: TestCustomer;
  const instances: Instance[] = [];

  beforeAll(async () => {
    local = await startTestApp();
    a = await startInstance("A", local.database.url);
    instances.push(a);
    b = await startInstance("B", local.database.url);
    instances.push(b);
    customer = await createCustomer(local, { balanceMinor: 100_000 });
  }, 120_000);
  afterAll(async () => {
    for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill("SIGKILL");
    await local?.close();
  });

  it("a session made on A works on B", async () => {
    const signedIn = await new GraphqlClient(a.url).data(signInMutation, {
      input: { email: customer.email, password: customer.password },
    });
    expect(signedIn.signIn.__typename).toBe("SignInPayload");
    const { viewer } = await bearer(b, signedIn.signIn.token).data(`{ viewer { id } }`);
    expect(viewer).toEqual({ id: customer.accountId });
  });

  it("P5: a session signed out on A is refused by B on the very next request, and an API key revoked on A too", async () => {
    const signedIn = await new GraphqlClient(a.url).data(signInMutation, {
      input: { email: customer.email, password: customer.password },
    });
    const token: string = signedIn.signIn.token;
    const onB = bearer(b, token);
    // B has just served this session: nothing it may have kept of it can outlive the sign-out.
    expect((await onB.data(`{ balance { availableMinor } }`)).balance.availableMinor).toEqual(expect.any(Number));
    expect(await bearer(a, token).data(`mutation { signOut }`)).toEqual({ signOut: true });
    const refused = await onB.request(`{ balance { availableMinor } }`);
    expect(refused.data?.balance ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");

    const key = await customer.createApiKey("two instances");
    const keyOnB = bearer(b, key.secret);
    expect((await keyOnB.data(`{ balance { availableMinor } }`)).balance.availableMinor).toEqual(expect.any(Number));
    const revoked = await bearer(a, customer.token).data(
      `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename } }`,
      { id: key.apiKeyId },
    );
    expect(revoked.revokeApiKey.__typename).toBe("RevokeApiKeyPayload");
    expect((await keyOnB.request(`{ balance { availableMinor } }`)).errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
  });

  it("an SMS delivered to A through the signed webhook reaches a subscriber connected to B", async () => {
    const activation = await customer.orderNumber();
    const probe = await activation.receiveSms("Your code is 101010");
    const socket = bearer(b, customer.token).subscriptions();
    const listener = listen<SmsEvent>(socket, `subscription($id: ID) { smsReceived(activationId: $id) { ${smsFields} } }`, {
      id: activation.id,
    });
    try {
      // Probes go out from this process's instance, through Redis, until B's subscriber hears one.
      await untilLive(local, listener, { accountId: customer.accountId, activationId: activation.id, ...probe });
      const delivered = await deliverSms(via(local, a), { to: activation.phoneNumber, text: "Your code is 424242" });
      expect(delivered).toMatchObject({ status: 200, body: { status: "delivered" } });
      await eventually(() => listener.events.some((event) => event.smsReceived.code === "424242"), {
        what: "the SMS on B",
      });
    } finally {
      listener.stop();
      await socket.dispose();
    }
  });

  it("a queued job runs once: the verification email of a sign-up on A is delivered by exactly one instance", async () => {
    const email = `many-instances-${Date.now()}@example.test`;
    const result = await new GraphqlClient(a.url).data(signUpMutation, {
      input: { email, password: "a long enough password 1", ageAttestation: true, acceptPolicyVersion: latestPolicyVersion },
    });
    expect(result.signUp.__typename).toBe("SignUpPayload");
    // Every instance works the email queue; each one's mailbox holds what it delivered.
    const deliveries = async () => {
      let count = local.mailbox.messages.filter((message) => message.to === email).length;
      for (const instance of [a, b]) {
        const { messages } = (await (await fetch(`${instance.url}/dev/mailbox`)).json()) as { messages: Array<{ to: string }> };
        count += messages.filter((message) => message.to === email).length;
      }
      return count;
    };
    await eventually(async () => (await deliveries()) > 0, { what: "the verification email" });
    // Long enough for a second worker to have taken the same job (they poll every few seconds).
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await deliveries()).toBe(1);
    const outbox = await local.services.db.outboxEmail.findMany({ where: { template: "email-verification" } });
    expect(outbox.filter((row) => row.status === "SENT").length).toBeGreaterThan(0);
  });

  it("kill -9 of an instance in the middle of orders loses nothing: balances, holds and the audit chain agree", async () => {
    const victim = await startInstance("C", local.database.url);
    instances.push(victim);
    const buyer = await createCustomer(local, { balanceMinor: 1_000_000 });
    const client = bearer(victim, buyer.token);
    const outcomes: string[] = [];
    const orders = Array.from({ length: 40 }, async (_, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 15));
      try {
        const { orderNumber } = await client.data(orderMutation);
        outcomes.push(orderNumber.__typename === "OrderNumberPayload" ? "ordered" : orderNumber.code);
      } catch {
        outcomes.push("cut off");
      }
    });
    await eventually(() => outcomes.includes("ordered"), { what: "a first order" });
    victim.child.kill("SIGKILL");
    await Promise.all(orders);
    expect(await victim.exited).toBeNull();
    expect(outcomes).toContain("cut off");

    // Every order either happened whole or not at all.
    const { db } = local.services;
    const activations = await db.activation.findMany({ where: { accountId: buyer.accountId } });
    expect(activations.length).toBeGreaterThanOrEqual(outcomes.filter((outcome) => outcome === "ordered").length);
    const entries = await db.ledgerEntry.findMany({ where: { accountId: buyer.accountId } });
    for (const activation of activations) {
      const holds = entries.filter((entry) => entry.activationId === activation.id && entry.kind === "HOLD");
      expect(holds.map((hold) => hold.heldDelta)).toEqual([activation.priceMinor]);
      expect(holds[0]?.availableDelta).toBe(-activation.priceMinor);
    }
    expect(entries.filter((entry) => entry.kind === "HOLD").length).toBe(activations.length);
    const held = entries.reduce((sum, entry) => sum + entry.heldDelta, 0n);
    const available = entries.reduce((sum, entry) => sum + entry.availableDelta, 0n);
    const live = activations.filter((activation) => ["WAITING_SMS", "SMS_RECEIVED"].includes(activation.status));
    expect(held).toBe(live.reduce((sum, activation) => sum + activation.priceMinor, 0n));
    expect(available + held).toBe(1_000_000n);
    // What the API reports (on the surviving instance) is what the ledger sums to.
    const { balance } = await bearer(a, buyer.token).data(`{ balance { availableMinor heldMinor } }`);
    expect([BigInt(balance.availableMinor), BigInt(balance.heldMinor)]).toEqual([available, held]);
    expect((await verifyAuditLogOf(local)).valid).toBe(true);
  });

  it("rolling restart: SIGTERM finishes a request in flight and tells WebSocket clients to reconnect (1012)", async () => {
    const socket = bearer(b, customer.token).subscriptions({ lazy: false });
    const closes: number[] = [];
    socket.on("closed", (event) => closes.push((event as { code: number }).code));
    await new Promise<void>((resolve) => socket.on("connected", () => resolve()));

    // A request whose body is half sent when the signal arrives: it is in flight by any measure.
    const body = JSON.stringify({ query: "{ viewer { id } }" });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${b.url}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${customer.token}`,
        },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        b.child.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(10)), 500);
      }, 200);
    });
    const answered = await response;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.text).data.viewer).toEqual({ id: customer.accountId });
    await eventually(() => closes.length > 0, { what: "the socket to close" });
    expect(closes[0]).toBe(1012);
    await socket.dispose();
    expect(await b.exited).toBe(0);
    // A new connection is refused now; A still serves.
    await expect(fetch(`${b.url}/readyz`)).rejects.toThrow();
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
  });
});
