/**
 * Persisted operations on the staff API (docs/security.md). The console's
 * build lists every operation it sends, hash -> document, and the console
 * sends only the hash. With `STAFF_PERSISTED_OPERATIONS_ONLY` (on in
 * production) `/admin/graphql` runs nothing else, over HTTP and over
 * graphql-ws: a stolen staff session cannot run an operation the console
 * never sends. Otherwise a request may still carry its own document
 * (GraphiQL, tests, the Vite dev server).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { usePersistedOperations } from "@graphql-yoga/plugin-persisted-operations";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

/** Written by the console's build next to its files; a dotfile, so the static handler does not serve it. */
export const persistedOperationsFile = ".persisted-operations.json";

export interface PersistedOperations {
  /** Only the manifest's operations run; a request's own document is refused. */
  only: boolean;
  /** Hash (as the console sends it, `sha256:<hex>`) -> document. */
  documents: ReadonlyMap<string, string>;
}

/** The console build's manifest, or an empty one when the console is not built. */
export function loadPersistedOperations(consoleDir: string | null, only: boolean): PersistedOperations {
  const path = consoleDir ? join(consoleDir, persistedOperationsFile) : null;
  if (!path || !existsSync(path)) return { only, documents: new Map() };
  const manifest = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  const documents = new Map<string, string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (typeof document === "string") documents.set(hash, document);
  }
  return { only, documents };
}

const refusals = {
  required: {
    message:
      "This API runs only the staff console's own operations: send the operation's hash in extensions.persistedQuery, not a document.",
    code: "PERSISTED_OPERATION_REQUIRED",
  },
  unknown: {
    message: "This operation is not one of the staff console's: reload the console to get its current version.",
    code: "PERSISTED_OPERATION_NOT_FOUND",
  },
} as const;

function refusal(kind: keyof typeof refusals): { message: string; extensions: Record<string, unknown> } {
  const { message, code } = refusals[kind];
  return { message, extensions: { code, http: { status: 400 } } };
}

/** Yoga's persisted-operations plugin, reading the manifest and answering with our codes. */
export function usePersistedStaffOperations(operations: PersistedOperations): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: !operations.only,
    getPersistedOperation: (hash) => operations.documents.get(hash) ?? null,
    customErrors: { persistedQueryOnly: refusal("required"), keyNotFound: refusal("required"), notFound: refusal("unknown") },
  }) as Plugin;
}

/**
 * The document a graphql-ws subscribe message stands for. graphql-ws needs a
 * `query` string, so the console sends an empty one with the hash in
 * `extensions.persistedQuery`, as over HTTP; the same rules apply.
 */
export function socketDocument(
  operations: PersistedOperations,
  payload: { query: string; extensions?: Record<string, unknown> | null },
): string | GraphQLError {
  const refuse = (kind: keyof typeof refusals) =>
    new GraphQLError(refusals[kind].message, { extensions: { code: refusals[kind].code } });
  if (payload.query.trim() !== "") return operations.only ? refuse("required") : payload.query;
  const persisted = payload.extensions?.persistedQuery as { version?: unknown; sha256Hash?: unknown } | undefined;
  if (persisted?.version !== 1 || typeof persisted.sha256Hash !== "string") return refuse("required");
  return operations.documents.get(persisted.sha256Hash) ?? refuse("unknown");
}
