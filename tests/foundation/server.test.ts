import { readFileSync } from "node:fs";
import { demoStaff } from "@smsape/api/demo";
import { GraphqlClient, staffSignIn, startTestApp, type TestApp, totpCode } from "@smsape/api/testing";
import { buildSchema, isObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Types both schemas carry on purpose: scalars, errors, enums of values the customer also sees, the roots. */
const sharedTypes = new Set([
  ...["Boolean", "DateTime", "ID", "Int", "String", "Query", "Mutation", "Subscription", "PageInfo"],
  ...["Error", "FieldIssue", "ValidationError", "ConflictError", "NotFoundError", "InvalidCredentialsError"],
  ...["PolicyVersion", "Jurisdiction", "PrivacyRequestKind", "PrivacyRequestSource", "PrivacyRequestStatus"],
  ...["BigInt", "Balance", "ActivationStatus", "LedgerEntryKind"],
  ...["BrowserStorageEntry", "BrowserStorageKind", "SubProcessor", "SubProcessorDirection"],
]);
/** Root fields both schemas carry. */
const sharedRootFields = new Set(["privacyPolicy", "browserStorage", "subProcessors"]);
/** Fields a staff view shares with the customer's view of the same record. */
const sharedViewFields = new Set([
  ...["id", "kind", "status", "source", "jurisdiction", "details", "receivedAt", "verifiedAt"],
  ...["slaDueAt", "legalDueAt", "acknowledgedAt", "extendedAt", "completedAt", "resolution", "privacyRequest"],
  ...["version", "effectiveAt"],
]);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("one port serves every route", () => {
  it("reports health with the database reachable", async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", checks: { database: "ok" } });
  });

  it("P2: serves the privacy policy version in force on the customer API", async () => {
    const client = new GraphqlClient(app.url);
    const { privacyPolicy } = await client.data(`{ privacyPolicy { version effectiveAt text } }`);
    expect(privacyPolicy.version).toBe("2026-03-20");
    expect(privacyPolicy.text).toContain("Last updated 2026-03-20");
  });

  it("signs demo staff in on the staff API, password then authenticator code, with an HttpOnly session cookie", async () => {
    const support = demoStaff.find((staff) => staff.email === "support@smsape.test");
    if (!support) throw new Error("No demo support member.");
    const staff = new GraphqlClient(app.url, "/admin/graphql");
    const step = await staffSignIn(staff, support.email, support.password);
    expect(step).toMatchObject({ __typename: "StaffSecondFactorRequired", step: "ENTER_TOTP" });
    const response = await staff.post(
      `mutation($input: StaffVerifyTotpInput!) { staffVerifyTotp(input: $input) { __typename ... on StaffSignInSuccess { staff { email role } } } }`,
      { input: { challengeToken: step.challengeToken, code: totpCode(support.totpSecret, app.services.now()) } },
    );
    const cookie = response.headers.getSetCookie().find((value) => value.startsWith("smsape_staff="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect((await response.json()).data.staffVerifyTotp.staff).toEqual({ email: "support@smsape.test", role: "SUPPORT" });
    expect((await staff.data(`{ staffViewer { email } }`)).staffViewer).toEqual({ email: "support@smsape.test" });

    await staff.data(`mutation { staffSignOut }`);
    expect((await staff.data(`{ staffViewer { email } }`)).staffViewer).toBeNull();
  });

  it("answers a wrong staff password with a typed error, not an exception", async () => {
    const staff = new GraphqlClient(app.url, "/admin/graphql");
    const result = await staff.data(
      `mutation { staffSignIn(input: { email: "support@smsape.test", password: "wrong" }) { __typename ... on Error { code message } } }`,
    );
    expect(result.staffSignIn).toEqual({
      __typename: "InvalidCredentialsError",
      code: "INVALID_CREDENTIALS",
      message: "The email or password is not right.",
    });
  });

  it("keeps staff types and fields out of the customer schema, even in introspection", async () => {
    const client = new GraphqlClient(app.url);
    const { __schema } = await client.data(`{ __schema { types { name fields { name } } } }`);
    const customerFields = new Map<string, Set<string>>(
      __schema.types.map((type: { name: string; fields: { name: string }[] | null }) => [
        type.name,
        new Set((type.fields ?? []).map((field) => field.name)),
      ]),
    );
    // Everything the printed staff schema holds is staff-only, except what is deliberately shared.
    const staff = buildSchema(readFileSync(new URL("../../schema/staff.graphql", import.meta.url), "utf8"));
    const staffTypes = Object.values(staff.getTypeMap()).filter((type) => !type.name.startsWith("__"));
    const staffOnlyTypes = staffTypes.map((type) => type.name).filter((name) => !sharedTypes.has(name));
    const staffOnlyRootFields = [staff.getQueryType(), staff.getMutationType(), staff.getSubscriptionType()].flatMap((root) =>
      root ? Object.keys(root.getFields()).filter((field) => !sharedRootFields.has(field)) : [],
    );
    expect(staffOnlyTypes).toEqual(expect.arrayContaining(["StaffUser", "StaffRole", "StaffPrivacyRequest", "SlaStatus"]));
    expect(staffOnlyRootFields).toEqual(expect.arrayContaining(["staffViewer", "staffSignIn", "privacyRequestQueue"]));

    const leaks = [
      ...staffOnlyTypes.filter((name) => customerFields.has(name)),
      ...staffOnlyRootFields.filter((field) =>
        ["Query", "Mutation", "Subscription"].some((root) => customerFields.get(root)?.has(field)),
      ),
      // A staff view (StaffX) of a customer type (X): its staff-only fields must not reach X.
      ...staffTypes.flatMap((type) => {
        const customerView = customerFields.get(type.name.replace(/^Staff/, ""));
        if (!type.name.startsWith("Staff") || !customerView || !isObjectType(type)) return [];
        return Object.keys(type.getFields())
          .filter((field) => !sharedViewFields.has(field) && customerView.has(field))
          .map((field) => `${type.name.replace(/^Staff/, "")}.${field}`);
      }),
    ];
    expect(leaks).toEqual([]);
    const result = await client.request(`{ staffViewer { id } }`);
    expect(result.errors?.[0]?.message).toMatch(/Cannot query field "staffViewer"/);
  });

  it("answers unknown paths with 404 and the root with a redirect to the console", async () => {
    expect((await fetch(`${app.url}/nope`)).status).toBe(404);
    const root = await fetch(`${app.url}/`, { redirect: "manual" });
    expect(root.status).toBe(302);
    expect(root.headers.get("location")).toBe("/console/");
  });

  it("returns a clear error for malformed GraphQL, with no stack trace", async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ privacyPolicy { " }),
    });
    const body = await response.json();
    expect(body.errors[0].message).toMatch(/Syntax Error/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it("masks an unexpected failure: the client gets a code and a plain message, the log gets the detail", async () => {
    const { db } = app.services;
    await db.$executeRawUnsafe(`ALTER TABLE "Country" RENAME TO "CountryElsewhere"`);
    try {
      const result = await new GraphqlClient(app.url).request(`{ countries(first: 1) { edges { node { code } } } }`);
      expect(result.errors).toEqual([
        expect.objectContaining({ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR" } }),
      ]);
      expect(JSON.stringify(result)).not.toMatch(/Country|prisma|\.ts/i);
      expect(app.logs()).toMatch(/unexpected error in a resolver/);
    } finally {
      await db.$executeRawUnsafe(`ALTER TABLE "CountryElsewhere" RENAME TO "Country"`);
    }
  });
});
