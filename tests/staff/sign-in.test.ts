/**
 * Staff sign-in over HTTP (P20): password, then a TOTP code (enrolled with a
 * QR code at first sign-in) or a single-use recovery code. No session exists
 * before the second factor; codes work once; failed attempts lock the member
 * for a while, counted in the database so every instance sees the lock.
 */
import {
  createStaffMember,
  GraphqlClient,
  minutes,
  staffEnrolTotp,
  staffSignIn,
  staffVerifyTotp,
  staffViewerOf,
  startTestApp,
  type TestApp,
  totpCode,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffSessionCookie } from "../../api/src/graphql/session-cookies.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const staffClient = (on: TestApp = app) => new GraphqlClient(on.url, "/admin/graphql");
const sessionCookie = (client: GraphqlClient) => client.cookie(staffSessionCookie(app.services.config).name);

/** A code the authenticator does not show now (nor one step either side). */
function wrongCode(secret: string): string {
  const near = [-30_000, 0, 30_000].map((offset) => totpCode(secret, new Date(app.services.now().getTime() + offset)));
  for (let candidate = 0; ; candidate += 1) {
    const code = String(candidate).padStart(6, "0");
    if (!near.includes(code)) return code;
  }
}

/** A member an ADMIN added through the staff API, who has never signed in. */
async function newlyAddedMember() {
  const admin = await createStaffMember(app, { role: "ADMIN" });
  const email = `new-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const password = "first-password-123";
  const { createStaffMember: created } = await admin.client.data(
    `mutation($input: CreateStaffMemberInput!) {
      createStaffMember(input: $input) { __typename ... on StaffMemberPayload { staff { id } } ... on Error { code } }
    }`,
    { input: { email, displayName: "New Member", role: "SUPPORT", password } },
  );
  expect(created.__typename).toBe("StaffMemberPayload");
  return { email, password, staffUserId: created.staff.id as string };
}

describe("enrolment at first sign-in", () => {
  it("P20: the first sign-in offers a QR code and creates no session until the first code confirms the secret", async () => {
    const { email, password, staffUserId } = await newlyAddedMember();
    const client = staffClient();
    const step = await staffSignIn(client, email, password);
    expect(step).toMatchObject({ __typename: "StaffSecondFactorRequired", step: "ENROL_TOTP" });
    const secret = step.enrolment?.secret ?? "";
    expect(step.enrolment?.otpauthUri).toMatch(new RegExp(`^otpauth://totp/.*secret=${secret}`));
    expect(step.enrolment?.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(step.enrolment?.qrCode.split(",")[1] ?? "", "base64").toString()).toContain("<svg");
    // A right password alone is no session: no cookie, and the step's token is no credential.
    expect(sessionCookie(client)).toBeUndefined();
    const withToken = staffClient();
    withToken.bearer = step.challengeToken ?? "";
    expect(await staffViewerOf(withToken)).toBeNull();
    expect(await app.services.db.staffSession.count({ where: { staffUserId } })).toBe(0);

    expect(await staffEnrolTotp(client, step.challengeToken ?? "", wrongCode(secret))).toMatchObject({ code: "INVALID_CODE" });
    expect(sessionCookie(client)).toBeUndefined();

    const enrolled = await staffEnrolTotp(client, step.challengeToken ?? "", totpCode(secret, app.services.now()));
    expect(enrolled.__typename).toBe("StaffTotpEnrolled");
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect(new Set(enrolled.recoveryCodes).size).toBe(10);
    expect(await staffViewerOf(client)).toMatchObject({ id: staffUserId, email });

    // At rest: the secret encrypted with the key ring, the recovery codes only as hashes.
    const stored = await app.services.db.staffUser.findUniqueOrThrow({ where: { id: staffUserId } });
    expect(stored.mfaSecret).toMatch(/^v1\./);
    expect(stored.mfaSecret).not.toContain(secret);
    const hashes = await app.services.db.staffRecoveryCode.findMany({ where: { staffUserId } });
    expect(hashes).toHaveLength(10);
    for (const code of enrolled.recoveryCodes ?? []) {
      expect(hashes.some((row) => row.codeHash.includes(code) || row.codeHash.includes(code.replace("-", "")))).toBe(false);
    }

    // The enrolment token finished its sign-in: it cannot enrol again.
    expect(await staffEnrolTotp(staffClient(), step.challengeToken ?? "", totpCode(secret, app.services.now()))).toMatchObject({
      code: "SIGN_IN_EXPIRED",
    });
  });
});

describe("signing in with the second factor", () => {
  it("P20: an enrolled member needs the authenticator's code after the password; a wrong code is refused", async () => {
    const member = await createStaffMember(app);
    app.clock.advance(30_000);
    const client = staffClient();
    const step = await staffSignIn(client, member.email, member.password);
    expect(step).toMatchObject({ step: "ENTER_TOTP", enrolment: null });
    expect(sessionCookie(client)).toBeUndefined();

    expect(await staffVerifyTotp(client, step.challengeToken ?? "", { code: wrongCode(member.totpSecret) })).toMatchObject({
      code: "INVALID_CODE",
    });
    expect(sessionCookie(client)).toBeUndefined();
    expect(await staffViewerOf(client)).toBeNull();

    expect(await staffVerifyTotp(client, step.challengeToken ?? "", { code: member.currentCode() })).toMatchObject({
      __typename: "StaffSignInSuccess",
    });
    expect(await staffViewerOf(client)).toMatchObject({ email: member.email });
  });

  it("P20: a code works once: the same code on another sign-in is refused", async () => {
    const member = await createStaffMember(app);
    app.clock.advance(30_000);
    const code = member.currentCode();
    const first = staffClient();
    const firstStep = await staffSignIn(first, member.email, member.password);
    expect(await staffVerifyTotp(first, firstStep.challengeToken ?? "", { code })).toMatchObject({
      __typename: "StaffSignInSuccess",
    });

    const replay = staffClient();
    const replayStep = await staffSignIn(replay, member.email, member.password);
    expect(await staffVerifyTotp(replay, replayStep.challengeToken ?? "", { code })).toMatchObject({ code: "INVALID_CODE" });
    expect(await staffViewerOf(replay)).toBeNull();
  });

  it("P20: a recovery code signs in once, however it is typed, and never again", async () => {
    const member = await createStaffMember(app);
    const [recoveryCode = ""] = member.recoveryCodes;
    const first = staffClient();
    const firstStep = await staffSignIn(first, member.email, member.password);
    const typed = recoveryCode.toUpperCase().replace("-", " ");
    expect(await staffVerifyTotp(first, firstStep.challengeToken ?? "", { recoveryCode: typed })).toMatchObject({
      __typename: "StaffSignInSuccess",
    });
    expect(await staffViewerOf(first)).toMatchObject({ email: member.email });

    const again = staffClient();
    const againStep = await staffSignIn(again, member.email, member.password);
    expect(await staffVerifyTotp(again, againStep.challengeToken ?? "", { recoveryCode })).toMatchObject({
      code: "INVALID_CODE",
    });
    // Another of the member's codes still works.
    expect(
      await staffVerifyTotp(again, againStep.challengeToken ?? "", { recoveryCode: member.recoveryCodes[1] ?? "" }),
    ).toMatchObject({ __typename: "StaffSignInSuccess" });
  });

  it("the step after the password lapses after five minutes", async () => {
    const member = await createStaffMember(app);
    const client = staffClient();
    const step = await staffSignIn(client, member.email, member.password);
    app.clock.advance(minutes(5) + 1_000);
    expect(await staffVerifyTotp(client, step.challengeToken ?? "", { code: member.currentCode() })).toMatchObject({
      code: "SIGN_IN_EXPIRED",
    });
    expect(await staffViewerOf(client)).toBeNull();
  });

  it("audits every sign-in, successful or not, with ids only", async () => {
    const member = await createStaffMember(app);
    await staffSignIn(staffClient(), member.email, "not-the-password");
    await staffSignIn(staffClient(), "nobody@example.test", "not-the-password");
    const entries = await app.services.db.auditEntry.findMany({
      where: { action: { startsWith: "staff.sign_in" }, OR: [{ actorId: member.staffUserId }, { actorId: "staff-sign-in" }] },
      orderBy: { seq: "asc" },
    });
    expect(entries.filter((entry) => entry.actorId === member.staffUserId).map((entry) => [entry.action, entry.reason])).toEqual([
      ["staff.sign_in_succeeded", null],
      ["staff.sign_in_failed", "wrong-password"],
    ]);
    expect(entries.some((entry) => entry.reason === "unknown-email" && entry.actorType === "SYSTEM")).toBe(true);
    expect(JSON.stringify(entries, (_key, value) => (typeof value === "bigint" ? String(value) : value))).not.toContain("@");
  });
});

describe("lockout after failed attempts", () => {
  it("P20: an address no member has locks after the same five failures with the same answers, so the lock tells nothing", async () => {
    const member = await createStaffMember(app);
    const stranger = `nobody-${crypto.randomUUID()}@smsape.test`;
    const answers = async (email: string) => {
      const seen: Array<{ code?: string; lockedFor?: number }> = [];
      for (let attempt = 1; attempt <= 6; attempt += 1) {
        const answer = await staffSignIn(staffClient(), email, "not-the-password");
        const lockedFor = answer.lockedUntil
          ? Math.round((Date.parse(answer.lockedUntil) - app.services.now().getTime()) / 60_000)
          : undefined;
        seen.push({ code: answer.code, lockedFor });
      }
      return seen;
    };
    const known = await answers(member.email);
    expect(known.map((answer) => answer.code)).toEqual([
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "INVALID_CREDENTIALS",
      "STAFF_LOCKED",
      "STAFF_LOCKED",
    ]);
    expect(await answers(stranger)).toEqual(known);
    // Only a keyed hash of the typed address is kept.
    const rows = await app.services.db.staffSignInThrottle.findMany();
    expect(JSON.stringify(rows)).not.toContain(stranger);
    expect(rows.some((row) => row.lockedUntil !== null)).toBe(true);
  });

  it("P20: five failed passwords lock the member for 15 minutes, whatever they type; then they may sign in again", async () => {
    const member = await createStaffMember(app);
    const attempt = (password: string) => staffSignIn(staffClient(), member.email, password);
    for (let failure = 1; failure <= 4; failure += 1) {
      expect(await attempt("not-the-password")).toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    const locked = await attempt("not-the-password");
    expect(locked.code).toBe("STAFF_LOCKED");
    const lockEnds = new Date(locked.lockedUntil ?? "");
    expect(lockEnds.getTime() - app.services.now().getTime()).toBeGreaterThan(minutes(15) - 5_000);
    expect(lockEnds.getTime() - app.services.now().getTime()).toBeLessThanOrEqual(minutes(15));

    // The right password gets the same answer while the lock holds.
    expect(await attempt(member.password)).toEqual(await attempt("not-the-password"));
    expect(await attempt(member.password)).toMatchObject({ code: "STAFF_LOCKED", lockedUntil: locked.lockedUntil });

    app.clock.advance(minutes(15) + 1_000);
    expect(await attempt(member.password)).toMatchObject({ step: "ENTER_TOTP" });
  });

  it("P20: wrong codes count towards the same lock, and a locked member cannot finish a sign-in already past the password", async () => {
    const member = await createStaffMember(app);
    const client = staffClient();
    const step = await staffSignIn(client, member.email, member.password);
    const token = step.challengeToken ?? "";
    for (let failure = 1; failure <= 2; failure += 1) {
      expect(await staffSignIn(staffClient(), member.email, "not-the-password")).toMatchObject({ code: "INVALID_CREDENTIALS" });
    }
    for (let failure = 1; failure <= 2; failure += 1) {
      expect(await staffVerifyTotp(client, token, { code: wrongCode(member.totpSecret) })).toMatchObject({
        code: "INVALID_CODE",
      });
    }
    expect(await staffVerifyTotp(client, token, { code: wrongCode(member.totpSecret) })).toMatchObject({ code: "STAFF_LOCKED" });
    expect(await staffVerifyTotp(client, token, { code: member.currentCode() })).toMatchObject({ code: "STAFF_LOCKED" });
    expect(await staffViewerOf(client)).toBeNull();
  });

  it("P20: the lock holds on another instance of the service", async () => {
    const second = await startTestApp({}, { database: app.database });
    try {
      const member = await createStaffMember(app);
      for (let failure = 1; failure <= 5; failure += 1) {
        const instance = failure % 2 === 0 ? second : app;
        await staffSignIn(staffClient(instance), member.email, "not-the-password");
      }
      expect(await staffSignIn(staffClient(second), member.email, member.password)).toMatchObject({ code: "STAFF_LOCKED" });
      expect(await staffSignIn(staffClient(app), member.email, member.password)).toMatchObject({ code: "STAFF_LOCKED" });
    } finally {
      await second.close();
    }
  });
});
