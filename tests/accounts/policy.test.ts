import { latestPolicyVersion, signIn, signUp, startTestApp, type TestApp, viewerQuery } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const acknowledge = `mutation($version: String!) {
  acknowledgePolicy(input: { version: $version }) { __typename ... on AcknowledgePolicyPayload { version } ... on Error { code message } }
}`;

describe("acknowledging the privacy policy", () => {
  it("P2: tells an account when a newer policy version is in force, until it acknowledges that version", async () => {
    const { email, password } = await signUp(app);
    const { bearerClient } = await signIn(app, email, password);
    expect((await bearerClient.data(viewerQuery)).viewer).toMatchObject({
      policyAcknowledgementRequired: false,
      acknowledgedPolicyVersion: latestPolicyVersion,
    });

    const newer = "2026-12-01";
    await app.services.db.policyVersion.create({
      data: { version: newer, effectiveAt: app.services.now(), text: `Last updated ${newer}` },
    });
    try {
      expect((await bearerClient.data(`{ privacyPolicy { version } }`)).privacyPolicy.version).toBe(newer);
      expect((await bearerClient.data(viewerQuery)).viewer).toMatchObject({
        policyAcknowledgementRequired: true,
        acknowledgedPolicyVersion: latestPolicyVersion,
      });

      expect((await bearerClient.data(acknowledge, { version: latestPolicyVersion })).acknowledgePolicy).toMatchObject({
        __typename: "PolicyVersionNotInForceError",
        code: "POLICY_VERSION_NOT_IN_FORCE",
      });
      expect((await bearerClient.data(acknowledge, { version: newer })).acknowledgePolicy).toEqual({
        __typename: "AcknowledgePolicyPayload",
        version: newer,
      });
      expect((await bearerClient.data(viewerQuery)).viewer).toMatchObject({
        policyAcknowledgementRequired: false,
        acknowledgedPolicyVersion: newer,
      });
      // Acknowledging again changes nothing.
      expect((await bearerClient.data(acknowledge, { version: newer })).acknowledgePolicy.__typename).toBe(
        "AcknowledgePolicyPayload",
      );
      const account = await app.services.db.account.findUniqueOrThrow({ where: { email }, include: { acknowledgements: true } });
      expect(account.acknowledgements.map((ack) => ack.policyVersion).sort()).toEqual([latestPolicyVersion, newer]);
    } finally {
      await app.services.db.policyAcknowledgement.deleteMany({ where: { policyVersion: newer } });
      await app.services.db.policyVersion.delete({ where: { version: newer } });
    }
  });

  it("P2: a version whose effective date has not come yet is not in force and cannot be accepted early", async () => {
    const { email, password } = await signUp(app);
    const { bearerClient } = await signIn(app, email, password);
    const future = "2099-01-01";
    await app.services.db.policyVersion.create({
      data: { version: future, effectiveAt: new Date("2099-01-01T00:00:00Z"), text: "future" },
    });
    try {
      expect((await bearerClient.data(viewerQuery)).viewer.policyAcknowledgementRequired).toBe(false);
      expect((await bearerClient.data(acknowledge, { version: future })).acknowledgePolicy.code).toBe(
        "POLICY_VERSION_NOT_IN_FORCE",
      );
    } finally {
      await app.services.db.policyVersion.delete({ where: { version: future } });
    }
  });
});
