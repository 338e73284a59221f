import { findInDatabase, GraphqlClient, signIn, signUp, startTestApp, type TestApp, viewerQuery } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const createKey = `mutation($name: String!) {
  createApiKey(input: { name: $name }) {
    __typename ... on CreateApiKeyPayload { secret apiKey { id name prefix createdAt revokedAt } } ... on Error { code }
  }
}`;
const revokeKey = `mutation($id: ID!) { revokeApiKey(input: { id: $id }) { __typename ... on RevokeApiKeyPayload { apiKey { id revokedAt } } ... on Error { code } } }`;
const listKeys = `{ viewer { apiKeys(first: 10) { edges { node { id name prefix } } } } }`;

async function customer() {
  const { email, password } = await signUp(app);
  return signIn(app, email, password);
}

describe("API keys", () => {
  it("shows the secret once, keeps only its hash and a display prefix, and works as a bearer token", async () => {
    const owner = await customer();
    const { createApiKey } = await owner.bearerClient.data(createKey, { name: "  backup script " });
    expect(createApiKey.__typename).toBe("CreateApiKeyPayload");
    const { secret, apiKey } = createApiKey;
    expect(secret).toMatch(/^sk_[A-Za-z0-9_-]{40,}$/);
    expect(apiKey).toMatchObject({ name: "backup script", prefix: secret.slice(0, 10), revokedAt: null });
    expect(await findInDatabase(app, secret)).toEqual([]);
    expect(await findInDatabase(app, secret.slice(10))).toEqual([]);

    const script = new GraphqlClient(app.url);
    script.bearer = secret;
    expect((await script.data(viewerQuery)).viewer.id).toBe(owner.account.id);
    const listed = (await owner.bearerClient.data(listKeys)).viewer.apiKeys.edges.map((edge: { node: unknown }) => edge.node);
    expect(listed).toEqual([{ id: apiKey.id, name: "backup script", prefix: apiKey.prefix }]);
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it("revokes a key: it stops working at once and leaves the list", async () => {
    const owner = await customer();
    const { createApiKey } = await owner.bearerClient.data(createKey, { name: "ci" });
    const script = new GraphqlClient(app.url);
    script.bearer = createApiKey.secret;
    const { revokeApiKey } = await owner.bearerClient.data(revokeKey, { id: createApiKey.apiKey.id });
    expect(revokeApiKey.__typename).toBe("RevokeApiKeyPayload");
    expect(revokeApiKey.apiKey.revokedAt).not.toBeNull();
    expect((await script.data(viewerQuery)).viewer).toBeNull();
    expect((await owner.bearerClient.data(listKeys)).viewer.apiKeys.edges).toEqual([]);
  });

  it("another account can neither see nor revoke a key: its id is not found", async () => {
    const owner = await customer();
    const intruder = await customer();
    const { createApiKey } = await owner.bearerClient.data(createKey, { name: "mine" });
    expect((await intruder.bearerClient.data(listKeys)).viewer.apiKeys.edges).toEqual([]);
    expect((await intruder.bearerClient.data(revokeKey, { id: createApiKey.apiKey.id })).revokeApiKey).toEqual({
      __typename: "NotFoundError",
      code: "NOT_FOUND",
    });
    expect((await intruder.bearerClient.data(revokeKey, { id: "not-a-uuid" })).revokeApiKey.code).toBe("NOT_FOUND");
    const script = new GraphqlClient(app.url);
    script.bearer = createApiKey.secret;
    expect((await script.data(viewerQuery)).viewer.id).toBe(owner.account.id);
  });

  it("needs a password session to create or revoke keys: a key cannot mint another", async () => {
    const owner = await customer();
    const { createApiKey } = await owner.bearerClient.data(createKey, { name: "first" });
    const script = new GraphqlClient(app.url);
    script.bearer = createApiKey.secret;
    expect((await script.data(createKey, { name: "second" })).createApiKey).toEqual({
      __typename: "SessionRequiredError",
      code: "SESSION_REQUIRED",
    });
    expect((await script.data(revokeKey, { id: createApiKey.apiKey.id })).revokeApiKey.code).toBe("SESSION_REQUIRED");
  });

  it("refuses a key without a name", async () => {
    const owner = await customer();
    expect((await owner.bearerClient.data(createKey, { name: "   " })).createApiKey.__typename).toBe("ValidationError");
  });
});
