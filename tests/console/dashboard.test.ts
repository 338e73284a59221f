/**
 * The staff console's dashboard and its live queue in a real browser: each
 * widget's numbers match the data seeded through the domain (requests on
 * both clocks, a purge run, an incident, the audit chain's verification and
 * checkpoint), each links to the list behind it, widgets show only to roles
 * that may read their data, and a request filed by a customer reaches an
 * open queue (and a second member's request page) without a reload.
 */
import { createCustomer, createStaffMember, minutes, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeAuditCheckpoint } from "../../api/src/domain/audit/checkpoints.ts";
import { runScheduledPurges } from "../../api/src/domain/retention/purges.ts";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

const hours = (count: number) => minutes(60 * count);
/**
 * The console prints instants in the viewer's language and time zone: this
 * viewer reads British English in India (UTC+05:30, so a UTC rendering, or the
 * server's zone, would show other hours).
 */
const viewer = { locale: "en-GB", timezoneId: "Asia/Kolkata" };
const when = (date: Date) =>
  new Intl.DateTimeFormat(viewer.locale, { dateStyle: "medium", timeStyle: "short", timeZone: viewer.timezoneId }).format(date);

let app: TestApp;
let browser: Browser;

/** A widget is a section named by its heading. */
const widget = (page: Page, title: string | RegExp) => page.getByRole("region", { name: title });

describe.skipIf(browserUnavailable)("the staff console's dashboard", () => {
  beforeAll(async () => {
    // The clock moves by days: customers' sessions must outlive that.
    app = await startTestApp({ SESSION_IDLE_MINUTES: String(7 * 24 * 60), SESSION_ABSOLUTE_MINUTES: String(7 * 24 * 60) });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows COMPLIANCE the requests on each clock, requests per state and right, purges, incidents and the audit chain, each linked to its list", async () => {
    // Two requests filed now will be overdue; one filed 30 hours later will be due soon.
    const first = await createCustomer(app, { balanceMinor: 500 });
    const overdueAccess = await first.requestPrivacy({ kind: "ACCESS" });
    const overdueObjection = await first.requestPrivacy({ kind: "OBJECTION", details: "No marketing emails" });
    const activation = await first.orderNumber({ country: "GB" });
    await activation.receiveSms("Your code is 551177");
    app.clock.advance(hours(30));
    const dueSoonRestriction = await (await createCustomer(app)).requestPrivacy({ kind: "RESTRICTION" });
    // Two hours before the later request's clock: the first two are past theirs, which come 30 hours sooner.
    app.clock.advance(dueSoonRestriction.dueAt.getTime() - app.clock.now().getTime() - hours(2));
    expect(overdueAccess.dueAt.getTime()).toBeLessThan(app.clock.now().getTime());

    // The SMS body is past its retention period: the scheduled purge removes it.
    const runs = await runScheduledPurges(app.services);
    const removed = runs.reduce((sum, run) => sum + run.deletedCount + run.anonymisedCount, 0);
    const smsRemoved = runs
      .filter((run) => run.policyKey === "sms.body")
      .reduce((sum, run) => sum + run.deletedCount + run.anonymisedCount, 0);
    expect(smsRemoved).toBeGreaterThan(0);

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
          nature: "Partner received a support export",
          dataCategories: ["EMAIL_ADDRESSES"],
        },
      },
    );
    const { verifyAuditChain } = await staff.client.data(
      `mutation { verifyAuditChain { ... on AuditChainVerification { valid entries } } }`,
    );
    expect(verifyAuditChain.valid).toBe(true);
    const checkpoint = await writeAuditCheckpoint(app.services);
    if (!checkpoint) throw new Error("no checkpoint was written");

    const { context, page } = await signedInConsole(browser, app, staff, viewer);
    // The browser's clock reads the service's: the relative clocks count from it.
    await page.clock.setFixedTime(app.clock.now());
    await page.goto(`${app.url}/console/`);

    const clocks = widget(page, "Requests due soon and overdue");
    await clocks.getByRole("link", { name: "2 overdue" }).waitFor();
    await clocks.getByRole("link", { name: "1 due soon" }).waitFor();
    // Both clocks of each request: the answer the policy promises and the legal deadline.
    const overdueRows = clocks.getByRole("table", { name: "Overdue requests" }).locator("tbody tr");
    expect(await overdueRows.count()).toBe(2);
    const accessRow = overdueRows.filter({ hasText: "Access · Received" });
    // Each deadline in the viewer's zone, with how long ago it passed or how long is left.
    await accessRow.getByText(new RegExp(`^${when(overdueAccess.slaDueAt)} \\(\\d+ (hours|days) ago\\)$`)).waitFor();
    await accessRow.getByText(new RegExp(`^${when(overdueAccess.legalDueAt)} \\(in \\d+ days\\)$`)).waitFor();
    const dueSoonRow = clocks.getByRole("table", { name: "Requests due soon" }).locator("tbody tr");
    await dueSoonRow.filter({ hasText: "Restriction · Received" }).getByText("Due soon").waitFor();

    // Three requests received over two days, all still Received, one of each right.
    const byState = widget(page, /by state/);
    await byState.getByRole("link", { name: "Received: 3" }).waitFor();
    const byRight = widget(page, /by right/);
    for (const right of ["Access: 1", "Objection: 1", "Restriction: 1"])
      await byRight.getByRole("link", { name: right }).waitFor();
    expect(await byRight.locator(".recharts-bar-rectangle").count()).toBeGreaterThan(0);

    const purges = widget(page, /Purge runs/);
    await purges.getByText(`${runs.length} runs, ${removed} rows removed`).waitFor();
    const smsRun = purges.locator("tbody tr").filter({ hasText: "sms.body" });
    expect(Number(await smsRun.locator("td").nth(2).textContent())).toBe(smsRemoved);

    const incidents = widget(page, "Open incidents");
    await incidents.getByText("1 open").waitFor();
    await incidents.getByRole("link", { name: openIncident.data.reference }).waitFor();
    await incidents.getByText(/On track: 7[12] h left/).waitFor();

    const audit = widget(page, "Audit chain");
    await audit.getByText(`${verifyAuditChain.entries} entries, chain intact`, { exact: false }).waitFor();
    await audit.getByText(`Last signed checkpoint: seq ${checkpoint.seq}`, { exact: false }).waitFor();

    // Each widget leads to the list behind it, filtered.
    await clocks.getByRole("link", { name: "2 overdue" }).click();
    await page.waitForURL(/#\/privacyRequests\?filter=/);
    expect(JSON.parse(new URL(page.url().replace("#/", "")).searchParams.get("filter") ?? "{}")).toEqual({ clock: "OVERDUE" });
    await widget(page, "Requests due soon and overdue").waitFor({ state: "detached" });
    const queueRows = page.locator("tbody tr");
    await queueRows.filter({ hasText: "Objection" }).waitFor();
    expect(await queueRows.count()).toBe(2);
    expect(await queueRows.filter({ hasText: "Restriction" }).count()).toBe(0);
    for (const request of [overdueAccess, overdueObjection]) expect(request.status).toBe("RECEIVED");

    await page.goto(`${app.url}/console/`);
    await widget(page, "Open incidents").getByRole("link", { name: "Open incidents" }).click();
    await page.waitForURL(/#\/incidents\?filter=/);
    await page.getByText(openIncident.data.reference).waitFor();

    await page.goto(`${app.url}/console/`);
    await widget(page, "Audit chain").getByRole("link", { name: "Verifications" }).click();
    await page.waitForURL(/#\/auditEntries\?filter=/);
    await page.getByText("audit_chain.verified").first().waitFor();

    await page.goto(`${app.url}/console/`);
    await widget(page, /Purge runs/)
      .getByRole("link", { name: "sms.body" })
      .click();
    await page.waitForURL(/#\/purgeRuns\?filter=/);
    expect(JSON.parse(new URL(page.url().replace("#/", "")).searchParams.get("filter") ?? "{}")).toEqual({
      policyKey: "sms.body",
    });
    await page.locator("tbody tr").filter({ hasText: "Schedule" }).first().waitFor();
    await context.close();
  });

  it("shows SUPPORT the queue's widgets only: not incidents, retention or the audit log", async () => {
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signedInConsole(browser, app, support);
    await page.goto(`${app.url}/console/`);
    await widget(page, "Requests due soon and overdue")
      .getByRole("link", { name: /overdue$/ })
      .waitFor();
    await widget(page, /by right/).waitFor();
    for (const title of ["Open incidents", /Purge runs/, "Audit chain"]) expect(await widget(page, title).count()).toBe(0);
    await context.close();
  });

  it("shows a request a customer files in an open queue within 2 seconds, without a reload, and says it is new", async () => {
    // The queue is not empty when the member opens it (an empty list shows no table).
    await (await createCustomer(app)).requestPrivacy({ kind: "ACCESS" });
    const staff = await createStaffMember(app, { role: "COMPLIANCE" });
    const { context, page } = await signedInConsole(browser, app, staff);
    const socket = page.waitForEvent("websocket");
    await page.goto(`${app.url}/console/#/privacyRequests`);
    // The console's socket subscribes once the server acknowledges it; from then on nothing filed is missed.
    await (await socket).waitForEvent("framesent", (frame) => String(frame.payload).includes('"type":"subscribe"'));
    // While loading, the list shows placeholder rows: wait for the request already filed.
    await page.locator("tbody tr").filter({ hasText: "Access" }).first().waitFor();
    const rowsBefore = await page.locator("tbody tr").count();
    // A reload would start a new document and lose this mark.
    await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));

    const customer = await createCustomer(app);
    const filed = await customer.requestPrivacy({ kind: "CORRECTION", details: "My name is spelled wrong" });
    const filedAt = Date.now();
    await page.locator("tbody tr").filter({ hasText: "Correction" }).waitFor({ timeout: 2_000 });
    expect(Date.now() - filedAt).toBeLessThan(2_000);
    expect(await page.locator("tbody tr").count()).toBe(rowsBefore + 1);
    await page.getByText("New privacy request in the queue").waitFor({ timeout: 2_000 });
    expect(await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);

    // A second member on the same request's page sees the first member's step, also without a reload.
    const other = await createStaffMember(app, { role: "SUPPORT" });
    const second = await signedInConsole(browser, app, other);
    const secondSocket = second.page.waitForEvent("websocket");
    await second.page.goto(`${app.url}/console/#/privacyRequests/${filed.id}/show`);
    await (await secondSocket).waitForEvent("framesent", (frame) => String(frame.payload).includes('"type":"subscribe"'));
    await second.page.getByText("Correction request · Received").waitFor();
    await staff.client.data(
      `mutation($input: TransitionPrivacyRequestInput!) { transitionPrivacyRequest(input: $input) { __typename } }`,
      { input: { id: filed.id, to: "IN_PROGRESS", reasonCode: "started" } },
    );
    await second.page.getByText("Correction request · In progress").waitFor({ timeout: 2_000 });
    await second.context.close();
    await context.close();
  });
});
