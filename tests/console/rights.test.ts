import { createCustomer, createStaffMember, startTestApp, type TestApp, type TestStaffMember } from "@smsape/api/testing";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

/** Opens a request's page in a fresh browser context, signed in as the staff member. */
async function openRequest(
  browser: Browser,
  app: TestApp,
  staff: TestStaffMember,
  requestId: string,
): Promise<{ context: BrowserContext; page: Page; actions: Locator }> {
  const { context, page } = await signedInConsole(browser, app, staff);
  await page.goto(`${app.url}/console/#/privacyRequests/${requestId}/show`);
  await page.getByText("Actions for this right").waitFor();
  return { context, page, actions: page.getByTestId("right-actions") };
}

/** Clicks the open confirmation dialog's "Confirm" button, after checking its title. */
async function confirm(page: Page, title: string): Promise<void> {
  const dialog = page.getByRole("dialog");
  await dialog.getByText(title).waitFor();
  await dialog.getByRole("button", { name: "Confirm", exact: true }).click();
  await dialog.waitFor({ state: "detached" });
}

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("carrying out a request's right from the console's request page", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("P14: SUPPORT sends the person a copy of their data, then completes the access request", async () => {
    const customer = await createCustomer(app, { jurisdiction: "GDPR" });
    const request = await customer.requestPrivacy({ kind: "ACCESS" });
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page, actions } = await openRequest(browser, app, support, request.id);

    const before = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: request.id } });
    if (before.status === "RECEIVED") {
      await page.getByRole("button", { name: "Start", exact: true }).click();
      await page.getByText(/Received → In progress/).waitFor();
    }

    await actions.getByRole("button", { name: "Prepare and send the copy" }).click();
    await confirm(page, "Send the person a copy of their data?");
    await page.getByText("The download link was emailed to the person.").waitFor();
    const email = await app.mailbox.latest(customer.email, "Your copy of your data is ready");
    expect(email.body.length).toBeGreaterThan(0);

    await page.getByRole("button", { name: "Complete", exact: true }).click();
    await confirm(page, "Complete: are you sure?");
    await page.getByText(/In progress → Completed/).waitFor();
    const stored = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stored.status).toBe("COMPLETED");
    await context.close();
  });

  it("P16: a compliance reviewer prepares the erasure plan and cannot approve it; a second reviewer approves and runs it, then closes the request", async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    const request = await customer.requestPrivacy({ kind: "DELETION", currentPassword: customer.password });
    const [preparer, approver] = [
      await createStaffMember(app, { role: "COMPLIANCE" }),
      await createStaffMember(app, { role: "COMPLIANCE" }),
    ];

    const first = await openRequest(browser, app, preparer, request.id);
    const stored = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: request.id } });
    if (stored.status === "RECEIVED") {
      await first.page.getByRole("button", { name: "Start", exact: true }).click();
      await first.page.getByText(/Received → In progress/).waitFor();
    }
    await first.actions.getByRole("button", { name: "Prepare plan" }).click();
    await confirm(first.page, "Prepare an erasure plan?");
    await first.page.getByText("The plan is ready for review.").waitFor();
    await first.actions
      .getByRole("table", { name: "Erasure plan" })
      .getByRole("cell", { name: "Account", exact: true })
      .waitFor();
    await first.actions.getByText("PREPARED").waitFor();
    expect(await first.actions.getByRole("button", { name: "Approve" }).isDisabled()).toBe(true);
    expect(await first.actions.getByRole("button", { name: "Run" }).isDisabled()).toBe(true);

    await first.page.getByRole("button", { name: "Send for approval" }).click();
    await first.page.getByText(/In progress → Awaiting approval/).waitFor();
    expect(await first.actions.getByRole("button", { name: "Approve" }).isDisabled()).toBe(true);
    const plan = await app.services.db.erasurePlan.findFirstOrThrow({ where: { requestId: request.id } });
    expect(plan).toMatchObject({ status: "PREPARED", preparedBy: preparer.staffUserId });
    await first.context.close();

    // Support staff see the plan, but approving and running it are not theirs to do.
    const support = await openRequest(browser, app, await createStaffMember(app, { role: "SUPPORT" }), request.id);
    await support.actions.getByText("PREPARED").waitFor();
    expect(await support.actions.getByRole("button", { name: "Approve" }).count()).toBe(0);
    expect(await support.actions.getByRole("button", { name: "Run" }).count()).toBe(0);
    await support.context.close();

    const second = await openRequest(browser, app, approver, request.id);
    await second.actions.getByText("PREPARED").waitFor();
    await second.actions.getByRole("button", { name: "Approve" }).click();
    await confirm(second.page, "Approve this erasure plan?");
    await second.actions.getByText("APPROVED").waitFor();
    await second.actions.getByRole("button", { name: "Run" }).click();
    await confirm(second.page, "Run the erasure now?");
    await second.page.getByText("The account was erased.").waitFor();
    await second.actions.getByText(/nothing of the person remains/).waitFor();

    expect(await app.services.db.account.findFirst({ where: { email: customer.email } })).toBeNull();
    expect(await app.services.db.account.count({ where: { id: customer.accountId } })).toBe(0);
    const ran = await app.services.db.erasurePlan.findUniqueOrThrow({ where: { id: plan.id } });
    expect(ran).toMatchObject({ status: "COMPLETED", approvedBy: approver.staffUserId, ranBy: approver.staffUserId });

    // The request itself is closed by the reviewer's approval in its own section, outside the plan's controls.
    await second.page.reload();
    await second.actions.getByText(/nothing of the person remains/).waitFor();
    const approval = second.page
      .locator(".MuiCard-root.MuiPaper-outlined")
      .filter({ has: second.page.getByRole("heading", { name: "Approval" }) });
    await approval.getByRole("button", { name: "Approve", exact: true }).click();
    await confirm(second.page, "Approve: are you sure?");
    await second.page.getByText(/Awaiting approval → Completed/).waitFor();
    const closed = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(closed.status).toBe("COMPLETED");
    await second.context.close();
  });

  it("P17: SUPPORT restricts the account from the page; only COMPLIANCE lifts it, after the person is told", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const request = await customer.requestPrivacy({ kind: "RESTRICTION", details: "Please stop using my data for now" });
    const [support, reviewer] = [
      await createStaffMember(app, { role: "SUPPORT" }),
      await createStaffMember(app, { role: "COMPLIANCE" }),
    ];

    const asSupport = await signedInConsole(browser, app, support);
    await asSupport.page.goto(`${app.url}/console/#/privacyRequests`);
    const row = asSupport.page.locator("tbody tr").filter({ hasText: "Restriction" });
    await row.first().click();
    await asSupport.page.waitForURL(new RegExp(`privacyRequests/${request.id}/show`));
    const supportActions = asSupport.page.getByTestId("right-actions");
    await supportActions.getByRole("button", { name: "Restrict", exact: true }).click();
    await confirm(asSupport.page, "Restrict this account?");
    await asSupport.page.getByText("The account is restricted.").waitFor();
    const restricted = await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } });
    expect(restricted.restrictedAt).not.toBeNull();

    await supportActions.getByRole("button", { name: "Lift restriction" }).click();
    await confirm(asSupport.page, "Lift the restriction?");
    await asSupport.page.getByText("You are not allowed to do that.", { exact: false }).first().waitFor();
    const stillRestricted = await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } });
    expect(stillRestricted.restrictedAt).not.toBeNull();
    await asSupport.context.close();

    const asReviewer = await openRequest(browser, app, reviewer, request.id);
    await asReviewer.actions.getByRole("button", { name: "Lift restriction" }).click();
    await confirm(asReviewer.page, "Lift the restriction?");
    await asReviewer.page.getByText("The restriction is lifted.").waitFor();
    const notice = await app.mailbox.latest(customer.email, "The restriction on your account is being lifted");
    expect(notice.body).toContain("restriction is lifted");
    const lifted = await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } });
    expect(lifted.restrictedAt).toBeNull();
    await asReviewer.context.close();
  });

  it("P15: SUPPORT corrects the account's jurisdiction through the form and sees the value before and after", async () => {
    const customer = await createCustomer(app);
    const request = await customer.requestPrivacy({ kind: "CORRECTION", details: "I live in the EU" });
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page, actions } = await openRequest(browser, app, support, request.id);
    const before = await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } });
    expect(before.jurisdiction).toBe("OTHER");

    await actions.getByRole("textbox", { name: "Correct value" }).fill("GDPR");
    await actions.getByRole("button", { name: "Apply", exact: true }).click();
    await confirm(page, "Apply this correction?");
    await page.getByText("The correction was applied.").waitFor();
    const row = actions.getByRole("table", { name: "Corrections applied" }).locator("tbody tr");
    await row.first().waitFor();
    expect(await row.locator("td").allTextContents()).toEqual(["Account.jurisdiction", "OTHER", "GDPR", expect.any(String)]);

    const after = await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } });
    expect(after.jurisdiction).toBe("GDPR");
    const correction = await app.services.db.privacyCorrection.findFirstOrThrow({ where: { requestId: request.id } });
    expect(correction).toMatchObject({ model: "Account", field: "jurisdiction", beforeValue: "OTHER", afterValue: "GDPR" });
    await context.close();
  });
});
