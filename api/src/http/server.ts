import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import { Readable } from "node:stream";
import { GraphQLError, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import sirv from "sirv";
import { WebSocket, WebSocketServer } from "ws";
import type { RequestContext } from "../graphql/context.ts";
import { watchViewer } from "../graphql/viewer.ts";
import type { DevelopmentMailbox } from "../platform/mail-transport.ts";
import type { Tracing } from "../platform/tracing.ts";
import type { Services } from "../services/index.ts";
import { clientAddress, originAllowed, securityHeaders } from "./edge.ts";
import { createGraphqlServer, type Yoga } from "./graphql.ts";
import { metricsPath, serveMetrics } from "./metrics.ts";
import { loadPersistedOperations, socketDocument } from "./persisted-operations.ts";
import { accessExportPath, serveAccessExport } from "./privacy-export.ts";
import { readBody } from "./request-body.ts";
import { createSmsActivateHandler } from "./sms-activate/handler.ts";

export interface WebhookRoute {
  path: string;
  handle(request: { rawBody: Buffer; headers: IncomingMessage["headers"] }): Promise<{ status: number; body: unknown }>;
}

export interface HttpServer {
  server: Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

const maxWebhookBytes = 64 * 1024;

/**
 * One port, every route: the two GraphQL endpoints (HTTP and WebSocket), the
 * webhooks, the console's static files and the health check.
 */
export function createHttpServer(options: {
  services: Services;
  schemas: { customer: GraphQLSchema; staff: GraphQLSchema };
  consoleDir: string | null;
  webhooks: WebhookRoute[];
  devMailbox: DevelopmentMailbox | null;
  checkHealth(): Promise<Record<string, string>>;
  /** What must answer before this instance takes traffic (GET /readyz). */
  checkReadiness(): Promise<Record<string, string>>;
  tracing: Tracing | null;
}): HttpServer {
  const { services } = options;
  const { edge } = services.config;
  const log = services.logger.child({ component: "http" });
  const customer = createGraphqlServer({
    services,
    schema: options.schemas.customer,
    audience: "customer",
    endpoint: "/graphql",
    tracing: options.tracing,
  });
  // The console's build lists the operations it sends; in production the staff API runs only those.
  const staffOperations = loadPersistedOperations(options.consoleDir, edge.staffPersistedOperationsOnly);
  if (staffOperations.only && staffOperations.documents.size === 0) {
    log.error("the console build has no persisted-operations manifest: the staff API will refuse every operation");
  }
  const staff = createGraphqlServer({
    services,
    schema: options.schemas.staff,
    audience: "staff",
    endpoint: "/admin/graphql",
    persistedOperations: staffOperations,
    tracing: options.tracing,
  });
  const smsActivate = createSmsActivateHandler(services);
  /** Set once shutdown begins: /readyz then answers 503 so a load balancer stops sending new requests. */
  let draining = false;
  const consoleFiles =
    options.consoleDir && existsSync(join(options.consoleDir, "index.html"))
      ? sirv(options.consoleDir, { single: true, dev: false, etag: true, gzip: false })
      : null;

  const server = createServer(async (req, res) => {
    for (const [name, value] of Object.entries(securityHeaders(services.config))) res.setHeader(name, value);
    try {
      await route(req, res);
    } catch (error) {
      log.error({ err: error }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { error: "Something went wrong on our side." });
      else res.end();
    }
  });

  async function route(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path === "/graphql" || path === "/admin/graphql") {
      const yoga = path === "/graphql" ? customer : staff;
      const body = await withinBodyLimit(req, edge.maxBodyBytes);
      if (!body) {
        return sendJson(
          res,
          413,
          {
            errors: [
              {
                message: `The request body is larger than ${edge.maxBodyBytes} bytes.`,
                extensions: { code: "BODY_TOO_LARGE" },
              },
            ],
          },
          { connection: "close" },
        );
      }
      return yoga(body, res, { req });
    }
    if (path.startsWith(accessExportPath)) return serveAccessExport(services, req, res, path);
    if (path === services.config.smsActivate.path) {
      if (req.method !== "GET" && req.method !== "POST") return sendJson(res, 405, { error: "Use GET or POST." });
      return smsActivate(req, res);
    }
    if (path === "/healthz") {
      const checks = await options.checkHealth();
      const healthy = Object.values(checks).every((status) => status === "ok");
      return sendJson(res, healthy ? 200 : 503, { status: healthy ? "ok" : "degraded", checks });
    }
    if (path === "/readyz") {
      const checks = draining ? { server: "shutting-down" } : await options.checkReadiness();
      const ready = Object.values(checks).every((status) => status === "ok");
      return sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not-ready", checks });
    }
    if (path === metricsPath) {
      return serveMetrics(req, res, {
        metrics: services.metrics,
        token: services.config.observability.metricsToken,
        db: services.db,
      });
    }
    const webhook = options.webhooks.find((hook) => hook.path === path);
    if (webhook) {
      if (req.method !== "POST") return sendJson(res, 405, { error: "Use POST." });
      const network = services.limits.networkKey(clientAddress(req, edge.trustProxyHops), services.now());
      const verdict = await services.limits.consume("webhook.network", `${webhook.path}:${network}`);
      if (!verdict.allowed) {
        const wait = verdict.retryAfterSeconds;
        return sendJson(
          res,
          429,
          {
            code: "RATE_LIMITED",
            error: `Too many deliveries from your network. Try again in ${wait} seconds.`,
            retryAfterSeconds: wait,
          },
          { "retry-after": String(wait) },
        );
      }
      const rawBody = await readBody(req, maxWebhookBytes);
      if (!rawBody) {
        // Reading stopped at the limit: answer, then close rather than read the rest (readBody).
        return sendJson(
          res,
          413,
          { code: "BODY_TOO_LARGE", error: `The body is larger than ${maxWebhookBytes} bytes.` },
          { connection: "close" },
        );
      }
      const result = await webhook.handle({ rawBody, headers: req.headers });
      return sendJson(res, result.status, result.body);
    }
    if (path === "/dev/mailbox" && options.devMailbox) {
      const messages = [...options.devMailbox.messages].reverse();
      return sendJson(res, 200, { note: "Development only: the emails this process sent, newest first.", messages });
    }
    if (path === "/" || path === "/console") {
      res.writeHead(302, { location: "/console/" }).end();
      return;
    }
    if (path.startsWith("/console/")) {
      if (!consoleFiles) {
        return sendJson(res, 503, { error: "The console is not built. Run `pnpm --filter @smsape/console build`." });
      }
      req.url = (req.url ?? "").slice("/console".length) || "/";
      res.setHeader(
        "content-security-policy",
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
      );
      return consoleFiles(req, res, () => sendJson(res, 404, { error: "Not found." }));
    }
    sendJson(res, 404, { error: "Not found." });
  }

  // graphql-ws on the same paths: the Yoga instance's envelop runs for every
  // WebSocket operation too, so context, auth and masking are the same.
  const sockets = { "/graphql": customer, "/admin/graphql": staff } as Record<string, Yoga>;
  const wsServers = new Map<string, WebSocketServer>();
  // Each open socket watches the credential it connected with, until it closes.
  const credentialWatches = new WeakMap<WebSocket, () => void>();
  /**
   * When the session or API key a socket connected with ends (signed out,
   * revoked, past its absolute expiry), the socket is closed with graphql-ws's
   * 4401 Unauthorized, which its clients treat as final rather than
   * reconnecting with the dead credential. Documented in the README.
   */
  const closeForEndedCredential = (socket: WebSocket) => {
    if (socket.readyState === WebSocket.OPEN)
      socket.close(4401, "Unauthorized: the session or API key ended; authenticate again");
  };
  for (const [path, yoga] of Object.entries(sockets)) {
    const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
    wsServers.set(path, wss);
    useServer(
      {
        execute: (args) => (args.rootValue as { execute: (a: unknown) => unknown }).execute(args) as never,
        subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => unknown }).subscribe(args) as never,
        onConnect: async (ctx) => {
          // Authenticate once, at connection init: anonymous sockets are refused.
          const { contextFactory } = yoga.getEnveloped({ req: ctx.extra.request, connectionParams: ctx.connectionParams ?? {} });
          const { viewer } = (await contextFactory()) as RequestContext;
          if (viewer.kind === "anonymous") return false;
          const socket = ctx.extra.socket;
          const stopWatching = watchViewer(services, viewer, () => closeForEndedCredential(socket));
          if (socket.readyState === WebSocket.OPEN) credentialWatches.set(socket, stopWatching);
          else stopWatching();
          return true;
        },
        onClose: (ctx) => {
          credentialWatches.get(ctx.extra.socket)?.();
          credentialWatches.delete(ctx.extra.socket);
        },
        onSubscribe: async (ctx, _id, payload) => {
          const socket = ctx.extra.socket;
          const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
            req: ctx.extra.request,
            connectionParams: ctx.connectionParams ?? {},
            params: payload,
            connection: { credentialEnded: () => closeForEndedCredential(socket) },
          });
          // The staff socket runs the console's persisted operations as its HTTP endpoint does.
          const source = yoga === staff ? socketDocument(staffOperations, payload) : payload.query;
          if (source instanceof GraphQLError) return [source];
          // Over-long documents are refused while parsing (token limit): an error for this operation, not the socket.
          let document: ReturnType<typeof parse>;
          try {
            document = parse(source);
          } catch (error) {
            if (error instanceof GraphQLError) return [error];
            throw error;
          }
          const errors = validate(schema, document);
          if (errors.length > 0) return errors;
          return {
            schema,
            operationName: payload.operationName,
            document,
            variableValues: payload.variables,
            contextValue: await contextFactory(),
            rootValue: { execute, subscribe },
          };
        },
      },
      wss,
    );
  }

  server.on("upgrade", (req, socket: Socket, head) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const wss = wsServers.get(path);
    if (!wss) {
      socket.destroy();
      return;
    }
    // A page from another origin would connect with the visitor's cookie (cross-site WebSocket hijacking).
    const audience = path === "/graphql" ? "customer" : "staff";
    if (!originAllowed(req, edge.corsOrigins[audience], services.config.http.publicUrl)) {
      socket.end(
        "HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
          "This origin may not open a WebSocket to this service.\n",
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  });

  return {
    server,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      });
    },
    async close() {
      draining = true;
      // Stop accepting, let requests in flight finish, and tell WebSocket clients to reconnect: with
      // 1012 (Service Restart) a graphql-ws client retries, and reaches another instance or this one restarted.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const wss of wsServers.values()) {
        for (const client of wss.clients) client.close(1012, "Service restarting; reconnect");
        wss.close();
      }
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * The request to hand Yoga, or null when its body is larger than `limit`
 * bytes. A declared Content-Length settles it at once (Node holds the body to
 * that length); a chunked body is read up to the limit and replayed.
 */
async function withinBodyLimit(req: IncomingMessage, limit: number): Promise<IncomingMessage | null> {
  if (req.headers["content-length"] !== undefined || !req.headers["transfer-encoding"]) {
    if (Number(req.headers["content-length"] ?? 0) <= limit) return req;
    req.pause();
    return null;
  }
  const body = await readBody(req, limit);
  if (!body) return null;
  return Object.assign(Readable.from([body]), {
    method: req.method,
    url: req.url,
    headers: req.headers,
    socket: req.socket,
  }) as unknown as IncomingMessage;
}
