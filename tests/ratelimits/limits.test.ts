/**
 * Rate limits over HTTP (P12, docs/security.md "Rate limits"): each limit
 * refuses past its number with RATE_LIMITED, the wait in the error's
 * extensions and a Retry-After header (429 on the webhooks). The numbers are
 * set small here through RATE_LIMITS; the mechanism is the production one.
 */
import {
  createCustomer,
  GraphqlClient,
  newEmail,
  newPassword,
  signInMutation,
  signUp,
  signUpMutation,
  startTestApp,
  type TestApp,
  testRateLimits,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { latestPolicyVersion } from "../../api/src/seed/reference.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({
    RATE_LIMITS: [
      testRateLimits,
      "sign-in.account=5/900/900",
      "sign-in.account-backoff=1000/60",
      "sign-up.network=3/3600",
      "password-reset.network=3/3600",
      "order.account=2/60",
      "staff-sign-in.network=3/900",
      "webhook.network=2/60",
    ].join(","),
  });
});
afterAll(async () => {
  await app?.close();
});

/** One sign-in attempt as a client sends it: the HTTP answer, its Retry-After and the field's result or error. */
async function attemptSignIn(on: TestApp, email: string, password: string) {
  const response = await new GraphqlClient(on.url).post(signInMutation, { input: { email, password } });
  const body = (await response.json()) as { data?: { signIn: any } | null; errors?: Array<{ extensions: any }> };
  return {
    retryAfter: response.headers.get("retry-after"),
    code: body.errors?.[0]?.extensions.code ?? body.data?.signIn?.code ?? body.data?.signIn?.__typename,
    extensions: body.errors?.[0]?.extensions,
  };
}

const lockedEmailsTo = (email: string) =>
  app.mailbox.to(email).filter((message) => /Sign-in to your account is paused/.test(message.subject));

describe("customer sign-in", () => {
  it("P12: locks an account after 5 failed attempts, aliased fields being attempts too; the lock says when to retry and emails the owner once", async () => {
    const customer = await createCustomer(app);
    for (let i = 0; i < 4; i++)
      expect((await attemptSignIn(app, customer.email, "wrong-password")).code).toBe("INVALID_CREDENTIALS");

    // 20 aliased sign-ins in one request would be 20 guesses: the request is refused whole, no password checked.
    const aliased = `mutation { ${Array.from({ length: 20 }, (_, i) => `a${i}: signIn(input: { email: "${customer.email}", password: "guess-${i}" }) { __typename }`).join(" ")} }`;
    const refused = await new GraphqlClient(app.url).request(aliased);
    expect(refused.errors?.[0]?.extensions?.code).toMatch(/ONE_CREDENTIAL_CHECK_PER_OPERATION|TOO_MANY_ALIASES/);

    const fifth = await attemptSignIn(app, customer.email, "wrong-password");
    expect(fifth.code).toBe("RATE_LIMITED");
    expect(Number(fifth.retryAfter)).toBeGreaterThan(800);
    expect(fifth.extensions.retryAfterSeconds).toBe(Number(fifth.retryAfter));

    // Locked: the right password is refused too, and the answer tells when to come back.
    const right = await attemptSignIn(app, customer.email, customer.password);
    expect(right.code).toBe("RATE_LIMITED");
    expect(Number(right.retryAfter)).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) await attemptSignIn(app, customer.email, "wrong-password");

    await app.mailbox.deliver();
    expect(lockedEmailsTo(customer.email)).toHaveLength(1);
  });

  it("P12: locks an address with no account after as many attempts, answering alike and emailing no one", async () => {
    const email = newEmail();
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await attemptSignIn(app, email, "wrong-password")).code);
    expect(codes).toEqual([...Array(4).fill("INVALID_CREDENTIALS"), "RATE_LIMITED", "RATE_LIMITED"]);
    await app.mailbox.deliver();
    expect(app.mailbox.to(email)).toHaveLength(0);
  });

  it("P12: backs off after a few quick failures, before the lockout", async () => {
    const quick = await startTestApp(
      { RATE_LIMITS: `${testRateLimits},sign-in.account-backoff=3/60` },
      { database: app.database },
    );
    try {
      const customer = await createCustomer(quick);
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push(await attemptSignIn(quick, customer.email, "wrong-password"));
      expect(codes.map((answer) => answer.code)).toEqual([...Array(3).fill("INVALID_CREDENTIALS"), "RATE_LIMITED"]);
      expect(Number(codes[3]!.retryAfter)).toBeGreaterThan(0);
      expect(Number(codes[3]!.retryAfter)).toBeLessThanOrEqual(60);
    } finally {
      await quick.close();
    }
  });
});

describe("limits per client network", () => {
  it("P12: refuses a fourth sign-up from one network within the hour, with Retry-After", async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const response = await new GraphqlClient(app.url).post(signUpMutation, {
        input: { email: newEmail(), password: newPassword(), ageAttestation: true, acceptPolicyVersion: latestPolicyVersion },
      });
      const body = (await response.json()) as any;
      answers.push({
        retryAfter: response.headers.get("retry-after"),
        code: body.errors?.[0]?.extensions.code ?? body.data.signUp.__typename,
      });
    }
    expect(answers.map((answer) => answer.code)).toEqual(["SignUpPayload", "SignUpPayload", "SignUpPayload", "RATE_LIMITED"]);
    expect(Number(answers[3]!.retryAfter)).toBeGreaterThan(3000);
  });

  it("P12: counts reset requests and reset attempts together per network", async () => {
    const client = new GraphqlClient(app.url);
    const request = `mutation($email: String!) { requestPasswordReset(input: { email: $email }) { __typename } }`;
    const reset = `mutation { resetPassword(input: { token: "rst_not-a-token", newPassword: "Another-pass-123" }) { __typename } }`;
    const codes = [];
    for (const [query, variables] of [
      [request, { email: newEmail() }],
      [reset, {}],
      [request, { email: newEmail() }],
      [reset, {}],
    ] as const) {
      const body = await client.request(query, variables);
      codes.push(body.errors?.[0]?.extensions?.code ?? "answered");
    }
    expect(codes).toEqual(["answered", "answered", "answered", "RATE_LIMITED"]);
  });

  it("P12: staff sign-in is limited per network on top of each member's own lockout", async () => {
    const client = new GraphqlClient(app.url, "/admin/graphql");
    const codes = [];
    for (let i = 0; i < 4; i++) {
      const body = await client.request(
        `mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { __typename ... on Error { code } } }`,
        { input: { email: newEmail(), password: "wrong-password" } },
      );
      codes.push(body.errors?.[0]?.extensions?.code ?? (body.data as any).staffSignIn.code);
    }
    expect(codes).toEqual(["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]);
  });

  it("P12: a webhook answers 429 with Retry-After past its deliveries per network", async () => {
    const statuses = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${app.url}/webhooks/sms`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      });
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get("retry-after");
    }
    expect(statuses).toEqual([401, 401, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });
});

describe("the client's address", () => {
  const signUpFrom = async (on: TestApp, forwardedFor: string) => {
    const response = await fetch(`${on.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
      body: JSON.stringify({
        query: signUpMutation,
        variables: {
          input: { email: newEmail(), password: newPassword(), ageAttestation: true, acceptPolicyVersion: latestPolicyVersion },
        },
      }),
    });
    const body = (await response.json()) as any;
    return body.errors?.[0]?.extensions.code ?? body.data.signUp.__typename;
  };

  it("P12: a client cannot leave its network's count by writing X-Forwarded-For; behind a proxy of ours, the proxy's entry counts", async () => {
    // This network's sign-ups are used up (above): a made-up header changes nothing.
    expect(await signUpFrom(app, "198.51.100.1")).toBe("RATE_LIMITED");
    const proxied = await startTestApp(
      { TRUST_PROXY_HOPS: "1", RATE_LIMITS: `${testRateLimits},sign-up.network=1/3600` },
      { database: app.database },
    );
    try {
      expect(await signUpFrom(proxied, "10.9.9.9, 198.51.100.1")).toBe("SignUpPayload");
      expect(await signUpFrom(proxied, "10.8.8.8, 198.51.100.2")).toBe("RATE_LIMITED");
      expect(await signUpFrom(proxied, "198.51.101.1")).toBe("SignUpPayload");
    } finally {
      await proxied.close();
    }
  });
});

describe("ordering", () => {
  it("P12: refuses a third number within the minute for one account, while another account orders", async () => {
    const customer = await createCustomer(app, { balanceMinor: 10_000 });
    const other = await createCustomer(app, { balanceMinor: 10_000 });
    const order = async (client: GraphqlClient) => {
      const response = await client.post(
        `mutation { orderNumber(input: { service: "telegram", country: "GB" }) { __typename ... on Error { code } } }`,
      );
      const body = (await response.json()) as any;
      return {
        code: body.errors?.[0]?.extensions.code ?? body.data.orderNumber.__typename,
        retryAfter: response.headers.get("retry-after"),
      };
    };
    const answers = [await order(customer.client), await order(customer.client), await order(customer.client)];
    expect(answers.map((answer) => answer.code)).toEqual(["OrderNumberPayload", "OrderNumberPayload", "RATE_LIMITED"]);
    expect(Number(answers[2]!.retryAfter)).toBeGreaterThan(0);
    expect((await order(other.client)).code).toBe("OrderNumberPayload");
  });
});

describe("what the limits keep", () => {
  it("P12: counts a network under a keyed hash: no address and no email in the limiter's store", async () => {
    const customer = await createCustomer(app);
    await attemptSignIn(app, customer.email, "wrong-password");
    await signUp(app).catch(() => {});
    const keys =
      app.services.limits.store === "redis"
        ? await redisKeys()
        : (await app.services.db.rateLimitCounter.findMany({ select: { key: true } })).map((row) => row.key);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).not.toMatch(/127\.0\.0|::1|@|example\.test/);
      expect(key).not.toContain(customer.accountId);
    }
    expect(keys.some((key) => key.includes(app.services.limits.networkKey("127.0.0.1", app.services.now())))).toBe(true);
  });

  it("P12: a network's key changes with the UTC day, so one day's counts cannot be matched with the next's", async () => {
    const { limits } = app.services;
    const today = app.services.now();
    const tomorrow = new Date(today.getTime() + 24 * 60 * 60_000);
    expect(limits.networkKey("203.0.113.7", today)).toBe(limits.networkKey("203.0.113.200", today));
    expect(limits.networkKey("203.0.113.7", today)).not.toBe(limits.networkKey("203.0.114.7", today));
    expect(limits.networkKey("203.0.113.7", today)).not.toBe(limits.networkKey("203.0.113.7", tomorrow));
    expect(limits.networkKey("2001:db8:1:2:aaaa::1", today)).toBe(limits.networkKey("2001:db8:1:2:bbbb::9", today));

    // Sign-ups from this network are used up today (above); on the test clock's next day it is a new key.
    const before = await signUp(app)
      .then(() => "answered")
      .catch((error: Error) => error.message);
    expect(before).toMatch(/RATE_LIMITED/);
    app.clock.advance(24 * 60 * 60_000);
    expect((await signUp(app)).result.__typename).toBe("SignUpPayload");
  });
});

describe("many instances", () => {
  it("P12: two instances count together (Redis when REDIS_URL is set, else the database)", async () => {
    const limits = `${testRateLimits},order.account=3/60`;
    const first = await startTestApp({ RATE_LIMITS: limits });
    const second = await startTestApp({ RATE_LIMITS: limits }, { database: first.database });
    try {
      expect(first.services.limits.store).toBe(process.env.REDIS_URL ? "redis" : "postgres");
      const customer = await createCustomer(first, { balanceMinor: 10_000 });
      const onSecond = new GraphqlClient(second.url);
      onSecond.bearer = customer.token;
      const order = `mutation { orderNumber(input: { service: "telegram", country: "GB" }) { __typename } }`;
      const codes = [];
      for (const client of [customer.client, onSecond, customer.client, onSecond]) {
        const body = await client.request(order);
        codes.push(body.errors?.[0]?.extensions?.code ?? (body.data as any).orderNumber.__typename);
      }
      expect(codes).toEqual(["OrderNumberPayload", "OrderNumberPayload", "OrderNumberPayload", "RATE_LIMITED"]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

async function redisKeys(): Promise<string[]> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(process.env.REDIS_URL!);
  try {
    return await redis.keys("rl:*");
  } finally {
    redis.disconnect();
  }
}
