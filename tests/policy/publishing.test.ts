/**
 * Publishing a new privacy policy version from the staff API (P2): every
 * account is told by email once, the new version is in force from its date,
 * accounts are asked to accept it at their next use, and staff see who did.
 */
import {
  createCustomer,
  createStaffMember,
  eventually,
  latestPolicyVersion,
  startTestApp,
  type TestApp,
  viewerQuery,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendPolicyNotices } from "../../api/src/domain/policy/publishing.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const publish = `mutation($input: PublishPolicyVersionInput!) {
  publishPolicyVersion(input: $input) {
    __typename
    ... on MutationPublishPolicyVersionSuccess { data { version effectiveAt acknowledgements } }
    ... on Error { code message }
  }
}`;
const versionsQuery = `{ policyVersions { version acknowledgements noticesCompletedAt } }`;
const policyText = (version: string) =>
  `SMSAPE Privacy Policy. Last updated ${version}.\n\n${"We keep only what the service needs, for as long as it needs it. ".repeat(5)}`;
const day = 24 * 60 * 60_000;
const noticeSubject = "Our privacy policy is changing";

describe("publishing a new version of the privacy policy", () => {
  it("P2: tells every verified account once by email, asks each to accept it once in force, and counts who did", async () => {
    const customers = [await createCustomer(app), await createCustomer(app), await createCustomer(app)];
    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    const version = "2026-12-24";
    const effectiveAt = new Date(app.services.now().getTime() + 7 * day);

    const { publishPolicyVersion } = await compliance.client.data(publish, {
      input: { version, effectiveAt: effectiveAt.toISOString(), text: policyText(version) },
    });
    expect(publishPolicyVersion.data).toEqual({ version, effectiveAt: effectiveAt.toISOString(), acknowledgements: 0 });

    // The queue's job tells the accounts, in the background.
    await eventually(
      async () => (await app.services.db.policyVersion.findUniqueOrThrow({ where: { version } })).noticesCompletedAt !== null,
      { timeoutMs: 60_000, what: "the policy notices job to tell every account" },
    );
    for (const customer of customers) {
      const notice = await app.mailbox.latest(customer.email, noticeSubject);
      expect(notice.body).toContain(version);
    }
    // The job is done: running it again tells nobody twice.
    expect(await sendPolicyNotices(app.services, version)).toBe(0);
    await app.mailbox.deliver();
    for (const customer of customers) {
      expect(app.mailbox.to(customer.email).filter((message) => message.subject === noticeSubject)).toHaveLength(1);
    }
    const { policyVersions } = await compliance.client.data(versionsQuery);
    expect(policyVersions[0]).toMatchObject({ version, noticesCompletedAt: expect.any(String) });

    // Before its date the version in force is still the old one.
    const [first] = customers;
    if (!first) throw new Error("no customer");
    expect((await first.client.data(viewerQuery)).viewer.policyAcknowledgementRequired).toBe(false);
    app.clock.advance(7 * day + 1000);
    // A week on, the customer signs in again: the next use asks for the new version.
    const { client } = await first.signIn();
    expect((await client.data(viewerQuery)).viewer.policyAcknowledgementRequired).toBe(true);
    const { acknowledgePolicy } = await client.data(
      `mutation($version: String!) { acknowledgePolicy(input: { version: $version }) { __typename } }`,
      { version },
    );
    expect(acknowledgePolicy.__typename).toBe("AcknowledgePolicyPayload");

    // The staff session ended during the week too: a reviewer signs in now.
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });
    const after = await reviewer.client.data(versionsQuery);
    expect(
      after.policyVersions.map((row: { version: string; acknowledgements: number }) => [row.version, row.acknowledgements]),
    ).toEqual([
      [version, 1],
      [latestPolicyVersion, expect.any(Number)],
    ]);
    const { policyAcknowledgements } = await reviewer.client.data(
      `query($version: String!) { policyAcknowledgements(version: $version) { accountId } }`,
      { version },
    );
    expect(policyAcknowledgements).toEqual([{ accountId: first.accountId }]);
  });

  it("refuses a version dated or effective before the latest, one effective in the past, and anyone but compliance", async () => {
    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const tomorrow = new Date(app.services.now().getTime() + day).toISOString();
    const older = await compliance.client.data(publish, {
      input: { version: "2026-01-01", effectiveAt: tomorrow, text: policyText("2026-01-01") },
    });
    expect(older.publishPolicyVersion).toMatchObject({ code: "POLICY_VERSION_NOT_NEWER" });
    const past = await compliance.client.data(publish, {
      input: {
        version: "2099-01-01",
        effectiveAt: new Date(app.services.now().getTime() - day).toISOString(),
        text: policyText("2099-01-01"),
      },
    });
    expect(past.publishPolicyVersion).toMatchObject({ code: "VALIDATION_FAILED" });
    const bySupport = await support.client.request(publish, {
      input: { version: "2099-01-01", effectiveAt: tomorrow, text: policyText("2099-01-01") },
    });
    expect(bySupport.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    expect(await app.services.db.policyVersion.count({ where: { version: { in: ["2026-01-01", "2099-01-01"] } } })).toBe(0);
  });
});
