/**
 * GET /privacy/export/<token>: the emailed link to a copy of one's data (P14).
 * It serves the copy only to the person it was made for: the link's token and
 * a signed-in customer session of that same account (cookie or bearer), once,
 * before it expires.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import Negotiator from "negotiator";
import { resolveCustomerToken } from "../domain/accounts/credentials.ts";
import { downloadAccessExport, ExportLinkError } from "../domain/privacy/access-export.ts";
import { customerSessionCookie } from "../graphql/session-cookies.ts";
import type { Services } from "../services/index.ts";
import { presentedToken } from "./credentials.ts";

export const accessExportPath = "/privacy/export/";
const gunzipped = promisify(gunzip);

export async function serveAccessExport(services: Services, req: IncomingMessage, res: ServerResponse, path: string) {
  const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "referrer-policy": "no-referrer",
      ...headers,
    });
    // The copy is JSON text already (as it was sealed); anything else is written as JSON here.
    res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
  };
  if (req.method !== "GET") return send(405, { error: "Use GET." });
  const linkToken = decodeURIComponent(path.slice(accessExportPath.length));
  const sessionToken = presentedToken({ req }, customerSessionCookie(services.config).name);
  const credential = sessionToken ? await resolveCustomerToken(services, sessionToken) : null;
  if (!credential?.sessionId) {
    return send(401, { code: "SIGN_IN_REQUIRED", error: "Sign in to your account, then open the link again." });
  }
  try {
    const copy = await downloadAccessExport(services, { kind: "account", ...credential }, linkToken);
    const attachment = { "content-disposition": 'attachment; filename="smsape-data.json"', vary: "accept-encoding" };
    if (!copy.gzip) return send(200, copy.bytes, attachment);
    // Stored compressed: handed on as it is to a client that accepts gzip, decompressed for one that does not.
    if (new Negotiator(req).encodings(["gzip", "identity"])[0] === "gzip") {
      return send(200, copy.bytes, { ...attachment, "content-encoding": "gzip" });
    }
    return send(200, await gunzipped(copy.bytes), attachment);
  } catch (error) {
    if (error instanceof ExportLinkError) return send(error.status, { code: error.code, error: error.message });
    throw error;
  }
}
