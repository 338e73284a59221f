/** Searching the whole database for a value, as someone holding a copy of it could (P4, P5, P11). */
import type { App } from "../app.ts";

/** Every row of every text-like column (JSON included) of every table, in any schema, that contains `needle`. */
export async function findInDatabase(app: App, needle: string): Promise<string[]> {
  const db = app.services.db;
  const columns = await db.$queryRawUnsafe<Array<{ table_schema: string; table_name: string; column_name: string }>>(
    `SELECT c.table_schema, c.table_name, c.column_name
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE t.table_type = 'BASE TABLE'
        AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
        AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'USER-DEFINED', 'ARRAY')`,
  );
  const tables = new Map<string, string[]>();
  for (const column of columns) {
    const table = `"${column.table_schema}"."${column.table_name}"`;
    tables.set(table, [...(tables.get(table) ?? []), column.column_name]);
  }
  const found: string[] = [];
  for (const [table, names] of tables) {
    const counts = names.map((name, index) => `count(*) FILTER (WHERE "${name}"::text LIKE '%' || $1 || '%')::int AS c${index}`);
    const [row] = await db.$queryRawUnsafe<Array<Record<string, number>>>(`SELECT ${counts.join(", ")} FROM ${table}`, needle);
    names.forEach((name, index) => {
      if ((row?.[`c${index}`] ?? 0) > 0) found.push(`${table.replaceAll('"', "")}.${name}`);
    });
  }
  return found;
}
