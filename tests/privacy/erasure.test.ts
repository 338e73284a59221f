import { randomUUID } from "node:crypto";
import {
  closedForEndedCredential,
  connectedSubscriptions,
  createCustomer,
  createStaffMember,
  findInDatabase,
  startTestApp,
  type TestApp,
  verifyAuditLogOf,
} from "@smsape/api/testing";
import type { StaffRole } from "@smsape/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveCustomerToken } from "../../api/src/domain/accounts/credentials.ts";
import { passwordResetRequestedJob } from "../../api/src/domain/accounts/password-changes.ts";
import type { AccountActor, StaffActor } from "../../api/src/domain/actors.ts";
import {
  approveErasure,
  type ErasureStep,
  erasureRunSteps,
  planErasure,
  runErasure,
} from "../../api/src/domain/privacy/erasure.ts";
import type { ErasureScan } from "../../api/src/domain/privacy/post-erasure-scan.ts";
import { rejectRequest } from "../../api/src/domain/privacy/request-handling.ts";
import { transitionRequest } from "../../api/src/domain/privacy/request-states.ts";
import { contactSupport, replyToSupportTicket } from "../../api/src/domain/privacy/support-tickets.ts";
import { liftLegalHold, placeLegalHold } from "../../api/src/domain/retention/holds.ts";
import { NotPermittedError } from "../../api/src/domain/staff/permissions.ts";

let app: TestApp;
let support: StaffActor;
let reviewer: StaffActor;
let secondReviewer: StaffActor;

async function staffActor(role: StaffRole): Promise<StaffActor> {
  const member = await createStaffMember(app, { role });
  return { kind: "staff", staffUserId: member.staffUserId, role, sessionId: randomUUID() };
}

beforeAll(async () => {
  app = await startTestApp();
  support = await staffActor("SUPPORT");
  reviewer = await staffActor("COMPLIANCE");
  secondReviewer = await staffActor("COMPLIANCE");
});
afterAll(async () => {
  await app?.close();
});

/** What the person wrote in their requests: unique to each, so a search finds theirs only. */
const detailsOf = (reference: string) => `Please delete everything about my account, reference ${reference}`;

/** A customer with a history in every part of the service, who asked for deletion. */
async function customerAskingForDeletion() {
  const customer = await createCustomer(app, { balanceMinor: 2_000 });
  const reference = `ref-${randomUUID()}`;
  const details = detailsOf(reference);
  await customer.createApiKey("laptop");
  const activation = await customer.orderNumber();
  await activation.receiveSms("Your code is 771204");
  const pending = await customer.orderNumber({ service: "whatsapp" });
  await customer.requestPrivacy({ kind: "ACCESS", details });
  const request = await customer.requestPrivacy({ kind: "DELETION", currentPassword: customer.password, details });
  return { customer, request, reference, details, phoneNumbers: [activation.phoneNumber, pending.phoneNumber] };
}

async function approvedPlan(requestId: string) {
  const plan = await planErasure(app.services, support, requestId);
  await approveErasure(app.services, reviewer, plan.id);
  return plan;
}

async function ledgerTotals(accountRef: string) {
  const [row] = await app.services.db.$queryRaw<Array<{ available: bigint; held: bigint; entries: bigint }>>`
    SELECT sum("availableDelta") AS available, sum("heldDelta") AS held, count(*) AS entries
      FROM "LedgerEntry" WHERE "accountRef" = ${accountRef}`;
  return row;
}

describe("erasure (P16, P9)", () => {
  it("P16: shows per model what will be deleted, anonymised and kept under which rule until when", async () => {
    const { request } = await customerAskingForDeletion();
    const plan = await planErasure(app.services, support, request.id);
    const steps = plan.steps as unknown as ErasureStep[];
    const byModel = Object.fromEntries(steps.map((step) => [step.model, step]));
    expect(byModel.Account).toMatchObject({ action: "delete", rows: 1 });
    expect(byModel.SmsMessage).toMatchObject({ action: "delete", rows: 1 });
    expect(byModel.LedgerEntry).toMatchObject({
      action: "anonymise",
      anonymise: ["accountId", "activationId"],
      keptUnder: "ledger",
    });
    expect(Date.parse(byModel.LedgerEntry!.keptUntil!)).toBeGreaterThan(Date.now() + 9 * 365 * 24 * 3600_000);
    expect(byModel.PrivacyRequest).toMatchObject({ action: "anonymise", keptUnder: "privacy.request" });
    expect(byModel.AuditEntry).toMatchObject({ action: "keep", keptUnder: "evidence" });
    expect(plan).toMatchObject({ status: "PREPARED", preparedBy: support.staffUserId });
  });

  it("P16: runs only once a compliance reviewer other than the preparer approved it", async () => {
    const { request, customer } = await customerAskingForDeletion();
    const plan = await planErasure(app.services, reviewer, request.id);
    await expect(runErasure(app.services, reviewer, plan.id)).rejects.toMatchObject({ code: "ERASURE_PLAN_STATE" });
    await expect(approveErasure(app.services, support, plan.id)).rejects.toBeInstanceOf(NotPermittedError);
    await expect(approveErasure(app.services, reviewer, plan.id)).rejects.toMatchObject({ code: "SECOND_PERSON_REQUIRED" });
    await expect(runErasure(app.services, support, plan.id)).rejects.toBeInstanceOf(NotPermittedError);
    expect(await app.services.db.account.count({ where: { id: customer.accountId } })).toBe(1);
    await approveErasure(app.services, secondReviewer, plan.id);
    await runErasure(app.services, reviewer, plan.id);
    expect(await app.services.db.account.count({ where: { id: customer.accountId } })).toBe(0);
  });

  it("P16: a run stopped after any step leaves nothing erased, and a later run completes", async () => {
    const { customer, request, details } = await customerAskingForDeletion();
    const plan = await approvedPlan(request.id);
    const snapshot = async () => ({
      account: await app.services.db.account.count({ where: { id: customer.accountId } }),
      liveSessions: await app.services.db.session.count({ where: { accountId: customer.accountId, revokedAt: null } }),
      liveKeys: await app.services.db.apiKey.count({ where: { accountId: customer.accountId, revokedAt: null } }),
      activations: await app.services.db.activation.count({ where: { accountId: customer.accountId } }),
      ledger: await app.services.db.ledgerEntry.count({ where: { accountId: customer.accountId } }),
      emails: await app.services.db.outboxEmail.count({ where: { accountId: customer.accountId } }),
      notices: await app.services.db.outboxEmail.count({ where: { template: "account-erased", accountId: null } }),
      requests: await app.services.db.privacyRequest.count({ where: { accountId: customer.accountId, details } }),
      plan: (await app.services.db.erasurePlan.findUniqueOrThrow({ where: { id: plan.id } })).status,
    });
    const before = await snapshot();
    expect(before).toMatchObject({ account: 1, plan: "APPROVED" });
    expect(before.activations).toBeGreaterThan(0);
    for (const stopAfter of erasureRunSteps) {
      await expect(
        runErasure(app.services, reviewer, plan.id, {
          afterStep: (step) => {
            if (step === stopAfter) throw new Error(`stopped after ${step}`);
          },
        }),
      ).rejects.toThrow(`stopped after ${stopAfter}`);
      expect(await snapshot(), `stopped after ${stopAfter}`).toEqual(before);
    }
    await runErasure(app.services, reviewer, plan.id);
    expect(await snapshot()).toMatchObject({ account: 0, activations: 0, ledger: 0, plan: "COMPLETED" });
  });

  it("P16: ends the person's sessions, keys and open sockets, tells them, and leaves nothing of them anywhere", async () => {
    const { customer, request, phoneNumbers, reference } = await customerAskingForDeletion();
    const { socket, closes } = await connectedSubscriptions(customer.client);
    const key = await customer.createApiKey("second");
    // A password reset asked for, its job not yet run: the job's data holds the address.
    await app.services.jobs.send(
      passwordResetRequestedJob,
      { address: customer.email },
      { startAfter: new Date(Date.now() + 3600_000) },
    );
    expect(await findInDatabase(app, customer.email)).toEqual(expect.arrayContaining([expect.stringMatching(/^pgboss\.job/)]));
    const plan = await approvedPlan(request.id);
    const erased = await runErasure(app.services, reviewer, plan.id);

    await closedForEndedCredential(closes);
    socket.dispose();
    for (const client of [customer.client, key.client]) {
      const { viewer } = await client.data("{ viewer { __typename } }").catch(() => ({ viewer: null }));
      expect(viewer?.__typename ?? null).not.toBe("Account");
    }

    const notice = await app.mailbox.latest(customer.email, "Your account has been erased");
    expect(notice.body).toContain("erased");

    const scan = erased.scan as ErasureScan;
    expect(scan.tables).toBeGreaterThan(20);
    expect(scan.searched).toMatchObject({ email: 1, phone: phoneNumbers.length, text: 1 });
    expect(
      scan.hits.filter((hit) => hit.explanation === null),
      JSON.stringify(scan.hits),
    ).toEqual([]);
    expect(scan.clean).toBe(true);
    expect(JSON.stringify(erased.scan)).not.toContain(customer.email);
    expect(erased.recipients).toEqual(
      expect.arrayContaining([expect.objectContaining({ recipient: "Transactional email delivery vendor" })]),
    );

    // An independent search of every table, the job queue's included, after the notice went out.
    expect(await findInDatabase(app, customer.email)).toEqual([]);
    expect(await findInDatabase(app, reference)).toEqual([]);
    // The audit log keeps its entries about the erased account, and still verifies.
    expect(await app.services.db.auditEntry.count({ where: { subjectId: request.id, action: "erasure.ran" } })).toBe(1);
    expect((await verifyAuditLogOf(app)).valid).toBe(true);
  });

  it("P16: what the person wrote and what staff wrote about them is gone from every table, and the audit chain still verifies", async () => {
    const { customer, request } = await customerAskingForDeletion();
    const credential = await resolveCustomerToken(app.services, customer.token);
    if (!credential) throw new Error("the customer's session ended");
    const holder: AccountActor = { kind: "account", ...credential };
    const theirWords = `my old phone was stolen, ticket ${randomUUID()}`;
    const ticket = await contactSupport(app.services, holder, { subject: "Stolen phone", body: theirWords });
    // Support answered the ticket: the reply went out by email and stays in the ticket's thread.
    const replyWords = `Sorry about the phone; we ended the sessions on ${randomUUID()}`;
    await replyToSupportTicket(app.services, support, ticket.id, { body: replyWords });
    // Staff answer a second request with a message that names the person's situation: it goes out by email
    // and is kept as a note outside the audit chain.
    const objection = await customer.requestPrivacy({ kind: "OBJECTION", details: "Stop using my data for anything" });
    const staffWords = `We cannot act on this objection until the stolen phone ${randomUUID()} is reported`;
    await rejectRequest(app.services, support, objection.id, { reasonCode: "manifestly_unfounded", message: staffWords });
    expect(await findInDatabase(app, theirWords)).not.toEqual([]);
    expect(await findInDatabase(app, staffWords)).not.toEqual([]);
    expect(await findInDatabase(app, replyWords)).not.toEqual([]);
    await app.mailbox.deliver();

    const plan = await approvedPlan(request.id);
    const erased = await runErasure(app.services, reviewer, plan.id);
    await app.mailbox.deliver();

    // The run's own scan searched for the ticket's words and the reply, and found neither.
    expect(erased.scan).toMatchObject({ clean: true });
    expect(erased.scan.searched.text).toBeGreaterThanOrEqual(5);
    for (const needle of [customer.email, theirWords, staffWords, replyWords]) {
      expect(await findInDatabase(app, needle)).toEqual([]);
    }
    expect(await app.services.db.auditEntry.count({ where: { subjectId: objection.id } })).toBeGreaterThan(0);
    expect((await verifyAuditLogOf(app)).valid).toBe(true);
  });

  it("P16: a deletion request cannot be completed until its approved erasure plan has run", async () => {
    const { request } = await customerAskingForDeletion();
    await transitionRequest(app.services, support, request.id, "IN_PROGRESS", { reasonCode: "started" });
    await transitionRequest(app.services, support, request.id, "AWAITING_APPROVAL", { reasonCode: "prepared" });
    const plan = await approvedPlan(request.id);
    await expect(
      transitionRequest(app.services, secondReviewer, request.id, "COMPLETED", { reasonCode: "completed" }),
    ).rejects.toMatchObject({ code: "REQUEST_TRANSITION_NOT_ALLOWED" });
    expect((await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe(
      "AWAITING_APPROVAL",
    );
    await runErasure(app.services, reviewer, plan.id);
    const completed = await transitionRequest(app.services, secondReviewer, request.id, "COMPLETED", {
      reasonCode: "completed",
    });
    expect(completed.status).toBe("COMPLETED");
  });

  it("P9: the ledger is kept whole under the pseudonymous reference, unlinked from the erased account", async () => {
    const { customer, request } = await customerAskingForDeletion();
    const before = await ledgerTotals(customer.accountId);
    expect(before?.entries).toBeGreaterThan(1n);
    await runErasure(app.services, reviewer, (await approvedPlan(request.id)).id);
    expect(await ledgerTotals(customer.accountId)).toEqual(before);
    expect(await app.services.db.ledgerEntry.count({ where: { accountRef: customer.accountId, accountId: { not: null } } })).toBe(
      0,
    );
    expect(await app.services.db.paymentEvent.count({ where: { accountId: customer.accountId } })).toBe(0);
  });

  it("a legal hold beats erasure: the approved plan is refused while the hold stands, and runs once it is lifted", async () => {
    const { customer, request } = await customerAskingForDeletion();
    const hold = await placeLegalHold(app.services, reviewer, {
      scope: "ACCOUNT",
      accountId: customer.accountId,
      reasonCode: "litigation",
    });
    const plan = await approvedPlan(request.id);
    await expect(runErasure(app.services, reviewer, plan.id)).rejects.toMatchObject({ code: "LEGAL_HOLD" });
    expect(await app.services.db.account.findUnique({ where: { id: customer.accountId } })).not.toBeNull();
    expect(await app.services.db.smsMessage.count({ where: { activation: { accountId: customer.accountId } } })).toBe(1);
    expect((await app.services.db.erasurePlan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("APPROVED");

    await liftLegalHold(app.services, reviewer, hold.id, { reasonCode: "case_closed" });
    await runErasure(app.services, reviewer, plan.id);
    expect(await app.services.db.account.findUnique({ where: { id: customer.accountId } })).toBeNull();
  });
});
