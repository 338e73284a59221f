import { randomUUID } from "node:crypto";
import { createCustomer, createStaffMember, findInDatabase, newEmail, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountActor, StaffActor } from "../../api/src/domain/actors.ts";
import { applyCorrection, confirmEmailChange, requestEmailChange } from "../../api/src/domain/privacy/correction.ts";
import { NotPermittedError } from "../../api/src/domain/staff/permissions.ts";

let app: TestApp;
let support: StaffActor;

beforeAll(async () => {
  app = await startTestApp();
  const member = await createStaffMember(app, { role: "SUPPORT" });
  support = { kind: "staff", staffUserId: member.staffUserId, role: "SUPPORT", sessionId: randomUUID() };
});
afterAll(async () => {
  await app?.close();
});

const holderOf = (accountId: string): AccountActor => ({ kind: "account", accountId, sessionId: randomUUID(), apiKeyId: null });

describe("correction (P15)", () => {
  it("P15: the holder changes their email only by confirming the new address, and the old one is told", async () => {
    const customer = await createCustomer(app);
    const next = newEmail();
    await requestEmailChange(app.services, holderOf(customer.accountId), { newEmail: next, currentPassword: customer.password });
    expect((await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } })).email).toBe(customer.email);
    await app.mailbox.latest(customer.email, "A change of your email address was asked for");
    const confirmation = await app.mailbox.latest(next, "Confirm your new email address");
    const token = confirmation.body.match(/\bchg_[A-Za-z0-9_-]+/)?.[0] ?? "";

    await confirmEmailChange(app.services, token);
    const account = await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } });
    expect(account.email).toBe(next);
    expect(account.emailVerifiedAt).not.toBeNull();
    await app.mailbox.latest(customer.email, "Your email address was changed");
    await expect(confirmEmailChange(app.services, token)).rejects.toMatchObject({ code: "INVALID_TOKEN" });
  });

  it("P15: a wrong password changes nothing and sends no link", async () => {
    const customer = await createCustomer(app);
    const next = newEmail();
    await expect(
      requestEmailChange(app.services, holderOf(customer.accountId), { newEmail: next, currentPassword: "not-the-password" }),
    ).rejects.toMatchObject({ code: "WRONG_PASSWORD" });
    expect(await app.services.db.emailChange.count({ where: { accountId: customer.accountId } })).toBe(0);
  });

  it("P15: staff correct a field through the request; before and after stay with the request, out of the audit log", async () => {
    const customer = await createCustomer(app);
    const key = await customer.createApiKey("old name");
    const request = await customer.requestPrivacy({ kind: "CORRECTION", details: "My key's name is wrong" });
    const after = `Renamed key ${randomUUID()}`;
    const correction = await applyCorrection(app.services, support, request.id, {
      field: "ApiKey.name",
      value: after,
      recordId: key.apiKeyId,
    });
    expect(correction).toMatchObject({
      requestId: request.id,
      model: "ApiKey",
      field: "name",
      beforeValue: "old name",
      afterValue: after,
    });
    expect((await app.services.db.apiKey.findUniqueOrThrow({ where: { id: key.apiKeyId } })).name).toBe(after);
    expect((await findInDatabase(app, after)).sort()).toEqual(["public.ApiKey.name", "public.PrivacyCorrection.afterValue"]);
    const entry = await app.services.db.auditEntry.findFirstOrThrow({
      where: { action: "correction.applied", subjectId: key.apiKeyId },
    });
    expect(entry.details).toMatchObject({ fields: ["name"], privacyRequestId: request.id });

    await applyCorrection(app.services, support, request.id, { field: "Account.jurisdiction", value: "GDPR" });
    expect((await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } })).jurisdiction).toBe("GDPR");
  });

  it("refuses fields the inventory does not mark correctable, other requests' kinds and staff without the permission", async () => {
    const customer = await createCustomer(app);
    const request = await customer.requestPrivacy({ kind: "CORRECTION", details: "Wrong address" });
    await expect(
      applyCorrection(app.services, support, request.id, { field: "Account.email", value: newEmail() }),
    ).rejects.toMatchObject({ code: "FIELD_NOT_CORRECTABLE" });
    await expect(
      applyCorrection(app.services, { ...support, role: "ADMIN" }, request.id, { field: "Account.jurisdiction", value: "GDPR" }),
    ).rejects.toBeInstanceOf(NotPermittedError);
    const access = await customer.requestPrivacy({ kind: "ACCESS" });
    await expect(
      applyCorrection(app.services, support, access.id, { field: "Account.jurisdiction", value: "GDPR" }),
    ).rejects.toMatchObject({ code: "REQUEST_NOT_FULFILLABLE" });
  });
});
