import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded.ts";
import { applyMigrations, migrationStatus, pendingSchemaChanges, readMigrations } from "./migrations.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

// Runs on the embedded database, and on the PostgreSQL server too when DATABASE_URL is set.
let database: TestDatabase;
let embedded: EmbeddedPostgres | undefined;
let url: string;

beforeAll(async () => {
  database = await createTestDatabase(process.env.DATABASE_URL || undefined);
  if (database.target.kind === "server") url = database.target.url;
  else {
    embedded = await startEmbeddedPostgres({ dataDir: null });
    url = embedded.url;
  }
});
afterAll(async () => {
  await embedded?.stop();
  await database?.drop();
});

describe("migrations without Prisma's native engines", () => {
  it("schema.prisma has no change that a migration does not hold", async () => {
    expect(await pendingSchemaChanges()).toBe("");
  });

  it("applies pending migrations once and records them as prisma migrate does", async () => {
    const all = readMigrations().map((m) => m.name);
    expect((await migrationStatus(url)).pending).toEqual(all);
    expect(await applyMigrations(url)).toEqual(all);
    expect(await applyMigrations(url)).toEqual([]);
    expect(await migrationStatus(url)).toEqual({ applied: all, pending: [], failed: [], edited: [] });

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at FROM _prisma_migrations ORDER BY migration_name`,
    );
    await client.end();
    expect(rows.map((row) => row.migration_name)).toEqual(all);
    for (const [index, migration] of readMigrations().entries()) {
      expect(rows[index].checksum).toBe(createHash("sha256").update(migration.sql).digest("hex"));
      expect(rows[index].finished_at).not.toBeNull();
    }
  });
});
