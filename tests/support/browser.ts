import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

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
