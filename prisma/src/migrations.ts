/**
 * Migrations without Prisma's native engines: the official WebAssembly build of
 * the schema engine, driven through the `pg` driver adapter. Migration folders
 * keep Prisma's layout and are recorded in `_prisma_migrations`, so
 * `prisma migrate deploy` elsewhere sees them as applied.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type * as Engine from "@prisma/schema-engine-wasm";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded.ts";
import { migrationsDir, readMigrations } from "./migration-state.ts";

export { type MigrationFolder, migrationsDir, readMigrations, unappliedMigrations } from "./migration-state.ts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const schemaPath = join(packageDir, "schema.prisma");
const lockfileName = "migration_lock.toml";
const noFilters = { externalTables: [], externalEnums: [] };

/** Node's WebAssembly global, which this package's type libraries (ES2023, no DOM) do not declare. */
const wasmRuntime = (
  globalThis as unknown as {
    WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: object } }> };
  }
).WebAssembly;

let lastPanic: string | undefined;
let engineModule: Promise<typeof Engine> | undefined;

/**
 * Loads the engine's WebAssembly without `--experimental-wasm-modules`: the
 * package's own entry imports the .wasm file as an ES module, which Node 20
 * only allows behind that flag, so we instantiate it the way its entry would.
 */
function loadEngineModule(): Promise<typeof Engine> {
  engineModule ??= (async () => {
    // The engine reports a Rust panic's message here before it throws.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message(message: string) {
        lastPanic = message;
      },
    };
    const require = createRequire(import.meta.url);
    const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bindings = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmBytes = readFileSync(join(dirname(bgPath), "schema_engine_bg.wasm"));
    const { instance } = await wasmRuntime.instantiate(wasmBytes, { "./schema_engine_bg.js": bindings });
    (bindings as unknown as { __wbg_set_wasm(exports: object): void }).__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return bindings as unknown as typeof Engine;
  })();
  return engineModule;
}

function migrationsList(dir = migrationsDir): Engine.MigrationList {
  const lockPath = join(dir, lockfileName);
  return {
    baseDir: dir,
    lockfile: { path: lockfileName, content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: readMigrations(dir).map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
    })),
  };
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * A pool for the schema engine. The engine reads PostgreSQL's catalogs, whose
 * one-byte `"char"` columns (pg_class.relkind, ...) the pg driver adapter
 * rejects as an unsupported type; they are text as far as the engine cares.
 */
function schemaEnginePool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 1 });
  const asText = (result: pg.QueryResult | undefined) => {
    if (!result?.fields) return result;
    for (const field of result.fields) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    // PostgreSQL 18 (the embedded database) also lists NOT NULL constraints in
    // pg_constraint, as type 'n'; this engine knows only the older types, and
    // nullability reaches it through the columns anyway.
    const typeColumn = result.fields.findIndex((field) => field.name === "constraint_type");
    if (typeColumn >= 0) result.rows = result.rows.filter((row) => (row as unknown[])[typeColumn] !== "n");
    return result;
  };
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const last = args.at(-1);
      if (typeof last === "function") {
        args[args.length - 1] = (err: Error | null, result: pg.QueryResult) => last(err, asText(result));
        return query(...args);
      }
      const out = query(...args);
      return out instanceof Promise ? out.then(asText) : out;
    };
  });
  return pool;
}

interface Connection {
  factory: SqlMigrationAwareDriverAdapterFactory;
  close(): Promise<void>;
}

function connectForSchemaEngine(databaseUrl: string): Connection {
  const pools: pg.Pool[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const open = (url: string) => {
    const pool = schemaEnginePool(url);
    pools.push(pool);
    const factory = new PrismaPg(pool);
    return {
      factory,
      async connect() {
        const adapter = await factory.connect();
        // The adapter splits scripts on every ";", which breaks function bodies
        // ($$ … $$) in hand-written migrations. PostgreSQL runs a multi-statement
        // script itself, as one implicit transaction.
        adapter.executeScript = async (script: string) => {
          try {
            await pool.query(script);
          } catch (error) {
            (adapter as unknown as { onError(error: unknown): never }).onError(error);
          }
        };
        return adapter;
      },
    };
  };
  const main = open(databaseUrl);
  return {
    factory: {
      provider: main.factory.provider,
      adapterName: main.factory.adapterName,
      connect: () => main.connect(),
      // The shadow database is where the engine replays the migrations folder to
      // learn the schema it produces. An in-memory embedded PostgreSQL serves on
      // any machine, with no server and no CREATE DATABASE rights needed.
      connectToShadowDb: async () => {
        const shadow = await startEmbeddedPostgres({ dataDir: null });
        cleanups.push(() => shadow.stop());
        return open(shadow.url).connect();
      },
    },
    async close() {
      await Promise.all(pools.map((pool) => pool.end()));
      for (const cleanup of cleanups) await cleanup();
    },
  };
}

async function withEngine<T>(databaseUrl: string, run: (engine: Engine.SchemaEngine) => Promise<T>): Promise<T> {
  const { SchemaEngine } = await loadEngineModule();
  const connection = connectForSchemaEngine(databaseUrl);
  const datamodel = readFileSync(schemaPath, "utf8");
  const engine = await SchemaEngine.new(
    { datamodels: [[schemaPath, datamodel]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(connection.factory),
  );
  try {
    return await run(engine);
  } catch (error) {
    if (lastPanic) throw new Error(`The schema engine failed: ${lastPanic}`, { cause: error });
    throw error;
  } finally {
    engine.free();
    await connection.close();
  }
}

/** Applies every migration not yet recorded in `_prisma_migrations`. */
export async function applyMigrations(databaseUrl: string): Promise<string[]> {
  return withEngine(databaseUrl, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList: migrationsList(), filters: noFilters });
    return out.appliedMigrationNames;
  });
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  failed: string[];
  edited: string[];
}

export async function migrationStatus(databaseUrl: string): Promise<MigrationStatus> {
  return withEngine(databaseUrl, async (engine) => {
    const out = await engine.diagnoseMigrationHistory({
      migrationsList: migrationsList(),
      optInToShadowDatabase: false,
      filters: noFilters,
    });
    const all = readMigrations().map((m) => m.name);
    const pending =
      out.history?.diagnostic === "databaseIsBehind" || out.history?.diagnostic === "historiesDiverge"
        ? out.history.unappliedMigrationNames
        : out.hasMigrationsTable
          ? []
          : all;
    return {
      applied: all.filter((name) => !pending.includes(name)),
      pending,
      failed: out.failedMigrationNames,
      edited: out.editedMigrationNames,
    };
  });
}

/** Drops everything in the database, then applies all migrations. */
export async function resetDatabase(databaseUrl: string): Promise<string[]> {
  await withEngine(databaseUrl, (engine) => engine.reset({ filter: noFilters }));
  return applyMigrations(databaseUrl);
}

/**
 * The SQL that would bring a database built from the migrations folder to the
 * schema in schema.prisma; empty when they agree.
 */
export async function pendingSchemaChanges(): Promise<string> {
  const scratch = await startEmbeddedPostgres({ dataDir: null });
  try {
    return await withEngine(scratch.url, async (engine) => {
      const out = await engine.diff({
        from: readMigrations().length ? { tag: "migrations", ...migrationsList() } : { tag: "empty" },
        to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: readFileSync(schemaPath, "utf8") }] },
        script: true,
        exitCode: null,
        filters: noFilters,
      });
      const sql = (out.stdout ?? "").trim();
      return sql === "-- This is an empty migration." ? "" : sql;
    });
  } finally {
    await scratch.stop();
  }
}

function writeLockfile(): void {
  const lockPath = join(migrationsDir, lockfileName);
  if (existsSync(lockPath)) return;
  mkdirSync(migrationsDir, { recursive: true });
  writeFileSync(
    lockPath,
    '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
  );
}

/** Writes a new migration folder from the schema diff; returns its name, or null when nothing changed. */
export async function createMigration(name: string, now = new Date()): Promise<string | null> {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
  if (!slug) throw new Error("A migration needs a name made of letters or digits, e.g. `add_api_keys`.");
  const sql = await pendingSchemaChanges();
  if (!sql) return null;
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const folder = `${stamp}_${slug}`;
  mkdirSync(join(migrationsDir, folder), { recursive: true });
  writeFileSync(join(migrationsDir, folder, "migration.sql"), `${sql}\n`);
  writeLockfile();
  return folder;
}
