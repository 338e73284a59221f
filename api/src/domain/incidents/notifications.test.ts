/**
 * Sending notices in bounded batches, through the domain functions (the API
 * tests in tests/incidents/ cover the flow over HTTP with the default batch).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCustomer, createStaffMember, startTestApp, type TestApp, type TestCustomer } from "../../testing/index.ts";
import type { StaffActor } from "../actors.ts";
import { openIncident, recordPeopleDecision } from "./incidents.ts";
import { type IncidentAudience, notifyIncidentAudience } from "./notifications.ts";

let app: TestApp;
let actor: StaffActor;
let customers: TestCustomer[];
let audience: IncidentAudience;

beforeAll(async () => {
  app = await startTestApp();
  const staff = await createStaffMember(app, { role: "COMPLIANCE" });
  const session = await app.services.db.staffSession.findFirstOrThrow({ where: { staffUserId: staff.staffUserId } });
  actor = { kind: "staff", staffUserId: staff.staffUserId, role: "COMPLIANCE", sessionId: session.id };
  const from = app.clock.now();
  customers = [];
  for (const country of ["GB", "DE", "US", "GB", "DE"]) {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    await customer.orderNumber({ country });
    customers.push(customer);
  }
  app.clock.advance(60_000);
  audience = { kind: "ACTIVATIONS_CREATED", from, to: app.clock.now() };
});
afterAll(async () => {
  await app?.close();
});

async function incidentToNotify() {
  const now = app.clock.now();
  const incident = await openIncident(app.services, actor, {
    discoveredAt: now,
    awareAt: now,
    nature: "Test incident",
    dataCategories: ["EMAIL_ADDRESSES"],
  });
  await recordPeopleDecision(app.services, actor, incident.id, { decision: "NOTIFY", reason: "High risk" });
  return incident;
}

const notice = (subject: string) => ({ subject, body: "Something happened." });

describe("sending an incident's notices", () => {
  it("P21: goes through every selected account in batches, one audit entry per batch, and tells each account once", async () => {
    const incident = await incidentToNotify();
    const run = await notifyIncidentAudience(app.services, actor, incident.id, audience, notice("Batched"), { batchSize: 2 });
    expect(run).toEqual({ notified: 5, alreadyNotified: 0 });
    const entries = await app.services.db.auditEntry.findMany({
      where: { subjectId: incident.id, action: "incident.people_notified" },
      orderBy: { seq: "asc" },
    });
    expect(entries.map((entry) => (entry.details as { count: number }).count)).toEqual([2, 2, 1]);

    const again = await notifyIncidentAudience(app.services, actor, incident.id, audience, notice("Batched"), { batchSize: 3 });
    expect(again).toEqual({ notified: 0, alreadyNotified: 5 });
    await app.mailbox.deliver();
    for (const customer of customers) {
      expect(app.mailbox.to(customer.email).filter((message) => message.subject === "Batched")).toHaveLength(1);
    }
  });

  it("P21: two runs at once still tell each account once", async () => {
    const incident = await incidentToNotify();
    const runs = await Promise.all([
      notifyIncidentAudience(app.services, actor, incident.id, audience, notice("At once"), { batchSize: 2 }),
      notifyIncidentAudience(app.services, actor, incident.id, audience, notice("At once"), { batchSize: 3 }),
    ]);
    expect(runs.reduce((sum, run) => sum + run.notified, 0)).toBe(5);
    await app.mailbox.deliver();
    for (const customer of customers) {
      expect(app.mailbox.to(customer.email).filter((message) => message.subject === "At once")).toHaveLength(1);
    }
    expect(await app.services.db.incidentNotification.count({ where: { incidentId: incident.id } })).toBe(5);
  });
});
