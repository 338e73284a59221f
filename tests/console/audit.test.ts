import { createCustomer, createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

/** Changes the log as someone with superuser rights could: the append-only trigger is off for that transaction. */
async function tamper(sql: string) {
  await app.services.db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    await tx.$executeRawUnsafe(sql);
  });
}

describe.skipIf(browserUnavailable)("the audit log page in a real browser", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("lists entries, verifies the chain, and shows the broken link once a row is changed in the database", async () => {
    const customer = await createCustomer(app);
    const request = await customer.requestPrivacy({ kind: "ACCESS" });
    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    const { context, page } = await signedInConsole(browser, app, compliance);

    await page.goto(`${app.url}/console/#/auditEntries`);
    const requestRow = page.getByRole("row").filter({ hasText: request.id });
    await requestRow.filter({ hasText: "privacy_request.created" }).waitFor();

    const total = await app.services.db.auditEntry.count();
    await page.getByRole("button", { name: "Verify chain" }).click();
    await page.getByText(`Chain verified: ${total} entries checked.`).waitFor();
    // The verification is itself in the log, at the top once the list refreshes.
    await page.getByRole("row").filter({ hasText: "audit_chain.verified" }).first().waitFor();

    // Filtering by subject leaves only the request's entries.
    await page.getByRole("textbox", { name: "Subject id" }).fill(request.id);
    await page.getByRole("row").filter({ hasText: "audit_chain.verified" }).first().waitFor({ state: "detached" });
    expect(await page.getByRole("row").filter({ hasText: "privacy_request.created" }).count()).toBe(1);

    const entry = await app.services.db.auditEntry.findFirstOrThrow({
      where: { subjectId: request.id, action: "privacy_request.created" },
    });
    const position = await app.services.db.auditEntry.count({ where: { seq: { lte: entry.seq } } });
    await tamper(`UPDATE "AuditEntry" SET "subjectId" = '${customer.accountId}' WHERE seq = ${entry.seq}`);
    try {
      await page.getByRole("button", { name: "Verify chain" }).click();
      const alert = page.getByRole("alert").filter({ hasText: "Broken link" });
      await alert.waitFor();
      expect(await alert.textContent()).toContain(
        `Broken link at position ${position} (seq ${entry.seq}): its content was changed after it was written.`,
      );
    } finally {
      await tamper(`UPDATE "AuditEntry" SET "subjectId" = '${request.id}' WHERE seq = ${entry.seq}`);
    }
    await context.close();
  });
});
