/**
 * The breach register in the staff console (P21): a compliance member opens
 * an incident, watches its 72-hour clock, records the decision to tell the
 * people concerned, previews the selected accounts and sends them the notice,
 * which reaches exactly those customers' mailboxes.
 */
import { createCustomer, createStaffMember, minutes, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("the breach register in the staff console", () => {
  beforeAll(async () => {
    // The test moves the clock by days: sessions must outlive that.
    app = await startTestApp({ SESSION_IDLE_MINUTES: String(7 * 24 * 60), SESSION_ABSOLUTE_MINUTES: String(7 * 24 * 60) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("P21: opens an incident, shows its clock, and notifies the selected customers by email", async () => {
    const concerned = [await createCustomer(app, { balanceMinor: 500 }), await createCustomer(app, { balanceMinor: 500 })];
    for (const customer of concerned) await customer.orderNumber({ country: "GB" });
    const elsewhere = await createCustomer(app, { balanceMinor: 500 });
    await elsewhere.orderNumber({ country: "US" });
    const staff = await createStaffMember(app, { role: "COMPLIANCE" });
    const { context, page } = await signedInConsole(browser, app, staff);

    await page.goto(`${app.url}/console/#/incidents/create`);
    await page.getByLabel("Nature of the breach").fill("Support export of GB orders sent to the wrong partner");
    await page.getByLabel("Email addresses").check();
    await page.getByLabel("Phone numbers").check();
    await page.getByLabel("People concerned (approx.)").fill("2");
    await page.getByRole("button", { name: "Save" }).click();

    await page.getByText(/^INC-\d{4}-0001: Open$/).waitFor();
    await page.getByText(/On track: 7[12] h left/).waitFor();
    const incident = await app.services.db.breachIncident.findFirstOrThrow();
    expect(incident).toMatchObject({ createdById: staff.staffUserId, dataCategories: ["EMAIL_ADDRESSES", "PHONE_NUMBERS"] });

    // Two and a half days later the clock warns; the list shows it too.
    app.clock.advance(minutes(61 * 60));
    await page.goto(`${app.url}/console/#/incidents`);
    await page.getByText(/Due soon: 1[01] h left/).waitFor();
    await page.getByText(incident.reference).click();

    await page.getByRole("button", { name: "Record people decision" }).click();
    await page.getByRole("combobox", { name: "Decision" }).click();
    await page.getByRole("option", { name: "Notify" }).click();
    await page.getByLabel("Reason").fill("Addresses and numbers together put people at risk of phishing");
    await page.getByRole("button", { name: "Record decision" }).click();
    await page.getByText("Decision: Notify: Addresses and numbers").waitFor();

    // The default window is the last day, which the clock has left behind: set it around the orders.
    // The browser runs on this machine, in its time zone: inputs take local time to the minute.
    const local = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    const now = app.clock.now().getTime();
    await page.getByLabel("From", { exact: true }).fill(local(new Date(now - minutes(62 * 60))));
    await page.getByLabel("To", { exact: true }).fill(local(new Date(now - minutes(59 * 60))));
    await page.getByLabel("Country (optional)").fill("GB");
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByText("2 accounts selected, 0 of them already notified").waitFor();

    const subject = "A security incident concerning your SMSAPE account";
    await page.getByLabel("Subject").fill(subject);
    await page.getByLabel("Notice").fill("A list of orders including your address was sent to the wrong partner.");
    await page.getByRole("button", { name: "Send notice" }).click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText("Notice sent to 2 accounts (0 already notified)").first().waitFor();
    await page.getByText(/^2 accounts notified, last at /).waitFor();

    await app.mailbox.deliver();
    for (const customer of concerned) {
      const notices = app.mailbox.to(customer.email).filter((message) => message.subject === subject);
      expect(notices).toHaveLength(1);
      expect(notices[0]!.body).toContain("sent to the wrong partner");
      expect(notices[0]!.body).toContain(incident.reference);
    }
    expect(app.mailbox.to(elsewhere.email).filter((message) => message.subject === subject)).toEqual([]);
    await context.close();
  });

  it("marks an incident contained, records that the authority was notified, and closes it once both decisions are in", async () => {
    const staff = await createStaffMember(app, { role: "COMPLIANCE" });
    const now = app.clock.now().toISOString();
    const { openIncident } = await staff.client.data(
      `mutation($input: OpenIncidentInput!) {
        openIncident(input: $input) { ... on MutationOpenIncidentSuccess { data { id reference } } }
      }`,
      {
        input: {
          discoveredAt: now,
          awareAt: now,
          nature: "Laptop with a support export stolen",
          dataCategories: ["EMAIL_ADDRESSES"],
        },
      },
    );
    const { id, reference } = openIncident.data;
    const { context, page } = await signedInConsole(browser, app, staff);

    await page.goto(`${app.url}/console/#/incidents/${id}/show`);
    // The edit form shows the incident from the page's cache at once, then again when its own read
    // returns, which resets the fields: type only after that read.
    const incidentRead = page.waitForResponse(
      (response) =>
        response.url().endsWith("/admin/graphql") && (response.request().postData() ?? "").includes('"operationName":"Incident"'),
    );
    await page.getByRole("link", { name: "Edit" }).click();
    await incidentRead;
    const nature = page.getByRole("textbox", { name: "Nature of the breach" });
    for (let tries = 0; (await nature.inputValue()) !== "Laptop with a support export stolen"; tries++) {
      if (tries > 100) throw new Error("the edit form never loaded the incident");
      await page.waitForTimeout(100);
    }
    await page.getByLabel("Measures taken or proposed").fill("Disk was encrypted; sessions revoked");
    await page.getByRole("combobox", { name: "Status" }).click();
    await page.getByRole("option", { name: "Contained" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText(`${reference}: Contained`).waitFor();
    await page.getByText("Disk was encrypted; sessions revoked").waitFor();

    // Closing before the decisions are on record is refused, with the reason.
    await page.getByRole("button", { name: "Close incident" }).click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText(/Record whether the supervisory authority is notified/).waitFor();

    await page.getByRole("button", { name: "Record authority decision" }).click();
    await page.getByRole("combobox", { name: "Decision" }).click();
    await page.getByRole("option", { name: "Notify" }).click();
    await page.getByLabel("Reason").fill("Addresses of customers in the EU");
    const local = (date: Date) => new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel(/Authority notified at/).fill(local(app.clock.now()));
    await page.getByRole("button", { name: "Record decision" }).click();
    await page.getByText("Authority notified", { exact: true }).waitFor();

    await page.getByRole("button", { name: "Record people decision" }).click();
    await page.getByRole("combobox", { name: "Decision" }).click();
    await page.getByRole("option", { name: "Not required" }).click();
    await page.getByLabel("Reason").fill("The disk was encrypted: no high risk");
    await page.getByRole("button", { name: "Record decision" }).click();
    await page.getByText("Decision: Not required: The disk was encrypted").waitFor();

    await page.getByRole("button", { name: "Close incident" }).click();
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText(`${reference}: Closed`).waitFor();
    expect(await page.getByRole("button", { name: "Close incident" }).count()).toBe(0);
    const stored = await app.services.db.breachIncident.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({ status: "CLOSED", authorityDecision: "NOTIFY", peopleDecision: "NOT_REQUIRED" });
    expect(stored.authorityNotifiedAt).not.toBeNull();
    await context.close();
  });
});
