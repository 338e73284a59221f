import { randomUUID } from "node:crypto";
import { createCustomer, createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("support tickets in the staff console", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("SUPPORT opens a customer's ticket, replies (the customer receives it by email), closes it, then turns another ticket into a privacy request and lands on it", async () => {
    const customer = await createCustomer(app);
    const subject = `Order ${randomUUID().slice(0, 8)}`;
    const { contactSupport } = await customer.client.data(
      `mutation($input: ContactSupportInput!) { contactSupport(input: $input) { ... on ContactSupportReceipt { ticketId } } }`,
      { input: { subject, body: "My code never came and I was charged." } },
    );
    const ticketId: string = contactSupport.ticketId;
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signedInConsole(browser, app, support);

    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${app.url}/console/#/supportTickets`);
    const row = page.locator("tbody tr").filter({ hasText: subject });
    await row.getByText("Open", { exact: true }).waitFor();
    await row.getByText(/^Waiting \d+ min$/).waitFor();
    await row.getByText(subject).click();
    await page.waitForURL(new RegExp(`supportTickets/${ticketId}/show`));
    await page.getByText("My code never came and I was charged.").waitFor();

    const replyText = `We refunded your order; reference ${randomUUID()}.`;
    await page.getByRole("textbox", { name: "Reply" }).fill(replyText);
    await page.getByRole("button", { name: "Send reply" }).click();
    await page.getByText("The reply was sent").waitFor();
    await page.getByText(/Test support replied/).waitFor();
    await page.getByText(replyText).waitFor();
    const email = await app.mailbox.latest(customer.email, "A reply from SMSAPE support");
    expect(email.body).toContain(replyText);

    await page.getByRole("button", { name: "Close ticket" }).click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("The ticket was closed").waitFor();
    await page.getByText("This ticket is closed. Reopen it to reply.").waitFor();
    expect((await app.services.db.supportTicket.findUniqueOrThrow({ where: { id: ticketId } })).status).toBe("CLOSED");

    const { contactSupport: second } = await customer.client.data(
      `mutation { contactSupport(input: { subject: "Leaving", body: "Please delete my account and my data." }) {
        ... on ContactSupportReceipt { ticketId } } }`,
    );
    await page.goto(`${app.url}/console/#/supportTickets/${second.ticketId}/show`);
    await page.getByText("Privacy: Deletion").waitFor();
    await page.getByRole("button", { name: "Make it a privacy request" }).click();
    await page.waitForURL(/privacyRequests\/[0-9a-f-]+\/show/);
    const classified = await app.services.db.supportTicket.findUniqueOrThrow({ where: { id: second.ticketId } });
    expect(classified.status).toBe("CLASSIFIED");
    expect(page.url()).toContain(`privacyRequests/${classified.privacyRequestId}/show`);
    await page
      .getByText(/Identity pending/)
      .first()
      .waitFor();
    await page.getByRole("link", { name: "From a support ticket" }).waitFor();

    // Back in the list, the converted ticket links to its request.
    await page.goto(`${app.url}/console/#/supportTickets`);
    await page.getByRole("combobox", { name: "Status" }).click();
    await page.getByRole("option", { name: "Classified" }).click();
    const converted = page.locator("tbody tr").filter({ hasText: "Leaving" });
    await converted.getByText("Privacy request", { exact: true }).waitFor();
    await converted.getByRole("link", { name: "Open its privacy request" }).click();
    await page.waitForURL(new RegExp(`privacyRequests/${classified.privacyRequestId}/show`));
    await context.close();
  });
});
