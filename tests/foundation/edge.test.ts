/**
 * The GraphQL edge as an attacker meets it (docs/security.md): abusive
 * documents, oversized bodies, cross-site requests and sockets, introspection
 * and GraphiQL, security headers. Real HTTP and WebSocket against the service.
 */
import { request } from "node:http";
import { loadConfig } from "@smsape/api/config";
import {
  createCustomer,
  createStaffMember,
  GraphqlClient,
  signInMutation,
  startTestApp,
  type TestApp,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

let app: TestApp;
let closed: TestApp;
beforeAll(async () => {
  // Introspection as in production: off on /graphql, signed-in staff only on /admin/graphql.
  app = await startTestApp({ GRAPHQL_INTROSPECTION: "false", CORS_ORIGINS: "https://app.example.com" });
});
afterAll(async () => {
  await app?.close();
  await closed?.close();
});

type Answer = { status: number; headers: Headers; body: any };

async function post(
  body: string | FormData | URLSearchParams,
  headers: Record<string, string> = { "content-type": "application/json" },
  endpoint = "/graphql",
): Promise<Answer> {
  const response = await fetch(`${app.url}${endpoint}`, { method: "POST", headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed };
}

const postQuery = (query: string, endpoint = "/graphql", variables?: Record<string, unknown>) =>
  post(JSON.stringify({ query, variables }), { "content-type": "application/json" }, endpoint);

/** The single refusal an abusive document gets: a code, a sentence, and nothing that looks like a stack. */
function expectRefusal(answer: Answer, code: string, words: RegExp) {
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors).toHaveLength(1);
  const [error] = answer.body.errors;
  expect(error.extensions?.code).toBe(code);
  expect(error.message).toMatch(words);
  expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.(ts|js):\d+|stack|Syntax Error/);
}

describe("operation limits", () => {
  it("refuses a 52-level nested query with QUERY_TOO_DEEP", async () => {
    // Any field nested 52 times over: the limit is checked before the schema is consulted.
    const query = `{ ${"viewer { ".repeat(52)}id${" }".repeat(52)} }`;
    const answer = await postQuery(query);
    expectRefusal(answer, "QUERY_TOO_DEEP", /too deeply.*limit of 12/);
  });

  it("refuses 100 aliases with TOO_MANY_ALIASES before running any, and 1,000 for their length", async () => {
    const aliases = (count: number) => Array.from({ length: count }, (_, index) => `a${index}: viewer { id }`).join(" ");
    expectRefusal(await postQuery(`{ ${aliases(100)} }`), "TOO_MANY_ALIASES", /too many aliases.*limit of 15/);
    expectRefusal(await postQuery(`{ ${aliases(1000)} }`), "DOCUMENT_TOO_LARGE", /too long/);
  });

  it("refuses a document of too many tokens with DOCUMENT_TOO_LARGE", async () => {
    const answer = await postQuery(`{ __typename ${"__typename ".repeat(4000)}}`);
    expectRefusal(answer, "DOCUMENT_TOO_LARGE", /too long.*2000/);
  });

  it("refuses a directive flood with TOO_MANY_DIRECTIVES", async () => {
    const answer = await postQuery(`{ __typename ${"@include(if: true) ".repeat(50)}}`);
    expectRefusal(answer, "TOO_MANY_DIRECTIVES", /too many directives/);
  });

  it("refuses a costly but short document with QUERY_TOO_COSTLY", async () => {
    // 6 levels of 12 scalar fields each, repeated through fragments: well under the token and depth limits.
    const query = `{ ...A ...A2 ...A3 ...A4 ...A5 ...A6 ...A7 ...A8 ...A9 ...A10 }
      ${Array.from({ length: 10 }, (_, index) => `fragment A${index === 0 ? "" : index + 1} on Query { ...B }`).join(" ")}
      fragment B on Query { __typename ...C ...C ...C ...C ...C ...C ...C ...C ...C ...C }
      fragment C on Query { __typename ...D ...D ...D ...D ...D ...D ...D ...D ...D ...D }
      fragment D on Query { __typename }`;
    const answer = await postQuery(query);
    expectRefusal(answer, "QUERY_TOO_COSTLY", /too much at once.*20000/);
  });

  it("refuses aliased sign-in attempts as a whole (5 or 20 in one operation), trying none", async () => {
    const customer = await createCustomer(app);
    const guesses = (count: number) =>
      Array.from(
        { length: count },
        (_, index) =>
          `g${index}: signIn(input: { email: ${JSON.stringify(customer.email)}, password: "guess-${index}" }) { __typename }`,
      ).join(" ");
    expectRefusal(
      await postQuery(`mutation { ${guesses(5)} }`),
      "ONE_CREDENTIAL_CHECK_PER_OPERATION",
      /one sign-in.*5 \(signIn\)/i,
    );
    // 20 are over the alias limit too: whichever speaks first, the operation is refused whole.
    const twenty = await postQuery(`mutation { ${guesses(20)} }`);
    expect(twenty.body.data ?? null).toBeNull();
    expect(twenty.body.errors[0].extensions.code).toMatch(/^(ONE_CREDENTIAL_CHECK_PER_OPERATION|TOO_MANY_ALIASES)$/);
    // The real password still works at once: nothing above was counted as a failed attempt or locked the account.
    const client = new GraphqlClient(app.url);
    const { signIn } = await client.data(signInMutation, { input: { email: customer.email, password: customer.password } });
    expect(signIn.__typename).toBe("SignInPayload");
  });

  it("refuses a sign-in with a password reset in one operation, and two staff sign-in steps", async () => {
    const mixed = await postQuery(`mutation {
      signIn(input: { email: "a@example.com", password: "x" }) { __typename }
      resetPassword(input: { token: "t", newPassword: "correct horse battery staple" }) { __typename }
    }`);
    expectRefusal(mixed, "ONE_CREDENTIAL_CHECK_PER_OPERATION", /2 \(signIn, resetPassword\)/);
    const staff = await postQuery(
      `mutation { a: staffSignIn(input: { email: "s@example.com", password: "x" }) { __typename }
        b: staffSignIn(input: { email: "s@example.com", password: "y" }) { __typename } }`,
      "/admin/graphql",
    );
    expectRefusal(staff, "ONE_CREDENTIAL_CHECK_PER_OPERATION", /2 \(staffSignIn\)/);
  });
});

describe("bodies and content types", () => {
  it("answers a 2 MB GraphQL body with 413 BODY_TOO_LARGE, declared or chunked", async () => {
    const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: "x".repeat(2 * 1024 * 1024) } });
    for (const endpoint of ["/graphql", "/admin/graphql"]) {
      const declared = await post(big, { "content-type": "application/json" }, endpoint);
      expect(declared.status).toBe(413);
      expect(declared.body.errors[0]).toMatchObject({
        extensions: { code: "BODY_TOO_LARGE" },
        message: expect.stringContaining("larger than 1048576 bytes"),
      });
    }
    const chunked = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(
        new URL("/graphql", app.url),
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => {
            text += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        },
      );
      req.on("error", reject);
      const chunk = Buffer.alloc(64 * 1024, " ");
      let sent = 0;
      const pump = () => {
        while (sent < 2 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(chunked).toMatchObject({ status: 413, body: { errors: [{ extensions: { code: "BODY_TOO_LARGE" } }] } });
    // A chunked body under the limit still works.
    const small = await new Promise<any>((resolve, reject) => {
      const req = request(
        new URL("/graphql", app.url),
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          let text = "";
          res.on("data", (chunk) => {
            text += chunk;
          });
          res.on("end", () => resolve(JSON.parse(text)));
        },
      );
      req.on("error", reject);
      req.write(`{"query":"{ __typ`);
      req.end(`ename }"}`);
    });
    expect(small).toEqual({ data: { __typename: "Query" } });
  });

  it("refuses mutations sent as a form (urlencoded or multipart), with or without the CSRF header", async () => {
    const query = `mutation { signOut }`;
    const withAndWithout: Record<string, string>[] = [{}, { "x-graphql-yoga-csrf": "1" }];
    for (const extra of withAndWithout) {
      const form = await post(new URLSearchParams({ query }), { ...extra });
      expect(form.status).toBe(415);
      expect(form.body.errors[0].extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      const data = new FormData();
      data.set("operations", JSON.stringify({ query }));
      data.set("map", "{}");
      const multipart = await post(data, { ...extra });
      expect(multipart.status).toBe(415);
      expect(multipart.body.errors[0].extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      const text = await post(JSON.stringify({ query }), { "content-type": "text/plain", ...extra });
      expect(text.body.errors[0].extensions.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("refuses a GET without the CSRF header, and answers one that carries it", async () => {
    const url = `${app.url}/graphql?query=${encodeURIComponent("{ __typename }")}`;
    const bare = await fetch(url);
    expect(bare.status).toBe(403);
    const body = (await bare.json()) as any;
    expect(body.errors[0].extensions.code).toBe("CSRF_HEADER_REQUIRED");
    const withHeader = await fetch(url, { headers: { "x-graphql-yoga-csrf": "1" } });
    expect(await withHeader.json()).toEqual({ data: { __typename: "Query" } });
  });
});

describe("cross-origin requests", () => {
  const preflight = (endpoint: string, origin: string) =>
    fetch(`${app.url}${endpoint}`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
  const corsHeaders = (headers: Headers) => [...headers.keys()].filter((name) => name.startsWith("access-control-")).sort();

  it("gives a foreign origin, and Origin: null, no CORS headers on either endpoint", async () => {
    for (const endpoint of ["/graphql", "/admin/graphql"]) {
      for (const origin of ["https://evil.example", "null", "https://app.example.com.evil.example"]) {
        expect(corsHeaders((await preflight(endpoint, origin)).headers)).toEqual([]);
        const answer = await post(
          JSON.stringify({ query: "{ __typename }" }),
          { "content-type": "application/json", origin },
          endpoint,
        );
        expect(corsHeaders(answer.headers)).toEqual([]);
      }
    }
  });

  it("allows a configured origin on the customer API only, with credentials, naming that origin alone", async () => {
    const allowed = await preflight("/graphql", "https://app.example.com");
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(corsHeaders((await preflight("/admin/graphql", "https://app.example.com")).headers)).toEqual([]);
  });

  it("refuses a WebSocket from a foreign origin even with a session cookie, and accepts one without Origin", async () => {
    const customer = await createCustomer(app);
    const signedIn = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: signInMutation,
        variables: { input: { email: customer.email, password: customer.password } },
      }),
    });
    const cookie = signedIn.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    expect(cookie).toMatch(/session=./);
    const open = (headers: Record<string, string>, path = "/graphql") =>
      new Promise<{ opened: boolean; status?: number }>((resolve) => {
        const socket = new WebSocket(`${app.url.replace(/^http/, "ws")}${path}`, "graphql-transport-ws", { headers });
        socket.on("open", () => {
          socket.close();
          resolve({ opened: true });
        });
        socket.on("unexpected-response", (_req, res) => resolve({ opened: false, status: res.statusCode ?? 0 }));
        socket.on("error", () => resolve({ opened: false }));
      });
    for (const origin of ["https://evil.example", "null"]) {
      expect(await open({ cookie, origin })).toEqual({ opened: false, status: 403 });
      expect(await open({ cookie, origin }, "/admin/graphql")).toEqual({ opened: false, status: 403 });
    }
    expect(await open({ cookie, origin: "https://app.example.com" })).toEqual({ opened: true });
    expect(await open({ cookie, origin: app.url })).toEqual({ opened: true });
    expect(await open({ cookie })).toEqual({ opened: true });
  });
});

describe("introspection, suggestions and GraphiQL", () => {
  it("refuses introspection on /graphql and for anonymous callers of /admin/graphql; signed-in staff may", async () => {
    for (const query of ["{ __schema { types { name } } }", '{ __type(name: "Query") { name } }']) {
      expectRefusal(await postQuery(query), "INTROSPECTION_DISABLED", /Introspection is turned off/);
      expectRefusal(await postQuery(query, "/admin/graphql"), "INTROSPECTION_DISABLED", /Introspection is turned off/);
    }
    const staff = await createStaffMember(app, { role: "SUPPORT" });
    const { __schema } = await staff.client.data("{ __schema { queryType { name } } }");
    expect(__schema.queryType.name).toBe("Query");
  });

  it("suggests no field names when introspection is off", async () => {
    const answer = await postQuery("{ viewe }");
    expect(answer.body.errors[0].message).toMatch(/Cannot query field "viewe"/);
    expect(JSON.stringify(answer.body)).not.toMatch(/Did you mean|viewer/);
    const staff = await postQuery("{ staffMember }", "/admin/graphql");
    expect(JSON.stringify(staff.body)).not.toMatch(/Did you mean/);
  });

  it("serves no GraphiQL outside development", async () => {
    for (const endpoint of ["/graphql", "/admin/graphql"]) {
      const page = await fetch(`${app.url}${endpoint}`, { headers: { accept: "text/html" } });
      expect(await page.text()).not.toMatch(/graphiql/i);
    }
  });

  it("production's configuration turns introspection and GraphiQL off, and sends HSTS behind TLS", () => {
    const production = loadConfig({
      NODE_ENV: "production",
      PUBLIC_URL: "https://sms.example.com",
      DATABASE_URL: "postgres://db.example.com/smsape",
      SMTP_URL: "smtps://mail.example.com",
      ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString("base64")}`,
      PAYMENT_WEBHOOK_SECRET: "p".repeat(32),
      SMS_WEBHOOK_SECRET: "s".repeat(32),
      AUDIT_SIGNING_KEY: Buffer.alloc(32, 2).toString("base64"),
    });
    expect(production.edge).toMatchObject({
      introspection: false,
      graphiql: false,
      hsts: true,
      maxBodyBytes: 1024 * 1024,
      corsOrigins: { customer: [], staff: ["https://sms.example.com"] },
    });
    expect(loadConfig({ NODE_ENV: "development" }).edge).toMatchObject({ introspection: true, graphiql: true });
    expect(loadConfig({ NODE_ENV: "test" }).edge).toMatchObject({ graphiql: false });
    expect(() => loadConfig({ CORS_ORIGINS: "*" })).toThrow(/CORS_ORIGINS: expected origins/);
    expect(() => loadConfig({ CORS_ORIGINS: "null" })).toThrow(/CORS_ORIGINS/);
  });
});

describe("security headers", () => {
  it("sends nosniff, no referrer, no framing and a CSP on every kind of response", async () => {
    const responses = [
      await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      }),
      await fetch(`${app.url}/admin/graphql`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }),
      await fetch(`${app.url}/healthz`),
      await fetch(`${app.url}/nothing-here`),
    ];
    for (const response of responses) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
      // Served over plain HTTP here: no HSTS (a browser ignores it there anyway).
      expect(response.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("sends HSTS when the service is published over TLS", async () => {
    closed = await startTestApp({ PUBLIC_URL: "https://sms.example.com" });
    const response = await fetch(`${closed.url}/healthz`);
    expect(response.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  });
});
