/**
 * Abuse signals in the staff console (P12): a support member opens the page
 * and sees what a network and a service did today (orders, cancels, failed
 * sign-ins, the patterns they show) by keys that name no one: the page holds
 * no account id, email or address. ADMIN members are not offered the page.
 */
import {
  createCustomer,
  createStaffMember,
  GraphqlClient,
  signInMutation,
  startTestApp,
  type TestApp,
  testRateLimits,
} from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("abuse signals in the staff console", () => {
  beforeAll(async () => {
    app = await startTestApp({
      ACTIVATION_CANCEL_LOCK_MINUTES: "0",
      RATE_LIMITS: `${testRateLimits},sign-in.account=1000/900/900,sign-in.account-backoff=1000/60`,
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("P12: a support member sees today's signal rows, with no email or account id on the page", async () => {
    const customer = await createCustomer(app, { balanceMinor: 10_000 });
    for (let i = 0; i < 5; i++) {
      const { orderNumber } = await customer.client.data(
        `mutation { orderNumber(input: { service: "telegram", country: "GB" }) { ... on OrderNumberPayload { activation { id } } } }`,
      );
      await customer.client.data(`mutation($id: ID!) { cancelActivation(id: $id) { __typename } }`, {
        id: orderNumber.activation.id,
      });
    }
    for (let i = 0; i < 5; i++) {
      await new GraphqlClient(app.url).data(signInMutation, { input: { email: customer.email, password: "wrong-password" } });
    }

    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signedInConsole(browser, app, support);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${app.url}/console/#/`);
    await page.getByRole("menuitem", { name: "Abuse signals" }).click();

    const networkRow = page.getByRole("row").filter({ hasText: "Network (day's hash)" });
    await networkRow.getByText("High cancel rate").waitFor();
    await expect(networkRow.getByText("Repeated failed sign-ins").count()).resolves.toBe(1);
    await page.getByRole("row").filter({ hasText: "telegram" }).waitFor();
    const networkKey = app.services.limits.networkKey("127.0.0.1", app.services.now());
    await expect(networkRow.getByText(`${networkKey.slice(0, 12)}…`).count()).resolves.toBe(1);

    const text = (await page.locator("body").textContent()) ?? "";
    const html = await page.content();
    for (const forbidden of [customer.email, customer.accountId, "127.0.0.1"]) {
      expect(text).not.toContain(forbidden);
      expect(html).not.toContain(forbidden);
    }
    await context.close();
  });

  it("is not offered to an admin, whose role grants no view of customers' activity", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const { context, page } = await signedInConsole(browser, app, admin);
    await page.goto(`${app.url}/console/#/`);
    await page.getByRole("menuitem").first().waitFor();
    expect(await page.getByRole("menuitem", { name: "Abuse signals" }).count()).toBe(0);
    await context.close();
  });
});
