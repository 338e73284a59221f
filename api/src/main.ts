/** `pnpm start`: the service as one process. */

import { createApp, StartupError } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { totpCodeAt } from "./domain/staff/totp.ts";
import { createLogger } from "./platform/logger.ts";
import { demoCustomer, demoStaff } from "./seed/demo.ts";

async function main() {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const app = await createApp(config, { logger });

  // Before the banner says the service is running: a stop signal sent as soon as it is read must find the handlers.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    await app.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  const lines = [
    "",
    `SMSAPE is running at ${app.url}`,
    `  customer API   ${app.url}/graphql`,
    `  staff API      ${app.url}/admin/graphql`,
    `  console        ${app.url}/console/`,
    `  health         ${app.url}/healthz`,
    `  database       ${app.database.embedded ? `embedded, data in ${config.database.kind === "embedded" ? config.database.dataDir : ""}` : "PostgreSQL (DATABASE_URL)"}`,
  ];
  if (app.devMailboxUrl) lines.push(`  dev mailbox    ${app.devMailboxUrl}  (emails sent, e.g. verification links)`);
  if (config.simulator) lines.push("  simulator      on: `simulateTopUp` tops up, ordered numbers receive an SMS within seconds");
  if (config.demoData) {
    const now = new Date();
    lines.push("  demo staff logins for the console (password, then the authenticator code):");
    for (const staff of demoStaff) {
      lines.push(
        `    ${staff.role.padEnd(11)} ${`${staff.email} / ${staff.password}`.padEnd(50)} code now ${totpCodeAt(staff.totpSecret, now)}`,
      );
    }
    lines.push("    codes change every 30 s: `pnpm staff totp <email>` prints the current one, or add the secret to an");
    lines.push(`    authenticator app: ${demoStaff.map((staff) => `${staff.role} ${staff.totpSecret}`).join(", ")}`);
    lines.push("  demo customer for the customer API (verified, with a balance):");
    lines.push(`    ${demoCustomer.email} / ${demoCustomer.password}`);
  }
  if (config.encryption.developmentKeys)
    lines.push("  note: development encryption keys in use (set ENCRYPTION_KEYS in production)");
  process.stdout.write(`${lines.join("\n")}\n\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`Cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`Cannot start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
