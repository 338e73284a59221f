import { randomUUID } from "node:crypto";
import { createCustomer, createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("an account's page in the staff console", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("finds an account by address, shows it masked, unmasks it for a stated reason, and revokes a session", async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    const activation = await customer.orderNumber();
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signedInConsole(browser, app, support);

    await page.goto(`${app.url}/console/#/accounts`);
    await page.getByText("Find an account by its id or its exact email address").waitFor();
    await page.getByPlaceholder("Account id or exact email").fill(customer.email);
    await page.getByText(/^p•••@e•••\.test$/).click();

    await page.getByText(/p•••@e•••\.test \(masked\)/).waitFor();
    expect(await page.content()).not.toContain(customer.email);
    await page.getByRole("tab", { name: "Activations" }).click();
    await page.getByRole("cell", { name: "telegram" }).first().waitFor();
    expect(await page.content()).not.toContain(activation.phoneNumber);

    await page.getByRole("tab", { name: "Profile" }).click();
    await page.getByRole("button", { name: "Show personal data" }).click();
    await page.getByRole("combobox", { name: "Reason" }).click();
    await page.getByRole("option", { name: "Answering the person's support ticket" }).click();
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await page.getByText(customer.email).waitFor();
    await page.getByRole("tab", { name: "Activations" }).click();
    await page.getByText(activation.phoneNumber).waitFor();
    const revealed = await app.services.db.auditEntry.findFirst({
      where: { subjectId: customer.accountId, action: "account.personal_data_revealed" },
    });
    expect(revealed).toMatchObject({ actorId: support.staffUserId, reason: "support_ticket" });

    await page.getByRole("tab", { name: "Sessions" }).click();
    await page.getByRole("button", { name: "Revoke" }).first().click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Session revoked").waitFor();
    const afterwards = await customer.client.request(`{ viewer { id } }`);
    expect(afterwards.data?.viewer ?? null).toBeNull();
    await context.close();
  });

  it("lists the account's support tickets with their subjects masked until the audited reveal, and its legal holds for COMPLIANCE only", async () => {
    const customer = await createCustomer(app);
    const subject = `Stolen phone ${randomUUID()}`;
    const { contactSupport } = await customer.client.data(
      `mutation($input: ContactSupportInput!) { contactSupport(input: $input) { ... on ContactSupportReceipt { ticketId } } }`,
      { input: { subject, body: "Someone has my phone." } },
    );
    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    const { placeLegalHold } = await compliance.client.data(
      `mutation($input: PlaceLegalHoldInput!) { placeLegalHold(input: $input) { __typename } }`,
      { input: { scope: "ACCOUNT", accountId: customer.accountId, reasonCode: "litigation" } },
    );
    expect(placeLegalHold.__typename).not.toMatch(/Error/);

    const support = await createStaffMember(app, { role: "SUPPORT" });
    const asSupport = await signedInConsole(browser, app, support);
    await asSupport.page.goto(`${app.url}/console/#/accounts/${customer.accountId}/show`);
    await asSupport.page.getByText(/p•••@e•••\.test \(masked\)/).waitFor();
    expect(await asSupport.page.getByRole("tab", { name: "Legal holds" }).count()).toBe(0);
    await asSupport.page.getByRole("tab", { name: "Support tickets" }).click();
    const row = asSupport.page.locator("tbody tr").filter({ hasText: "(masked)" }).filter({ hasText: "Open ticket" });
    await row.first().waitFor();
    expect(await asSupport.page.content()).not.toContain(subject);
    expect(await asSupport.page.content()).not.toContain(customer.email);
    await asSupport.context.close();

    const asCompliance = await signedInConsole(browser, app, compliance);
    const page = asCompliance.page;
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${app.url}/console/#/accounts/${customer.accountId}/show`);
    await page.getByRole("tab", { name: "Legal holds" }).click();
    await page.getByRole("cell", { name: "litigation" }).waitFor();
    await page.getByRole("tab", { name: "Support tickets" }).click();
    await page.getByRole("cell", { name: "(masked)" }).first().waitFor();
    expect(await page.content()).not.toContain(subject);

    await page.getByRole("tab", { name: "Profile" }).click();
    await page.getByRole("button", { name: "Show personal data" }).click();
    await page.getByRole("combobox", { name: "Reason" }).click();
    await page.getByRole("option", { name: "Answering the person's support ticket" }).click();
    await page.getByRole("textbox", { name: "Request or ticket id (optional)" }).fill(contactSupport.ticketId);
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await page.getByText(customer.email).waitFor();
    await page.getByRole("tab", { name: "Support tickets" }).click();
    await page.getByText(subject).waitFor();
    const revealed = await app.services.db.auditEntry.findFirst({
      where: { subjectId: customer.accountId, action: "account.personal_data_revealed", actorId: compliance.staffUserId },
    });
    expect(revealed?.details).toMatchObject({ fields: expect.arrayContaining(["supportTickets.subject"]) });
    expect(JSON.stringify(revealed?.details)).not.toContain(subject);

    await page.getByRole("link", { name: "Open ticket" }).click();
    await page.waitForURL(new RegExp(`supportTickets/${contactSupport.ticketId}/show`));
    await page.getByText("Someone has my phone.").waitFor();
    await asCompliance.context.close();
  });
});
