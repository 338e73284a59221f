/**
 * Staff commands: `pnpm staff <command>`.
 *   totp <email>   print the current authenticator code of a demo staff member
 * For a laptop only: production has no demo staff and the command refuses to run there.
 * The secret is read from the database (DATABASE_URL, or the embedded one in DATA_DIR);
 * while `npm start` holds the embedded database, the published demo secret is used, which
 * the seed keeps enrolled.
 */
import { EmbeddedDatabaseInUseError, openDatabase } from "@smsape/db";
import { ConfigError, loadConfig } from "../config.ts";
import { openStaffTotpSecret } from "../domain/staff/staff-auth.ts";
import { totpCodeAt } from "../domain/staff/totp.ts";
import { demoStaff } from "../seed/demo.ts";

const [command, ...args] = process.argv.slice(2);

class DatabaseNotSeeded extends Error {}

async function storedSecret(config: ReturnType<typeof loadConfig>, email: string): Promise<string | null> {
  const database = await openDatabase(config.database);
  try {
    const member = await database.prisma.staffUser.findUnique({ where: { email } }).catch((error: { code?: string }) => {
      // P2021: the table does not exist, the database was never started: the seed will enrol the demo secret.
      if (error.code === "P2021") return undefined;
      throw error;
    });
    if (member === undefined) throw new DatabaseNotSeeded();
    return member ? openStaffTotpSecret(config.encryption, member) : null;
  } finally {
    await database.close();
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  if (command !== "totp" || args.length !== 1) {
    console.error("Usage: pnpm staff totp <email>, e.g. pnpm staff totp admin@smsape.test");
    return 2;
  }
  if (config.production) {
    console.error("Refusing to print authenticator codes in production (NODE_ENV=production): there are no demo staff.");
    return 2;
  }
  const email = String(args[0]).trim().toLowerCase();
  const demo = demoStaff.find((staff) => staff.email === email);
  if (!demo) {
    console.error(`${email} is not a demo staff member (${demoStaff.map((staff) => staff.email).join(", ")}).`);
    return 2;
  }
  const secret = await storedSecret(config, email).catch((error: unknown) => {
    // The running service holds the embedded database, or it was never started: the seed enrols the published secret.
    if (error instanceof EmbeddedDatabaseInUseError || error instanceof DatabaseNotSeeded) return demo.totpSecret;
    throw error;
  });
  if (!secret) {
    console.error(`${email} has no authenticator enrolled; sign in to the console to enrol one (or restart to re-seed).`);
    return 1;
  }
  const now = new Date();
  const secondsLeft = 30 - (Math.floor(now.getTime() / 1000) % 30);
  console.log(`${totpCodeAt(secret, now)}  (${email}, valid for ${secondsLeft} more seconds, then the next one)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
