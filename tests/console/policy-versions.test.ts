import { createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("policy versions in the staff console", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("a compliance reviewer publishes a version from the form and finds it listed; support staff cannot publish", async () => {
    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    const { context, page } = await signedInConsole(browser, app, compliance);
    await page.goto(`${app.url}/console/#/policyVersions`);
    await page.getByRole("cell", { name: "2026-03-20" }).waitFor();
    await page.getByRole("link", { name: "Publish a version" }).click();
    await page.getByLabel("Version (the text's date)").fill("2029-12-31");
    await page.getByLabel("In force from").fill("2030-01-01T09:00");
    await page
      .getByLabel("Full text")
      .fill(`Privacy policy, last updated 2029-12-31. ${"We keep only what we need. ".repeat(10)}`);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "2029-12-31" }).waitFor();
    const published = await app.services.db.policyVersion.findUniqueOrThrow({ where: { version: "2029-12-31" } });
    expect(published.publishedBy).toBe(compliance.staffUserId);
    await context.close();

    const support = await createStaffMember(app, { role: "SUPPORT" });
    const asSupport = await signedInConsole(browser, app, support);
    await asSupport.page.goto(`${app.url}/console/#/policyVersions`);
    await asSupport.page.getByRole("cell", { name: "2029-12-31" }).waitFor();
    expect(await asSupport.page.getByRole("link", { name: "Publish a version" }).count()).toBe(0);
    await asSupport.context.close();
  });
});
