import { createCustomer, createStaffMember, GraphqlClient, startTestApp, type TestApp } from "@smsape/api/testing";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

let app: TestApp;
let browser: Browser;

interface Entry {
  name: string;
  kind: "COOKIE" | "LOCAL_STORAGE" | "SESSION_STORAGE";
}

describe.skipIf(browserUnavailable)("what the staff console leaves in a browser", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("P19: after searching, reading an account and signing out, the browser holds nothing the API's list does not name", async () => {
    const { browserStorage } = await new GraphqlClient(app.url, "/admin/graphql").data<{ browserStorage: Entry[] }>(
      "{ browserStorage { name kind } }",
    );
    const listed = (kind: Entry["kind"]) => browserStorage.filter((entry) => entry.kind === kind).map((entry) => entry.name);
    const customer = await createCustomer(app);
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { context, page } = await signedInConsole(browser, app, support);

    await page.goto(`${app.url}/console/#/browserStorage`);
    await page.getByRole("cell", { name: "smsape_staff" }).waitFor();
    await page.goto(`${app.url}/console/#/subProcessors`);
    await page.getByRole("cell", { name: "Transactional email vendor (SMTP relay)" }).waitFor();
    await page.goto(`${app.url}/console/#/accounts`);
    await page.getByPlaceholder("Account id or exact email").fill(customer.email);
    await page.getByText(/^p•••@e•••\.test$/).click();
    await page.getByText(/\(masked\)/).waitFor();

    const held = async () => ({
      cookies: (await context.cookies()).map((cookie) => cookie.name),
      ...(await page.evaluate(async () => ({
        localStorage: Object.keys(window.localStorage),
        sessionStorage: Object.keys(window.sessionStorage),
        indexedDb: (await indexedDB.databases()).map((database) => database.name ?? ""),
      }))),
    });
    const whileWorking = await held();
    expect(whileWorking.cookies).toEqual(["smsape_staff"]);
    expect(listed("COOKIE")).toContain("smsape_staff");
    // What the staff member searched for must not stay behind in the browser either.
    expect(JSON.stringify(whileWorking)).not.toContain(customer.email);
    for (const key of whileWorking.localStorage) expect(listed("LOCAL_STORAGE")).toContain(key);
    for (const key of whileWorking.sessionStorage) expect(listed("SESSION_STORAGE")).toContain(key);
    expect(whileWorking.indexedDb).toEqual([]);

    await page
      .getByRole("button", { name: /profile|user menu|Test support/i })
      .first()
      .click();
    await page.getByRole("menuitem", { name: /logout|sign out/i }).click();
    await page.waitForURL(/#\/login/);
    const afterSignOut = await held();
    expect(afterSignOut.cookies).toEqual([]);
    for (const key of afterSignOut.localStorage) expect(listed("LOCAL_STORAGE")).toContain(key);
    expect(afterSignOut.sessionStorage.filter((key) => !listed("SESSION_STORAGE").includes(key))).toEqual([]);
    await context.close();
  });
});
