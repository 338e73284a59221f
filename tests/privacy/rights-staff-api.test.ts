import { createCustomer, createStaffMember, newEmail, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const planFields = `id status preparedBy steps { model action rows keptUnder keptUntil } scan { clean tables hits { column explanation } } recipients { recipient }`;
const result = (type: string) => `__typename ... on ${type} { ${planFields} } ... on Error { code message }`;

describe("the staff API for carrying out rights", () => {
  it("P16: erasure over the staff API: planned by one reviewer, approved only by another, then run with its scan", async () => {
    const [support, preparer, approver] = await Promise.all([
      createStaffMember(app, { role: "SUPPORT" }),
      createStaffMember(app, { role: "COMPLIANCE" }),
      createStaffMember(app, { role: "COMPLIANCE" }),
    ]);
    const customer = await createCustomer(app, { balanceMinor: 500 });
    const request = await customer.requestPrivacy({ kind: "DELETION", currentPassword: customer.password });

    const { planErasure: plan } = await preparer.client.data(
      `mutation($id: ID!) { planErasure(requestId: $id) { ${result("ErasurePlan")} } }`,
      { id: request.id },
    );
    expect(plan).toMatchObject({ __typename: "ErasurePlan", status: "PREPARED", preparedBy: preparer.staffUserId });
    expect(plan.steps).toEqual(expect.arrayContaining([expect.objectContaining({ model: "Account", action: "delete" })]));

    const bySupport = await support.client.request(`mutation($id: ID!) { approveErasure(planId: $id) { __typename } }`, {
      id: plan.id,
    });
    expect(bySupport.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    const byPreparer = await preparer.client.data(
      `mutation($id: ID!) { approveErasure(planId: $id) { ${result("ErasurePlan")} } }`,
      { id: plan.id },
    );
    expect(byPreparer.approveErasure).toMatchObject({ __typename: "SecondPersonRequiredError", code: "SECOND_PERSON_REQUIRED" });
    const early = await approver.client.data(`mutation($id: ID!) { runErasure(planId: $id) { ${result("ErasurePlan")} } }`, {
      id: plan.id,
    });
    expect(early.runErasure).toMatchObject({ __typename: "ErasurePlanStateError" });

    const approved = await approver.client.data(
      `mutation($id: ID!) { approveErasure(planId: $id) { ${result("ErasurePlan")} } }`,
      { id: plan.id },
    );
    expect(approved.approveErasure).toMatchObject({ status: "APPROVED" });
    const ran = await preparer.client.data(`mutation($id: ID!) { runErasure(planId: $id) { ${result("ErasurePlan")} } }`, {
      id: plan.id,
    });
    expect(ran.runErasure).toMatchObject({ status: "COMPLETED", scan: { clean: true } });
    expect(await app.services.db.account.count({ where: { id: customer.accountId } })).toBe(0);
  });

  it("P14, P15, P17: access, correction and restriction over the staff API, each refused to a role without it", async () => {
    const [support, admin, reviewer] = await Promise.all([
      createStaffMember(app, { role: "SUPPORT" }),
      createStaffMember(app, { role: "ADMIN" }),
      createStaffMember(app, { role: "COMPLIANCE" }),
    ]);
    const customer = await createCustomer(app);
    const access = await customer.requestPrivacy({ kind: "ACCESS" });
    const prepare = `mutation($id: ID!) { prepareAccessExport(requestId: $id) { __typename ... on AccessExportPrepared { expiresAt } ... on Error { code } } }`;
    expect((await admin.client.request(prepare, { id: access.id })).errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    expect((await support.client.data(prepare, { id: access.id })).prepareAccessExport.__typename).toBe("AccessExportPrepared");
    await app.mailbox.latest(customer.email, "Your copy of your data is ready");

    const correction = await customer.requestPrivacy({ kind: "CORRECTION", details: "I live in the EU" });
    const { applyCorrection } = await support.client.data(
      `mutation($input: ApplyCorrectionInput!) { applyCorrection(input: $input) {
        __typename ... on PrivacyCorrection { field beforeValue afterValue } ... on Error { code } } }`,
      { input: { requestId: correction.id, field: "Account.jurisdiction", value: "GDPR" } },
    );
    expect(applyCorrection).toEqual({
      __typename: "PrivacyCorrection",
      field: "Account.jurisdiction",
      beforeValue: "OTHER",
      afterValue: "GDPR",
    });
    const { privacyCorrections } = await reviewer.client.data(
      `query($id: ID!) { privacyCorrections(requestId: $id) { beforeValue afterValue } }`,
      { id: correction.id },
    );
    expect(privacyCorrections).toEqual([{ beforeValue: "OTHER", afterValue: "GDPR" }]);

    const restriction = await customer.requestPrivacy({ kind: "RESTRICTION" });
    const lift = `mutation($id: ID!) { liftRestriction(requestId: $id) { __typename ... on RestrictionState { restricted } } }`;
    expect((await support.client.request(lift, { id: restriction.id })).errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    expect((await reviewer.client.data(lift, { id: restriction.id })).liftRestriction).toEqual({
      __typename: "RestrictionState",
      restricted: false,
    });
  });

  it("P15: the holder changes their email through the customer API, confirmed from the new address", async () => {
    const customer = await createCustomer(app);
    const next = newEmail();
    const { changeEmail } = await customer.client.data(
      `mutation($input: ChangeEmailInput!) { changeEmail(input: $input) { __typename ... on Error { code } } }`,
      { input: { newEmail: next, currentPassword: customer.password } },
    );
    expect(changeEmail.__typename).toBe("ChangeEmailPayload");
    const email = await app.mailbox.latest(next, "Confirm your new email address");
    const token = email.body.match(/\bchg_[A-Za-z0-9_-]+/)?.[0];
    const { confirmEmailChange } = await customer.client.data(
      `mutation($input: ConfirmEmailChangeInput!) { confirmEmailChange(input: $input) { __typename } }`,
      { input: { token } },
    );
    expect(confirmEmailChange.__typename).toBe("ConfirmEmailChangePayload");
    const { viewer } = await customer.client.data(`{ viewer { ... on Account { email } } }`);
    expect(viewer.email).toBe(next);
  });
});
