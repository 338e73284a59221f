import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Page } from "playwright-core";

/** Debian's chromium (CI installs it with apt-get); playwright's own browser download is not available here. */
export const chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path)) ?? null;

/**
 * Browser tests need chromium. In CI its absence is a failure; on a developer's
 * machine without it the tests are skipped with this reason.
 */
export const browserUnavailable =
  !chromiumPath && process.env.CI !== "true" ? "chromium is not installed (apt-get install chromium)" : null;

export function launchChromium(): Promise<Browser> {
  if (!chromiumPath) throw new Error("chromium is not installed: run `apt-get install chromium` (CI does this in .ci/run)");
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/**
 * A browser context already signed in as a staff member the test created
 * (`createStaffMember`), by handing the console the session cookie the API
 * set; sign-in itself is tested through the login page.
 */
export async function signedInConsole(
  browser: Browser,
  app: { url: string },
  staff: { client: { cookie(name: string): string | undefined } },
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const token = staff.client.cookie(staffCookieName);
  if (!token) throw new Error("The staff member's client holds no session cookie.");
  const context = await browser.newContext(options);
  await context.addCookies([{ name: staffCookieName, value: token, url: app.url, httpOnly: true, sameSite: "Strict" }]);
  return { context, page: await context.newPage() };
}

const staffCookieName = "smsape_staff";
