import { startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("the staff console in a real browser", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the login page at /console and refuses a wrong password with the server's message", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/console/`);
    await page.waitForURL(/#\/login/);
    await page.getByText("SMSAPE staff console").first().waitFor();

    await page.getByRole("textbox", { name: "Email" }).fill("support@smsape.test");
    await page.locator("input[type=password]").fill("not-the-password");
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.getByText("The email or password is not right.").waitFor();
    await page.close();
  });

  it("signs a demo staff member in and shows who is signed in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/console/`);
    await page.getByRole("textbox", { name: "Email" }).fill("compliance@smsape.test");
    await page.locator("input[type=password]").fill("compliance-demo-password");
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.getByText("Casey Compliance").first().waitFor();
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name)).toEqual(["smsape_staff"]);
    expect(cookies[0]?.httpOnly).toBe(true);
    await context.close();
  });
});
