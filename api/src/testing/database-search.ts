/** Searching the whole database for a value, as someone holding a copy of it could (P4, P5, P11). */
import type { App } from "../app.ts";

/** Every text-like column (JSON included) of every table, in any schema, by table. */
async function textColumns(app: App): Promise<Map<string, string[]>> {
  const columns = await app.services.db.$queryRawUnsafe<Array<{ table_schema: string; table_name: string; column_name: string }>>(
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
  return tables;
}

/** Every row of every text-like column (JSON included) of every table, in any schema, that contains `needle`. */
export async function findInDatabase(app: App, needle: string): Promise<string[]> {
  const db = app.services.db;
  const found: string[] = [];
  for (const [table, names] of await textColumns(app)) {
    const counts = names.map((name, index) => `count(*) FILTER (WHERE "${name}"::text LIKE '%' || $1 || '%')::int AS c${index}`);
    const [row] = await db.$queryRawUnsafe<Array<Record<string, number>>>(`SELECT ${counts.join(", ")} FROM ${table}`, needle);
    names.forEach((name, index) => {
      if ((row?.[`c${index}`] ?? 0) > 0) found.push(`${table.replaceAll('"', "")}.${name}`);
    });
  }
  return found;
}

/**
 * What a copy of the database taken now would hold: every text-like value of
 * every table, with the column it is in. For searching later for values not
 * known yet (a token still in an undelivered email).
 */
export async function copyOfDatabase(app: App): Promise<{ find(needle: string): string[] }> {
  const values: Array<{ column: string; text: string }> = [];
  for (const [table, names] of await textColumns(app)) {
    const rows = await app.services.db.$queryRawUnsafe<Array<Record<string, string | null>>>(
      `SELECT ${names.map((name, index) => `"${name}"::text AS c${index}`).join(", ")} FROM ${table}`,
    );
    for (const row of rows) {
      names.forEach((name, index) => {
        const text = row[`c${index}`];
        if (text) values.push({ column: `${table.replaceAll('"', "")}.${name}`, text });
      });
    }
  }
  return {
    find: (needle) => [...new Set(values.filter((value) => value.text.includes(needle)).map((value) => value.column))],
  };
}
