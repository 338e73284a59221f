/**
 * Browser-facing rules of the edge (docs/security.md): which origins may use
 * the APIs with credentials, and the headers every response carries.
 */
import type { IncomingMessage } from "node:http";
import type { Config } from "../config.ts";

/**
 * Whether a request's Origin may act with the visitor's credentials: no Origin
 * (not a browser page), the service's own origin (PUBLIC_URL, or the Host the
 * request was sent to), or one configured for the endpoint. `Origin: null`
 * (sandboxed frames, local files) is never allowed.
 */
export function originAllowed(req: IncomingMessage, configured: readonly string[], publicUrl: URL): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (configured.includes(origin) || origin === publicUrl.origin) return true;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * Sent on every response; the console's files replace the CSP with their own.
 * API answers are JSON: they load nothing, are framed nowhere and are never
 * sniffed as another type. GraphiQL (development only) loads its scripts, so
 * its CSP keeps only frame-ancestors.
 */
export function securityHeaders(config: Config): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "content-security-policy": config.edge.graphiql ? "frame-ancestors 'none'" : "default-src 'none'; frame-ancestors 'none'",
    ...(config.edge.hsts ? { "strict-transport-security": "max-age=31536000; includeSubDomains" } : {}),
  };
}

/**
 * The client's address: the connection's own, or with `trustProxyHops`
 * proxies of ours in front, the one the nearest of them appended to
 * X-Forwarded-For (entries further left are whatever the client sent). It is
 * only ever turned into its network's daily keyed hash (platform/rate-limits.ts),
 * never stored or logged.
 */
export function clientAddress(req: IncomingMessage, trustProxyHops: number): string {
  const own = req.socket?.remoteAddress ?? "unknown";
  if (trustProxyHops === 0) return own;
  const header = req.headers["x-forwarded-for"];
  const entries = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries[entries.length - trustProxyHops] ?? entries[0] ?? own;
}
