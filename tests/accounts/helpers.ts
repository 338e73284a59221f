/** Seed steps for the account tests: sign up and sign in through the public API, as a client app would. */
import { randomBytes } from "node:crypto";
import { GraphqlClient, type TestApp } from "@smsape/api/testing";

export const policyVersion = "2026-03-20";

export const signUpMutation = `mutation($input: SignUpInput!) {
  signUp(input: $input) { __typename ... on SignUpPayload { email } ... on Error { code message } ... on ValidationError { issues { field message } } }
}`;

export const signInMutation = `mutation($input: SignInInput!) {
  signIn(input: $input) { __typename ... on SignInPayload { token idleExpiresAt absoluteExpiresAt account { id email } } ... on Error { code message } }
}`;

export const viewerQuery = `{ viewer { id email emailVerified jurisdiction policyAcknowledgementRequired acknowledgedPolicyVersion } }`;

export function newEmail(): string {
  return `person-${randomBytes(4).toString("hex")}@example.test`;
}

export function newPassword(): string {
  return `Pass-${randomBytes(8).toString("hex")}`;
}

export async function signUp(
  app: TestApp,
  input: Partial<{
    email: string;
    password: string;
    ageAttestation: boolean;
    acceptPolicyVersion: string;
    jurisdiction: string;
  }> = {},
) {
  const client = new GraphqlClient(app.url);
  const email = input.email ?? newEmail();
  const password = input.password ?? newPassword();
  const { signUp: result } = await client.data(signUpMutation, {
    input: { email, password, ageAttestation: true, acceptPolicyVersion: policyVersion, ...input },
  });
  return { email: email.trim().toLowerCase(), password, result };
}

/** The token (`ver_…`, `rst_…`) in the newest email to `email` with that subject. */
export async function tokenFromEmail(app: TestApp, email: string, subject: RegExp, prefix: "ver" | "rst"): Promise<string> {
  const message = await app.mailbox.latest(email, subject);
  const token = message.body.match(new RegExp(`\\b${prefix}_[A-Za-z0-9_-]+`))?.[0];
  if (!token) throw new Error(`No ${prefix} token in the email`);
  return token;
}

export async function verifyEmail(app: TestApp, email: string) {
  const token = await tokenFromEmail(app, email, /Confirm your email/, "ver");
  const client = new GraphqlClient(app.url);
  return (
    await client.data(`mutation($t: String!) { verifyEmail(input: { token: $t }) { __typename ... on Error { code } } }`, {
      t: token,
    })
  ).verifyEmail;
}

/** Signs in with a fresh client; returns the client (holding the session cookie) and the bearer token. */
export async function signIn(app: TestApp, email: string, password: string) {
  const client = new GraphqlClient(app.url);
  const { signIn: result } = await client.data(signInMutation, { input: { email, password } });
  if (result.__typename !== "SignInPayload") throw new Error(`sign-in failed: ${result.code}`);
  const bearer = new GraphqlClient(app.url);
  bearer.bearer = result.token;
  return {
    cookieClient: client,
    bearerClient: bearer,
    token: result.token as string,
    account: result.account as { id: string; email: string },
  };
}

/** Every text-like column (JSON included) of every table, in any schema, by table. */
async function textColumns(app: TestApp): Promise<Map<string, string[]>> {
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
export async function findInDatabase(app: TestApp, needle: string): Promise<string[]> {
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
export async function copyOfDatabase(app: TestApp): Promise<{ find(needle: string): string[] }> {
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
