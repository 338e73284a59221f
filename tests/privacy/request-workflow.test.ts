import { randomUUID } from "node:crypto";
import {
  collect,
  createCustomer,
  createStaffMember,
  GraphqlClient,
  newEmail,
  startTestApp,
  type TestApp,
  type TestStaffMember,
  verifyAuditLogOf,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import { approveErasure, planErasure, runErasure } from "../../api/src/domain/privacy/erasure.ts";
import { privacyRemindersJob, sendPrivacyReminders } from "../../api/src/domain/privacy/reminders.ts";

const hour = 60 * 60 * 1000;
const day = 24 * hour;

let app: TestApp;
let support: TestStaffMember;
let compliance: TestStaffMember;
let admin: TestStaffMember;
/** Staff sign in anew: after the clock moves by days, their earlier sessions have expired. */
async function signInStaff() {
  support = await createStaffMember(app, { role: "SUPPORT" });
  compliance = await createStaffMember(app, { role: "COMPLIANCE" });
  admin = await createStaffMember(app, { role: "ADMIN" });
}
beforeAll(async () => {
  app = await startTestApp();
  await signInStaff();
});
afterAll(async () => {
  await app?.close();
});

const staffRequestFields = `id kind status source jurisdiction priority concernsMinor expeditedErasure accountId
  identityConfirmed identityMethod receivedAt acknowledgedAt acknowledgeDueAt slaDueAt legalDueAt dueAt slaStatus
  extended extendedAt resolution rejectionReasonCode nextSteps assignee { id }
  timeline { fromStatus toStatus actorType actorId reasonCode note }`;

const stepResult = (mutation: string) => `__typename
  ... on StaffPrivacyRequestPayload { privacyRequest { ${staffRequestFields} } }
  ... on Error { code message }
  ${mutation === "extendPrivacyRequest" ? "... on ExtensionNotAllowedError { reason }" : ""}`;

/** One staff step on a request; returns the typed result (payload or error). */
async function step(staff: GraphqlClient, mutation: string, inputType: string, input: Record<string, unknown>) {
  const result = await staff.request(
    `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${stepResult(mutation)} } }`,
    {
      input,
    },
  );
  if (result.errors)
    return { __typename: "GraphQLError", code: result.errors[0]?.extensions?.code, message: result.errors[0]?.message };
  return result.data?.[mutation];
}

const move = (staff: GraphqlClient, id: string, to: string, reasonCode = "step") =>
  step(staff, "transitionPrivacyRequest", "TransitionPrivacyRequestInput", { id, to, reasonCode });

async function moved(staff: GraphqlClient, id: string, to: string, reasonCode = "step") {
  const result = await move(staff, id, to, reasonCode);
  expect(result.__typename, JSON.stringify(result)).toBe("StaffPrivacyRequestPayload");
  return result.privacyRequest;
}

async function staffView(id: string, staff = support.client) {
  const { staffPrivacyRequest } = await staff.data(`query($id: ID!) { staffPrivacyRequest(id: $id) { ${staffRequestFields} } }`, {
    id,
  });
  return staffPrivacyRequest;
}

async function queue(variables: Record<string, unknown> = {}, staff = support.client) {
  const { privacyRequestQueue } = await staff.data(
    `query($status: PrivacyRequestStatus, $kind: PrivacyRequestKind, $jurisdiction: Jurisdiction, $assigneeId: ID, $clock: QueueClockFilter) {
      privacyRequestQueue(first: 100, status: $status, kind: $kind, jurisdiction: $jurisdiction, assigneeId: $assigneeId, clock: $clock) {
        edges { node { id priority dueAt slaStatus status } }
      }
    }`,
    variables,
  );
  return privacyRequestQueue.edges.map((edge: { node: Record<string, string> }) => edge.node);
}

async function fileAccess(jurisdiction?: string) {
  const customer = await createCustomer(app, jurisdiction ? { jurisdiction: jurisdiction as "GDPR" } : {});
  const request = await customer.requestPrivacy({ kind: "ACCESS" });
  return { customer, request };
}

describe("the state machine, over the staff API", () => {
  it("walks a request from received to completed, one timeline row per step, approval by COMPLIANCE only", async () => {
    const { request } = await fileAccess();
    expect((await moved(support.client, request.id, "IN_PROGRESS", "started")).status).toBe("IN_PROGRESS");
    const waiting = await moved(support.client, request.id, "AWAITING_APPROVAL", "prepared");
    expect(waiting.nextSteps).toEqual([]);

    const refused = await move(support.client, request.id, "COMPLETED", "approved");
    expect(refused).toMatchObject({ code: "NOT_AUTHORIZED" });
    expect((await staffView(request.id)).status).toBe("AWAITING_APPROVAL");

    const done = await moved(compliance.client, request.id, "COMPLETED", "approved");
    expect(done.status).toBe("COMPLETED");
    expect(done.slaStatus).toBeNull();
    expect(done.timeline).toEqual([
      expect.objectContaining({ fromStatus: null, toStatus: "RECEIVED", actorType: "ACCOUNT", reasonCode: "filed_by_holder" }),
      expect.objectContaining({ fromStatus: "RECEIVED", toStatus: "IN_PROGRESS", actorId: support.staffUserId }),
      expect.objectContaining({ fromStatus: "IN_PROGRESS", toStatus: "AWAITING_APPROVAL", reasonCode: "prepared" }),
      expect.objectContaining({ fromStatus: "AWAITING_APPROVAL", toStatus: "COMPLETED", actorId: compliance.staffUserId }),
    ]);
    const audit = await app.services.db.auditEntry.findMany({ where: { subjectId: request.id }, orderBy: { seq: "asc" } });
    expect(audit.map((entry) => entry.action)).toEqual([
      "privacy_request.created",
      "privacy_request.in_progress",
      "privacy_request.awaiting_approval",
      "privacy_request.completed",
    ]);
    expect(await verifyAuditLogOf(app)).toMatchObject({ valid: true });
  });

  it("refuses steps the table does not declare, and those that need their own mutation, changing nothing", async () => {
    const { request } = await fileAccess();
    expect(await move(support.client, request.id, "COMPLETED")).toMatchObject({
      __typename: "PrivacyRequestTransitionError",
      code: "REQUEST_TRANSITION_NOT_ALLOWED",
    });
    expect(await move(support.client, request.id, "EXTENDED")).toMatchObject({ __typename: "PrivacyRequestTransitionError" });
    expect(await move(support.client, request.id, "WITHDRAWN")).toMatchObject({ code: "NOT_AUTHORIZED" });
    expect(await move(support.client, request.id, "IN_PROGRESS", "Not A Code")).toMatchObject({ __typename: "ValidationError" });
    await moved(support.client, request.id, "IN_PROGRESS");
    await moved(support.client, request.id, "COMPLETED", "answered");
    expect(await move(compliance.client, request.id, "IN_PROGRESS")).toMatchObject({
      __typename: "PrivacyRequestTransitionError",
    });
    const stored = await staffView(request.id);
    expect(stored.status).toBe("COMPLETED");
    expect(stored.timeline).toHaveLength(3);
  });

  it("completes a deletion only through a second reviewer's approval, never directly", async () => {
    const customer = await createCustomer(app);
    const request = await customer.requestPrivacy({ kind: "DELETION", currentPassword: customer.password });
    const started = await moved(support.client, request.id, "IN_PROGRESS");
    expect(started.nextSteps).not.toContain("COMPLETED");
    expect(await move(compliance.client, request.id, "COMPLETED")).toMatchObject({ __typename: "PrivacyRequestTransitionError" });
    await moved(support.client, request.id, "AWAITING_APPROVAL");
    // The erasure itself runs first: a second person approves its plan (tests/privacy/erasure.test.ts).
    const asActor = (member: TestStaffMember): StaffActor => ({
      kind: "staff",
      staffUserId: member.staffUserId,
      role: member.role,
      sessionId: randomUUID(),
    });
    const plan = await planErasure(app.services, asActor(support), request.id);
    await approveErasure(app.services, asActor(compliance), plan.id);
    await runErasure(app.services, asActor(compliance), plan.id);
    expect((await moved(compliance.client, request.id, "COMPLETED", "approved")).status).toBe("COMPLETED");
  });

  it("lets only one of two simultaneous steps from the same state through", async () => {
    const { request } = await fileAccess();
    const results = await Promise.all([
      move(support.client, request.id, "IN_PROGRESS"),
      move(compliance.client, request.id, "IN_PROGRESS"),
    ]);
    expect(results.map((result) => result.__typename).sort()).toEqual([
      "PrivacyRequestTransitionError",
      "StaffPrivacyRequestPayload",
    ]);
    expect((await staffView(request.id)).timeline).toHaveLength(2);
  });

  it("still lets the customer withdraw a request nobody started, and not one in progress", async () => {
    const { customer, request } = await fileAccess();
    const withdraw = (id: string) =>
      customer.client.data(
        `mutation($id: ID!) { withdrawPrivacyRequest(input: { id: $id }) { __typename ... on Error { code } } }`,
        { id },
      );
    expect((await withdraw(request.id)).withdrawPrivacyRequest.__typename).toBe("PrivacyRequestPayload");
    const second = await customer.requestPrivacy({ kind: "ACCESS" });
    await moved(support.client, second.id, "IN_PROGRESS");
    expect((await withdraw(second.id)).withdrawPrivacyRequest).toMatchObject({ code: "REQUEST_NOT_WITHDRAWABLE" });
    expect((await staffView(request.id)).timeline.at(-1)).toMatchObject({ toStatus: "WITHDRAWN", actorType: "ACCOUNT" });
  });

  it("keeps ADMIN and customers out of the queue, and SUPPORT out of approvals", async () => {
    const { customer, request } = await fileAccess();
    const asAdmin = await admin.client.request(`{ privacyRequestQueue(first: 1) { edges { node { id } } } }`);
    expect(asAdmin.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    expect(await move(admin.client, request.id, "IN_PROGRESS")).toMatchObject({ code: "NOT_AUTHORIZED" });
    const asCustomer = new GraphqlClient(app.url, "/admin/graphql");
    asCustomer.bearer = customer.token;
    expect(
      (await asCustomer.request(`{ privacyRequestQueue(first: 1) { edges { node { id } } } }`)).errors?.[0]?.extensions?.code,
    ).toBe("NOT_AUTHORIZED");
    await moved(support.client, request.id, "IN_PROGRESS");
    await moved(support.client, request.id, "AWAITING_APPROVAL");
    expect((await staffView(request.id, support.client)).nextSteps).toEqual([]);
    expect((await staffView(request.id, compliance.client)).nextSteps.sort()).toEqual(["COMPLETED", "IN_PROGRESS", "REJECTED"]);
    expect(await move(support.client, request.id, "IN_PROGRESS")).toMatchObject({ code: "NOT_AUTHORIZED" });
  });

  it("assigns a request to a staff member who may handle it, never to an ADMIN, and filters the queue by assignee", async () => {
    const { request } = await fileAccess();
    const assign = (assigneeId: string | null) =>
      step(support.client, "assignPrivacyRequest", "AssignPrivacyRequestInput", { id: request.id, assigneeId });
    expect((await assign(compliance.staffUserId)).privacyRequest.assignee).toEqual({ id: compliance.staffUserId });
    expect(await assign(admin.staffUserId)).toMatchObject({ __typename: "NotFoundError" });
    expect((await queue({ assigneeId: compliance.staffUserId })).map((row: { id: string }) => row.id)).toEqual([request.id]);
  });

  it("refuses a request with a reason code and tells the person in the staff member's words", async () => {
    const { customer, request } = await fileAccess();
    const reject = (input: Record<string, unknown>) =>
      step(support.client, "rejectPrivacyRequest", "RejectPrivacyRequestInput", { id: request.id, ...input });
    expect(await reject({ reasonCode: "because", message: "short" })).toMatchObject({ __typename: "ValidationError" });
    const rejected = await reject({ reasonCode: "excessive", message: "You asked for the same copy ten times this week." });
    expect(rejected.privacyRequest).toMatchObject({ status: "REJECTED", rejectionReasonCode: "excessive" });
    const email = await app.mailbox.latest(customer.email, "Your privacy request was refused");
    expect(email.body).toContain("You asked for the same copy ten times this week.");
    // The message is on the request and its timeline, never in the audit chain.
    const audit = await app.services.db.auditEntry.findMany({ where: { subjectId: request.id } });
    expect(JSON.stringify(audit.map((entry) => [entry.reason, entry.details]))).not.toContain("ten times");
  });
});

describe("the queue's live events", () => {
  it("tells a staff member's socket each time a request of the queue changes, and refuses ADMIN", async () => {
    const socket = support.client.subscriptions();
    const events = collect<{ privacyQueueChanged: { id: string; status: string } }>(
      socket,
      "subscription { privacyQueueChanged { id status } }",
      {},
      2,
    );
    // Give the socket a moment to connect and subscribe before anything is published.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const { request } = await fileAccess();
    await moved(support.client, request.id, "IN_PROGRESS");
    expect((await events.done).map((event) => event.privacyQueueChanged)).toEqual([
      { id: request.id, status: "RECEIVED" },
      { id: request.id, status: "IN_PROGRESS" },
    ]);
    await socket.dispose();

    const adminSocket = admin.client.subscriptions();
    await expect(collect(adminSocket, "subscription { privacyQueueChanged { id } }", {}, 1, 5_000).done).rejects.toThrow(
      /NOT_AUTHORIZED|not allowed/,
    );
    await adminSocket.dispose();
  });
});

describe("identity before anything proceeds", () => {
  it("holds a request made with an API key until the holder opens the emailed link; the link works once", async () => {
    const customer = await createCustomer(app);
    const { client: script } = await customer.createApiKey();
    const { requestDataCopy } = await script.data(
      `mutation { requestDataCopy { ... on PrivacyRequestPayload { privacyRequest { id status receivedAt legalDueAt } } } }`,
    );
    const { id } = requestDataCopy.privacyRequest;
    expect(requestDataCopy.privacyRequest.status).toBe("IDENTITY_PENDING");
    expect(await move(support.client, id, "IN_PROGRESS")).toMatchObject({ __typename: "PrivacyRequestTransitionError" });

    const token = await app.mailbox.token(customer.email, "Confirm a privacy request about your account", "prq");
    const confirm = () =>
      new GraphqlClient(app.url).data(
        `mutation($token: String!) { confirmPrivacyRequest(input: { token: $token }) { __typename ... on Error { code } } }`,
        { token },
      );
    expect((await confirm()).confirmPrivacyRequest.__typename).toBe("ConfirmPrivacyRequestPayload");
    expect((await confirm()).confirmPrivacyRequest).toMatchObject({ code: "INVALID_TOKEN" });
    const view = await staffView(id);
    expect(view).toMatchObject({ status: "RECEIVED", identityConfirmed: true, identityMethod: "EMAIL_LINK" });
    // The clock kept running from receipt while identity was checked.
    expect(view.receivedAt).toBe(requestDataCopy.privacyRequest.receivedAt);
    expect(view.legalDueAt).toBe(requestDataCopy.privacyRequest.legalDueAt);
    await moved(support.client, id, "IN_PROGRESS");
  });

  it("lets staff confirm identity with a recorded method, and asks for a note when the method is OTHER", async () => {
    const customer = await createCustomer(app);
    const { client: script } = await customer.createApiKey();
    const { requestDataCopy } = await script.data(
      `mutation { requestDataCopy { ... on PrivacyRequestPayload { privacyRequest { id } } } }`,
    );
    const id = requestDataCopy.privacyRequest.id;
    const confirm = (input: Record<string, unknown>) =>
      step(support.client, "confirmPrivacyRequestIdentity", "ConfirmPrivacyRequestIdentityInput", { id, ...input });
    expect(await confirm({ method: "OTHER" })).toMatchObject({ __typename: "ValidationError" });
    const confirmed = await confirm({ method: "ID_DOCUMENT", note: "Passport checked on a video call" });
    expect(confirmed.privacyRequest).toMatchObject({ status: "RECEIVED", identityMethod: "ID_DOCUMENT" });
    expect(confirmed.privacyRequest.timeline.at(-1)).toMatchObject({
      reasonCode: "identity_confirmed",
      note: "Passport checked on a video call",
    });
    expect(await confirm({ method: "ID_DOCUMENT" })).toMatchObject({ __typename: "PrivacyRequestTransitionError" });
  });
});

describe("clocks per jurisdiction", () => {
  it("extends a GDPR request once inside its month, by two months, with the notice sent; a second time is refused", async () => {
    const { customer, request } = await fileAccess("GDPR");
    await moved(support.client, request.id, "IN_PROGRESS");
    const extend = (reason: string) =>
      step(support.client, "extendPrivacyRequest", "ExtendPrivacyRequestInput", { id: request.id, reason });
    expect(await extend("busy")).toMatchObject({ __typename: "ValidationError" });
    const extended = await extend("Your account holds several years of activations to assemble.");
    expect(extended.__typename, JSON.stringify(extended)).toBe("StaffPrivacyRequestPayload");
    expect(extended.privacyRequest).toMatchObject({ status: "EXTENDED", extended: true });
    expect(Date.parse(extended.privacyRequest.legalDueAt)).toBeGreaterThanOrEqual(
      Date.parse(request.receivedAt.toISOString()) + 89 * day,
    );
    expect(extended.privacyRequest.dueAt).toBe(extended.privacyRequest.legalDueAt);
    const notice = await app.mailbox.latest(customer.email, "We need more time to answer your privacy request");
    expect(notice.body).toContain("several years of activations");

    expect(await extend("Still more to gather from the archive.")).toMatchObject({
      __typename: "PrivacyRequestTransitionError",
    });
    await app.services.db.privacyRequest.update({ where: { id: request.id }, data: { status: "IN_PROGRESS" } });
    expect(await extend("Still more to gather from the archive.")).toMatchObject({
      __typename: "ExtensionNotAllowedError",
      reason: "ALREADY_EXTENDED",
    });
  });

  it("refuses an extension once the first period has ended", async () => {
    const { request } = await fileAccess("UK_GDPR");
    await moved(support.client, request.id, "IN_PROGRESS");
    app.clock.advance(32 * day);
    await signInStaff();
    const result = await step(support.client, "extendPrivacyRequest", "ExtendPrivacyRequestInput", {
      id: request.id,
      reason: "We found more data than expected.",
    });
    expect(result).toMatchObject({ __typename: "ExtensionNotAllowedError", reason: "WINDOW_CLOSED" });
    expect((await staffView(request.id)).slaStatus).toBe("OVERDUE");
  });

  it("confirms a CCPA request's receipt at filing, within its 10 business days, and extends it by 45 days", async () => {
    const { customer, request } = await fileAccess("CCPA");
    const view = await staffView(request.id);
    expect(view.acknowledgedAt).toBe(view.receivedAt);
    expect(Date.parse(view.acknowledgeDueAt) - Date.parse(view.receivedAt)).toBeGreaterThanOrEqual(12 * day);
    expect(Date.parse(view.acknowledgeDueAt) - Date.parse(view.receivedAt)).toBeLessThanOrEqual(14 * day);
    expect(Date.parse(view.legalDueAt) - Date.parse(view.receivedAt)).toBe(45 * day);
    expect((await app.mailbox.latest(customer.email, "We received your privacy request")).body).toContain(request.id);
    await moved(support.client, request.id, "IN_PROGRESS");
    const extended = await step(support.client, "extendPrivacyRequest", "ExtendPrivacyRequestInput", {
      id: request.id,
      reason: "The request covers several linked services.",
    });
    expect(Date.parse(extended.privacyRequest.legalDueAt) - Date.parse(view.receivedAt)).toBe(90 * day);
  });

  it("runs the reminders as a queued job", async () => {
    const { request } = await fileAccess("GDPR");
    app.clock.advance(73 * hour);
    await app.services.jobs.send(privacyRemindersJob, {});
    const deadline = Date.now() + 30_000;
    let stored = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: request.id } });
    while (!stored.overdueNotifiedAt && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await app.services.db.privacyRequest.findUniqueOrThrow({ where: { id: request.id } });
    }
    expect(stored.overdueNotifiedAt).not.toBeNull();
    await signInStaff();
  });

  it("P18: marks a request due soon, then overdue, once each, with an audit entry, and shows it in the queue", async () => {
    const { request } = await fileAccess("GDPR");
    expect((await staffView(request.id)).slaStatus).toBe("ON_TRACK");
    app.clock.advance(49 * hour);
    await signInStaff();
    expect((await sendPrivacyReminders(app.services)).dueSoon).toContain(request.id);
    expect((await sendPrivacyReminders(app.services)).dueSoon).not.toContain(request.id);
    expect((await queue({ clock: "DUE_SOON" })).map((row: { id: string }) => row.id)).toContain(request.id);
    expect((await staffView(request.id)).slaStatus).toBe("DUE_SOON");
    app.clock.advance(24 * hour);
    await signInStaff();
    expect((await sendPrivacyReminders(app.services)).overdue).toContain(request.id);
    expect((await queue({ clock: "OVERDUE" })).map((row: { id: string }) => row.id)).toContain(request.id);
    const actions = (await app.services.db.auditEntry.findMany({ where: { subjectId: request.id } })).map(
      (entry) => entry.action,
    );
    expect(actions.filter((action) => action === "privacy_request.due_soon")).toHaveLength(1);
    expect(actions.filter((action) => action === "privacy_request.overdue")).toHaveLength(1);
  });

  it("P18: emails the assignee when their request falls overdue, and every request handler when nobody has taken it", async () => {
    const taken = (await fileAccess("GDPR")).request;
    const untaken = (await fileAccess("GDPR")).request;
    const assignee = await createStaffMember(app, { role: "SUPPORT" });
    const other = await createStaffMember(app, { role: "COMPLIANCE" });
    const admin = await createStaffMember(app, { role: "ADMIN" });
    await app.services.db.privacyRequest.update({ where: { id: taken.id }, data: { assigneeId: assignee.staffUserId } });
    app.clock.advance(73 * hour);
    await signInStaff();
    // This run marks them, or the scheduled one did a moment ago: the emails went with the marks either way.
    await sendPrivacyReminders(app.services);
    expect(
      await app.services.db.privacyRequest.count({ where: { id: { in: [taken.id, untaken.id] }, overdueNotifiedAt: null } }),
    ).toBe(0);
    await app.mailbox.deliver();

    const toAssignee = await app.mailbox.latest(assignee.email, "Privacy requests need attention");
    expect(toAssignee.body).toContain(taken.id);
    expect(toAssignee.body).toContain(untaken.id);
    const toOther = await app.mailbox.latest(other.email, "Privacy requests need attention");
    expect(toOther.body).toContain(untaken.id);
    expect(toOther.body).not.toContain(taken.id);
    expect(app.mailbox.to(admin.email)).toEqual([]);
  });
});

describe("minors and reports from people without an account", () => {
  const report = (input: Record<string, unknown>) =>
    new GraphqlClient(app.url).request(
      `mutation($input: ReportPrivacyConcernInput!) { reportPrivacyConcern(input: $input) {
        __typename ... on PrivacyConcernReceipt { receivedAt } ... on ValidationError { issues { field } } } }`,
      { input },
    );

  it("P22: puts a report about a minor at the top of the queue, on its own 24-hour clock, as an erasure without waiting steps", async () => {
    const { request: older } = await fileAccess();
    // The older request's clock now runs out 12 hours from now, before the minor's 24 hours.
    app.clock.advance(60 * hour);
    await signInStaff();
    const child = await createCustomer(app);
    const parent = newEmail();
    const answer = await report({ accountEmail: child.email, reporterContact: parent, concernsMinor: true });
    expect(answer.data?.reportPrivacyConcern.__typename).toBe("PrivacyConcernReceipt");
    await app.mailbox.deliver(); // a job files the report

    const rows = await queue();
    const top = await staffView(rows[0].id);
    expect(top).toMatchObject({
      priority: "MINOR_DATA",
      concernsMinor: true,
      kind: "DELETION",
      source: "REPORT",
      status: "IDENTITY_PENDING",
      expeditedErasure: true,
      accountId: child.accountId,
    });
    expect(Date.parse(top.slaDueAt) - Date.parse(top.receivedAt)).toBe(24 * hour);
    expect(rows.findIndex((row: { id: string }) => row.id === top.id)).toBeLessThan(
      rows.findIndex((row: { id: string }) => row.id === older.id),
    );
    // Staff confirm the report (the holder is a child: a recorded check), then it proceeds.
    await step(support.client, "confirmPrivacyRequestIdentity", "ConfirmPrivacyRequestIdentityInput", {
      id: top.id,
      method: "OTHER",
      note: "Parent showed the birth certificate",
    });
    await moved(support.client, top.id, "IN_PROGRESS");
  });

  it("answers a report the same whether or not the address has an account, and emails the reporter the same", async () => {
    const holder = await createCustomer(app);
    const reporters = [newEmail(), newEmail()];
    const known = await report({ accountEmail: holder.email, reporterContact: reporters[0], kind: "ACCESS" });
    const unknown = await report({ accountEmail: newEmail(), reporterContact: reporters[1], kind: "ACCESS" });
    const shape = (result: typeof known) => ({
      ...result,
      data: { reportPrivacyConcern: { ...result.data?.reportPrivacyConcern, receivedAt: "t" } },
    });
    expect(shape(known)).toEqual(shape(unknown));
    const [first, second] = await Promise.all(reporters.map((address) => app.mailbox.latest(address, "We received your report")));
    expect(first?.body).toBe(second?.body);
    // Only the holder of an existing account hears of it, with the link to confirm.
    expect((await app.mailbox.latest(holder.email, "Confirm a privacy request about your account")).body).toContain("prq_");
    // Past five reports an hour about one address, more get the same answer and are not stored.
    const flooded = newEmail();
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const answer = await report({ accountEmail: flooded, reporterContact: reporters[0], kind: "ACCESS" });
      expect(answer.data?.reportPrivacyConcern.__typename).toBe("PrivacyConcernReceipt");
    }
    await app.mailbox.deliver();
    expect(await app.services.db.privacyRequest.count({ where: { concernedEmail: flooded } })).toBe(5);
    expect(await report({ accountEmail: "not an address", reporterContact: reporters[0] })).toMatchObject({
      data: { reportPrivacyConcern: { __typename: "ValidationError" } },
    });
  });
});

describe("support tickets", () => {
  it("P18: lists tickets that look like privacy requests first, and classifies one into a linked request awaiting identity", async () => {
    const customer = await createCustomer(app);
    const { contactSupport } = await customer.client.data(
      `mutation { contactSupport(input: { subject: "Refund", body: "My code never came." }) { __typename } }`,
    );
    expect(contactSupport.__typename).toBe("ContactSupportReceipt");
    app.clock.advance(60_000);
    const { logEmailTicket } = await support.client.data(
      `mutation($input: LogEmailTicketInput!) { logEmailTicket(input: $input) { ... on SupportTicketPayload { ticket { id accountId } } } }`,
      { input: { fromAddress: customer.email, subject: "Please", body: "Delete my account and all my data." } },
    );
    expect(logEmailTicket.ticket.accountId).toBe(customer.accountId);

    const { supportTickets } = await support.client.data(`{ supportTickets { id subject suggestedKind } }`);
    expect(supportTickets[0]).toMatchObject({ id: logEmailTicket.ticket.id, suggestedKind: "DELETION" });
    expect(supportTickets.at(-1)).toMatchObject({ subject: "Refund", suggestedKind: null });

    const classify = () =>
      support.client.data(
        `mutation($id: ID!) { classifySupportTicket(input: { id: $id, kind: DELETION }) { __typename
          ... on ClassifySupportTicketPayload { ticket { status privacyRequestId } privacyRequest { id source status kind } }
          ... on Error { code } } }`,
        { id: logEmailTicket.ticket.id },
      );
    const { classifySupportTicket } = await classify();
    expect(classifySupportTicket.privacyRequest).toMatchObject({
      source: "SUPPORT",
      status: "IDENTITY_PENDING",
      kind: "DELETION",
    });
    expect(classifySupportTicket.ticket).toEqual({
      status: "CLASSIFIED",
      privacyRequestId: classifySupportTicket.privacyRequest.id,
    });
    expect((await classify()).classifySupportTicket).toMatchObject({ code: "TICKET_ALREADY_CLASSIFIED" });
    expect(await admin.client.request(`{ supportTickets { id } }`)).toMatchObject({
      errors: [{ extensions: { code: "NOT_AUTHORIZED" } }],
    });
  });

  it("a reply is emailed to the customer through the outbox and kept in the ticket's thread; the audit entry holds no text", async () => {
    const customer = await createCustomer(app);
    const { contactSupport } = await customer.client.data(
      `mutation { contactSupport(input: { subject: "Code", body: "No SMS for my order." }) { ... on ContactSupportReceipt { ticketId } } }`,
    );
    const ticketId = contactSupport.ticketId;
    const replyText = `We refunded the order ${randomUUID()}; please order again.`;
    const reply = (body: string) =>
      support.client.data(
        `mutation($input: ReplyToSupportTicketInput!) { replyToSupportTicket(input: $input) { __typename
          ... on ReplyToSupportTicketPayload { message { id authorName body } }
          ... on Error { code } } }`,
        { input: { id: ticketId, body } },
      );
    const { replyToSupportTicket } = await reply(replyText);
    expect(replyToSupportTicket).toMatchObject({ message: { authorName: "Test support", body: replyText } });
    expect((await reply("   ")).replyToSupportTicket).toMatchObject({ code: "VALIDATION_FAILED" });

    const email = await app.mailbox.latest(customer.email, "A reply from SMSAPE support");
    expect(email.body).toContain(replyText);
    expect(email.body).toContain(ticketId);

    const readTicket = async () =>
      (
        await support.client.data(
          `query($id: ID!) { supportTicket(id: $id) { __typename ... on QuerySupportTicketSuccess { data {
            id status closedAt subject body thread { authorName body } } } } }`,
          { id: ticketId },
        )
      ).supportTicket.data;
    expect(await readTicket()).toMatchObject({
      status: "OPEN",
      body: "No SMS for my order.",
      thread: [{ authorName: "Test support", body: replyText }],
    });
    const entries = await app.services.db.auditEntry.findMany({ where: { subjectId: ticketId }, orderBy: { seq: "asc" } });
    expect(entries.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(["support_ticket.created", "support_ticket.replied", "support_ticket.viewed"]),
    );
    expect(JSON.stringify(entries.map(({ seq: _seq, ...entry }) => entry))).not.toContain(replyText);
    expect(await app.services.db.auditNote.count({ where: { text: replyText } })).toBe(0);

    const move = (name: "closeSupportTicket" | "reopenSupportTicket") =>
      support.client.data(
        `mutation($id: ID!) { ${name}(id: $id) { __typename ... on SupportTicketPayload { ticket { status } } ... on Error { code } } }`,
        { id: ticketId },
      );
    expect((await move("closeSupportTicket")).closeSupportTicket).toMatchObject({ ticket: { status: "CLOSED" } });
    expect((await readTicket()).closedAt).not.toBeNull();
    expect((await move("closeSupportTicket")).closeSupportTicket).toMatchObject({ code: "TICKET_NOT_OPEN" });
    expect((await reply("Anything else?")).replyToSupportTicket).toMatchObject({ code: "TICKET_CLOSED" });
    expect((await move("reopenSupportTicket")).reopenSupportTicket).toMatchObject({ ticket: { status: "OPEN" } });
    expect((await readTicket()).closedAt).toBeNull();
    expect((await move("reopenSupportTicket")).reopenSupportTicket).toMatchObject({ code: "TICKET_NOT_CLOSED" });
    expect(
      await admin.client.request(`mutation($id: ID!) { closeSupportTicket(id: $id) { __typename } }`, { id: ticketId }),
    ).toMatchObject({
      errors: [{ extensions: { code: "NOT_AUTHORIZED" } }],
    });
  });
});
