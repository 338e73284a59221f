/**
 * The records of processing in the staff console (GDPR Art. 30): a
 * compliance reviewer opens them, reads a retention period as the database
 * holds it, and downloads them as Markdown: the file is the document the
 * staff API generates. Members of other roles do not see the page.
 */
import { readFile } from "node:fs/promises";
import { createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

/** The document without its generation time, which differs between two reads. */
const withoutGenerationTime = (markdown: string) =>
  markdown
    .split("\n")
    .filter((line) => !line.startsWith("- **Generated:**"))
    .join("\n");

describe.skipIf(browserUnavailable)("the records of processing in the staff console", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("a compliance reviewer reads the records and downloads them as the Markdown the API generates", async () => {
    // A period no seed sets: it can only come from this row.
    await app.services.db.retentionPolicy.update({
      where: { key: "sms.body" },
      data: { retentionSecs: 36 * 3600, legalBasis: "Read within a day and a half" },
    });
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });
    const { context, page } = await signedInConsole(browser, app, reviewer);

    await page.goto(`${app.url}/console/#/`);
    await page.getByRole("menuitem", { name: "Records of processing" }).click();
    await page.getByText(/^sms\.body: 36 hours after the SMS arrived, .*Basis: Read within a day and a half\.$/).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download (Markdown)" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^records-of-processing-\d{4}-\d{2}-\d{2}\.md$/);
    const file = await readFile(await download.path(), "utf8");
    expect(file).toMatch(
      /`sms\.body`: 36 hours after the SMS arrived, [^\n]*Text and code of received SMS\. Basis: Read within a day and a half\./,
    );

    const { recordsOfProcessing } = await reviewer.client.data<{ recordsOfProcessing: { markdown: string } }>(
      "query { recordsOfProcessing { markdown } }",
    );
    expect(withoutGenerationTime(file)).toBe(withoutGenerationTime(recordsOfProcessing.markdown));
    expect(file).toMatch(/^- \*\*Generated:\*\* \d{4}-\d{2}-\d{2}T/m);

    // The download went through memory only: nothing was left in the browser's storage.
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
    expect(stored).toEqual({ local: 0, session: 0 });
    await context.close();
  });

  it("is not offered to a support member", async () => {
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signedInConsole(browser, app, support);
    await page.goto(`${app.url}/console/#/`);
    await page.getByRole("menuitem", { name: "Privacy requests" }).waitFor();
    expect(await page.getByRole("menuitem", { name: "Records of processing" }).count()).toBe(0);
    await context.close();
  });
});
