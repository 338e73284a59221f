/**
 * What a request presents as its credential, read at the HTTP edge and handed
 * to the GraphQL context as a bare token: an `Authorization: Bearer` header
 * (on a request or on a WebSocket upgrade), graphql-ws `connectionParams.authorization`
 * (browsers cannot set headers on a WebSocket), or the audience's session cookie.
 */
import type { IncomingMessage } from "node:http";

export interface PresentedCredentials {
  /** The Fetch request of an HTTP operation; absent on a WebSocket. */
  request?: Request | undefined;
  /** The node request: the HTTP request, or the WebSocket's upgrade request. */
  req?: IncomingMessage | undefined;
  connectionParams?: Readonly<Record<string, unknown>> | undefined;
}

/** The token the request presents for the API whose session cookie is `cookieName`, or null. */
export function presentedToken(from: PresentedCredentials, cookieName: string): string | null {
  const param = from.connectionParams?.authorization;
  const authorization =
    from.request?.headers.get("authorization") ??
    (typeof param === "string" ? param : null) ??
    from.req?.headers.authorization ??
    null;
  const cookieHeader = from.request?.headers.get("cookie") ?? from.req?.headers.cookie ?? null;
  return bearer(authorization) ?? readCookie(cookieHeader, cookieName);
}

function bearer(authorization: string | null): string | null {
  const match = authorization?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}

function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return decodedOrNull(part.slice(index + 1).trim());
  }
  return null;
}

/** A malformed %-escape is no credential, not a server error. */
function decodedOrNull(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
