/**
 * Database commands: `pnpm db <command>`.
 *   migrate          apply pending migrations
 *   status           list applied and pending migrations
 *   create <name>    write a migration from the difference between the migrations and schema.prisma
 *   reset            drop everything and apply all migrations (asks no questions: development only)
 *   check            exit 1 when schema.prisma has changes no migration holds
 * The database is DATABASE_URL, or the embedded one in DATA_DIR (default .data/) when it is unset,
 * read through the service's own configuration.
 */
import { rmSync } from "node:fs";
import { EmbeddedDatabaseInUseError, startEmbeddedPostgres } from "@smsape/db/embedded";
import { applyMigrations, createMigration, migrationStatus, pendingSchemaChanges, resetDatabase } from "@smsape/db/migrations";
import { ConfigError, loadConfig } from "../config.ts";

const [command, ...args] = process.argv.slice(2);

const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
})();

async function withDatabaseUrl<T>(run: (url: string) => Promise<T>): Promise<T> {
  if (config.database.kind === "server") return run(config.database.url);
  const embedded = await startEmbeddedPostgres({ dataDir: config.database.dataDir });
  try {
    return await run(embedded.url);
  } finally {
    await embedded.stop();
  }
}

async function main(): Promise<number> {
  switch (command) {
    case "migrate": {
      const applied = await withDatabaseUrl(applyMigrations);
      console.log(applied.length ? `Applied: ${applied.join(", ")}` : "No pending migrations.");
      return 0;
    }
    case "status": {
      const status = await withDatabaseUrl(migrationStatus);
      for (const name of status.applied) console.log(`applied  ${name}`);
      for (const name of status.pending) console.log(`pending  ${name}`);
      for (const name of status.failed) console.log(`FAILED   ${name}`);
      for (const name of status.edited) console.log(`EDITED   ${name} (changed after it was applied)`);
      return status.failed.length || status.edited.length ? 1 : 0;
    }
    case "create": {
      const name = args.join("_");
      if (!name) {
        console.error("Usage: pnpm db create <name>, e.g. pnpm db create add_api_keys");
        return 2;
      }
      const folder = await createMigration(name);
      console.log(
        folder ? `Created prisma/migrations/${folder}/migration.sql` : "schema.prisma matches the migrations; nothing to create.",
      );
      return 0;
    }
    case "reset": {
      if (config.production) {
        console.error("Refusing to reset a production database (NODE_ENV=production).");
        return 2;
      }
      if (config.database.kind === "embedded" && config.database.dataDir) {
        const { dataDir } = config.database;
        // Never remove the folder under a running service: opening it checks its lock.
        await startEmbeddedPostgres({ dataDir }).then(
          (embedded) => embedded.stop(),
          (error: unknown) => {
            if (error instanceof EmbeddedDatabaseInUseError) throw error;
          },
        );
        // An embedded database is reset most cleanly by removing its folder.
        rmSync(dataDir, { recursive: true, force: true });
        console.log(`Removed ${dataDir}.`);
      }
      const applied = await withDatabaseUrl(resetDatabase);
      console.log(`Reset; applied: ${applied.join(", ")}`);
      return 0;
    }
    case "check": {
      const sql = await pendingSchemaChanges();
      if (!sql) {
        console.log("schema.prisma matches the migrations.");
        return 0;
      }
      console.error(`schema.prisma has changes no migration holds; run \`pnpm db create <name>\`:\n${sql}`);
      return 1;
    }
    default:
      console.error("Usage: pnpm db <migrate | status | create <name> | reset | check>");
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
