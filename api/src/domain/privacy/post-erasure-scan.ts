/**
 * The proof an erasure ends with (P16): every text-like column of every table
 * in every schema (the service's tables, the job queue's `pgboss` tables, the
 * outbox) is searched for the person's email address, the phone numbers they
 * were given and the text they wrote. The result names columns and counts,
 * never the values searched for, and says for each hit why it is expected
 * (a pool number the service still owns) or flags it.
 */
import type { Prisma } from "@smsape/db";

export interface ScanNeedles {
  email: string;
  phoneNumbers: string[];
  /** Text the person wrote: request details, ticket bodies. */
  texts: string[];
}

export type NeedleKind = "email" | "phone" | "text";

export interface ScanHit {
  kind: NeedleKind;
  /** schema.table.column */
  column: string;
  rows: number;
  /** Why this hit is expected; null when it is not, which makes the scan not clean. */
  explanation: string | null;
}

export interface ErasureScan {
  scannedAt: string;
  tables: number;
  columns: number;
  searched: Record<NeedleKind, number>;
  hits: ScanHit[];
  /** True when every hit is explained. */
  clean: boolean;
}

/**
 * Hits that remain by design. Phone numbers belong to the service's own pool
 * (VirtualNumber), and the same number may since have served another account.
 */
const expectedHits: Partial<Record<`${NeedleKind}:${string}`, string>> = {
  "phone:public.VirtualNumber.phoneNumber": "the service's own pool number, not the person's; it serves other orders",
  "phone:public.Activation.phoneNumber": "the same pool number given to another account's activation since",
};

async function textColumns(tx: Prisma.TransactionClient): Promise<Map<string, string[]>> {
  const columns = await tx.$queryRawUnsafe<Array<{ table_schema: string; table_name: string; column_name: string }>>(
    `SELECT c.table_schema, c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type = 'BASE TABLE'
        AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'USER-DEFINED', 'ARRAY')
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const column of columns) {
    const table = `${column.table_schema}.${column.table_name}`;
    tables.set(table, [...(tables.get(table) ?? []), column.column_name]);
  }
  return tables;
}

const quoted = (table: string) =>
  table
    .split(".")
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join(".");

/** Searches every table for the needles, inside `tx` so it sees the erasure it follows. */
export async function scanForPerson(tx: Prisma.TransactionClient, needles: ScanNeedles, now: Date): Promise<ErasureScan> {
  const searches: Array<{ kind: NeedleKind; value: string }> = [
    { kind: "email" as const, value: needles.email.toLowerCase() },
    ...needles.phoneNumbers.map((value) => ({ kind: "phone" as const, value })),
    ...needles.texts.filter((text) => text.trim().length >= 8).map((value) => ({ kind: "text" as const, value })),
  ];
  const tables = await textColumns(tx);
  const hits = new Map<string, ScanHit>();
  let columnCount = 0;
  for (const [table, names] of tables) {
    columnCount += names.length;
    const counts = searches.flatMap((_, needle) =>
      names.map(
        (name, index) =>
          `count(*) FILTER (WHERE strpos(lower("${name.replaceAll('"', '""')}"::text), lower($${needle + 1})) > 0)::int AS "n${needle}c${index}"`,
      ),
    );
    if (counts.length === 0) continue;
    const [row] = await tx.$queryRawUnsafe<Array<Record<string, number>>>(
      `SELECT ${counts.join(", ")} FROM ${quoted(table)}`,
      ...searches.map((search) => search.value),
    );
    searches.forEach((search, needle) => {
      names.forEach((name, index) => {
        const rows = row?.[`n${needle}c${index}`] ?? 0;
        if (rows === 0) return;
        const column = `${table}.${name}`;
        const key = `${search.kind}:${column}` as const;
        const hit = hits.get(key) ?? { kind: search.kind, column, rows: 0, explanation: expectedHits[key] ?? null };
        hit.rows += rows;
        hits.set(key, hit);
      });
    });
  }
  const found = [...hits.values()];
  return {
    scannedAt: now.toISOString(),
    tables: tables.size,
    columns: columnCount,
    searched: {
      email: 1,
      phone: searches.filter((search) => search.kind === "phone").length,
      text: searches.filter((search) => search.kind === "text").length,
    },
    hits: found,
    clean: found.every((hit) => hit.explanation !== null),
  };
}
