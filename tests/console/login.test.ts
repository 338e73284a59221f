import { demoStaff } from "@smsape/api/demo";
import { createStaffMember, startTestApp, type TestApp, totpCode } from "@smsape/api/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

function demoMember(email: string) {
  const member = demoStaff.find((staff) => staff.email === email);
  if (!member) throw new Error(`No demo member ${email}`);
  return member;
}

/** Types email and password on the login page, as a person does. */
async function enterPassword(page: Page, email: string, password: string) {
  await page.goto(`${app.url}/console/`);
  await page.waitForURL(/#\/login/);
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.locator("input[type=password]").fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
}

/** Signs in through the login page: password, then the authenticator's code. */
async function signInWithTotp(page: Page, member: { email: string; password: string }, code: () => string) {
  await enterPassword(page, member.email, member.password);
  await page.getByRole("textbox", { name: "Authenticator code" }).fill(code());
  await page.getByRole("button", { name: "Verify" }).click();
}

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
    await enterPassword(page, "support@smsape.test", "not-the-password");
    await page.getByText("The email or password is not right.").waitFor();
    await page.close();
  });

  it("P20: signs a demo staff member in with password and authenticator code, refusing a wrong code", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const compliance = demoMember("compliance@smsape.test");
    await enterPassword(page, compliance.email, compliance.password);
    const codeField = page.getByRole("textbox", { name: "Authenticator code" });
    const right = totpCode(compliance.totpSecret, app.services.now());
    await codeField.fill(right === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("That code is not right").waitFor();
    expect(await context.cookies()).toEqual([]);

    await codeField.fill(totpCode(compliance.totpSecret, app.services.now()));
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByText("Casey Compliance").first().waitFor();
    const cookies = await context.cookies();
    expect(cookies.map((cookie) => cookie.name)).toEqual(["smsape_staff"]);
    expect(cookies[0]?.httpOnly).toBe(true);
    await context.close();
  });

  it("P20: a new member enrols from the QR code and is shown their recovery codes once, confirming they saved them", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const email = `console-new-${Date.now()}@example.test`;
    const password = "console-initial-1";
    await admin.client.data(`mutation($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { __typename } }`, {
      input: { email, displayName: "Nova Newcomer", role: "SUPPORT", password },
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    await enterPassword(page, email, password);
    const qr = page.getByRole("img", { name: "QR code for your authenticator app" });
    await qr.waitFor();
    expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    const secret = (await page.getByTestId("totp-secret").textContent()) ?? "";
    await page.getByRole("textbox", { name: "Authenticator code" }).fill(totpCode(secret, app.services.now()));
    await page.getByRole("button", { name: "Confirm" }).click();

    const codes = page.getByTestId("recovery-codes").getByRole("listitem");
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const proceed = page.getByRole("button", { name: "Continue to the console" });
    expect(await proceed.isDisabled()).toBe(true);
    await page.getByRole("checkbox", { name: "I saved them" }).check();
    await proceed.click();
    await page.getByText("Welcome, Nova Newcomer").waitFor();
    await context.close();
  });

  it("P5: an ADMIN disables a member from the staff page, and the member's open console goes back to the login page", async () => {
    const member = await createStaffMember(app, { role: "SUPPORT" });
    // The enrolment used this time step's code.
    app.clock.advance(30_000);
    const memberContext = await browser.newContext();
    const memberPage = await memberContext.newPage();
    await signInWithTotp(memberPage, member, member.currentCode);
    await memberPage.getByText("Welcome, Test support").waitFor();

    const adminContext = await browser.newContext();
    const adminPage = await adminContext.newPage();
    const admin = demoMember("admin@smsape.test");
    await signInWithTotp(adminPage, admin, () => totpCode(admin.totpSecret, app.services.now()));
    await adminPage.getByRole("menuitem", { name: "Staff" }).click();
    await adminPage.getByText(member.email).click();
    await adminPage.getByRole("button", { name: "Disable", exact: true }).click();
    await adminPage.getByText("They are signed out everywhere at once").waitFor();
    await adminPage.getByRole("button", { name: "Confirm" }).click();
    await adminPage.getByText("Staff member disabled; their sessions ended.").waitFor();

    // The member's next request is refused and the console asks them to sign in again.
    await memberPage.reload();
    await memberPage.waitForURL(/#\/login/);
    await memberPage.getByRole("textbox", { name: "Email" }).waitFor();
    await memberContext.close();
    await adminContext.close();
  });

  it("P5: a SUPPORT member sees no staff menu", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const support = demoMember("support@smsape.test");
    await signInWithTotp(page, support, () => totpCode(support.totpSecret, app.services.now()));
    await page.getByText("Welcome, Sam Support").waitFor();
    expect(await page.getByRole("menuitem", { name: "Staff" }).count()).toBe(0);
    await context.close();
  });
});
