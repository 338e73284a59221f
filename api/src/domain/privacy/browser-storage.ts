/**
 * Everything the service keeps in a browser (P19): cookies the API sets and
 * what the console stores. Nothing else is ever set; the API serves this
 * list (`browserStorage` in both GraphQL schemas) and tests compare it with
 * what a browser holds after using the customer API and the console.
 *
 * The console keeps its interface state (list filters, sidebar) in memory
 * only, so nothing a staff member searched for stays in the browser.
 */
export type BrowserStorageKind = "COOKIE" | "LOCAL_STORAGE" | "SESSION_STORAGE";

export interface BrowserStorageEntry {
  /** The cookie's name without the `__Host-` prefix it carries over HTTPS. */
  name: string;
  kind: BrowserStorageKind;
  /** Who sets it: the customer API or the staff console (through the staff API). */
  setBy: "CUSTOMER_API" | "STAFF_CONSOLE";
  purpose: string;
  lifetime: string;
  /** Whether the service cannot work without it; only such entries are set without asking. */
  strictlyNecessary: boolean;
}

export const browserStorage = [
  {
    name: "smsape_session",
    kind: "COOKIE",
    setBy: "CUSTOMER_API",
    purpose: "keeps a customer signed in (a random session token; the server keeps only its hash)",
    lifetime:
      "until sign-out, the idle expiry or the session's absolute expiry (SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_MINUTES), whichever comes first",
    strictlyNecessary: true,
  },
  {
    name: "smsape_staff",
    kind: "COOKIE",
    setBy: "STAFF_CONSOLE",
    purpose: "keeps a staff member signed in to the console (a random session token; the server keeps only its hash)",
    lifetime: "until sign-out, the idle expiry or the session's absolute expiry, whichever comes first",
    strictlyNecessary: true,
  },
] as const satisfies readonly BrowserStorageEntry[];
