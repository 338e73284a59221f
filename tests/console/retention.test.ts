/**
 * Retention in the staff console (P8): a compliance reviewer reads the SMS
 * body policy, sees what a dry run would remove, holds one customer's data,
 * runs the purge and reads its report, while the database shows the held
 * body kept and the others cleared; changing a period shows its impact
 * before it is saved; support members are not shown any of it.
 */
import { createCustomer, createStaffMember, GraphqlClient, minutes, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

const hours = (count: number) => minutes(60 * count);

/** A customer with one activation and one SMS, received at the test clock's now. */
async function customerWithSms(text: string) {
  const customer = await createCustomer(app, { balanceMinor: 500 });
  const activation = await customer.orderNumber({ country: "GB" });
  const { messageId } = await activation.receiveSms(text);
  return { customer, messageId };
}

/** SMS bodies still stored whose clock started before `cutoff`: what the sms.body purge would clear. */
const bodiesOlderThan = (cutoff: Date) =>
  app.services.db.smsMessage.count({ where: { purgedAt: null, receivedAt: { lt: cutoff } } });

const bodyOf = async (messageId: string) =>
  (await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: messageId } })).bodyCiphertext;

const records = (count: number) => `${count} record${count === 1 ? "" : "s"}`;

/** Waits until a show page's field (react-admin gives each a `ra-field-<source>` class) shows `value`. */
const fieldShows = (page: Page, source: string, value: string) =>
  page.locator(`.ra-field-${source}`).getByText(value, { exact: true }).waitFor();

describe.skipIf(browserUnavailable)("retention in the staff console", () => {
  beforeAll(async () => {
    // The tests move the clock by hours: sessions must outlive that.
    app = await startTestApp({ SESSION_IDLE_MINUTES: String(2 * 24 * 60), SESSION_ABSOLUTE_MINUTES: String(2 * 24 * 60) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("P8: a dry run counts the SMS bodies past six hours; a purge run from the console clears them but the held account's, and reports it", async () => {
    const held = await customerWithSms("Your code is 111222");
    const others = [await customerWithSms("Your code is 333444"), await customerWithSms("Your code is 555666")];
    app.clock.advance(hours(7));
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });
    const { context, page } = await signedInConsole(browser, app, reviewer);
    const due = await bodiesOlderThan(new Date(app.clock.now().getTime() - hours(6)));
    expect(due).toBeGreaterThanOrEqual(3);

    await page.goto(`${app.url}/console/#/`);
    await page.getByRole("menuitem", { name: "Retention policies" }).click();
    const smsRow = page.getByRole("row").filter({ hasText: "Text and code of received SMS" });
    for (const cell of ["sms.body", "6 hours", "SMS received", "Anonymise", "Never run"]) {
      await smsRow.getByRole("cell", { name: cell, exact: true }).waitFor();
    }
    await page.getByRole("row").filter({ hasText: "email.outbox" }).getByText("90 days").waitFor();
    await smsRow.getByText("sms.body").click();

    await page.getByText("sms.body: Text and code of received SMS").waitFor();
    await page.getByText(/^Service delivery: a code is read within minutes/).waitFor();
    await page.getByRole("button", { name: "Dry run" }).click();
    await page.getByText(`${records(due)} would be removed now (${due} due, 0 held back by legal holds)`).waitFor();

    // The hold is placed from the holds page, on the account's id.
    await page.getByRole("menuitem", { name: "Legal holds" }).click();
    await page.getByRole("link", { name: "Place a hold" }).click();
    // The list has an "Account id" filter too: fill the form's once it is there.
    await page.getByRole("radio", { name: "One account" }).waitFor();
    await page.getByLabel("Account id").fill(held.customer.accountId);
    await page.getByLabel("Reason code").fill("litigation");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText(`Legal hold on Account ${held.customer.accountId}`).waitFor();
    const hold = await app.services.db.legalHold.findFirstOrThrow({ where: { accountId: held.customer.accountId } });
    expect(hold).toMatchObject({ scope: "ACCOUNT", reasonCode: "litigation", placedById: reviewer.staffUserId, liftedAt: null });

    await page.goto(`${app.url}/console/#/retentionPolicies/sms.body/show`);
    await page.getByRole("button", { name: "Dry run" }).click();
    await page.getByText(`${records(due - 1)} would be removed now (${due} due, 1 held back by legal holds)`).waitFor();
    await page.getByRole("button", { name: "Run purge now" }).click();
    await page.getByRole("button", { name: "Run purge", exact: true }).click();
    await page
      .getByText(`Purge completed: ${due} examined, 0 deleted, ${due - 1} anonymised, 1 held back`)
      .waitFor({ timeout: 20_000 });

    expect(await bodyOf(held.messageId)).not.toBeNull();
    for (const other of others) expect(await bodyOf(other.messageId)).toBeNull();
    const run = await app.services.db.purgeRun.findFirstOrThrow({ where: { policyKey: "sms.body" } });
    expect(run).toMatchObject({
      trigger: "STAFF",
      startedById: reviewer.staffUserId,
      status: "COMPLETED",
      anonymisedCount: due - 1,
      heldBackCount: 1,
    });

    await page.getByRole("link", { name: "Open the report" }).click();
    await page.getByText("Purge report: Completed").waitFor();
    await fieldShows(page, "policyKey", "sms.body");
    await fieldShows(page, "examined", String(due));
    await fieldShows(page, "anonymised", String(due - 1));
    await fieldShows(page, "heldBack", "1");
    await fieldShows(page, "deleted", "0");

    // The runs list shows it, and the policy's list row its last run.
    await page.getByRole("menuitem", { name: "Purge runs" }).click();
    await page.getByRole("row").filter({ hasText: "Staff member" }).filter({ hasText: "sms.body" }).waitFor();
    await page.getByRole("menuitem", { name: "Retention policies" }).click();
    await page.getByText(`${due - 1} anonymised, 1 held back`).waitFor();

    // Lifting asks for a reason code.
    await page.getByRole("menuitem", { name: "Legal holds" }).click();
    await page.getByRole("cell", { name: "litigation" }).click();
    await page.getByRole("button", { name: "Lift", exact: true }).click();
    await page.getByRole("dialog").getByLabel("Reason code").fill("case_closed");
    await page.getByRole("button", { name: "Lift hold" }).click();
    await page.getByText("Legal hold lifted").waitFor();
    await fieldShows(page, "liftReason", "case_closed");
    await fieldShows(page, "active", "Lifted");
    expect(await app.services.db.legalHold.findUniqueOrThrow({ where: { id: hold.id } })).toMatchObject({
      liftReason: "case_closed",
      liftedById: reviewer.staffUserId,
    });

    // Nothing of this stays in the browser but what its storage list names (P19).
    const { browserStorage } = await new GraphqlClient(app.url, "/admin/graphql").data<{
      browserStorage: Array<{ name: string; kind: string }>;
    }>("{ browserStorage { name kind } }");
    const listed = browserStorage.map((entry) => entry.name);
    expect((await context.cookies()).map((cookie) => cookie.name)).toEqual(["smsape_staff"]);
    const stored = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]);
    for (const key of stored) expect(listed).toContain(key);
    await context.close();
  });

  it("shows the impact of a new period before saving it; the policy then keeps the new period and the change is audited", async () => {
    await customerWithSms("Your code is 777888");
    app.clock.advance(hours(3));
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });
    const { context, page } = await signedInConsole(browser, app, reviewer);

    await page.goto(`${app.url}/console/#/retentionPolicies/sms.body/show`);
    // The edit form shows the policy from the page's cache, then again when its own read returns: type after that.
    const policyRead = page.waitForResponse(
      (response) =>
        response.url().endsWith("/admin/graphql") &&
        (response.request().postData() ?? "").includes('"operationName":"RetentionPolicy"'),
    );
    await page.getByRole("link", { name: "Change period" }).click();
    await policyRead;
    const amount = page.getByLabel("Keep for");
    for (let tries = 0; (await amount.inputValue()) !== "6"; tries++) {
      if (tries > 100) throw new Error("the edit form never loaded the policy");
      await page.waitForTimeout(100);
    }
    await amount.fill("2");
    await page.getByLabel("Reason code").fill("dpo_decision");
    const save = page.getByRole("button", { name: "Save period" });
    expect(await save.isDisabled()).toBe(true);
    await page.getByText("Preview the impact of this period to save it.").waitFor();

    await page.getByRole("button", { name: "Preview impact" }).click();
    const removed = await bodiesOlderThan(new Date(app.clock.now().getTime() - hours(2)));
    expect(removed).toBeGreaterThanOrEqual(1);
    await page.getByText(`${records(removed)} would be removed now with 2 hours (0 more held back by legal holds)`).waitFor();
    expect(await save.isDisabled()).toBe(false);
    // The proposal changed: its impact must be seen again.
    await amount.fill("3");
    expect(await save.isDisabled()).toBe(true);
    await amount.fill("2");
    await save.click();

    await page.getByText("Retention period saved").waitFor();
    await page.getByRole("button", { name: "Dry run" }).waitFor();
    await page.getByText("2 hours", { exact: true }).waitFor();
    expect(await app.services.db.retentionPolicy.findUniqueOrThrow({ where: { key: "sms.body" } })).toMatchObject({
      retentionSecs: 2 * 3600,
      updatedById: reviewer.staffUserId,
    });
    const entry = await app.services.db.auditEntry.findFirstOrThrow({
      where: { action: "retention_policy.updated", subjectId: "sms.body" },
    });
    expect(entry).toMatchObject({ actorId: reviewer.staffUserId, reason: "dpo_decision" });
    expect(entry.details).toMatchObject({ fromSecs: 6 * 3600, toSecs: 2 * 3600 });
    // Nothing was purged by changing the period.
    expect(await bodiesOlderThan(new Date(app.clock.now().getTime() - hours(2)))).toBe(removed);

    // A failure reads as the API says it.
    await page.goto(`${app.url}/console/#/retentionPolicies/sms.subject/show`);
    await page.getByText("The retention policy was not found.").waitFor();
    await context.close();
  });

  it("does not show retention, purge runs or legal holds to a support member", async () => {
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signedInConsole(browser, app, support);
    await page.goto(`${app.url}/console/#/`);
    await page.getByRole("menuitem", { name: "Privacy requests" }).waitFor();
    for (const entry of ["Retention policies", "Purge runs", "Legal holds"]) {
      expect(await page.getByRole("menuitem", { name: entry }).count()).toBe(0);
    }
    await context.close();
  });
});
