import { createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("staff administration in the console", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("an ADMIN makes a SUPPORT member COMPLIANCE, and the member's open console shows the compliance pages at their next page, without a reload", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const member = await createStaffMember(app, { role: "SUPPORT" });
    const asMember = await signedInConsole(browser, app, member);
    await asMember.page.setViewportSize({ width: 1366, height: 768 });
    await asMember.page.goto(`${app.url}/console/`);
    await asMember.page.getByRole("menuitem", { name: "Support tickets" }).waitFor();
    expect(await asMember.page.getByRole("menuitem", { name: "Audit log" }).count()).toBe(0);

    const asAdmin = await signedInConsole(browser, app, admin);
    await asAdmin.page.setViewportSize({ width: 1366, height: 768 });
    await asAdmin.page.goto(`${app.url}/console/#/staff/${member.staffUserId}/show`);
    await asAdmin.page.getByText("Test support").first().waitFor();
    await asAdmin.page.getByRole("combobox", { name: "New role" }).click();
    await asAdmin.page.getByRole("option", { name: "Compliance" }).click();
    await asAdmin.page.getByRole("button", { name: "Change role" }).click();
    await asAdmin.page.getByText("Make Test support Compliance?").waitFor();
    await asAdmin.page.getByRole("button", { name: "Confirm" }).click();
    await asAdmin.page.getByText("Role changed.").waitFor();
    expect((await app.services.db.staffUser.findUniqueOrThrow({ where: { id: member.staffUserId } })).role).toBe("COMPLIANCE");

    // The admin's own page offers no role change.
    await asAdmin.page.goto(`${app.url}/console/#/staff/${admin.staffUserId}/show`);
    await asAdmin.page.getByText("You cannot change your own role.").waitFor();

    // Same session, no new sign-in, no reload: the member's next page has the compliance menu.
    await asMember.page.getByRole("menuitem", { name: "Privacy requests" }).click();
    await asMember.page.getByRole("menuitem", { name: "Audit log" }).waitFor({ timeout: 10_000 });
    await asMember.page.getByRole("menuitem", { name: "Audit log" }).click();
    await asMember.page.waitForURL(/#\/auditEntries/);
    await asMember.context.close();
    await asAdmin.context.close();
  });
});
