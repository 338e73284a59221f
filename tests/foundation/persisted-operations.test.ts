/**
 * Persisted operations on the staff API (docs/security.md): with
 * STAFF_PERSISTED_OPERATIONS_ONLY on, /admin/graphql runs only the operations
 * listed in the console build's manifest, sent by hash, over HTTP and over
 * graphql-ws; a document of the caller's own is refused with a typed error.
 * Needs the console built (its build writes the manifest).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConsoleDir } from "@smsape/api";
import { loadConfig } from "@smsape/api/config";
import { demoStaff } from "@smsape/api/demo";
import { createCustomer, startTestApp, type TestApp, totpCode } from "@smsape/api/testing";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { persistedOperationsFile } from "../../api/src/http/persisted-operations.ts";

const manifest = JSON.parse(readFileSync(join(defaultConsoleDir, persistedOperationsFile), "utf8")) as Record<string, string>;

/** The manifest's hash for the console's operation of that name. */
function hashOf(name: string): string {
  const entry = Object.entries(manifest).find(([, document]) =>
    new RegExp(`(^|} )(query|mutation|subscription) ${name}\\b`).test(document),
  );
  if (!entry) throw new Error(`The console has no operation named ${name}.`);
  return entry[0];
}

const persistedQuery = (name: string) => ({ persistedQuery: { version: 1, sha256Hash: hashOf(name) } });

/** A staff API caller that keeps the session cookie, as the browser does. */
class StaffCaller {
  cookie = "";
  constructor(readonly app: TestApp) {}

  async post(body: Record<string, unknown>): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.app.url}/admin/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify(body),
    });
    const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith("smsape_staff="));
    if (session) this.cookie = session.split(";")[0] ?? "";
    return { status: response.status, body: await response.json() };
  }

  /** Runs one of the console's operations by its hash, as the console's build does. */
  persisted(name: string, variables: Record<string, unknown> = {}) {
    return this.post({ extensions: persistedQuery(name), variables });
  }
}

/** Signs the demo compliance member in with the console's own operations, by hash (once: a code works once). */
let compliance: Promise<StaffCaller> | null = null;
const signedInCompliance = (app: TestApp) => {
  compliance ??= signIn(app);
  return compliance;
};

async function signIn(app: TestApp): Promise<StaffCaller> {
  const member = demoStaff.find((staff) => staff.email === "compliance@smsape.test")!;
  const caller = new StaffCaller(app);
  const password = await caller.persisted("StaffSignIn", { email: member.email, password: member.password });
  const { challengeToken } = password.body.data.staffSignIn;
  const code = totpCode(member.totpSecret, app.services.now());
  const verified = await caller.persisted("StaffVerifyTotp", { challengeToken, code });
  expect(verified.body.data.staffVerifyTotp.__typename).toBe("StaffSignInSuccess");
  return caller;
}

let strict: TestApp;
let open: TestApp;
beforeAll(async () => {
  strict = await startTestApp({ STAFF_PERSISTED_OPERATIONS_ONLY: "true" });
  open = await startTestApp({}, { database: strict.database });
});
afterAll(async () => {
  await open?.close();
  await strict?.close();
});

describe("the staff API with persisted operations only", () => {
  it("refuses a document of the caller's own with PERSISTED_OPERATION_REQUIRED and HTTP 400", async () => {
    const answer = await new StaffCaller(strict).post({ query: "query { staffViewer { id } }" });
    expect(answer.status).toBe(400);
    expect(answer.body.data ?? null).toBeNull();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0].extensions.code).toBe("PERSISTED_OPERATION_REQUIRED");
    expect(answer.body.errors[0].message).toMatch(/only the staff console's own operations/);
  });

  it("refuses a document even when it comes with a manifest hash", async () => {
    const answer = await new StaffCaller(strict).post({
      query: "query StaffViewer { staffViewer { id email } }",
      extensions: persistedQuery("StaffViewer"),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions.code).toBe("PERSISTED_OPERATION_REQUIRED");
  });

  it("refuses a hash that is not in the manifest with PERSISTED_OPERATION_NOT_FOUND", async () => {
    const answer = await new StaffCaller(strict).post({
      extensions: { persistedQuery: { version: 1, sha256Hash: `sha256:${"0".repeat(64)}` } },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions.code).toBe("PERSISTED_OPERATION_NOT_FOUND");
  });

  it("runs the console's operations by hash: sign-in, then the signed-in member", async () => {
    const anonymous = await new StaffCaller(strict).persisted("StaffViewer");
    expect(anonymous).toMatchObject({ status: 200, body: { data: { staffViewer: null } } });
    const compliance = await signedInCompliance(strict);
    const viewer = await compliance.persisted("StaffViewer");
    expect(viewer.body.data.staffViewer).toMatchObject({ email: "compliance@smsape.test", role: "COMPLIANCE" });
  });

  it("subscribes to the live queue over graphql-ws by hash, and refuses a document of the socket's own", async () => {
    const compliance = await signedInCompliance(strict);
    const cookie = compliance.cookie;
    const client = createClient({
      url: `${strict.url.replace(/^http/, "ws")}/admin/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers: { cookie } });
        }
      },
      retryAttempts: 0,
    });
    const outcome = (payload: { query: string; extensions?: Record<string, unknown> }) =>
      new Promise<{ errors?: unknown; data?: unknown }>((resolve) => {
        const stop = client.subscribe(payload, {
          next: (value) => {
            stop();
            resolve(value);
          },
          error: (errors) => resolve({ errors }),
          complete: () => {},
        });
      });

    const own = await outcome({ query: "subscription { privacyQueueChanged { id } }" });
    expect(JSON.stringify(own.errors)).toContain("PERSISTED_OPERATION_REQUIRED");

    const events = outcome({ query: "", extensions: persistedQuery("PrivacyQueueChanged") });
    // The subscription is open once the server has it; a request filed through the customer API reaches it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const request = await (await createCustomer(strict)).requestPrivacy({ kind: "ACCESS" });
    const event = await events;
    expect(event.errors).toBeUndefined();
    expect(event.data).toMatchObject({ privacyQueueChanged: { id: request.id } });
    await client.dispose();
  });

  it("does not serve the manifest with the console's files", async () => {
    const response = await fetch(`${strict.url}/console/${persistedOperationsFile}`);
    expect(await response.text()).not.toContain(hashOf("StaffViewer"));
  });
});

describe("the staff API outside production", () => {
  it("still runs a caller's own document (GraphiQL, tests) and the console's hashes", async () => {
    const own = await new StaffCaller(open).post({ query: "query { staffViewer { id } }" });
    expect(own).toMatchObject({ status: 200, body: { data: { staffViewer: null } } });
    const hashed = await new StaffCaller(open).persisted("StaffViewer");
    expect(hashed).toMatchObject({ status: 200, body: { data: { staffViewer: null } } });
  });

  it("has persisted operations only on by default in production, off elsewhere, and settable", () => {
    const production = {
      NODE_ENV: "production",
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
      PAYMENT_WEBHOOK_SECRET: "x".repeat(32),
      SMS_WEBHOOK_SECRET: "y".repeat(32),
      PUBLIC_URL: "https://smsape.example",
      DATABASE_URL: "postgres://db.example/smsape",
      SMTP_URL: "smtps://mail.example",
      AUDIT_SIGNING_KEY: Buffer.alloc(32, 2).toString("base64"),
    };
    expect(loadConfig(production).edge.staffPersistedOperationsOnly).toBe(true);
    expect(loadConfig({ ...production, STAFF_PERSISTED_OPERATIONS_ONLY: "false" }).edge.staffPersistedOperationsOnly).toBe(false);
    expect(loadConfig({ NODE_ENV: "development" }).edge.staffPersistedOperationsOnly).toBe(false);
    expect(loadConfig({ NODE_ENV: "test", STAFF_PERSISTED_OPERATIONS_ONLY: "true" }).edge.staffPersistedOperationsOnly).toBe(
      true,
    );
  });
});
