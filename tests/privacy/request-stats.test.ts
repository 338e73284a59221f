/**
 * The dashboard's counts of requests per day, by right and by current state:
 * counted by the database over the UTC days asked for, readable by the roles
 * that work the queue and by no one else.
 */
import { createCustomer, createStaffMember, startTestApp, type TestApp, type TestStaffMember } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const day = 24 * 60 * 60_000;

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const statsQuery = `query($days: Int!) {
  privacyRequestStats(days: $days) {
    __typename
    ... on QueryPrivacyRequestStatsSuccess { data { since days counts { day kind status count } } }
    ... on ValidationError { code issues { field } }
  }
}`;

async function stats(staff: TestStaffMember, days: number) {
  const { privacyRequestStats } = await staff.client.data(statsQuery, { days });
  return privacyRequestStats;
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

describe("requests per day, by right and state", () => {
  it("counts the requests received on each UTC day of the window by kind and current state", async () => {
    const yesterday = app.clock.now();
    const early = await createCustomer(app);
    const accessYesterday = await early.requestPrivacy({ kind: "ACCESS" });
    await early.requestPrivacy({ kind: "OBJECTION", details: "Marketing emails" });
    app.clock.advance(day);
    const today = app.clock.now();
    const late = await createCustomer(app);
    const accessToday = await late.requestPrivacy({ kind: "ACCESS" });
    await app.services.db.privacyRequest.update({ where: { id: accessToday.id }, data: { status: "IN_PROGRESS" } });

    const compliance = await createStaffMember(app, { role: "COMPLIANCE" });
    const result = await stats(compliance, 2);
    expect(result.__typename).toBe("QueryPrivacyRequestStatsSuccess");
    expect(result.data.days).toBe(2);
    expect(result.data.since).toBe(`${utcDay(yesterday)}T00:00:00.000Z`);
    expect(result.data.counts).toEqual([
      { day: utcDay(yesterday), kind: "ACCESS", status: accessYesterday.status, count: 1 },
      { day: utcDay(yesterday), kind: "OBJECTION", status: accessYesterday.status, count: 1 },
      { day: utcDay(today), kind: "ACCESS", status: "IN_PROGRESS", count: 1 },
    ]);

    // A one-day window is today alone.
    const todayOnly = await stats(compliance, 1);
    expect(todayOnly.data.counts).toEqual([{ day: utcDay(today), kind: "ACCESS", status: "IN_PROGRESS", count: 1 }]);
  });

  it("refuses a window of no days or of more than a year", async () => {
    const support = await createStaffMember(app, { role: "SUPPORT" });
    expect(await stats(support, 0)).toMatchObject({ __typename: "ValidationError", issues: [{ field: "days" }] });
    expect(await stats(support, 367)).toMatchObject({ __typename: "ValidationError", issues: [{ field: "days" }] });
  });

  it("is refused to ADMIN, who may not read the queue", async () => {
    const admin = await createStaffMember(app, { role: "ADMIN" });
    const answer = await admin.client.request(statsQuery, { days: 7 });
    expect(answer.errors?.[0]?.extensions?.code).toBe("NOT_AUTHORIZED");
  });
});
