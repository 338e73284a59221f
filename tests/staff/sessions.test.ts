import { createStaffMember, GraphqlClient, minutes, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffSessionCookie } from "../../api/src/graphql/session-cookies.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ SESSION_IDLE_MINUTES: "30", SESSION_ABSOLUTE_MINUTES: "120" });
});
afterAll(async () => {
  await app?.close();
});

/**
 * A staff member signed in on the staff API: once with the session cookie,
 * once with its token as a bearer. `signedIn` is what the staff API answers while the session lasts.
 */
async function signedInStaff() {
  const { client: cookieClient, email } = await createStaffMember(app, { role: "SUPPORT" });
  const token = cookieClient.cookie(staffSessionCookie(app.services.config).name);
  if (!token) throw new Error("Staff sign-in set no session cookie.");
  const bearerClient = new GraphqlClient(app.url, "/admin/graphql");
  bearerClient.bearer = token;
  /** Who the staff API says is signed in, through the cookie and through the bearer token. */
  const staffViewer = async () => {
    const viewer = async (client: GraphqlClient) => (await client.data(`{ staffViewer { email } }`)).staffViewer;
    return [await viewer(cookieClient), await viewer(bearerClient)];
  };
  return { staffViewer, signedIn: [{ email }, { email }] };
}

const signedOut = [null, null];

describe("staff sessions", () => {
  it("P5: a staff session unused for longer than the idle time ends", async () => {
    const { staffViewer, signedIn } = await signedInStaff();
    expect(await staffViewer()).toEqual(signedIn);
    app.clock.advance(minutes(31));
    expect(await staffViewer()).toEqual(signedOut);
  });

  it("P5: use within the idle time keeps a staff session alive past it", async () => {
    const { staffViewer, signedIn } = await signedInStaff();
    for (let elapsed = 0; elapsed < 80; elapsed += 20) {
      app.clock.advance(minutes(20));
      expect(await staffViewer()).toEqual(signedIn);
    }
    app.clock.advance(minutes(31));
    expect(await staffViewer()).toEqual(signedOut);
  });

  it("P5: a staff session ends at its absolute expiry however much it is used", async () => {
    const { staffViewer, signedIn } = await signedInStaff();
    for (let elapsed = 0; elapsed < 115; elapsed += 23) {
      app.clock.advance(minutes(23));
      expect(await staffViewer()).toEqual(signedIn);
    }
    app.clock.advance(minutes(6));
    expect(await staffViewer()).toEqual(signedOut);
  });
});
