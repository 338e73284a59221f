/**
 * Every page of the staff console, checked in a real browser with axe-core
 * (WCAG 2.1 A and AA rules) in the light and the dark theme at a 1366x768
 * laptop's size: no serious or critical violation anywhere. The same walk
 * takes the screenshots the README shows (`UPDATE_SCREENSHOTS=1` writes them
 * into docs/screenshots/; otherwise they go to a temporary folder).
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { createCustomer, createStaffMember, startTestApp, type TestApp, type TestStaffMember } from "@smsape/api/testing";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, launchChromium, signedInConsole } from "../support/browser.ts";

const screenshots =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? join(import.meta.dirname, "../../docs/screenshots")
    : mkdtempSync(join(tmpdir(), "smsape-screenshots-"));
mkdirSync(screenshots, { recursive: true });

const laptop = { width: 1366, height: 768 };

/** The violations axe finds on the page at `path` that are serious or critical, as readable lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Check the page at rest: mid-transition (a fading dialog, a ripple) colours are not what a reader sees.
  await page.addStyleTag({ content: "*, *::before, *::after { transition: none !important; animation: none !important; }" });
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id} (${violation.impact}): ${node.html.slice(0, 160)}: ${node.failureSummary ?? violation.help}`,
      ),
    );
}

/** What the pages show, made once for every page's check. */
interface Seeded {
  compliance: TestStaffMember;
  admin: TestStaffMember;
  accountId: string;
  requestId: string;
  ticketId: string;
  incidentId: string;
  holdId: string;
  purgeRunId: string;
}

let seeding: Promise<Seeded> | undefined;
function seed(): Promise<Seeded> {
  seeding ??= (async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    const activation = await customer.orderNumber();
    // An order through the API, from the test's network: the abuse signals count it.
    await customer.client.data(`mutation { orderNumber(input: { country: "GB", service: "whatsapp" }) { __typename } }`);
    await activation.receiveSms("Your code is 482913");
    const request = await customer.requestPrivacy({ kind: "ACCESS" });
    const { contactSupport } = await customer.client.data(
      `mutation($input: ContactSupportInput!) { contactSupport(input: $input) { ... on ContactSupportReceipt { ticketId } } }`,
      { input: { subject: "Where is my data?", body: "Please send me what you hold about me." } },
    );

    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    const now = app.clock.now().toISOString();
    const { openIncident } = await compliance.client.data(
      `mutation($input: OpenIncidentInput!) {
        openIncident(input: $input) { ... on MutationOpenIncidentSuccess { data { id } } }
      }`,
      {
        input: {
          discoveredAt: now,
          awareAt: now,
          nature: "A report went to the wrong partner",
          dataCategories: ["EMAIL_ADDRESSES"],
        },
      },
    );
    const { placeLegalHold } = await compliance.client.data(
      `mutation($input: PlaceLegalHoldInput!) {
        placeLegalHold(input: $input) { ... on MutationPlaceLegalHoldSuccess { data { id } } }
      }`,
      { input: { scope: "ACCOUNT", accountId: customer.accountId, reasonCode: "litigation" } },
    );
    const { startPurge } = await compliance.client.data(
      `mutation { startPurge(key: "sms.body") { ... on MutationStartPurgeSuccess { data { id } } } }`,
    );
    return {
      compliance,
      admin: await createStaffMember(app, { role: "ADMIN" }),
      accountId: customer.accountId,
      requestId: request.id,
      ticketId: contactSupport.ticketId,
      incidentId: openIncident.data.id,
      holdId: placeLegalHold.data.id,
      purgeRunId: startPurge.data.id,
    };
  })();
  return seeding;
}

interface ConsolePage {
  name: string;
  role: "COMPLIANCE" | "ADMIN";
  /** Where the page is, after `#`. */
  path: (seeded: Seeded) => string;
  /** Text that shows once the page has its data. */
  ready: (seeded: Seeded) => string | RegExp;
  /** The file name of its screenshot in docs/screenshots/, for the main pages. */
  screenshot?: string;
}

const entry = (
  name: string,
  role: ConsolePage["role"],
  path: string | ((seeded: Seeded) => string),
  ready: string | RegExp | ((seeded: Seeded) => string),
  screenshot?: string,
): ConsolePage => ({
  name,
  role,
  path: typeof path === "function" ? path : () => path,
  ready: typeof ready === "function" ? ready : () => ready,
  screenshot,
});

const pages: ConsolePage[] = [
  entry("the dashboard", "COMPLIANCE", "/", "Due soon and overdue", "dashboard.png"),
  entry("the privacy request queue", "COMPLIANCE", "/privacyRequests", /Access/, "queue.png"),
  entry("a privacy request", "COMPLIANCE", (s) => `/privacyRequests/${s.requestId}/show`, "Timeline", "request.png"),
  entry("the support tickets", "COMPLIANCE", "/supportTickets", "Where is my data?"),
  entry("a support ticket", "COMPLIANCE", (s) => `/supportTickets/${s.ticketId}/show`, "Where is my data?", "ticket.png"),
  entry("the abuse signals", "COMPLIANCE", "/abuseSignals", "whatsapp"),
  entry("the account search", "COMPLIANCE", "/accounts", "Find an account by its id or its exact email address"),
  entry("an account", "COMPLIANCE", (s) => `/accounts/${s.accountId}/show`, "Show personal data", "account.png"),
  entry("the audit log", "COMPLIANCE", "/auditEntries", "Verify chain", "audit.png"),
  entry("the retention policies", "COMPLIANCE", "/retentionPolicies", "sms.body", "retention.png"),
  entry("a retention policy", "COMPLIANCE", "/retentionPolicies/sms.body/show", "sms.body"),
  entry("the purge runs", "COMPLIANCE", "/purgeRuns", "sms.body"),
  entry("a purge run", "COMPLIANCE", (s) => `/purgeRuns/${s.purgeRunId}/show`, "sms.body"),
  entry("the legal holds", "COMPLIANCE", "/legalHolds", "litigation"),
  entry("a legal hold", "COMPLIANCE", (s) => `/legalHolds/${s.holdId}/show`, "litigation"),
  entry("the incidents", "COMPLIANCE", "/incidents", "INC-", "incidents.png"),
  entry("an incident", "COMPLIANCE", (s) => `/incidents/${s.incidentId}/show`, "A report went to the wrong partner"),
  entry("the policy versions", "COMPLIANCE", "/policyVersions", "Privacy policy versions"),
  entry("the records of processing", "COMPLIANCE", "/recordsOfProcessing", /Records of processing/),
  entry("the sub-processors", "COMPLIANCE", "/subProcessors", "Sub-processors"),
  entry("the browser storage", "COMPLIANCE", "/browserStorage", "Cookies and browser storage"),
  entry("the staff members", "ADMIN", "/staff", (s) => s.compliance.email),
  entry(
    "a staff member",
    "ADMIN",
    (s) => `/staff/${s.compliance.staffUserId}/show`,
    (s) => s.compliance.email,
  ),
  entry("the form adding a staff member", "ADMIN", "/staff/create", "Initial password"),
  entry("the number pool", "ADMIN", "/poolNumbers", "Availability per service", "number-pool.png"),
  entry("the countries", "ADMIN", "/catalogueCountries", "GB"),
  entry("the services", "ADMIN", "/catalogueServices", "telegram"),
  entry("the prices", "ADMIN", "/cataloguePrices", "telegram"),
];

let app: TestApp;
let browser: Browser;

describe.skipIf(browserUnavailable)("the staff console's accessibility", () => {
  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("has no serious or critical axe violation on the sign-in page, in either theme", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const context = await browser.newContext({ viewport: laptop, colorScheme });
      const page = await context.newPage();
      await page.goto(`${app.url}/console/#/login`);
      await page.getByLabel("Email").waitFor();
      expect(await seriousViolations(page), `sign-in page, ${colorScheme} theme`).toEqual([]);
      if (colorScheme === "light") await page.screenshot({ path: join(screenshots, "sign-in.png") });
      await context.close();
    }
  });

  describe.each(["light", "dark"] as const)("every page a compliance reviewer or an admin sees, %s theme", (colorScheme) => {
    for (const consolePage of pages) {
      it(`has no serious or critical axe violation on ${consolePage.name}`, async () => {
        const seeded = await seed();
        const member = consolePage.role === "ADMIN" ? seeded.admin : seeded.compliance;
        if (!contexts.has(member)) contexts.set(member, signedInConsole(browser, app, member, { viewport: laptop, colorScheme }));
        const { page } = await (contexts.get(member) as ReturnType<typeof signedInConsole>);
        await page.goto(`${app.url}/console/#${consolePage.path(seeded)}`);
        await page
          .getByText(consolePage.ready(seeded))
          .first()
          .waitFor()
          .catch(async (error) => {
            await page.screenshot({ path: join(screenshots, "not-ready.png") });
            throw error;
          });
        // Let react-admin's transitions and late queries settle before the check.
        await page.waitForLoadState("networkidle");
        expect(await seriousViolations(page)).toEqual([]);
        if (consolePage.screenshot && (colorScheme === "light" || consolePage.path(seeded) === "/")) {
          const name = colorScheme === "light" ? consolePage.screenshot : consolePage.screenshot.replace(".png", "-dark.png");
          await page.screenshot({ path: join(screenshots, name) });
        }
      });
    }

    const contexts = new Map<TestStaffMember, ReturnType<typeof signedInConsole>>();
    afterAll(async () => {
      for (const opened of contexts.values()) await (await opened).context.close();
    });
  });
});
