/**
 * A customer's account as staff read it over /admin/graphql: masked until a
 * reason is given, every read in the audit log without the values read, a
 * restricted account read only for its own request, and a customer session
 * ended by staff closing its socket.
 */
import {
  closedForEndedCredential,
  connectedSubscriptions,
  createCustomer,
  createStaffMember,
  GraphqlClient,
  startTestApp,
  type TestApp,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const searchQuery = `query($search: String!) {
  staffAccounts(search: $search) {
    __typename
    ... on QueryStaffAccountsSuccess { data { id maskedEmail restricted } }
    ... on Error { code message }
  }
}`;

const pageQuery = `query($id: ID!, $purpose: StaffReadPurposeInput) {
  staffAccount(id: $id, purpose: $purpose) {
    __typename
    ... on QueryStaffAccountSuccess {
      data {
        id maskedEmail restricted
        balance { availableMinor heldMinor }
        activations { id status maskedPhoneNumber }
        sessions { id live }
        apiKeys { id prefix }
      }
    }
    ... on Error { code message }
  }
}`;

const revealMutation = `mutation($accountId: ID!, $purpose: StaffReadPurposeInput!) {
  revealAccountPersonalData(accountId: $accountId, purpose: $purpose) {
    __typename
    ... on MutationRevealAccountPersonalDataSuccess {
      data { email phoneNumbers { activationId phoneNumber } apiKeyNames { name } }
    }
    ... on Error { code message }
  }
}`;

async function auditEntriesAbout(accountId: string) {
  return app.services.db.auditEntry.findMany({ where: { subjectId: accountId }, orderBy: { seq: "asc" } });
}

describe("an account's page for support staff", () => {
  it("finds the account by exact address and shows it masked; unmasking needs a reason, and the log names the reason, never a value", async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    const activation = await customer.orderNumber();
    await customer.createApiKey("my laptop");
    const support = await createStaffMember(app, { role: "SUPPORT" });

    const { staffAccounts } = await support.client.data(searchQuery, { search: customer.email.toUpperCase() });
    expect(staffAccounts.data).toEqual([
      { id: customer.accountId, maskedEmail: expect.stringMatching(/^p•••@e•••\.test$/), restricted: false },
    ]);

    const { staffAccount } = await support.client.data(pageQuery, { id: customer.accountId });
    const page = staffAccount.data;
    expect(page.balance).toEqual({ availableMinor: 455, heldMinor: 45 });
    expect(page.activations).toEqual([
      { id: activation.id, status: "WAITING_SMS", maskedPhoneNumber: expect.stringContaining("•") },
    ]);
    expect(page.activations[0].maskedPhoneNumber).not.toBe(activation.phoneNumber);
    expect(page.sessions.some((session: { live: boolean }) => session.live)).toBe(true);
    expect(JSON.stringify(page)).not.toContain(customer.email);
    expect(JSON.stringify(page)).not.toContain("my laptop");

    // A reason the schema does not know is refused before anything is read.
    const unknownReason = await support.client.request(revealMutation, {
      accountId: customer.accountId,
      purpose: { reason: "CURIOSITY" },
    });
    expect(unknownReason.errors?.[0]?.message).toMatch(/CURIOSITY/);

    const { revealAccountPersonalData } = await support.client.data(revealMutation, {
      accountId: customer.accountId,
      purpose: { reason: "SUPPORT_TICKET", reference: "ticket-42" },
    });
    expect(revealAccountPersonalData.data).toEqual({
      email: customer.email,
      phoneNumbers: [{ activationId: activation.id, phoneNumber: activation.phoneNumber }],
      apiKeyNames: [{ name: "my laptop" }],
    });

    const entries = await auditEntriesAbout(customer.accountId);
    expect(entries.map((entry) => [entry.action, entry.actorId, entry.reason])).toEqual([
      ["account.searched", support.staffUserId, null],
      ["account.viewed", support.staffUserId, null],
      ["account.personal_data_revealed", support.staffUserId, "support_ticket"],
    ]);
    const logged = JSON.stringify(entries, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
    expect(logged).not.toContain(customer.email);
    expect(logged).not.toContain(activation.phoneNumber);
    expect(logged).not.toContain("my laptop");
  });

  it("P20: an ADMIN, who manages staff, cannot read customers' accounts; an anonymous caller neither", async () => {
    const customer = await createCustomer(app);
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const anonymous = new GraphqlClient(app.url, "/admin/graphql");
    for (const query of [
      admin.client.request(pageQuery, { id: customer.accountId }),
      admin.client.request(revealMutation, { accountId: customer.accountId, purpose: { reason: "LEGAL_OBLIGATION" } }),
      anonymous.request(pageQuery, { id: customer.accountId }),
    ]) {
      const response = await query;
      expect(response.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    }
    expect(await auditEntriesAbout(customer.accountId)).toEqual([]);
  });

  it("P17: a restricted account is read only with a reason, and unmasked only for a reason the law leaves open", async () => {
    const customer = await createCustomer(app);
    const request = await customer.requestPrivacy({ kind: "RESTRICTION" });
    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });

    const { staffAccount: withoutReason } = await compliance.client.data(pageQuery, { id: customer.accountId });
    expect(withoutReason).toMatchObject({ __typename: "LegalReasonRequiredError", code: "LEGAL_REASON_REQUIRED" });
    const { staffAccount: withReason } = await compliance.client.data(pageQuery, {
      id: customer.accountId,
      purpose: { reason: "RIGHTS_REQUEST", reference: request.id },
    });
    expect(withReason.data).toMatchObject({ id: customer.accountId, restricted: true });

    const { revealAccountPersonalData: forTicket } = await compliance.client.data(revealMutation, {
      accountId: customer.accountId,
      purpose: { reason: "SUPPORT_TICKET" },
    });
    expect(forTicket.code).toBe("LEGAL_REASON_REQUIRED");
    const { revealAccountPersonalData: forRequest } = await compliance.client.data(revealMutation, {
      accountId: customer.accountId,
      purpose: { reason: "RIGHTS_REQUEST", reference: request.id },
    });
    expect(forRequest.data.email).toBe(customer.email);
  });

  it("P5: staff end a customer's session: its API calls are refused and its open socket closes with 4401", async () => {
    const customer = await createCustomer(app);
    const { closes } = await connectedSubscriptions(customer.client);
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const { staffAccount } = await support.client.data(pageQuery, { id: customer.accountId });
    const [session] = staffAccount.data.sessions;

    const { revokeCustomerSession } = await support.client.data(
      `mutation($id: ID!) { revokeCustomerSession(sessionId: $id) { __typename ... on Error { code } } }`,
      { id: session.id },
    );
    expect(revokeCustomerSession.__typename).toBe("MutationRevokeCustomerSessionSuccess");
    await closedForEndedCredential(closes);
    const afterwards = await customer.client.request(`{ viewer { id } }`);
    expect(afterwards.data?.viewer ?? null).toBeNull();
  });
});
