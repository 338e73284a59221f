import {
  createCustomer,
  GraphqlClient,
  startTestApp,
  type TestApp,
  type TestCustomer,
  verifyAuditLogOf,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const hour = 60 * 60 * 1000;
const day = 24 * hour;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // Every request in this file arrives on 31 January, the awkward day for "one month later".
  app.clock.advance(Date.parse("2027-01-31T10:00:00.000Z") - app.clock.now().getTime());
});
afterAll(async () => {
  await app?.close();
});

const requestFields = `id kind status source jurisdiction details receivedAt verifiedAt slaDueAt legalDueAt completedAt`;
const resultFields = (mutation: Mutation) => `
  __typename
  ... on PrivacyRequestPayload { privacyRequest { ${requestFields} } }
  ... on Error { code message }
  ... on ValidationError { issues { field message } }
  ${mutation === "withdrawPrivacyRequest" ? "... on PrivacyRequestNotWithdrawableError { status }" : "... on PrivacyRequestAlreadyOpenError { existingRequestId }"}
`;

type Mutation =
  | "requestDataCopy"
  | "requestCorrection"
  | "requestDeletion"
  | "requestRestriction"
  | "objectToProcessing"
  | "withdrawPrivacyRequest";
const inputTypes: Record<Mutation, string> = {
  requestDataCopy: "RequestDataCopyInput",
  requestCorrection: "RequestCorrectionInput!",
  requestDeletion: "RequestDeletionInput!",
  requestRestriction: "RequestRestrictionInput",
  objectToProcessing: "ObjectToProcessingInput!",
  withdrawPrivacyRequest: "WithdrawPrivacyRequestInput!",
};

/** Calls one of the privacy mutations and returns its result (a payload or a typed error). */
async function call(client: GraphqlClient, mutation: Mutation, input?: Record<string, unknown>) {
  const data = await client.data(
    `mutation($input: ${inputTypes[mutation]}) { ${mutation}(input: $input) { ${resultFields(mutation)} } }`,
    { input },
  );
  return data[mutation];
}

async function file(client: GraphqlClient, mutation: Mutation, input?: Record<string, unknown>) {
  const result = await call(client, mutation, input);
  expect(result.__typename, JSON.stringify(result)).toBe("PrivacyRequestPayload");
  return result.privacyRequest;
}

const elapsed = (from: string, to: string) => Date.parse(to) - Date.parse(from);

describe("filing a privacy request", () => {
  it("stores a request for a copy of one's data, verified as the signed-in holder, with its clocks", async () => {
    const customer = await createCustomer(app, { jurisdiction: "GDPR" });
    const request = await file(customer.client, "requestDataCopy");
    expect(request).toMatchObject({
      kind: "ACCESS",
      status: "RECEIVED",
      source: "SELF_SERVICE",
      jurisdiction: "GDPR",
      completedAt: null,
    });
    expect(request.verifiedAt).toBe(request.receivedAt);
    expect(request.receivedAt).toMatch(/^2027-01-31T10:/);
    // The policy's 72 hours to answer.
    expect(elapsed(request.receivedAt, request.slaDueAt)).toBe(72 * hour);
    // P23: GDPR's month from 31 January ends on 28 February, same time of day.
    expect(elapsed(request.receivedAt, request.legalDueAt)).toBe(28 * day);
    expect(request.legalDueAt).toMatch(/^2027-02-28T10:/);
  });

  it("P23: gives a CCPA account 45 days, an account under no named law the GDPR month, and lets the requester name the law", async () => {
    const californian = await createCustomer(app, { jurisdiction: "CCPA" });
    const ccpa = await file(californian.client, "requestDataCopy");
    expect(ccpa.jurisdiction).toBe("CCPA");
    expect(elapsed(ccpa.receivedAt, ccpa.legalDueAt)).toBe(45 * day);

    const elsewhere = await createCustomer(app, { jurisdiction: "OTHER" });
    const other = await file(elsewhere.client, "requestDataCopy");
    expect(other.jurisdiction).toBe("OTHER");
    expect(elapsed(other.receivedAt, other.legalDueAt)).toBe(28 * day);

    const chosen = await file(elsewhere.client, "requestRestriction", { jurisdiction: "CCPA" });
    expect(chosen.jurisdiction).toBe("CCPA");
    expect(elapsed(chosen.receivedAt, chosen.legalDueAt)).toBe(45 * day);
  });

  it("refuses a correction request that does not say what is wrong, naming the field", async () => {
    const customer = await createCustomer(app);
    const refused = await call(customer.client, "requestCorrection", { details: "   " });
    expect(refused).toMatchObject({ __typename: "ValidationError", code: "VALIDATION_FAILED" });
    expect(refused.issues).toEqual([{ field: "details", message: expect.stringContaining("is required") }]);

    const tooLong = await call(customer.client, "requestCorrection", { details: "x".repeat(2001) });
    expect(tooLong.issues).toEqual([{ field: "details", message: "must be at most 2000 characters" }]);

    const request = await file(customer.client, "requestCorrection", { details: "My jurisdiction should be GDPR, not OTHER." });
    expect(request).toMatchObject({
      kind: "CORRECTION",
      status: "RECEIVED",
      details: "My jurisdiction should be GDPR, not OTHER.",
    });
  });

  it("accepts a deletion request only with the current password", async () => {
    const customer = await createCustomer(app, { jurisdiction: "GDPR" });
    const wrong = await call(customer.client, "requestDeletion", { currentPassword: "not-my-password" });
    expect(wrong).toMatchObject({ __typename: "WrongPasswordError", code: "WRONG_PASSWORD" });
    const empty = await call(customer.client, "requestDeletion", { currentPassword: "" });
    expect(empty.issues).toEqual([{ field: "currentPassword", message: expect.any(String) }]);
    expect(await app.services.db.privacyRequest.count({ where: { accountId: customer.accountId } })).toBe(0);

    const request = await file(customer.client, "requestDeletion", { currentPassword: customer.password });
    expect(request).toMatchObject({ kind: "DELETION", status: "RECEIVED", jurisdiction: "GDPR" });
    expect(request.verifiedAt).toBe(request.receivedAt);
  });

  it("P17: restricts the account as soon as restriction is requested, and lifts it when the request is withdrawn", async () => {
    const customer = await createCustomer(app);
    const restrictedAt = async () =>
      (await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } })).restrictedAt;
    expect(await restrictedAt()).toBeNull();

    const request = await file(customer.client, "requestRestriction", { details: "Until my correction is handled." });
    expect((await restrictedAt())?.toISOString()).toBe(request.receivedAt);

    const withdrawn = await call(customer.client, "withdrawPrivacyRequest", { id: request.id });
    expect(withdrawn.privacyRequest).toMatchObject({ id: request.id, status: "WITHDRAWN" });
    expect(withdrawn.privacyRequest.completedAt).not.toBeNull();
    expect(await restrictedAt()).toBeNull();
  });

  it("P17: records an objection only with the processing it objects to", async () => {
    const customer = await createCustomer(app);
    const refused = await call(customer.client, "objectToProcessing", { details: "" });
    expect(refused.issues).toEqual([{ field: "details", message: expect.stringContaining("which processing") }]);
    const request = await file(customer.client, "objectToProcessing", { details: "Abuse-detection signals about my orders." });
    expect(request.kind).toBe("OBJECTION");
  });

  it("refuses a second open request of the same kind, naming the open one; another kind is fine", async () => {
    const customer = await createCustomer(app);
    const first = await file(customer.client, "requestDataCopy");
    const again = await call(customer.client, "requestDataCopy");
    expect(again).toMatchObject({
      __typename: "PrivacyRequestAlreadyOpenError",
      code: "REQUEST_ALREADY_OPEN",
      existingRequestId: first.id,
    });
    await file(customer.client, "requestCorrection", { details: "Wrong jurisdiction." });

    // Once the first is withdrawn, a new one can be made.
    await call(customer.client, "withdrawPrivacyRequest", { id: first.id });
    const second = await file(customer.client, "requestDataCopy");
    expect(second.id).not.toBe(first.id);
  });

  it("refuses two simultaneous requests of the same kind but one", async () => {
    const customer = await createCustomer(app);
    const results = await Promise.all([call(customer.client, "requestDataCopy"), call(customer.client, "requestDataCopy")]);
    expect(results.map((result) => result.__typename).sort()).toEqual([
      "PrivacyRequestAlreadyOpenError",
      "PrivacyRequestPayload",
    ]);
  });

  it("stores a request made with an API key alone as unverified, for staff to confirm with the holder", async () => {
    const customer = await createCustomer(app);
    const { client: script } = await customer.createApiKey("script");
    const request = await file(script, "requestDataCopy");
    expect(request.verifiedAt).toBeNull();
    expect(request.status).toBe("IDENTITY_PENDING");
  });
});

describe("following and withdrawing one's requests", () => {
  let owner: TestCustomer;
  let other: TestCustomer;
  let ids: string[];
  beforeAll(async () => {
    owner = await createCustomer(app);
    other = await createCustomer(app);
    ids = [];
    for (const request of [
      { kind: "ACCESS" },
      { kind: "CORRECTION", details: "Wrong jurisdiction." },
      { kind: "OBJECTION", details: "Abuse signals." },
    ] as const) {
      ids.push((await owner.requestPrivacy(request)).id);
      app.clock.advance(60_000);
    }
    await other.requestPrivacy({ kind: "ACCESS" });
  });

  it("lists one's own requests newest first, page by page", async () => {
    const page = `query($after: String) { privacyRequests(first: 2, after: $after) { edges { cursor node { id kind } } pageInfo { hasNextPage endCursor } } }`;
    const first = (await owner.client.data(page)).privacyRequests;
    expect(first.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[2], ids[1]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await owner.client.data(page, { after: first.pageInfo.endCursor })).privacyRequests;
    expect(second.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual([ids[0]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it("another account cannot see a privacy request, by id or in its list", async () => {
    const byId = await other.client.data(`query($id: ID!) { privacyRequest(id: $id) { id details } }`, { id: ids[1] });
    expect(byId.privacyRequest).toBeNull();
    const list = await other.client.data(`{ privacyRequests(first: 50) { edges { node { id } } } }`);
    const seen = list.privacyRequests.edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(seen).toHaveLength(1);
    for (const id of ids) expect(seen).not.toContain(id);
    expect(
      (await owner.client.data(`query($id: ID!) { privacyRequest(id: $id) { id } }`, { id: ids[1] })).privacyRequest,
    ).toEqual({ id: ids[1] });
  });

  it("another account cannot withdraw a privacy request, and learns no more than that it was not found", async () => {
    const attempt = await call(other.client, "withdrawPrivacyRequest", { id: ids[0] });
    expect(attempt).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND", message: "The privacy request was not found." });
    const unknown = await call(other.client, "withdrawPrivacyRequest", { id: "0196a1d2-0000-7000-8000-00000000dead" });
    expect(unknown).toEqual(attempt);
    const malformed = await call(other.client, "withdrawPrivacyRequest", { id: "not-an-id" });
    expect(malformed).toEqual(attempt);
    const stored = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: ids[0]! } });
    expect(stored.status).toBe("RECEIVED");
  });

  it("cannot withdraw a request that staff have started on", async () => {
    await app.services.db.privacyRequest.update({ where: { id: ids[1]! }, data: { status: "IN_PROGRESS" } });
    const attempt = await call(owner.client, "withdrawPrivacyRequest", { id: ids[1] });
    expect(attempt).toMatchObject({
      __typename: "PrivacyRequestNotWithdrawableError",
      code: "REQUEST_NOT_WITHDRAWABLE",
      status: "IN_PROGRESS",
    });
  });
});

describe("without a signed-in account", () => {
  it("refuses every privacy request field with NOT_AUTHORIZED", async () => {
    const anonymous = new GraphqlClient(app.url);
    const operations = [
      `{ privacyRequests(first: 5) { edges { node { id } } } }`,
      `{ privacyRequest(id: "0196a1d2-0000-7000-8000-000000000001") { id } }`,
      `mutation { requestDataCopy { __typename } }`,
      `mutation { requestCorrection(input: { details: "x" }) { __typename } }`,
      `mutation { requestDeletion(input: { currentPassword: "x" }) { __typename } }`,
      `mutation { requestRestriction { __typename } }`,
      `mutation { objectToProcessing(input: { details: "x" }) { __typename } }`,
      `mutation { withdrawPrivacyRequest(input: { id: "0196a1d2-0000-7000-8000-000000000001" }) { __typename } }`,
    ];
    for (const operation of operations) {
      const response = await anonymous.request(operation);
      expect(
        response.errors?.map((error) => error.extensions?.code),
        `${operation} -> ${JSON.stringify(response)}`,
      ).toEqual(["NOT_AUTHORIZED"]);
    }
    expect(await app.services.db.privacyRequest.count({ where: { accountId: null } })).toBe(0);
  });
});

describe("the record of requests", () => {
  it("audits each filing and withdrawal with ids and field names only, and keeps the audit chain whole", async () => {
    const customer = await createCustomer(app);
    const details = "Please correct my email to corrected-address@example.test";
    const request = await file(customer.client, "requestCorrection", { details });
    await call(customer.client, "withdrawPrivacyRequest", { id: request.id });
    const entries = await app.services.db.auditEntry.findMany({ where: { subjectId: request.id }, orderBy: { seq: "asc" } });
    expect(entries.map((entry) => [entry.actorType, entry.actorId, entry.action])).toEqual([
      ["ACCOUNT", customer.accountId, "privacy_request.created"],
      ["ACCOUNT", customer.accountId, "privacy_request.withdrawn"],
    ]);
    expect(JSON.stringify(entries, (_key, value) => (typeof value === "bigint" ? String(value) : value))).not.toContain(
      "example.test",
    );

    expect((await verifyAuditLogOf(app)).valid).toBe(true);
    // Nothing the customer wrote reaches the log.
    expect(app.logs()).not.toContain("corrected-address");
  });
});
