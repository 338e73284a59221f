/**
 * Which migrations a database still lacks, read with plain SQL from
 * `_prisma_migrations`: no schema engine. The service checks this at every
 * start and loads the engine (tens of MB of WebAssembly that stay resident)
 * only when there is something to apply; in production it applies nothing
 * itself (`pnpm db migrate` runs first, in a process of its own).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");

export interface MigrationFolder {
  name: string;
  sql: string;
}

export function readMigrations(dir = migrationsDir): MigrationFolder[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => ({ name: entry.name, sql: readFileSync(join(dir, entry.name, "migration.sql"), "utf8") }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface UnappliedMigrations {
  /** Folders with no finished record (all of them on an empty database). */
  pending: string[];
  /** Records of migrations that started and neither finished nor were rolled back. */
  failed: string[];
}

/** The migrations folder against the database's `_prisma_migrations`, as `prisma migrate deploy` would see it. */
export async function unappliedMigrations(databaseUrl: string, dir = migrationsDir): Promise<UnappliedMigrations> {
  const names = readMigrations(dir).map((migration) => migration.name);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query<{ found: string | null }>("SELECT to_regclass('_prisma_migrations')::text AS found");
    if (!table.rows[0]?.found) return { pending: names, failed: [] };
    const { rows } = await client.query<{ migration_name: string; finished: boolean; rolled_back: boolean }>(
      `SELECT migration_name, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
         FROM _prisma_migrations`,
    );
    const finished = new Set(rows.filter((row) => row.finished && !row.rolled_back).map((row) => row.migration_name));
    return {
      pending: names.filter((name) => !finished.has(name)),
      failed: rows.filter((row) => !row.finished && !row.rolled_back).map((row) => row.migration_name),
    };
  } finally {
    await client.end();
  }
}
