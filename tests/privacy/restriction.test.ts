import { randomUUID } from "node:crypto";
import { createCustomer, createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import {
  abuseSignalsAllowed,
  applyRestriction,
  assertStaffReadAllowed,
  enqueueOptionalEmail,
  liftRestriction,
  processingPathNames,
  recordObjection,
} from "../../api/src/domain/privacy/restriction.ts";
import { NotPermittedError } from "../../api/src/domain/staff/permissions.ts";

let app: TestApp;
let support: StaffActor;
let reviewer: StaffActor;

beforeAll(async () => {
  app = await startTestApp();
  for (const role of ["SUPPORT", "COMPLIANCE"] as const) {
    const member = await createStaffMember(app, { role });
    const actor: StaffActor = { kind: "staff", staffUserId: member.staffUserId, role, sessionId: randomUUID() };
    if (role === "SUPPORT") support = actor;
    else reviewer = actor;
  }
});
afterAll(async () => {
  await app?.close();
});

async function restrictedCustomer() {
  const customer = await createCustomer(app, { balanceMinor: 1_000 });
  const request = await customer.requestPrivacy({ kind: "RESTRICTION" });
  await applyRestriction(app.services, support, request.id);
  return { customer, request };
}

const optionalEmail = (accountId: string, to: string) =>
  app.services.db.$transaction((tx) =>
    enqueueOptionalEmail(tx, { accountId, to, template: "tips", subject: "Tips", body: "Tips" }, app.services),
  );

describe("restriction and objection (P17)", () => {
  it("names every processing path in one place", () => {
    expect(processingPathNames).toEqual(["ordering", "sms-code-extraction", "optional-emails", "abuse-signals", "staff-reads"]);
  });

  it("P17: ordering: a restricted account cannot order a number", async () => {
    const { customer } = await restrictedCustomer();
    await expect(customer.orderNumber()).rejects.toMatchObject({ code: "ACCOUNT_RESTRICTED" });
  });

  it("P17: SMS processing: a restricted account's SMS is stored but not read for its code", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const activation = await customer.orderNumber();
    const request = await customer.requestPrivacy({ kind: "RESTRICTION" });
    await applyRestriction(app.services, support, request.id);
    const { messageId } = await activation.receiveSms("Your code is 640021");
    const message = await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: messageId } });
    expect(message.bodyCiphertext).not.toBeNull();
    expect(message.codeCiphertext).toBeNull();
  });

  it("P17: emails other than the required ones, and abuse signals, skip a restricted account", async () => {
    const { customer } = await restrictedCustomer();
    expect(await optionalEmail(customer.accountId, customer.email)).toBeNull();
    expect(await app.services.db.outboxEmail.count({ where: { accountId: customer.accountId, template: "tips" } })).toBe(0);
    expect(await app.services.db.$transaction((tx) => abuseSignalsAllowed(tx, customer.accountId))).toBe(false);
    const free = await createCustomer(app);
    expect(await optionalEmail(free.accountId, free.email)).not.toBeNull();
    expect(await app.services.db.$transaction((tx) => abuseSignalsAllowed(tx, free.accountId))).toBe(true);
  });

  it("P17: staff read a restricted account's values only with a recorded legal reason", async () => {
    const { customer } = await restrictedCustomer();
    const read = (reason: string | null) =>
      app.services.db.$transaction((tx) => assertStaffReadAllowed(tx, customer.accountId, reason));
    await expect(read(null)).rejects.toMatchObject({ code: "LEGAL_REASON_REQUIRED" });
    await expect(read("curious")).rejects.toMatchObject({ code: "LEGAL_REASON_REQUIRED" });
    await expect(read("LEGAL_CLAIM")).resolves.toBeUndefined();
  });

  it("P17: an objection stops the path it names, and only that one", async () => {
    const customer = await createCustomer(app, { balanceMinor: 1_000 });
    const request = await customer.requestPrivacy({ kind: "OBJECTION", details: "No tips emails please" });
    await recordObjection(app.services, support, request.id, "optional-emails");
    expect(await optionalEmail(customer.accountId, customer.email)).toBeNull();
    await expect(customer.orderNumber()).resolves.toBeDefined();
    await expect(recordObjection(app.services, support, request.id, "everything")).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
  });

  it("P17: only a compliance reviewer lifts a restriction, and the person is told first", async () => {
    const { customer, request } = await restrictedCustomer();
    await expect(liftRestriction(app.services, support, request.id)).rejects.toBeInstanceOf(NotPermittedError);
    await liftRestriction(app.services, reviewer, request.id);
    const account = await app.services.db.account.findUniqueOrThrow({ where: { id: customer.accountId } });
    expect(account.restrictedAt).toBeNull();
    const notice = await app.mailbox.latest(customer.email, "The restriction on your account is being lifted");
    expect(notice.body).toContain("restriction is lifted");
    await expect(customer.orderNumber()).resolves.toBeDefined();
  });
});
