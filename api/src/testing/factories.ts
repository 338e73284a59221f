/**
 * Seed factories for tests: build the data a test needs in a sentence,
 * `await createCustomer(app, { balanceMinor: 500 })`, through the same
 * database the service uses.
 */
import { randomBytes } from "node:crypto";
import type { App } from "../app.ts";
import { sessionTokenPrefix } from "../domain/accounts/credentials.ts";
import { hashPassword } from "../domain/auth/passwords.ts";
import { newSessionExpiry } from "../domain/auth/sessions.ts";
import { newSecretToken } from "../domain/auth/tokens.ts";
import { GraphqlClient } from "./graphql-client.ts";

export interface TestCustomer {
  accountId: string;
  email: string;
  password: string;
  /** A customer API client signed in with a bearer session token. */
  client: GraphqlClient;
  token: string;
}

export async function createCustomer(
  app: App,
  options: {
    email?: string;
    password?: string;
    balanceMinor?: bigint | number;
    verified?: boolean;
    jurisdiction?: "GDPR" | "CCPA" | "OTHER";
  } = {},
): Promise<TestCustomer> {
  const { db } = app.services;
  const now = app.services.now();
  const email = options.email ?? `customer-${randomBytes(4).toString("hex")}@example.test`;
  const password = options.password ?? `pw-${randomBytes(8).toString("hex")}`;
  const account = await db.account.create({
    data: {
      email,
      passwordHash: await hashPassword(password),
      ageAttestedAt: now,
      emailVerifiedAt: options.verified === false ? null : now,
      jurisdiction: options.jurisdiction ?? "OTHER",
      acknowledgements: { create: { policyVersion: "2026-03-20" } },
    },
  });
  if (options.balanceMinor) {
    await db.ledgerEntry.create({
      data: { accountId: account.id, accountRef: account.id, kind: "TOP_UP", availableDelta: options.balanceMinor },
    });
  }
  const { token, hash } = newSecretToken(sessionTokenPrefix);
  await db.session.create({
    data: { accountId: account.id, tokenHash: hash, ...newSessionExpiry(app.services.config.sessions, now) },
  });
  const client = new GraphqlClient(app.url);
  client.bearer = token;
  return { accountId: account.id, email, password, client, token };
}

export async function signInStaffClient(app: App, email = "support@smsape.test", password = "support-demo-password") {
  const client = new GraphqlClient(app.url, "/admin/graphql");
  await client.data(`mutation($input: StaffSignInInput!) { staffSignIn(input: $input) { __typename } }`, {
    input: { email, password },
  });
  return client;
}
