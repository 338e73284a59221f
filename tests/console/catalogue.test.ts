/**
 * The catalogue and the pool in the staff console, at 1366x768: an ADMIN
 * imports pasted numbers and reads each line's outcome, sees availability
 * change, sets a price, is told why a code pattern is refused, and retires a
 * number after confirming. Members of other roles are not shown any of it.
 */
import { createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("the catalogue and the number pool in the staff console", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The availability table's row for a service, as the page shows it now. */
  const availabilityRow = (page: Page, service: string) =>
    page.getByRole("table", { name: "Availability per service in GB" }).getByRole("row").filter({ hasText: service });

  /** Waits until the availability row of a service shows these counts: available, quarantined, in use, retired. */
  async function availabilityShows(page: Page, service: string, counts: [number, number, number, number]) {
    const row = availabilityRow(page, service);
    await expect
      .poll(async () => (await row.getByRole("cell").allInnerTexts()).slice(2).map(Number), { timeout: 10_000 })
      .toEqual(counts);
  }

  it("an ADMIN imports numbers, sees availability change, sets a price and retires a number", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const { context, page } = await signedInConsole(browser, app, admin);
    await page.setViewportSize({ width: 1366, height: 768 });

    await page.goto(`${app.url}/console/#/`);
    await page.getByRole("menuitem", { name: "Number pool" }).click();
    await page.getByRole("combobox", { name: "Availability in" }).click();
    await page.getByRole("option", { name: "GB United Kingdom" }).click();
    // The seed gives GB 20 numbers.
    await availabilityShows(page, "telegram", [20, 0, 0, 0]);

    await page.getByRole("button", { name: "Import numbers" }).click();
    const dialog = page.getByRole("dialog", { name: "Import numbers into the pool" });
    await dialog.getByRole("combobox", { name: "Country" }).click();
    await page.getByRole("option", { name: "GB United Kingdom" }).click();
    await dialog.getByLabel("Operator route").fill("uk-mobile-1");
    await dialog
      .getByLabel("Numbers, one per line (E.164)")
      .fill(["+447400100001", "+447400100001", "07400 100003", "+4915112345678", "+44 7400 100002"].join("\n"));
    await dialog.getByText("5 of at most 1000 lines").waitFor();
    await dialog.getByRole("button", { name: "Import", exact: true }).click();

    await dialog.getByText("2 imported into GB (route uk-mobile-1); 3 not imported.").waitFor();
    const lines = dialog.getByRole("table", { name: "Outcome of each pasted line" });
    const outcomes = await lines.getByRole("row").allInnerTexts();
    expect(outcomes.slice(1).map((row) => row.split("\t").map((cell) => cell.trim()))).toEqual([
      ["1", "+447400100001", "Imported."],
      ["2", "+447400100001", "Appears earlier in this batch."],
      ["3", "07400 100003", "Not in E.164 form: write + then the country code and number, e.g. +447400123456."],
      ["4", "+4915112345678", "A number of DE, not of GB."],
      ["5", "+447400100002", "Imported."],
    ]);
    await dialog.getByRole("button", { name: "Done" }).click();
    await availabilityShows(page, "telegram", [22, 0, 0, 0]);
    expect(
      await app.services.db.virtualNumber.findMany({
        where: { operatorRoute: "uk-mobile-1" },
        select: { phoneNumber: true, countryCode: true, status: true },
        orderBy: { phoneNumber: "asc" },
      }),
    ).toEqual([
      { phoneNumber: "+447400100001", countryCode: "GB", status: "AVAILABLE" },
      { phoneNumber: "+447400100002", countryCode: "GB", status: "AVAILABLE" },
    ]);

    // Retiring asks first; the number then shows as retired and leaves the available count.
    await page.getByLabel("Number contains").fill("7400100001");
    const row = page.getByRole("row").filter({ hasText: "+447400100001" });
    await row.getByRole("button", { name: "Retire +447400100001" }).click();
    await page.getByRole("dialog").getByText("The number leaves the pool for good: it is never handed out again.").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Retire" }).click();
    await page.getByText("+447400100001 retired").waitFor();
    await row.getByText("Retired", { exact: true }).waitFor();
    await availabilityShows(page, "telegram", [21, 0, 0, 1]);
    const retired = await app.services.db.virtualNumber.findUniqueOrThrow({ where: { phoneNumber: "+447400100001" } });
    expect(retired.status).toBe("RETIRED");

    // A price: GB telegram from 45 to 60 cents.
    await page.getByRole("menuitem", { name: "Prices" }).click();
    await page.getByRole("row").filter({ hasText: "GB" }).filter({ hasText: "telegram" }).getByText("45 (USD 0.45)").click();
    await page.getByLabel("Price in minor units (USD cents)").fill("60");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("row").filter({ hasText: "telegram" }).getByText("60 (USD 0.60)").first().waitFor();
    const price = await app.services.db.price.findUniqueOrThrow({
      where: { countryCode_serviceCode: { countryCode: "GB", serviceCode: "telegram" } },
    });
    expect(price.amountMinor).toBe(60n);

    // A code pattern that could backtrack for ever is refused with the reason, and not saved.
    await page.getByRole("menuitem", { name: "Services" }).click();
    // The prices list (whose rows name services too) is gone once the services list's own column shows.
    await page.getByRole("columnheader", { name: "Code pattern" }).waitFor();
    await page.getByRole("cell", { name: "whatsapp", exact: true }).click();
    await page.getByLabel("Code pattern").fill("((\\d+)+)");
    await page.getByRole("button", { name: "Save" }).click();
    await page
      .getByText(/could take exponential time/)
      .first()
      .waitFor();
    expect((await app.services.db.service.findUniqueOrThrow({ where: { code: "whatsapp" } })).codePattern).toBeNull();

    const actions = await app.services.db.auditEntry.findMany({
      where: { actorId: admin.staffUserId, action: { in: ["virtual_numbers.imported", "virtual_number.retired", "price.set"] } },
      orderBy: { seq: "asc" },
    });
    expect(actions.map((entry) => [entry.action, entry.subjectId])).toEqual([
      ["virtual_numbers.imported", "GB/uk-mobile-1"],
      ["virtual_number.retired", retired.id],
      ["price.set", "GB/telegram"],
    ]);
    await context.close();
  });

  it.each(["SUPPORT", "COMPLIANCE"] as const)("a %s member is shown neither the catalogue nor the pool", async (role) => {
    const member = await createStaffMember(app, { role });
    const { context, page } = await signedInConsole(browser, app, member);
    await page.goto(`${app.url}/console/#/`);
    await page.getByRole("menuitem").first().waitFor();
    const menu = await page.getByRole("menuitem").allInnerTexts();
    for (const hidden of ["Number pool", "Countries", "Services", "Prices"]) expect(menu).not.toContain(hidden);
    await context.close();
  });
});
