import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, Socket } from "node:net";
import {
  createCustomer,
  eventually,
  listen,
  type SmsEvent,
  smsFields,
  startTestApp,
  type TestApp,
  type TestCustomer,
  untilLive,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const metricsToken = "metrics-token-for-tests-0123456789";
let app: TestApp;
let customer: TestCustomer;

beforeAll(async () => {
  app = await startTestApp({ METRICS_TOKEN: metricsToken });
  customer = await createCustomer(app, { balanceMinor: 1_000 });
});
afterAll(async () => {
  await app?.close();
});

async function scrape(target: TestApp = app): Promise<string> {
  const response = await fetch(`${target.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of one sample (`name{labels} value`), or null when the series is absent. */
function sample(text: string, series: string): number | null {
  const line = text.split("\n").find((row) => row.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

/** A TCP relay in front of the database, which the test can cut and restore. */
async function databaseRelay(databaseUrl: string) {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const open = () =>
    new Promise<void>((resolve) => {
      const listening = createServer((client) => {
        const upstream = new Socket();
        upstream.connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("error", () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server = listening;
      listening.listen(port, "127.0.0.1", () => {
        port = (listening.address() as { port: number }).port;
        resolve();
      });
    });
  await open();
  const url = new URL(databaseUrl);
  url.port = String(port);
  url.hostname = "127.0.0.1";
  return {
    url: url.toString(),
    async cut() {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
    restore: open,
  };
}

describe("readiness", () => {
  it("is ready when the database (and Redis, when configured) answers", async () => {
    const response = await fetch(`${app.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ready",
      checks: { database: "ok", ...(process.env.REDIS_URL ? { redis: "ok" } : {}) },
    });
  });

  it("answers 503 naming the database when it cannot be reached, and is ready again once it can", async () => {
    const relay = await databaseRelay(app.database.url);
    const second = await startTestApp({}, { database: { url: relay.url, embedded: app.database.embedded } });
    try {
      expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
      await relay.cut();
      const response = await fetch(`${second.url}/readyz`);
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.status).toBe("not-ready");
      expect(body.checks.database).toBe("unreachable");
      await relay.restore();
      await eventually(async () => (await fetch(`${second.url}/readyz`)).status === 200, { what: "ready again" });
    } finally {
      await second.close();
    }
  });
});

describe("metrics", () => {
  it("are refused without the bearer token, and not served at all when no token is configured", async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: "Bearer not-the-token-at-all" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("smsape_");

    const relay = await databaseRelay(app.database.url);
    const untokened = await startTestApp({}, { database: { url: relay.url, embedded: app.database.embedded } });
    try {
      const response = await fetch(`${untokened.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
      expect(response.status).toBe(404);
    } finally {
      await untokened.close();
      await relay.cut();
    }
  });

  it("count a real request under its operation name, and errors under their code", async () => {
    const series = 'smsape_graphql_operations_total{audience="customer",operation="MetricsViewer",type="query"}';
    const before = sample(await scrape(), series) ?? 0;
    await customer.client.data(`query MetricsViewer { viewer { id } }`);
    const after = await scrape();
    expect(sample(after, series)).toBe(before + 1);
    expect(after).toContain(
      'smsape_graphql_operation_duration_seconds_count{audience="customer",operation="MetricsViewer",type="query"}',
    );

    const invalid = 'smsape_graphql_errors_total{audience="customer",code="GRAPHQL_VALIDATION_FAILED"}';
    const invalidBefore = sample(after, invalid) ?? 0;
    await customer.client.request(`query MetricsInvalid { noSuchField }`);
    expect(sample(await scrape(), invalid)).toBe(invalidBefore + 1);
  });

  it("collapse operation names that could carry data, so labels stay few and impersonal", async () => {
    await customer.client.data(`query lookup_447700900123 { viewer { id } }`);
    const text = await scrape();
    expect(text).not.toContain("447700900123");
    expect(text).toContain('smsape_graphql_operations_total{audience="customer",operation="other",type="query"}');
  });

  it("follow a real graphql-ws subscription in the open-subscriptions gauge, and time its SMS delivery", async () => {
    const gauge = 'smsape_graphql_subscriptions_open{audience="customer"}';
    const open = async () => sample(await scrape(), gauge) ?? 0;
    const before = await open();
    const activation = await customer.orderNumber();
    const probe = await activation.receiveSms("Your code is 111111");
    const socket = customer.client.subscriptions();
    const listener = listen<SmsEvent>(
      socket,
      `subscription MetricsSms($id: ID) { smsReceived(activationId: $id) { ${smsFields} } }`,
      {
        id: activation.id,
      },
    );
    try {
      await untilLive(app, listener, { accountId: customer.accountId, activationId: activation.id, ...probe });
      expect(await open()).toBe(before + 1);

      const deliveries = "smsape_sms_delivery_seconds_count";
      const deliveredBefore = sample(await scrape(), deliveries) ?? 0;
      const sms = await activation.receiveSms("Your code is 222222");
      await eventually(() => listener.events.some((event) => event.smsReceived.id === sms.messageId), { what: "the SMS" });
      expect(sample(await scrape(), deliveries)).toBe(deliveredBefore + 1);

      listener.stop();
      await eventually(async () => (await open()) === before, { what: "the gauge to fall back" });
    } finally {
      listener.stop();
      await socket.dispose();
    }

    // Nothing personal in any series: not the customer's email, nor the number they were given.
    const text = await scrape();
    for (const personal of [customer.email, customer.email.split("@")[0] ?? customer.email, activation.phoneNumber])
      expect(text).not.toContain(personal);
    expect(text).not.toContain(activation.phoneNumber.replace(/^\+/, ""));
    expect(text).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
  });

  it("report the job queues, the email outbox and retention purges from the database", async () => {
    const text = await scrape();
    expect(text).toMatch(/^smsape_job_queue_waiting\{queue="[\w.-]+"\} \d+$/m);
    expect(text).toMatch(/^smsape_job_queue_oldest_waiting_seconds\{queue="[\w.-]+"\} [\d.e+-]+$/m);
    expect(sample(text, "smsape_email_outbox_pending")).toBeGreaterThanOrEqual(0);
    expect(text).toContain("# TYPE smsape_retention_purge_rows gauge");
  });
});

describe("tracing", () => {
  it("is off by default, and sends spans named by operation (no document, variables or result) to the OTLP endpoint when set", async () => {
    const exports: string[] = [];
    const collector = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        if (req.url === "/v1/traces") exports.push(Buffer.concat(chunks).toString("utf8"));
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(collector.address() as { port: number }).port}`;
    const relay = await databaseRelay(app.database.url);
    const traced = await startTestApp(
      { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
      { database: { url: relay.url, embedded: app.database.embedded } },
    );
    try {
      const email = "tracing-probe@example.test";
      await fetch(`${traced.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `mutation TracedSignIn($input: SignInInput!) { signIn(input: $input) { __typename } }`,
          variables: { input: { email, password: "not-the-password" } },
        }),
      });
    } finally {
      // Closing flushes the spans still buffered.
      await traced.close();
      await relay.cut();
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
    const sent = exports.join("\n");
    expect(sent).toContain("TracedSignIn");
    expect(sent).not.toContain("tracing-probe");
    expect(sent).not.toContain("not-the-password");
    // The app of the other tests has no endpoint: it traced nothing and loaded no exporter.
    expect(app.services.config.observability.tracing).toBeNull();
  });
});
