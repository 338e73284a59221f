/**
 * The built console against a staff API that runs only persisted operations,
 * as in production: sign-in, the dashboard, the requests list and the live
 * queue all work with the console sending hashes, and no request it makes
 * carries a document.
 */
import { demoStaff } from "@smsape/api/demo";
import { createCustomer, startTestApp, type TestApp, totpCode } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("the staff console with persisted operations only", () => {
  beforeAll(async () => {
    app = await startTestApp({ STAFF_PERSISTED_OPERATIONS_ONLY: "true" });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("signs in, shows the dashboard and the requests list, and follows the live queue, sending only hashes", async () => {
    await (await createCustomer(app)).requestPrivacy({ kind: "ACCESS" });
    const member = demoStaff.find((staff) => staff.email === "compliance@smsape.test")!;
    const context = await browser.newContext();
    const page = await context.newPage();
    const sent: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/admin/graphql") && request.method() === "POST") sent.push(request.postData() ?? "");
    });
    const frames: string[] = [];
    page.on("websocket", (socket) => socket.on("framesent", (frame) => frames.push(String(frame.payload))));

    await page.goto(`${app.url}/console/`);
    await page.waitForURL(/#\/login/);
    await page.getByRole("textbox", { name: "Email" }).fill(member.email);
    await page.locator("input[type=password]").fill(member.password);
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.getByRole("textbox", { name: "Authenticator code" }).fill(totpCode(member.totpSecret, app.services.now()));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Casey Compliance").first().waitFor();
    await page.getByRole("region", { name: "Requests due soon and overdue" }).waitFor();
    await page.getByRole("region", { name: "Audit chain" }).waitFor();

    await page.goto(`${app.url}/console/#/privacyRequests`);
    // The live queue's socket subscribes once the server acknowledges it; from then on nothing filed is missed.
    await expect.poll(() => frames.some((frame) => frame.includes('"type":"subscribe"')), { timeout: 10_000 }).toBe(true);
    await page.locator("tbody tr").filter({ hasText: "Access" }).first().waitFor();
    await (await createCustomer(app)).requestPrivacy({ kind: "CORRECTION", details: "My name is spelled wrong" });
    await page.locator("tbody tr").filter({ hasText: "Correction" }).waitFor();

    expect(sent.length).toBeGreaterThan(3);
    for (const body of sent) {
      const operation = JSON.parse(body) as { query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } };
      expect(operation.query).toBeUndefined();
      expect(operation.extensions?.persistedQuery?.sha256Hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    const subscribe = frames.map((frame) => JSON.parse(frame)).find((message) => message.type === "subscribe");
    expect(subscribe.payload.query).toBe("");
    expect(subscribe.payload.extensions.persistedQuery.sha256Hash).toMatch(/^sha256:/);
    await context.close();
  });
});
