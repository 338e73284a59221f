/**
 * Retention that deletes (P8) over /admin/graphql and the customer API: the
 * scheduled purge clears SMS bodies past their period (the customer then sees
 * them as purged), a dry run counts without changing anything, legal holds
 * beat both retention and erasure, a run interrupted part-way resumes with
 * nothing done twice, and every policy's purge removes what it governs.
 */
import {
  createCustomer,
  createStaffMember,
  minutes,
  startTestApp,
  type TestApp,
  type TestStaffMember,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "../../api/src/domain/actors.ts";
import { beginPurgeRun, continuePurgeRun, purgeScheduleJob, runScheduledPurges } from "../../api/src/domain/retention/purges.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ SESSION_IDLE_MINUTES: String(30 * 24 * 60), SESSION_ABSOLUTE_MINUTES: String(30 * 24 * 60) });
});
afterAll(async () => {
  await app?.close();
});

const hours = (count: number) => minutes(60 * count);

const runFields = "id policyKey status trigger cutoff examined deleted anonymised heldBack batches finishedAt";
const dryRunQuery = `query($key: String!, $secs: Int) {
  retentionDryRun(key: $key, retentionSecs: $secs) {
    __typename
    ... on QueryRetentionDryRunSuccess { data { policyKey retentionSecs cutoff due heldBack oldest } }
    ... on Error { code message }
  }
}`;
const startPurgeMutation = `mutation($key: String!) {
  startPurge(key: $key) { __typename ... on MutationStartPurgeSuccess { data { ${runFields} } } ... on Error { code message } }
}`;
const purgeRunQuery = `query($id: ID!) { purgeRun(id: $id) { __typename ... on QueryPurgeRunSuccess { data { ${runFields} } } } }`;
const placeHoldMutation = `mutation($input: PlaceLegalHoldInput!) {
  placeLegalHold(input: $input) {
    __typename
    ... on MutationPlaceLegalHoldSuccess { data { id scope accountId policyKey reasonCode active } }
    ... on Error { code message }
  }
}`;
const liftHoldMutation = `mutation($id: ID!, $reason: String!) {
  liftLegalHold(id: $id, reasonCode: $reason) {
    __typename ... on MutationLiftLegalHoldSuccess { data { id active liftedAt } } ... on Error { code message }
  }
}`;
const updatePeriodMutation = `mutation($key: String!, $secs: Int!, $reason: String!) {
  updateRetentionPeriod(key: $key, retentionSecs: $secs, reasonCode: $reason) {
    __typename
    ... on MutationUpdateRetentionPeriodSuccess { data { key retentionSecs } }
    ... on ValidationError { code issues { field message } }
    ... on Error { code message }
  }
}`;
const messagesQuery = `query($id: ID!) {
  activation(id: $id) { ... on Activation { messages { edges { node { id text code purgedAt } } } } }
}`;

/** A customer with one activation and one SMS, received now. */
async function customerWithSms(text: string) {
  const customer = await createCustomer(app, { balanceMinor: 500 });
  const activation = await customer.orderNumber({ country: "GB" });
  const { messageId } = await activation.receiveSms(text);
  return { customer, activation, messageId };
}

async function waitForRun(staff: TestStaffMember, id: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { purgeRun } = await staff.client.data(purgeRunQuery, { id });
    if (purgeRun.data.status === "COMPLETED") return purgeRun.data;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("The purge run did not complete.");
}

describe("the SMS body purge", () => {
  it("P8: the scheduled purge clears SMS bodies past their period; the customer sees them purged, the run is reported and audited", async () => {
    const old = await customerWithSms("Your code is 482913");
    app.clock.advance(hours(7));
    const fresh = await customerWithSms("Your code is 551177");

    await app.services.jobs.send(purgeScheduleJob, {});
    const deadline = Date.now() + 20_000;
    while ((await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: old.messageId } })).purgedAt === null) {
      if (Date.now() > deadline) throw new Error("The scheduled purge did not run.");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const purged = await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: old.messageId } });
    expect(purged).toMatchObject({ bodyCiphertext: null, codeCiphertext: null });
    const kept = await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: fresh.messageId } });
    expect(kept.bodyCiphertext).not.toBeNull();
    expect(kept.purgedAt).toBeNull();

    const { activation } = await old.customer.client.data(messagesQuery, { id: old.activation.id });
    expect(activation.messages.edges).toEqual([
      { node: { id: old.messageId, text: null, code: null, purgedAt: purged.purgedAt?.toISOString() } },
    ]);
    const stillThere = await fresh.customer.client.data(messagesQuery, { id: fresh.activation.id });
    expect(stillThere.activation.messages.edges[0].node).toMatchObject({
      text: "Your code is 551177",
      code: "551177",
      purgedAt: null,
    });

    const run = await app.services.db.purgeRun.findFirstOrThrow({
      where: { policyKey: "sms.body", status: "COMPLETED" },
      orderBy: { startedAt: "desc" },
    });
    expect(run).toMatchObject({ trigger: "SCHEDULE", heldBackCount: 0, deletedCount: 0 });
    expect(run.anonymisedCount).toBeGreaterThanOrEqual(1);
    const entry = await app.services.db.auditEntry.findFirstOrThrow({
      where: { action: "retention_purge.completed", subjectId: run.id },
    });
    expect(entry.details).toMatchObject({ policyKey: "sms.body", anonymised: run.anonymisedCount });
  });

  it("P8: a dry run counts what would go and changes nothing; a proposed period shows its impact", async () => {
    const { messageId } = await customerWithSms("Your code is 100200");
    app.clock.advance(hours(3));
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });

    const current = (await reviewer.client.data(dryRunQuery, { key: "sms.body" })).retentionDryRun.data;
    const shorter = (await reviewer.client.data(dryRunQuery, { key: "sms.body", secs: 2 * 3600 })).retentionDryRun.data;
    expect(shorter.retentionSecs).toBe(7200);
    const dueBy = (cutoff: string) =>
      app.services.db.smsMessage.count({ where: { purgedAt: null, receivedAt: { lt: new Date(cutoff) } } });
    expect(current.due).toBe(await dueBy(current.cutoff));
    expect(shorter.due).toBe(await dueBy(shorter.cutoff));
    expect(shorter.due).toBeGreaterThan(current.due);
    expect((await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: messageId } })).bodyCiphertext).not.toBeNull();
  });
});

describe("legal holds", () => {
  it("P8: a purge started from the console skips a held account and reports it held back; lifted, the next run purges it", async () => {
    const held = await customerWithSms("Held code 111111");
    const other = await customerWithSms("Other code 222222");
    app.clock.advance(hours(7));
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });

    const placed = (
      await reviewer.client.data(placeHoldMutation, {
        input: { scope: "ACCOUNT", accountId: held.customer.accountId, reasonCode: "litigation" },
      })
    ).placeLegalHold;
    expect(placed.data).toMatchObject({ scope: "ACCOUNT", active: true, reasonCode: "litigation" });

    const started = (await reviewer.client.data(startPurgeMutation, { key: "sms.body" })).startPurge;
    expect(started.__typename).toBe("MutationStartPurgeSuccess");
    const report = await waitForRun(reviewer, started.data.id);
    expect(report).toMatchObject({ trigger: "STAFF", status: "COMPLETED", heldBack: 1 });
    expect(report.examined).toBe(report.anonymised + report.heldBack);
    expect((await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: held.messageId } })).bodyCiphertext).not.toBeNull();
    expect((await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: other.messageId } })).bodyCiphertext).toBeNull();

    const lifted = (await reviewer.client.data(liftHoldMutation, { id: placed.data.id, reason: "case_closed" })).liftLegalHold;
    expect(lifted.data.active).toBe(false);
    const again = (await reviewer.client.data(startPurgeMutation, { key: "sms.body" })).startPurge;
    expect(await waitForRun(reviewer, again.data.id)).toMatchObject({ anonymised: 1, heldBack: 0 });
    expect((await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: held.messageId } })).bodyCiphertext).toBeNull();

    const actions = await app.services.db.auditEntry.findMany({
      where: { subjectId: placed.data.id },
      orderBy: { seq: "asc" },
      select: { action: true, reason: true, actorId: true },
    });
    expect(actions).toEqual([
      { action: "legal_hold.placed", reason: "litigation", actorId: reviewer.staffUserId },
      { action: "legal_hold.lifted", reason: "case_closed", actorId: reviewer.staffUserId },
    ]);
  });

  it("P8: a hold on a category keeps all of it, and counts it held back", async () => {
    const { messageId } = await customerWithSms("Category code 333333");
    app.clock.advance(hours(7));
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });
    const placed = (
      await reviewer.client.data(placeHoldMutation, {
        input: { scope: "CATEGORY", policyKey: "sms.body", reasonCode: "authority_inquiry" },
      })
    ).placeLegalHold;
    try {
      const dry = (await reviewer.client.data(dryRunQuery, { key: "sms.body" })).retentionDryRun.data;
      expect(dry.heldBack).toBe(dry.due);
      const [run] = (await runScheduledPurges(app.services)).filter((r) => r.policyKey === "sms.body");
      expect(run).toMatchObject({ anonymisedCount: 0 });
      expect(run?.heldBackCount).toBe(dry.due);
      expect((await app.services.db.smsMessage.findUniqueOrThrow({ where: { id: messageId } })).bodyCiphertext).not.toBeNull();
    } finally {
      await reviewer.client.data(liftHoldMutation, { id: placed.data.id, reason: "inquiry_closed" });
    }
  });

  it("refuses a hold without a reason code or an account, with the fields named", async () => {
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });
    const { placeLegalHold } = await reviewer.client.data(placeHoldMutation, {
      input: { scope: "ACCOUNT", reasonCode: "Because I said so" },
    });
    expect(placeLegalHold.code).toBe("VALIDATION_FAILED");
    expect(placeLegalHold.message).toMatch(/reasonCode/);
    expect(placeLegalHold.message).toMatch(/accountId/);
    expect(await app.services.db.legalHold.count({ where: { reasonCode: "Because I said so" } })).toBe(0);
  });
});

describe("changing a policy", () => {
  it("only COMPLIANCE changes a period; the change is audited with both periods and the reason, bad input changes nothing", async () => {
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const reviewer = await createStaffMember(app, { role: "COMPLIANCE" });
    const refused = await support.client.request(updatePeriodMutation, { key: "email.outbox", secs: 3600, reason: "tidy_up" });
    expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    const invalid = (await reviewer.client.data(updatePeriodMutation, { key: "email.outbox", secs: 60, reason: "Tidy up" }))
      .updateRetentionPeriod;
    expect(invalid.code).toBe("VALIDATION_FAILED");
    expect(invalid.issues.map((issue: { field: string }) => issue.field).sort()).toEqual(["reasonCode", "retentionSecs"]);
    const unknown = (await reviewer.client.data(updatePeriodMutation, { key: "nothing", secs: 7200, reason: "tidy_up" }))
      .updateRetentionPeriod;
    expect(unknown.code).toBe("NOT_FOUND");
    expect((await app.services.db.retentionPolicy.findUniqueOrThrow({ where: { key: "email.outbox" } })).retentionSecs).toBe(
      90 * 86400,
    );

    const changed = (
      await reviewer.client.data(updatePeriodMutation, { key: "email.outbox", secs: 60 * 86400, reason: "dpo_decision" })
    ).updateRetentionPeriod;
    expect(changed.data).toEqual({ key: "email.outbox", retentionSecs: 60 * 86400 });
    const entry = await app.services.db.auditEntry.findFirstOrThrow({
      where: { action: "retention_policy.updated" },
      orderBy: { seq: "desc" },
    });
    expect(entry).toMatchObject({
      subjectId: "email.outbox",
      reason: "dpo_decision",
      actorId: reviewer.staffUserId,
      details: { fields: ["retentionSecs"], fromSecs: 90 * 86400, toSecs: 60 * 86400 },
    });
    await reviewer.client.data(updatePeriodMutation, { key: "email.outbox", secs: 90 * 86400, reason: "dpo_decision" });
  });
});

describe("resuming and every policy", () => {
  it("P8: a run stopped part-way resumes from its cursor: every due body purged once, none skipped", async () => {
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { activation } = await customerWithSms(`Batch code ${100000 + i}`);
      for (let j = 0; j < 4; j++) messages.push((await activation.receiveSms(`More ${i}-${j} code ${200000 + j}`)).messageId);
    }
    app.clock.advance(hours(7));
    const stillDue = () =>
      app.services.db.smsMessage.count({
        where: { purgedAt: null, receivedAt: { lt: new Date(app.clock.now().getTime() - 6 * 3600_000) } },
      });
    const due = await stillDue();
    // Walked three rows a batch by one worker that stops after two batches, then by another to the end.
    const { run } = await beginPurgeRun(app.services, systemActor("test"), "sms.body", "SCHEDULE");
    const partway = await continuePurgeRun(app.services, run.id, { batchSize: 3, maxBatches: 2 });
    expect(partway).toMatchObject({ status: "RUNNING", batches: 2, examinedCount: 6, anonymisedCount: 6 });
    expect(await stillDue()).toBe(due - 6);
    const done = await continuePurgeRun(app.services, run.id, { batchSize: 3 });
    expect(done.status).toBe("COMPLETED");
    const finished = await app.services.db.purgeRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(finished.anonymisedCount).toBe(due);
    expect(finished.examinedCount).toBe(due);
    expect(await app.services.db.smsMessage.count({ where: { id: { in: messages }, bodyCiphertext: { not: null } } })).toBe(0);
  });

  it("P8, P9: every policy's purge removes what it governs once its period is over, and keeps a living account's ledger", async () => {
    const customer = await createCustomer(app, { balanceMinor: 700 });
    const activation = await customer.orderNumber({ country: "GB" });
    await activation.receiveSms("Routing code 909090", { route: "route-7" });
    await app.services.db.activation.update({
      where: { id: activation.id },
      data: { status: "COMPLETED", endedAt: app.clock.now() },
    });
    const second = await customer.signIn();
    const request = await customer.requestPrivacy({ kind: "ACCESS" });
    await customer.emailSent();
    await app.services.db.privacyRequest.update({
      where: { id: request.id },
      data: { status: "WITHDRAWN", completedAt: app.clock.now() },
    });
    // What an erased account leaves in the books: entries under a pseudonym, linked to no account.
    const pseudonym = crypto.randomUUID();
    const event = await app.services.db.paymentEvent.create({
      data: { id: `evt_${pseudonym}`, accountId: null, kind: "top_up", amountMinor: 300n, currency: "USD" },
    });
    await app.services.db.ledgerEntry.create({
      data: { accountRef: pseudonym, kind: "TOP_UP", availableDelta: 300n, currency: "USD", paymentEventId: event.id },
    });
    const balanceBefore = await app.services.db.ledgerEntry.aggregate({
      where: { accountId: customer.accountId },
      _sum: { availableDelta: true },
    });
    expect(await app.services.db.session.count({ where: { accountId: customer.accountId } })).toBe(2);
    expect(await app.services.db.accountToken.count({ where: { accountId: customer.accountId } })).toBeGreaterThan(0);
    expect(await app.services.db.outboxEmail.count({ where: { accountId: customer.accountId, status: "SENT" } })).toBeGreaterThan(
      0,
    );

    // Eleven years on, every period is over.
    app.clock.advance(minutes(11 * 366 * 24 * 60));
    await app.services.db.session.updateMany({
      where: { accountId: customer.accountId },
      data: { revokedAt: new Date(app.clock.now().getTime() - minutes(11 * 365 * 24 * 60)) },
    });
    const runs = await runScheduledPurges(app.services);
    expect(runs.map((run) => run.policyKey).sort()).toEqual(
      [
        "activation.routing",
        "email.outbox",
        "ledger",
        "privacy.request",
        "session",
        "sms.body",
        "token",
        "webhook.delivery",
      ].sort(),
    );
    expect(runs.every((run) => run.status === "COMPLETED")).toBe(true);

    expect((await app.services.db.activation.findUniqueOrThrow({ where: { id: activation.id } })).routingCiphertext).toBeNull();
    expect(await app.services.db.session.count({ where: { accountId: customer.accountId } })).toBe(0);
    expect(await app.services.db.accountToken.count({ where: { accountId: customer.accountId } })).toBe(0);
    expect(await app.services.db.outboxEmail.count({ where: { accountId: customer.accountId } })).toBe(0);
    expect(await app.services.db.privacyRequest.count({ where: { id: request.id } })).toBe(0);
    expect(await app.services.db.ledgerEntry.count({ where: { accountRef: pseudonym } })).toBe(0);
    expect(await app.services.db.paymentEvent.count({ where: { id: event.id } })).toBe(0);
    // The living account's entries make up its balance: all kept.
    const balanceAfter = await app.services.db.ledgerEntry.aggregate({
      where: { accountId: customer.accountId },
      _sum: { availableDelta: true },
    });
    expect(balanceAfter).toEqual(balanceBefore);
    expect(second.token).toBeTruthy();
    // Outside a purge the ledger still refuses deletions.
    await expect(app.services.db.ledgerEntry.deleteMany({ where: { accountId: customer.accountId } })).rejects.toThrow(
      /append-only/,
    );
  });
});
