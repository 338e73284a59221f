import { createCustomer, createStaffMember, startTestApp, type TestApp, type TestStaffMember } from "@smsape/api/testing";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

/** Opens the console in a fresh browser context, signed in as the staff member (sign-in itself is tested in login.test.ts). */
async function signInToConsole(
  browser: Browser,
  app: TestApp,
  staff: TestStaffMember,
): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await signedInConsole(browser, app, staff);
  await page.goto(`${app.url}/console/`);
  await page.getByText(`Test ${staff.role.toLowerCase()}`).first().waitFor();
  return { context, page };
}

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("the privacy request queue and request page in a real browser", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows an access request filed through the customer API in the queue, and lets SUPPORT confirm identity, assign and see the timeline", async () => {
    const customer = await createCustomer(app, { jurisdiction: "GDPR" });
    const { client: script } = await customer.createApiKey();
    const { requestDataCopy } = await script.data(
      `mutation { requestDataCopy { ... on PrivacyRequestPayload { privacyRequest { id status } } } }`,
    );
    const requestId = requestDataCopy.privacyRequest.id;
    expect(requestDataCopy.privacyRequest.status).toBe("IDENTITY_PENDING");

    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signInToConsole(browser, app, support);
    await page.goto(`${app.url}/console/#/privacyRequests`);
    const row = page.locator("tbody tr").filter({ hasText: "Access" });
    await row.first().waitFor();
    expect(await row.count()).toBe(1);
    await row.getByText("On track").waitFor();
    await row.getByText("Identity pending").waitFor();
    await row.first().click();
    await page.waitForURL(new RegExp(`privacyRequests/${requestId}/show`));

    await page.getByText(/Identity pending: nothing is disclosed/).waitFor();
    await page.getByRole("textbox", { name: "How you checked" }).fill("Holder called from the account's phone");
    await page.getByRole("button", { name: "Confirm identity" }).click();
    await page.getByText("Confirm the requester's identity?").waitFor();
    await page.getByRole("button", { name: "Confirm", exact: true }).click();
    await page.getByText(/Identity confirmed \(ID_DOCUMENT\)/).waitFor();

    await page.getByRole("combobox", { name: "Assignee" }).click();
    await page.getByRole("option", { name: "Test support" }).click();
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await page.getByText("Assigned", { exact: true }).waitFor();

    await page.getByRole("button", { name: "Start" }).click();
    await page.getByText(/Received → In progress/).waitFor();
    await page.getByText(/Identity pending → Received/).waitFor();
    await page.getByText("Actions for this right").waitFor();

    const stored = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(stored).toMatchObject({ status: "IN_PROGRESS", identityMethod: "ID_DOCUMENT", assigneeId: support.staffUserId });
    await context.close();
  });

  it("shows approval controls to COMPLIANCE only; SUPPORT sees that the request waits for a reviewer", async () => {
    const customer = await createCustomer(app);
    const request = await customer.requestPrivacy({ kind: "ACCESS" });
    const support = await createStaffMember(app, { role: "SUPPORT" });
    for (const [to, reasonCode] of [
      ["IN_PROGRESS", "started"],
      ["AWAITING_APPROVAL", "prepared"],
    ]) {
      const { transitionPrivacyRequest } = await support.client.data(
        `mutation($input: TransitionPrivacyRequestInput!) { transitionPrivacyRequest(input: $input) { __typename } }`,
        { input: { id: request.id, to, reasonCode } },
      );
      expect(transitionPrivacyRequest.__typename).toBe("StaffPrivacyRequestPayload");
    }

    const asSupport = await signInToConsole(browser, app, support);
    await asSupport.page.goto(`${app.url}/console/#/privacyRequests/${request.id}/show`);
    await asSupport.page.getByText("Waiting for a compliance reviewer's approval.").waitFor();
    expect(await asSupport.page.getByRole("button", { name: "Approve" }).count()).toBe(0);
    expect(await asSupport.page.getByRole("button", { name: "Reject" }).count()).toBe(0);
    await asSupport.context.close();

    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    const asCompliance = await signInToConsole(browser, app, compliance);
    await asCompliance.page.goto(`${app.url}/console/#/privacyRequests/${request.id}/show`);
    await asCompliance.page.getByRole("button", { name: "Approve" }).waitFor();
    await asCompliance.page.getByRole("button", { name: "Approve" }).click();
    await asCompliance.page.getByText("Approve: are you sure?").waitFor();
    await asCompliance.page.getByRole("button", { name: "Confirm", exact: true }).click();
    await asCompliance.page.getByText(/Awaiting approval → Completed/).waitFor();
    await asCompliance.context.close();
  });

  it("shows a customer's support message with its privacy hint, and turns it into a request in the queue", async () => {
    const customer = await createCustomer(app);
    const { contactSupport } = await customer.client.data(
      `mutation { contactSupport(input: { subject: "Leaving", body: "Please delete my account and my data." }) { __typename } }`,
    );
    expect(contactSupport.__typename).toBe("ContactSupportReceipt");
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signInToConsole(browser, app, support);
    await page.goto(`${app.url}/console/#/supportTickets`);
    const row = page.locator("tbody tr").filter({ hasText: "Leaving" });
    await row.getByText("Privacy: Deletion").waitFor();
    await row.getByRole("button", { name: "Make it a privacy request" }).click();
    await page.getByText("The ticket is now a privacy request, waiting for identity").waitFor();
    const ticket = await app.services.db.supportTicket.findFirstOrThrow({ where: { accountId: customer.accountId } });
    expect(ticket.status).toBe("CLASSIFIED");
    const request = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: ticket.privacyRequestId ?? "" } });
    expect(request).toMatchObject({ kind: "DELETION", source: "SUPPORT", status: "IDENTITY_PENDING" });
    await context.close();
  });
});
