import { request } from "node:http";
import { balance, createCustomer, postSignedWebhook, startTestApp, type TestApp, type WebhookSender } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** A raw body, signed as the sender would sign it. */
const postSigned = (route: WebhookSender, rawBody: string | Buffer) => postSignedWebhook(app, route, rawBody);

/** Streams `bytes` with chunked encoding (no Content-Length), so the server only learns the size by reading. */
function streamBody(route: WebhookSender, bytes: number): Promise<{ status: number; connection?: string; body: any }> {
  return new Promise((resolve, reject) => {
    const url = new URL(`/webhooks/${route}`, app.url);
    const req = request(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, " ");
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
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
}

describe("webhook bodies over the size limit", () => {
  for (const route of ["payments", "sms"] as const) {
    it(`answers a 1 MB and a 20 MB body to /webhooks/${route} with a readable 413, then closes the connection`, async () => {
      for (const megabytes of [1, 20]) {
        const response = await postSigned(route, Buffer.alloc(megabytes * 1024 * 1024, " "));
        expect(response.status).toBe(413);
        expect(response.body).toMatchObject({ code: "BODY_TOO_LARGE", error: expect.stringContaining("larger than") });
        expect(response.headers.get("connection")).toBe("close");
      }
    });

    it(`answers 413 to /webhooks/${route} when the size is only known by reading (chunked)`, async () => {
      for (const megabytes of [1, 20]) {
        const response = await streamBody(route, megabytes * 1024 * 1024);
        expect(response).toMatchObject({ status: 413, connection: "close", body: { code: "BODY_TOO_LARGE" } });
      }
      // The server is none the worse for it.
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    });
  }
});

describe("duplicate keys in signed webhook bodies", () => {
  it("refuses a top-up that names amountMinor twice with 400 DUPLICATE_KEY, and credits nothing", async () => {
    const customer = await createCustomer(app);
    const id = "evt_duplicate_1";
    const rawBody = `{"id":"${id}","type":"topup.succeeded","accountId":"${customer.accountId}","amountMinor":1,"amountMinor":100000,"currency":"USD"}`;
    const response = await postSigned("payments", rawBody);
    expect(response).toMatchObject({
      status: 400,
      body: { code: "DUPLICATE_KEY", error: expect.stringContaining('"amountMinor"') },
    });
    expect(await app.services.db.paymentEvent.count({ where: { id } })).toBe(0);
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });
  });

  it("refuses duplicate keys at any depth, in both webhooks", async () => {
    const customer = await createCustomer(app);
    const nested = `{"id":"evt_duplicate_2","type":"topup.succeeded","accountId":"${customer.accountId}","amountMinor":500,"currency":"USD","metadata":{"lines":[{"ref":"a","ref":"b"}]}}`;
    expect(await postSigned("payments", nested)).toMatchObject({ status: 400, body: { code: "DUPLICATE_KEY" } });

    const activation = await (await createCustomer(app, { balanceMinor: 1_000 })).orderNumber();
    const sms = `{"messageId":"op-dup-1","to":"${activation.phoneNumber}","text":"Your code is 111111","text":"Your code is 999999"}`;
    expect(await postSigned("sms", sms)).toMatchObject({ status: 400, body: { code: "DUPLICATE_KEY" } });
    expect(await app.services.db.smsMessage.count({ where: { upstreamMessageId: "op-dup-1" } })).toBe(0);
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });
  });

  it("does not name a key that could be sensitive in the answer", async () => {
    const response = await postSigned("payments", `{"4111111111111111":1,"4111111111111111":2}`);
    expect(response).toMatchObject({ status: 400, body: { code: "DUPLICATE_KEY" } });
    expect(JSON.stringify(response.body)).not.toContain("4111");
  });
});

describe("text PostgreSQL cannot store, in signed webhook bodies", () => {
  it("refuses NUL and lone surrogates anywhere in an SMS delivery with 400, and stores nothing", async () => {
    const activation = await (await createCustomer(app, { balanceMinor: 1_000 })).orderNumber();
    const deliveries: Array<Record<string, unknown>> = [
      { messageId: "op-nul-1", to: activation.phoneNumber, text: "Your code is 12\u000034" },
      { messageId: "op-nul-2\u0000", to: activation.phoneNumber, text: "Your code is 1234" },
      { messageId: "op-nul-3", to: activation.phoneNumber, text: "Your code is 1234 \ud83d" },
      { messageId: "op-nul-4", to: activation.phoneNumber, text: "Your code is 1234", from: "\udc00Telegram" },
      { messageId: "op-nul-5", to: activation.phoneNumber, text: "Your code is 1234", "route\u0000": "uk-2" },
    ];
    for (const delivery of deliveries) {
      const response = await postSigned("sms", JSON.stringify(delivery));
      expect(response, JSON.stringify(delivery)).toMatchObject({ status: 400, body: { code: "INVALID_CHARACTER" } });
    }
    expect(await app.services.db.smsMessage.count({ where: { upstreamMessageId: { startsWith: "op-nul-" } } })).toBe(0);
    // A well-formed surrogate pair (an emoji) is ordinary text.
    const emoji = await postSigned(
      "sms",
      JSON.stringify({ messageId: "op-emoji", to: activation.phoneNumber, text: "Code 4821 😀" }),
    );
    expect(emoji.status).toBe(200);
  });

  it("refuses NUL and lone surrogates in a top-up with 400, and credits nothing", async () => {
    const customer = await createCustomer(app);
    const base = { type: "topup.succeeded", accountId: customer.accountId, amountMinor: 500, currency: "USD" };
    for (const [index, extra] of [
      { type: "topup.succeeded\u0000" },
      { metadata: { note: "\ud800" } },
      { lines: ["a", "\u0000"] },
    ].entries()) {
      const response = await postSigned("payments", JSON.stringify({ id: `evt_nul_${index}`, ...base, ...extra }));
      expect(response).toMatchObject({ status: 400, body: { code: "INVALID_CHARACTER" } });
    }
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });
  });

  it("refuses a body that is not UTF-8, or not strict JSON, with 400 INVALID_JSON", async () => {
    const customer = await createCustomer(app);
    const body = `{"id":"evt_utf8_1","type":"topup.succeeded","accountId":"${customer.accountId}","amountMinor":500,"currency":"USD","note":"X"}`;
    const latin1 = Buffer.from(body.replace('"X"', '"caf\u00e9"'), "latin1");
    expect(await postSigned("payments", latin1)).toMatchObject({ status: 400, body: { code: "INVALID_JSON" } });
    expect(await postSigned("payments", body.replace('"X"', '"line\nbreak"'))).toMatchObject({
      status: 400,
      body: { code: "INVALID_JSON" },
    });
    expect(await postSigned("payments", `${body.slice(0, -1)},}`)).toMatchObject({ status: 400, body: { code: "INVALID_JSON" } });
    expect(await postSigned("payments", "[".repeat(5000) + "]".repeat(5000))).toMatchObject({
      status: 400,
      body: { code: "INVALID_JSON" },
    });
    expect(await balance(customer.client)).toEqual({ availableMinor: 0, heldMinor: 0, currency: "USD" });
  });
});
