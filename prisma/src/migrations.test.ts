import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded.ts";
import { applyMigrations, migrationStatus, pendingSchemaChanges, readMigrations, unappliedMigrations } from "./migrations.ts";
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
    // The service's own check, plain SQL without the engine, agrees with the engine before and after.
    expect(await unappliedMigrations(url)).toEqual({ pending: all, failed: [] });
    expect(await applyMigrations(url)).toEqual(all);
    expect(await unappliedMigrations(url)).toEqual({ pending: [], failed: [] });
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

  it("money_bigint widens existing amounts unchanged, and the ledger stays append-only after it", async () => {
    const scratch = await createTestDatabase(process.env.DATABASE_URL || undefined);
    const scratchEmbedded = scratch.target.kind === "server" ? undefined : await startEmbeddedPostgres({ dataDir: null });
    const client = new pg.Client({
      connectionString: scratch.target.kind === "server" ? scratch.target.url : scratchEmbedded?.url,
    });
    await client.connect();
    try {
      const migrations = readMigrations();
      const widening = migrations.findIndex((m) => m.name.endsWith("_money_bigint"));
      for (const migration of migrations.slice(0, widening)) await client.query(migration.sql);
      await client.query(`INSERT INTO "LedgerEntry" ("id", "accountRef", "kind", "availableDelta", "heldDelta")
        VALUES ('01960000-0000-7000-8000-000000000001', 'ref', 'TOP_UP', 2147483647, -5)`);
      await client.query(migrations[widening]?.sql ?? "");

      const types = await client.query(`SELECT table_name, column_name, data_type FROM information_schema.columns
        WHERE column_name IN ('availableDelta', 'heldDelta', 'amountMinor', 'priceMinor') ORDER BY 1, 2`);
      expect(types.rows.map((row) => `${row.table_name}.${row.column_name} ${row.data_type}`)).toEqual([
        "Activation.priceMinor bigint",
        "LedgerEntry.availableDelta bigint",
        "LedgerEntry.heldDelta bigint",
        "PaymentEvent.amountMinor bigint",
        "Price.amountMinor bigint",
      ]);
      await client.query(`INSERT INTO "LedgerEntry" ("id", "accountRef", "kind", "availableDelta")
        VALUES ('01960000-0000-7000-8000-000000000002', 'ref', 'TOP_UP', 9007199254740993)`);
      const sums = await client.query(
        `SELECT SUM("availableDelta")::text AS available, SUM("heldDelta")::text AS held FROM "LedgerEntry"`,
      );
      expect(sums.rows[0]).toEqual({ available: "9007201402224640", held: "-5" });

      await expect(client.query(`UPDATE "LedgerEntry" SET "availableDelta" = 1 WHERE "accountRef" = 'ref'`)).rejects.toThrow(
        /append-only/,
      );
      await expect(client.query(`UPDATE "LedgerEntry" SET "heldDelta" = "heldDelta" + 0`)).resolves.toMatchObject({
        rowCount: 2,
      });
      await expect(client.query(`DELETE FROM "LedgerEntry"`)).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
      await scratchEmbedded?.stop();
      await scratch.drop();
    }
  });
});
