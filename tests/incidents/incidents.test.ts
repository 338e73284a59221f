/**
 * The breach register over /admin/graphql (P21): incidents with their
 * 72-hour authority clock, decisions before closing, notices to exactly the
 * accounts an incident concerns (once each), and a register the database
 * itself keeps: no incident or notification record can be deleted.
 */
import {
  createCustomer,
  createStaffMember,
  GraphqlClient,
  minutes,
  startTestApp,
  type TestApp,
  type TestCustomer,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const hours = (count: number) => minutes(60 * count);

const incidentFields = `id reference status awareAt nature dataCategories approxPeople
  authorityDecision authorityNotifiedAt peopleDecision notificationsCount lastNotifiedAt closedAt
  clock { deadline status remainingSeconds }`;

const openMutation = `mutation($input: OpenIncidentInput!) {
  openIncident(input: $input) {
    __typename
    ... on MutationOpenIncidentSuccess { data { ${incidentFields} } }
    ... on Error { code message }
  }
}`;

const incidentQuery = `query($id: ID!) {
  incident(id: $id) {
    __typename
    ... on QueryIncidentSuccess { data { ${incidentFields} } }
    ... on Error { code message }
  }
}`;

const listQuery = `query($status: IncidentStatus) { incidents(status: $status) { id reference status clock { status } } }`;

const authorityMutation = `mutation($id: ID!, $input: AuthorityDecisionInput!) {
  recordAuthorityDecision(id: $id, input: $input) {
    __typename
    ... on MutationRecordAuthorityDecisionSuccess { data { ${incidentFields} } }
    ... on Error { code message }
  }
}`;

const peopleMutation = `mutation($id: ID!, $input: PeopleDecisionInput!) {
  recordPeopleDecision(id: $id, input: $input) {
    __typename
    ... on MutationRecordPeopleDecisionSuccess { data { ${incidentFields} } }
    ... on Error { code message }
  }
}`;

const updateMutation = `mutation($id: ID!, $input: UpdateIncidentInput!) {
  updateIncident(id: $id, input: $input) {
    __typename
    ... on MutationUpdateIncidentSuccess { data { ${incidentFields} } }
    ... on Error { code message }
  }
}`;

const closeMutation = `mutation($id: ID!) {
  closeIncident(id: $id) {
    __typename
    ... on MutationCloseIncidentSuccess { data { ${incidentFields} } }
    ... on Error { code message }
  }
}`;

const previewQuery = `query($incidentId: ID!, $audience: IncidentAudienceInput!) {
  previewIncidentAudience(incidentId: $incidentId, audience: $audience) {
    __typename
    ... on QueryPreviewIncidentAudienceSuccess { data { accounts alreadyNotified } }
    ... on Error { code message }
  }
}`;

const notifyMutation = `mutation($incidentId: ID!, $audience: IncidentAudienceInput!, $notice: IncidentNoticeInput!) {
  notifyIncidentAudience(incidentId: $incidentId, audience: $audience, notice: $notice) {
    __typename
    ... on MutationNotifyIncidentAudienceSuccess { data { notified alreadyNotified } }
    ... on Error { code message }
  }
}`;

/** A COMPLIANCE member signed in now (the clock moves in these tests, and sessions with it). */
const compliance = () => createStaffMember(app, { role: "COMPLIANCE" });

async function openIncident(client: GraphqlClient, overrides: Record<string, unknown> = {}) {
  const now = app.clock.now();
  const { openIncident: result } = await client.data(openMutation, {
    input: {
      discoveredAt: new Date(now.getTime() - hours(2)).toISOString(),
      awareAt: new Date(now.getTime() - hours(1)).toISOString(),
      nature: "A misconfigured log shipper copied request logs to a public bucket",
      dataCategories: ["EMAIL_ADDRESSES", "SESSION_DATA"],
      approxPeople: 40,
      ...overrides,
    },
  });
  expect(result.__typename, JSON.stringify(result)).toBe("MutationOpenIncidentSuccess");
  return result.data;
}

async function clockOf(client: GraphqlClient, id: string) {
  const { incident } = await client.data(incidentQuery, { id });
  return incident.data.clock;
}

describe("the breach register", () => {
  it("P21: the authority clock runs 72 hours from awareness: due soon in its last 12, overdue after, stopped by the notification", async () => {
    const staff = await compliance();
    const awareAt = app.clock.now();
    const incident = await openIncident(staff.client, {
      discoveredAt: new Date(awareAt.getTime() - hours(1)).toISOString(),
      awareAt: awareAt.toISOString(),
    });
    expect(incident.reference).toMatch(/^INC-\d{4}-\d{4}$/);
    expect(incident.status).toBe("OPEN");
    expect(new Date(incident.clock.deadline).getTime()).toBe(awareAt.getTime() + hours(72));
    expect(incident.clock.status).toBe("ON_TRACK");

    app.clock.advance(hours(61));
    const later = await compliance();
    expect(await clockOf(later.client, incident.id)).toMatchObject({ status: "DUE_SOON" });
    app.clock.advance(hours(11) + minutes(1));
    const late = await compliance();
    const overdue = await clockOf(late.client, incident.id);
    expect(overdue.status).toBe("OVERDUE");
    expect(overdue.remainingSeconds).toBeLessThan(0);
    const { incidents } = await late.client.data(listQuery, { status: "OPEN" });
    expect(incidents.find((row: { id: string }) => row.id === incident.id).clock.status).toBe("OVERDUE");

    const { recordAuthorityDecision } = await late.client.data(authorityMutation, {
      id: incident.id,
      input: { decision: "NOTIFY", reason: "Risk to the people concerned", notifiedAt: app.clock.now().toISOString() },
    });
    expect(recordAuthorityDecision.data.clock).toMatchObject({ status: "NOTIFIED", remainingSeconds: null });
  });

  it("closes an incident only once both decisions are on record, and then never changes it", async () => {
    const staff = await compliance();
    const incident = await openIncident(staff.client);

    const { closeIncident: early } = await staff.client.data(closeMutation, { id: incident.id });
    expect(early).toMatchObject({ __typename: "IncidentDecisionMissingError", code: "INCIDENT_DECISION_MISSING" });

    const { recordAuthorityDecision: decided } = await staff.client.data(authorityMutation, {
      id: incident.id,
      input: { decision: "NOT_REQUIRED", reason: "Encrypted copies only; the key was not exposed" },
    });
    expect(decided.data).toMatchObject({ authorityDecision: "NOT_REQUIRED", clock: { status: "NOT_REQUIRED" } });
    const { closeIncident: stillEarly } = await staff.client.data(closeMutation, { id: incident.id });
    expect(stillEarly).toMatchObject({ __typename: "IncidentDecisionMissingError", message: expect.stringMatching(/people/) });

    await staff.client.data(peopleMutation, {
      id: incident.id,
      input: { decision: "NOT_REQUIRED", reason: "No risk to the people concerned" },
    });
    const { closeIncident: closed } = await staff.client.data(closeMutation, { id: incident.id });
    expect(closed.data).toMatchObject({ status: "CLOSED", closedAt: expect.any(String) });

    const { updateIncident: refused } = await staff.client.data(updateMutation, {
      id: incident.id,
      input: { measures: "Rotated the bucket's keys" },
    });
    expect(refused).toMatchObject({ __typename: "IncidentClosedError", code: "INCIDENT_CLOSED" });
  });

  it("writes every change to the audit log with the incident's id and field names, never what staff wrote", async () => {
    const staff = await compliance();
    const incident = await openIncident(staff.client, { nature: "Sticky note with a support password on a shared screen" });
    const { updateIncident } = await staff.client.data(updateMutation, {
      id: incident.id,
      input: { status: "CONTAINED", measures: "Password changed and sessions revoked" },
    });
    expect(updateIncident.data.status).toBe("CONTAINED");
    await staff.client.data(peopleMutation, { id: incident.id, input: { decision: "NOTIFY", reason: "High risk" } });

    const entries = await app.services.db.auditEntry.findMany({ where: { subjectId: incident.id }, orderBy: { seq: "asc" } });
    expect(entries.map((entry) => [entry.action, entry.actorId, entry.details])).toEqual([
      [
        "incident.opened",
        staff.staffUserId,
        {
          fields: [
            "discoveredAt",
            "awareAt",
            "nature",
            "dataCategories",
            "approxPeople",
            "approxRecords",
            "likelyConsequences",
            "measures",
          ],
        },
      ],
      ["incident.updated", staff.staffUserId, { fields: ["measures", "status"] }],
      ["incident.people_decision_recorded", staff.staffUserId, { decision: "NOTIFY" }],
    ]);
    const logged = JSON.stringify(entries, (_key, value) => (typeof value === "bigint" ? value.toString() : value));
    expect(logged).not.toContain("Sticky note");
    expect(logged).not.toContain("sessions revoked");
    expect(logged).not.toContain("High risk");
  });

  describe("notifying the people an incident concerns", () => {
    let inWindow: TestCustomer[];
    let before: TestCustomer;
    let erased: TestCustomer;
    let window: { from: string; to: string };

    beforeAll(async () => {
      before = await createCustomer(app, { balanceMinor: 500 });
      await before.orderNumber({ country: "DE" });
      app.clock.advance(hours(2));
      const from = app.clock.now();
      inWindow = [await createCustomer(app, { balanceMinor: 500 }), await createCustomer(app, { balanceMinor: 500 })];
      await inWindow[0]!.orderNumber({ country: "GB", service: "telegram" });
      await inWindow[1]!.orderNumber({ country: "US", service: "whatsapp" });
      erased = await createCustomer(app, { balanceMinor: 500 });
      await erased.orderNumber({ country: "GB", service: "whatsapp" });
      app.clock.advance(minutes(1));
      window = { from: from.toISOString(), to: app.clock.now().toISOString() };
      app.clock.advance(hours(1));
      // Erasure removes the account; its activations stay, linked to nobody.
      await app.services.db.account.delete({ where: { id: erased.accountId } });
    });

    it("P21: emails exactly the selected accounts, once each, through the outbox, and records who was told", async () => {
      const staff = await compliance();
      const incident = await openIncident(staff.client);
      const audience = { kind: "ACTIVATIONS_CREATED", ...window };
      const notice = {
        subject: "About a security incident at SMSAPE",
        body: "On Tuesday a log file holding account addresses was exposed.",
      };

      const { previewIncidentAudience } = await staff.client.data(previewQuery, { incidentId: incident.id, audience });
      expect(previewIncidentAudience.data).toEqual({ accounts: 2, alreadyNotified: 0 });

      // Telling people follows the decision to tell them.
      const { notifyIncidentAudience: undecided } = await staff.client.data(notifyMutation, {
        incidentId: incident.id,
        audience,
        notice,
      });
      expect(undecided).toMatchObject({ code: "PEOPLE_NOTIFICATION_NOT_DECIDED" });
      await staff.client.data(peopleMutation, { id: incident.id, input: { decision: "NOTIFY", reason: "High risk" } });

      const { notifyIncidentAudience: sent } = await staff.client.data(notifyMutation, {
        incidentId: incident.id,
        audience,
        notice,
      });
      expect(sent.data).toEqual({ notified: 2, alreadyNotified: 0 });
      await app.mailbox.deliver();
      for (const customer of inWindow) {
        const received = app.mailbox.to(customer.email).filter((message) => message.subject === notice.subject);
        expect(received).toHaveLength(1);
        expect(received[0]!.body).toContain(notice.body);
        expect(received[0]!.body).toContain(incident.reference);
      }
      for (const other of [before, erased]) {
        expect(app.mailbox.to(other.email).filter((message) => message.subject === notice.subject)).toEqual([]);
      }

      // The same selection again tells nobody twice.
      const { notifyIncidentAudience: again } = await staff.client.data(notifyMutation, {
        incidentId: incident.id,
        audience,
        notice,
      });
      expect(again.data).toEqual({ notified: 0, alreadyNotified: 2 });
      await app.mailbox.deliver();
      for (const customer of inWindow) {
        expect(app.mailbox.to(customer.email).filter((message) => message.subject === notice.subject)).toHaveLength(1);
      }
      const { previewIncidentAudience: afterwards } = await staff.client.data(previewQuery, {
        incidentId: incident.id,
        audience,
      });
      expect(afterwards.data).toEqual({ accounts: 2, alreadyNotified: 2 });

      const records = await app.services.db.incidentNotification.findMany({ where: { incidentId: incident.id } });
      expect(records.map((record) => record.accountId).sort()).toEqual(inWindow.map((customer) => customer.accountId).sort());
      const { incident: shown } = await staff.client.data(incidentQuery, { id: incident.id });
      expect(shown.data).toMatchObject({ notificationsCount: 2, lastNotifiedAt: expect.any(String) });

      const notified = await app.services.db.auditEntry.findMany({
        where: { subjectId: incident.id, action: "incident.people_notified" },
      });
      expect(notified.map((entry) => entry.details)).toEqual([{ count: 2, audience: "ACTIVATIONS_CREATED" }]);
      expect(JSON.stringify(notified.map((entry) => [entry.details, entry.reason]))).not.toContain("@");
    });

    it("selects by country and service, and by the SMS that arrived in a window", async () => {
      const staff = await compliance();
      const incident = await openIncident(staff.client);
      const preview = async (audience: Record<string, unknown>) =>
        (await staff.client.data(previewQuery, { incidentId: incident.id, audience })).previewIncidentAudience.data.accounts;

      expect(await preview({ kind: "ACTIVATIONS_CREATED", ...window, countryCode: "gb" })).toBe(1);
      expect(await preview({ kind: "ACTIVATIONS_CREATED", ...window, serviceCode: "whatsapp" })).toBe(1);
      expect(await preview({ kind: "ACTIVATIONS_CREATED", ...window, countryCode: "DE" })).toBe(0);

      const smsFrom = app.clock.now();
      const receiving = await createCustomer(app, { balanceMinor: 500 });
      const activation = await receiving.orderNumber({ country: "DE", service: "whatsapp" });
      await activation.receiveSms("Your code is 123456");
      app.clock.advance(minutes(1));
      const smsWindow = { from: smsFrom.toISOString(), to: app.clock.now().toISOString() };
      expect(await preview({ kind: "SMS_RECEIVED", ...smsWindow })).toBe(1);
      expect(await preview({ kind: "SMS_RECEIVED", ...window })).toBe(0);

      const { previewIncidentAudience: backwards } = await staff.client.data(previewQuery, {
        incidentId: incident.id,
        audience: { kind: "SMS_RECEIVED", from: smsWindow.to, to: smsWindow.from },
      });
      expect(backwards).toMatchObject({ __typename: "ValidationError" });
    });
  });

  it("P21: the database refuses to delete an incident or the record of who was told", async () => {
    const staff = await compliance();
    const incident = await openIncident(staff.client);
    await expect(
      app.services.db.$executeRawUnsafe(`DELETE FROM "BreachIncident" WHERE "id" = $1::uuid`, incident.id),
    ).rejects.toThrow(/breach register/);
    await expect(app.services.db.$executeRawUnsafe(`TRUNCATE "BreachIncident" CASCADE`)).rejects.toThrow(/breach register/);
    await expect(app.services.db.$executeRawUnsafe(`DELETE FROM "IncidentNotification"`)).rejects.toThrow(/breach register/);
    const { incident: still } = await staff.client.data(incidentQuery, { id: incident.id });
    expect(still.data.reference).toBe(incident.reference);
  });

  it("P21: SUPPORT and ADMIN cannot open or read incidents; an anonymous caller neither", async () => {
    const staff = await compliance();
    const incident = await openIncident(staff.client);
    const support = await createStaffMember(app, { role: "SUPPORT" });
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const anonymous = new GraphqlClient(app.url, "/admin/graphql");
    for (const client of [support.client, admin.client, anonymous]) {
      const listed = await client.request(listQuery);
      expect(listed.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
      const read = await client.request(incidentQuery, { id: incident.id });
      expect(read.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
      const opened = await client.request(openMutation, {
        input: {
          discoveredAt: app.clock.now().toISOString(),
          awareAt: app.clock.now().toISOString(),
          nature: "x",
          dataCategories: [],
        },
      });
      expect(opened.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
    }
    expect(await app.services.db.breachIncident.count({ where: { nature: "x" } })).toBe(0);
  });
});
