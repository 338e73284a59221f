import type { IncomingMessage } from "node:http";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { useCookies } from "@whatwg-node/server-plugin-cookies";
import { type DocumentNode, GraphQLError, type GraphQLSchema, getOperationAST, Kind, OperationTypeNode } from "graphql";
import { createGraphQLError, createYoga, type Plugin, type YogaServerInstance } from "graphql-yoga";
import { RateLimitedError } from "../domain/errors.ts";
import { NotPermittedError } from "../domain/staff/permissions.ts";
import type { LiveConnection, RequestContext } from "../graphql/context.ts";
import { sessionCookieOf } from "../graphql/session-cookies.ts";
import { type Audience, notAuthorized, resolveViewer } from "../graphql/viewer.ts";
import type { Tracing } from "../platform/tracing.ts";
import type { Services } from "../services/index.ts";
import { presentedToken } from "./credentials.ts";
import { clientAddress } from "./edge.ts";
import { useOperationMetrics } from "./metrics.ts";
import { useOperationLimits } from "./operation-limits.ts";
import { type PersistedOperations, usePersistedStaffOperations } from "./persisted-operations.ts";
import { useStorableTextArguments } from "./storable-text.ts";

/** What the HTTP server hands Yoga: the node request, and for graphql-ws its connection. */
export type ServerContext = {
  req: IncomingMessage;
  connectionParams?: Readonly<Record<string, unknown>>;
  connection?: LiveConnection;
};
export type Yoga = YogaServerInstance<ServerContext, RequestContext>;

/**
 * One Yoga server per audience. Unexpected errors are masked: clients see
 * "Unexpected error." and the log gets the detail; expected failures are typed
 * results in the schema instead of errors.
 */
export function createGraphqlServer(options: {
  services: Services;
  schema: GraphQLSchema;
  audience: Audience;
  endpoint: string;
  tracing?: Tracing | null;
  /** The staff API's persisted operations; none for the customer API. */
  persistedOperations?: PersistedOperations;
}): Yoga {
  const { services, audience } = options;
  const { edge } = services.config;
  const corsOrigins = new Set(edge.corsOrigins[audience]);
  const log = services.logger.child({ component: `graphql-${audience}` });
  return createYoga<ServerContext, RequestContext>({
    schema: options.schema,
    graphqlEndpoint: options.endpoint,
    landingPage: false,
    graphiql: edge.graphiql,
    // No file uploads: a multipart body is a form a foreign page can send without asking (CSRF).
    multipart: false,
    // The body's size is limited before Yoga sees it (MAX_BODY_BYTES, http/server.ts: a declared length is
    // checked, a chunked body read within the limit), so Yoga's own 25 MB limit, which pipes every body
    // through a counting stream, would only cost CPU on every request.
    maxRequestBodySize: false,
    // Only configured origins, never the one a request names; anything else gets no CORS headers at all.
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !corsOrigins.has(origin)) return false;
      return {
        origin,
        credentials: true,
        methods: ["POST", "GET", "OPTIONS"],
        allowedHeaders: ["content-type", "accept", "authorization", csrfHeader],
        maxAge: 600,
      };
    },
    logging: {
      debug: (...args) => log.debug({ detail: String(args[0]) }),
      info: (...args) => log.info({ detail: String(args[0]) }),
      warn: (...args) => log.warn({ detail: String(args[0]) }),
      error: (...args: unknown[]) => log.error({ err: args.find((arg) => arg instanceof Error) }, "graphql error"),
    },
    maskedErrors: {
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        // GraphQL's own errors and those we raise on purpose (NOT_AUTHORIZED) are meant for the client.
        if (!original || original instanceof GraphQLError) return error as Error;
        // A domain function refused the actor: the same answer as a refused field.
        if (original instanceof NotPermittedError) return notAuthorized();
        if (original instanceof RateLimitedError) {
          return createGraphQLError(original.message, {
            extensions: {
              code: original.code,
              retryAfterSeconds: original.retryAfterSeconds,
              http: { headers: { "retry-after": String(original.retryAfterSeconds) } },
            },
          });
        }
        if (isBusyDatabase(original)) {
          log.warn({ err: original }, "no database connection became free in time");
          return createGraphQLError("The service is busy; nothing was changed. Try again in a moment.", {
            extensions: { code: "SERVICE_BUSY" },
          });
        }
        log.error({ err: original }, "unexpected error in a resolver");
        return createGraphQLError(message, { extensions: { code: "INTERNAL_SERVER_ERROR" } });
      },
    },
    // Arguments with text PostgreSQL cannot store are refused here, for every field of both schemas.
    plugins: [
      useParsedDocumentInContext(),
      useCookies(),
      useJsonBodiesOnly(),
      useCSRFPrevention({ requestHeaders: [csrfHeader] }),
      ...(options.persistedOperations ? [usePersistedStaffOperations(options.persistedOperations)] : []),
      useEdgeErrorCodes(),
      ...useOperationLimits({
        audience,
        introspection: edge.introspection ? "everyone" : audience === "staff" ? "signed-in-staff" : "nobody",
      }),
      useStorableTextArguments(),
      useOperationMetrics(services.metrics, audience),
      ...(options.tracing ? [options.tracing.plugin(audience)] : []),
    ],
    context: async (initial) => {
      const token = presentedToken(initial, sessionCookieOf(audience, services.config).name);
      // (A WebSocket's connection init has no operation, hence no params.)
      const { viewer, readAhead } = await resolveViewer(services, audience, token, {
        withBalance:
          audience === "customer" && readsRootField(parsedDocumentOf(initial), initial.params?.operationName, "balance"),
      });
      // The client's network key (two HMACs) only for the operations that count something under it.
      const req = initial.req;
      let network: string | undefined;
      const client = {
        get network() {
          network ??= services.limits.networkKey(clientAddress(req, edge.trustProxyHops), services.now());
          return network;
        },
      };
      return { services, viewer, readAhead, client, connection: initial.connection } satisfies RequestContext;
    },
  });
}

/**
 * Puts the operation's parsed document on the context, so that the context
 * factory, which runs after parsing and validation, can see what it reads.
 */
function useParsedDocumentInContext(): Plugin<{ document?: DocumentNode }> {
  return {
    onParse:
      () =>
      ({ result, extendContext }) => {
        if (result && !(result instanceof Error)) extendContext({ document: result as DocumentNode });
      },
  };
}

function parsedDocumentOf(context: object): DocumentNode | undefined {
  return (context as { document?: DocumentNode }).document;
}

/** Whether the operation to run is a query that selects `field` at its root (not through a fragment). */
function readsRootField(document: DocumentNode | undefined, operationName: string | undefined, field: string): boolean {
  if (!document) return false;
  const operation = getOperationAST(document, operationName);
  return (
    operation?.operation === OperationTypeNode.QUERY &&
    operation.selectionSet.selections.some((selection) => selection.kind === Kind.FIELD && selection.name.value === field)
  );
}

/** Prisma's "unable to start a transaction in the given time": every connection stayed busy. */
function isBusyDatabase(error: unknown): boolean {
  return (error as { code?: unknown }).code === "P2028";
}

/** The header a non-JSON request (a GET) must carry: a foreign page cannot add it without a CORS preflight. */
export const csrfHeader = "x-graphql-yoga-csrf";

/**
 * POST bodies are JSON. Forms (urlencoded, multipart) and text/plain are what
 * a foreign page can post without a preflight; they are refused whatever
 * headers they carry.
 */
function useJsonBodiesOnly(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== "POST") return;
      const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
      if (type === "application/json" || type === "application/graphql-response+json") return;
      throw createGraphQLError("Send GraphQL requests as JSON, with Content-Type: application/json.", {
        extensions: { code: "UNSUPPORTED_MEDIA_TYPE", http: { status: 415 } },
      });
    },
  };
}

/** Codes for the refusals Yoga's own plugins word without one. */
function useEdgeErrorCodes(): Plugin {
  const codes: Array<[RegExp, string, string]> = [
    [
      /^Required CSRF header/,
      "CSRF_HEADER_REQUIRED",
      `This request needs the ${csrfHeader} header, or a JSON POST (protection against cross-site requests).`,
    ],
  ];
  return {
    onResultProcess({ result }) {
      const errors = (result as { errors?: unknown }).errors;
      if (!Array.isArray(errors)) return;
      for (const error of errors) {
        if (!(error instanceof GraphQLError) || error.extensions.code) continue;
        const match = codes.find(([pattern]) => pattern.test(error.message));
        if (!match) continue;
        error.message = match[2];
        (error.extensions as Record<string, unknown>).code = match[1];
      }
    },
  };
}
