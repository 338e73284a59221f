import { HttpError } from "react-admin";

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

/**
 * POSTs one operation to the staff API with the session cookie. Transport
 * failures and top-level GraphQL errors become an HttpError (an Error carrying
 * `status`) whose message is the server's own, so react-admin can show it.
 */
export async function staffGraphql<Data>(
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
): Promise<Data> {
  let response: Response;
  try {
    response = await fetch(STAFF_GRAPHQL_URL, {
      method: "POST",
      credentials: "include",
      headers: { "Content-Type": "application/json", Accept: "application/graphql-response+json, application/json" },
      body: JSON.stringify({ query, variables }),
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
