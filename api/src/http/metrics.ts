/**
 * `/metrics` for Prometheus, and the Yoga plugin that counts GraphQL
 * operations. The endpoint is served only when METRICS_TOKEN is set, and only
 * to a request bearing it (`Authorization: Bearer <token>`): the figures say
 * how busy the service is and which operations clients run, which is nobody
 * else's business. Without the token it answers 404, as for any unknown path.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError, getOperationAST, type OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Metrics, SqlReader } from "../platform/metrics.ts";

export const metricsPath = "/metrics";

export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  options: { metrics: Metrics; token: string | null; db: SqlReader },
): Promise<void> {
  if (!options.token) {
    res.writeHead(404, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify({ error: "Not found." }));
    return;
  }
  const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1]?.trim() ?? "";
  if (!sameSecret(presented, options.token)) {
    res
      .writeHead(401, { "content-type": "application/json; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' })
      .end(JSON.stringify({ error: "Metrics need the bearer token set in METRICS_TOKEN." }));
    return;
  }
  const body = await options.metrics.scrape(options.db);
  res.writeHead(200, { "content-type": options.metrics.contentType, "cache-control": "no-store" }).end(body);
}

/** Compared as hashes, so neither the length nor the first differing byte shows in the time taken. */
function sameSecret(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Error codes are ours, but a label must stay a short constant whatever reaches it. */
const codeLabel = (code: unknown) => (typeof code === "string" && /^[A-Z][A-Z0-9_]{0,47}$/.test(code) ? code : "OTHER");

/**
 * Counts and times each operation by its name, counts errors by code, and
 * keeps the number of open subscriptions. Runs for HTTP and graphql-ws alike
 * (the WebSocket server goes through the same envelop).
 */
export function useOperationMetrics(metrics: Metrics, audience: string): Plugin {
  const countErrors = (errors: readonly unknown[] | undefined) => {
    for (const error of errors ?? [])
      metrics.errors.inc({ audience, code: codeLabel(error instanceof GraphQLError ? error.extensions.code : undefined) });
  };
  const labels = (operation: OperationDefinitionNode | null | undefined, name: string | null | undefined) => ({
    audience,
    operation: metrics.operationLabel(audience, name ?? operation?.name?.value),
    type: operation?.operation ?? "unknown",
  });
  return {
    onParse() {
      return ({ result }) => {
        if (result instanceof Error) metrics.errors.inc({ audience, code: "GRAPHQL_PARSE_FAILED" });
      };
    },
    onValidate() {
      return ({ valid }) => {
        if (!valid) metrics.errors.inc({ audience, code: "GRAPHQL_VALIDATION_FAILED" });
      };
    },
    onExecute({ args }) {
      const operation = labels(getOperationAST(args.document, args.operationName), args.operationName);
      metrics.operations.inc(operation);
      const stop = metrics.operationSeconds.startTimer(operation);
      return {
        onExecuteDone({ result }) {
          stop();
          if (!(Symbol.asyncIterator in result)) countErrors(result.errors);
        },
      };
    },
    onSubscribe({ args }) {
      metrics.operations.inc(labels(getOperationAST(args.document, args.operationName), args.operationName));
      return {
        onSubscribeResult({ result }) {
          if (!(Symbol.asyncIterator in result)) {
            countErrors(result.errors);
            return;
          }
          metrics.openSubscriptions.inc({ audience });
          let open = true;
          return {
            onNext({ result: event }) {
              countErrors(event.errors);
            },
            onEnd() {
              if (!open) return;
              open = false;
              metrics.openSubscriptions.dec({ audience });
            },
          };
        },
      };
    },
  };
}
