import {
  latestPolicyVersion,
  newEmail,
  newPassword,
  signInMutation,
  signUpMutation,
  startTestApp,
  type TestApp,
  viewerQuery,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieInventory } from "../../api/src/graphql/session-cookies.ts";

/** Runs sign-up, verification, sign-in, use, sign-out and sign-out-everywhere over raw HTTP, keeping every Set-Cookie header. */
async function fullFlow(app: TestApp): Promise<string[]> {
  const setCookies: string[] = [];
  let cookieHeader = "";
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookieHeader ? { cookie: cookieHeader } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    for (const cookie of response.headers.getSetCookie()) {
      setCookies.push(cookie);
      const [pair = ""] = cookie.split(";");
      cookieHeader = pair.endsWith("=") ? "" : pair;
    }
    return (await response.json()) as { data: Record<string, any> };
  };
  const email = newEmail();
  const password = newPassword();
  await post(signUpMutation, { input: { email, password, ageAttestation: true, acceptPolicyVersion: latestPolicyVersion } });
  const token = await app.mailbox.token(email, /Confirm/, "ver");
  await post(`mutation($t: String!) { verifyEmail(input: { token: $t }) { __typename } }`, { t: token });
  const signedIn = await post(signInMutation, { input: { email, password } });
  expect(signedIn.data.signIn.__typename).toBe("SignInPayload");
  expect((await post(viewerQuery)).data.viewer.email).toBe(email);
  await post(`{ privacyPolicy { version } }`);
  await post(`mutation { signOut }`);
  await post(signInMutation, { input: { email, password } });
  await post(`mutation { signOutEverywhere { endedSessions } }`);
  await post(signInMutation, { input: { email, password: "wrong password" } });
  return setCookies;
}

const attributes = (cookie: string) =>
  cookie
    .split(";")
    .slice(1)
    .map((part) => part.trim().toLowerCase());
const inventoryNames: string[] = cookieInventory.map((cookie) => cookie.name);

describe("P19: cookies over HTTPS", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ PUBLIC_URL: "https://sms.example.test" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("P19: a full sign-in and sign-out flow sets only inventoried cookies: __Host-, Secure, HttpOnly, SameSite=Lax, path /", async () => {
    const cookies = await fullFlow(app);
    expect(cookies.length).toBeGreaterThanOrEqual(4);
    for (const cookie of cookies) {
      const name = cookie.slice(0, cookie.indexOf("="));
      expect(name.startsWith("__Host-")).toBe(true);
      expect(inventoryNames).toContain(name.slice("__Host-".length));
      const attrs = attributes(cookie);
      expect(attrs).toContain("httponly");
      expect(attrs).toContain("secure");
      expect(attrs).toContain("samesite=lax");
      expect(attrs).toContain("path=/");
      expect(attrs.some((attr) => attr.startsWith("domain="))).toBe(false);
    }
  });
});

describe("P19: cookies over plain HTTP (a laptop)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("P19: a full sign-in and sign-out flow sets only inventoried cookies, HttpOnly and SameSite=Lax", async () => {
    const cookies = await fullFlow(app);
    expect(cookies.length).toBeGreaterThanOrEqual(4);
    for (const cookie of cookies) {
      expect(inventoryNames).toContain(cookie.slice(0, cookie.indexOf("=")));
      const attrs = attributes(cookie);
      expect(attrs).toContain("httponly");
      expect(attrs).toContain("samesite=lax");
    }
  });
});
