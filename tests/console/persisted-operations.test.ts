/**
 * The built console against a staff API that runs only persisted operations,
 * as in production: sign-in, the dashboard, the requests list and the live
 * queue, the number pool and the catalogue, and abuse signals all work with
 * the console sending hashes, and no request it makes carries a document.
 */
import { demoStaff } from "@smsape/api/demo";
import { createCustomer, startTestApp, type TestApp, totpCode } from "@smsape/api/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

interface SentOperation {
  query?: string;
  operationName?: string;
  extensions?: { persistedQuery?: { sha256Hash?: string } };
}

/** The staff API operations the page sends from now on, as posted. */
function recordOperations(page: Page): SentOperation[] {
  const sent: SentOperation[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/admin/graphql") && request.method() === "POST")
      sent.push(JSON.parse(request.postData() ?? "{}"));
  });
  return sent;
}

function expectOnlyHashes(sent: SentOperation[]) {
  for (const operation of sent) {
    expect(operation.query).toBeUndefined();
    expect(operation.extensions?.persistedQuery?.sha256Hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  }
}

/** Signs a demo member in through the console's own form (test factories sign in with documents the API now refuses). */
async function signIn(page: Page, email: string) {
  const member = demoStaff.find((staff) => staff.email === email)!;
  await page.goto(`${app.url}/console/`);
  await page.waitForURL(/#\/login/);
  await page.getByRole("textbox", { name: "Email" }).fill(member.email);
  await page.locator("input[type=password]").fill(member.password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.getByRole("textbox", { name: "Authenticator code" }).fill(totpCode(member.totpSecret, app.services.now()));
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByText(member.displayName).first().waitFor();
}

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
    const context = await browser.newContext();
    const page = await context.newPage();
    const sent = recordOperations(page);
    const frames: string[] = [];
    page.on("websocket", (socket) => socket.on("framesent", (frame) => frames.push(String(frame.payload))));

    await signIn(page, "compliance@smsape.test");
    await page.getByRole("region", { name: "Requests due soon and overdue" }).waitFor();
    await page.getByRole("region", { name: "Audit chain" }).waitFor();

    await page.goto(`${app.url}/console/#/privacyRequests`);
    // The live queue's socket subscribes once the server acknowledges it; from then on nothing filed is missed.
    await expect.poll(() => frames.some((frame) => frame.includes('"type":"subscribe"')), { timeout: 10_000 }).toBe(true);
    await page.locator("tbody tr").filter({ hasText: "Access" }).first().waitFor();
    await (await createCustomer(app)).requestPrivacy({ kind: "CORRECTION", details: "My name is spelled wrong" });
    await page.locator("tbody tr").filter({ hasText: "Correction" }).waitFor();

    expect(sent.length).toBeGreaterThan(3);
    expectOnlyHashes(sent);
    const subscribe = frames.map((frame) => JSON.parse(frame)).find((message) => message.type === "subscribe");
    expect(subscribe.payload.query).toBe("");
    expect(subscribe.payload.extensions.persistedQuery.sha256Hash).toMatch(/^sha256:/);
    await context.close();
  });

  it("an ADMIN reads the number pool and its availability, retires a number and reads the prices, sending only hashes", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    const sent = recordOperations(page);
    await signIn(page, "admin@smsape.test");

    await page.getByRole("menuitem", { name: "Number pool" }).click();
    await page.getByRole("combobox", { name: "Availability in" }).click();
    await page.getByRole("option", { name: "GB United Kingdom" }).click();
    // The seed gives GB 20 numbers.
    const telegram = page
      .getByRole("table", { name: "Availability per service in GB" })
      .getByRole("row")
      .filter({ hasText: "telegram" });
    await expect
      .poll(async () => (await telegram.getByRole("cell").allInnerTexts()).slice(2).map(Number), { timeout: 10_000 })
      .toEqual([20, 0, 0, 0]);
    const retire = page.getByRole("button", { name: /^Retire \+/ }).first();
    const phoneNumber = ((await retire.getAttribute("aria-label")) ?? "").replace("Retire ", "");
    await retire.click();
    await page.getByRole("dialog").getByRole("button", { name: "Retire" }).click();
    await page.getByText(`${phoneNumber} retired`).waitFor();
    expect((await app.services.db.virtualNumber.findUniqueOrThrow({ where: { phoneNumber } })).status).toBe("RETIRED");

    await page.getByRole("menuitem", { name: "Prices" }).click();
    await page.getByRole("row").filter({ hasText: "telegram" }).getByText("45 (USD 0.45)").first().waitFor();

    const names = new Set(sent.map((operation) => operation.operationName));
    for (const name of ["CatalogueCountries", "NumberAvailability", "PoolNumbers", "RetireNumber", "CataloguePrices"]) {
      expect(names).toContain(name);
    }
    expectOnlyHashes(sent);
    await context.close();
  });

  it("a SUPPORT member reads abuse signals, sending only hashes", async () => {
    const customer = await createCustomer(app, { balanceMinor: 10_000 });
    await customer.client.data(
      `mutation { orderNumber(input: { service: "telegram", country: "GB" }) { ... on OrderNumberPayload { activation { id } } } }`,
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const sent = recordOperations(page);
    await signIn(page, "support@smsape.test");

    await page.getByRole("menuitem", { name: "Abuse signals" }).click();
    await page.getByRole("row").filter({ hasText: "telegram" }).waitFor();

    expect(sent.map((operation) => operation.operationName)).toContain("AbuseSignals");
    expectOnlyHashes(sent);
    await context.close();
  });
});
