/**
 * The only cookies the service sets (P19), as domain/privacy/browser-storage.ts
 * lists them: one session cookie for customers and one for staff. Both are HttpOnly and SameSite=Lax; over HTTPS they are Secure
 * and carry the __Host- prefix, which pins them to this host and path /.
 * Sign-in and sign-out resolvers set and clear them through Yoga's cookie
 * store; the HTTP edge reads them (http/credentials.ts).
 */
import type { Config } from "../config.ts";
import { browserStorage } from "../domain/privacy/browser-storage.ts";
import type { Audience } from "./viewer.ts";

export interface CookieSpec {
  name: string;
  secure: boolean;
}

export const cookieInventory = browserStorage.filter((entry) => entry.kind === "COOKIE");
const [customerCookie, staffCookie] = browserStorage;

function spec(config: Config, base: string): CookieSpec {
  const secure = config.http.secureCookies;
  return { name: secure ? `__Host-${base}` : base, secure };
}

export const customerSessionCookie = (config: Config) => spec(config, customerCookie.name);
export const staffSessionCookie = (config: Config) => spec(config, staffCookie.name);

/** Each API reads only its own audience's cookie: customer sessions mean nothing to the staff API and the reverse. */
export const sessionCookieOf = (audience: Audience, config: Config) =>
  audience === "staff" ? staffSessionCookie(config) : customerSessionCookie(config);

/** `request.cookieStore` comes from the useCookies plugin of the GraphQL server. */
interface CookieContext {
  request: Request;
}

export async function setSessionCookie(context: CookieContext, cookie: CookieSpec, token: string, expires: Date) {
  await context.request.cookieStore?.set({
    name: cookie.name,
    value: token,
    path: "/",
    httpOnly: true,
    secure: cookie.secure,
    sameSite: "lax",
    expires: expires.getTime(),
    domain: null,
  });
}

export async function clearSessionCookie(context: CookieContext, cookie: CookieSpec) {
  await context.request.cookieStore?.set({
    name: cookie.name,
    value: "",
    path: "/",
    httpOnly: true,
    secure: cookie.secure,
    sameSite: "lax",
    expires: 0,
    domain: null,
  });
}
