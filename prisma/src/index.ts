import { PrismaPg } from "@prisma/adapter-pg";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./embedded.ts";

export { EmbeddedDatabaseInUseError } from "./embedded.ts";

import { PrismaClient } from "./generated/prisma/client.ts";

export type { default as PrismaTypes } from "./generated/pothos-types.ts";
export { getDatamodel } from "./generated/pothos-types.ts";
export * from "./generated/prisma/client.ts";

export type DatabaseTarget =
  /** A PostgreSQL server. */
  | { kind: "server"; url: string; poolSize?: number }
  /** PGlite in this process; data in `dataDir`, or in memory when it is null. */
  | { kind: "embedded"; dataDir: string | null };

export interface Database {
  prisma: PrismaClient;
  /** The URL other PostgreSQL clients (the job queue) connect to. */
  url: string;
  /** How many connections the application may hold at once. */
  poolSize: number;
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Opens the database the configuration names. The embedded database is a single
 * PostgreSQL session, so the application gets exactly one connection to it:
 * a transaction and a query outside it can then never wait on each other.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url: string;
  let poolSize: number;
  if (target.kind === "embedded") {
    embedded = await startEmbeddedPostgres({ dataDir: target.dataDir });
    url = embedded.url;
    poolSize = 1;
  } else {
    url = target.url;
    poolSize = target.poolSize ?? 10;
  }
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: poolSize }),
    // A transaction waits for a free connection. On the embedded database every
    // request queues for its one connection, so a burst waits longer than on a server.
    transactionOptions: { maxWait: embedded ? 20_000 : 5_000 },
  });
  return {
    prisma,
    url,
    poolSize,
    embedded: Boolean(embedded),
    async close() {
      await prisma.$disconnect();
      await embedded?.stop();
    },
  };
}
