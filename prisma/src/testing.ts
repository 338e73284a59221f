import { randomBytes } from "node:crypto";
import pg from "pg";
import type { DatabaseTarget } from "./index.ts";

export interface TestDatabase {
  target: DatabaseTarget;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: a fresh database on the server that
 * DATABASE_URL names, or an in-memory embedded one when it is unset.
 */
export async function createTestDatabase(serverUrl: string | undefined): Promise<TestDatabase> {
  if (!serverUrl) return { target: { kind: "embedded", dataDir: null }, drop: async () => {} };
  const name = `smsape_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    target: { kind: "server", url: url.toString(), poolSize: 5 },
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
