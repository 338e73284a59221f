import { HttpError } from "react-admin";
import type { TypedDocumentString } from "../generated/graphql.ts";

/** Same origin as the console: the API server serves both. */
export const STAFF_GRAPHQL_URL = "/admin/graphql";

interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

interface GraphqlResponse<Data> {
  data?: Data | null;
  errors?: GraphqlError[];
}

/**
 * GraphQL error codes that mean "your session does not allow this". They are
 * reported as HTTP statuses so react-admin's checkError treats them like a 401/403.
 */
const STATUS_BY_ERROR_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  NOT_AUTHORIZED: 403,
  FORBIDDEN: 403,
};

/** The result type of a `graphql()` document. */
export type ResultOf<Document> = Document extends TypedDocumentString<infer Result, any> ? Result : never;

/** The success member of a union result: the one that carries `data` (its other members are typed errors). */
export type Succeeded<Result> = Extract<Result, { data: unknown }>;

/** Whether a union result is its success member; the other members are the typed errors it may answer. */
export function succeeded<Result>(result: Result): result is Succeeded<Result> {
  return typeof result === "object" && result !== null && "data" in result;
}

/**
 * How an operation travels. A production build sends only the operation's
 * hash and name: the API accepts nothing else there (persisted operations, see
 * docs/security.md), and the bundle carries no documents. The Vite dev server
 * sends the document too, so an API started from older console sources still
 * runs the operation being edited.
 */
export function operationBody(document: TypedDocumentString<any, any>): {
  query?: string;
  operationName: string;
  extensions: { persistedQuery: { version: 1; sha256Hash: string } };
} {
  const { hash, operationName } = document.__meta__ ?? {};
  if (typeof hash !== "string" || typeof operationName !== "string") {
    throw new Error("This operation was not generated with its hash and name: run graphql-codegen.");
  }
  const extensions = { persistedQuery: { version: 1 as const, sha256Hash: hash } };
  return import.meta.env.DEV ? { query: document.toString(), operationName, extensions } : { operationName, extensions };
}

/**
 * POSTs one operation to the staff API with the session cookie. Transport
 * failures and top-level GraphQL errors become an HttpError (an Error carrying
 * `status`) whose message is the server's own, so react-admin can show it.
 * The document is one written with `graphql()` (src/generated/): its result
 * and variables are typed from the staff SDL.
 */
export async function staffGraphql<Data, Variables>(
  document: TypedDocumentString<Data, Variables>,
  variables: Variables,
  signal?: AbortSignal,
): Promise<Data> {
  let response: Response;
  try {
    response = await fetch(STAFF_GRAPHQL_URL, {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" },
      body: JSON.stringify({ ...operationBody(document), variables }),
      signal: signal ?? null,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new HttpError("The staff API cannot be reached. Check your connection and try again.", 0);
  }

  const body = await readJson<Data>(response);
  const firstError = body?.errors?.[0];
  if (firstError) {
    const status = response.ok ? (STATUS_BY_ERROR_CODE[firstError.extensions?.code ?? ""] ?? 200) : response.status;
    throw new HttpError(firstError.message, status, body);
  }
  if (!response.ok || body?.data == null) {
    throw new HttpError(`The staff API answered with HTTP ${response.status}.`, response.status, body);
  }
  return body.data;
}

async function readJson<Data>(response: Response): Promise<GraphqlResponse<Data> | null> {
  try {
    return (await response.json()) as GraphqlResponse<Data>;
  } catch {
    return null;
  }
}
