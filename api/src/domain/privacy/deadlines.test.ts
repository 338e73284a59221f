import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  addCalendarMonths,
  extendedDueAt,
  extensionRefusal,
  legalDueAt,
  priorityRank,
  privacyRequestDeadlines,
  slaStatus,
} from "./deadlines.ts";

const at = (iso: string) => new Date(iso);

describe("calendar months", () => {
  it("ends a month that starts on 31 January on the last day of February", () => {
    expect(addCalendarMonths(at("2026-01-31T10:15:00.000Z"), 1)).toEqual(at("2026-02-28T10:15:00.000Z"));
  });

  it("ends it on 29 February in a leap year", () => {
    expect(addCalendarMonths(at("2028-01-31T10:15:00.000Z"), 1)).toEqual(at("2028-02-29T10:15:00.000Z"));
    expect(addCalendarMonths(at("2028-01-29T00:00:00.000Z"), 1)).toEqual(at("2028-02-29T00:00:00.000Z"));
  });

  it("keeps the day when the next month has it, across a year end", () => {
    expect(addCalendarMonths(at("2026-03-15T23:59:59.999Z"), 1)).toEqual(at("2026-04-15T23:59:59.999Z"));
    expect(addCalendarMonths(at("2026-12-31T08:00:00.000Z"), 1)).toEqual(at("2027-01-31T08:00:00.000Z"));
    expect(addCalendarMonths(at("2026-03-31T08:00:00.000Z"), 1)).toEqual(at("2026-04-30T08:00:00.000Z"));
  });

  it("counts several months from the start, not month by month", () => {
    // 31 Jan + 3 months is 30 April, not 28 April (which stepping through February would give).
    expect(addCalendarMonths(at("2026-01-31T12:00:00.000Z"), 3)).toEqual(at("2026-04-30T12:00:00.000Z"));
  });
});

describe("legal deadlines by jurisdiction", () => {
  const receivedAt = at("2026-01-31T09:00:00.000Z");

  it("gives a GDPR request one calendar month, extendable by two further months", () => {
    expect(legalDueAt("GDPR", receivedAt)).toEqual(at("2026-02-28T09:00:00.000Z"));
    expect(extendedDueAt("GDPR", receivedAt)).toEqual(at("2026-04-30T09:00:00.000Z"));
  });

  it("gives a CCPA request 45 days, extendable by 45 more", () => {
    expect(legalDueAt("CCPA", receivedAt)).toEqual(at("2026-03-17T09:00:00.000Z"));
    expect(extendedDueAt("CCPA", receivedAt)).toEqual(at("2026-05-01T09:00:00.000Z"));
  });

  it("applies the stricter GDPR month when no specific law applies", () => {
    expect(legalDueAt("OTHER", receivedAt)).toEqual(legalDueAt("GDPR", receivedAt));
    expect(extendedDueAt("OTHER", receivedAt)).toEqual(extendedDueAt("GDPR", receivedAt));
  });
});

describe("service level", () => {
  it("sets a request's service-level due time 72 hours after receipt, ahead of the legal deadline", () => {
    const deadlines = privacyRequestDeadlines({ jurisdiction: "CCPA", receivedAt: at("2026-05-01T12:00:00.000Z") });
    expect(deadlines.slaDueAt).toEqual(at("2026-05-04T12:00:00.000Z"));
    expect(deadlines.slaDueAt.getTime()).toBeLessThan(deadlines.legalDueAt.getTime());
  });

  it("puts a request about a minor's data first, on its own 24-hour clock", () => {
    const deadlines = privacyRequestDeadlines({
      jurisdiction: "GDPR",
      receivedAt: at("2026-05-01T12:00:00.000Z"),
      concernsMinor: true,
    });
    expect(deadlines.slaDueAt).toEqual(at("2026-05-02T12:00:00.000Z"));
    expect(deadlines.dueAt).toEqual(deadlines.slaDueAt);
    expect(deadlines.priority).toBe("MINOR_DATA");
    expect(priorityRank.MINOR_DATA).toBeLessThan(priorityRank.PRIVACY_REQUEST);
    expect(priorityRank.PRIVACY_REQUEST).toBeLessThan(priorityRank.ROUTINE_SUPPORT);
  });
});

describe("CCPA receipt and extension windows", () => {
  it("confirms a CCPA request's receipt within 10 business days, skipping weekends", () => {
    // Friday 1 May 2026: ten working days later is Friday 15 May.
    const deadlines = privacyRequestDeadlines({ jurisdiction: "CCPA", receivedAt: at("2026-05-01T12:00:00.000Z") });
    expect(deadlines.acknowledgeDueAt).toEqual(at("2026-05-15T12:00:00.000Z"));
    expect(addBusinessDays(at("2026-05-02T09:00:00.000Z"), 1)).toEqual(at("2026-05-04T09:00:00.000Z"));
    expect(
      privacyRequestDeadlines({ jurisdiction: "GDPR", receivedAt: at("2026-05-01T12:00:00.000Z") }).acknowledgeDueAt,
    ).toBeNull();
  });

  it("gives UK GDPR the month and two more, as GDPR", () => {
    expect(legalDueAt("UK_GDPR", at("2027-01-31T10:00:00.000Z"))).toEqual(at("2027-02-28T10:00:00.000Z"));
    expect(extendedDueAt("UK_GDPR", at("2027-01-31T10:00:00.000Z"))).toEqual(at("2027-04-30T10:00:00.000Z"));
  });

  it("allows one extension, only while the first period runs", () => {
    const legal = at("2026-06-01T12:00:00.000Z");
    expect(extensionRefusal({ extendedAt: null, legalDueAt: legal }, at("2026-06-01T11:59:00.000Z"))).toBeNull();
    expect(extensionRefusal({ extendedAt: null, legalDueAt: legal }, at("2026-06-01T12:01:00.000Z"))).toBe("WINDOW_CLOSED");
    expect(extensionRefusal({ extendedAt: at("2026-05-10T00:00:00.000Z"), legalDueAt: legal }, legal)).toBe("ALREADY_EXTENDED");
  });

  it("reads a clock as on track, due soon within a third of its service time, then overdue", () => {
    const dueAt = at("2026-05-04T12:00:00.000Z");
    const open = { dueAt, priority: "PRIVACY_REQUEST" as const, completedAt: null };
    expect(slaStatus(open, at("2026-05-03T11:00:00.000Z"))).toBe("ON_TRACK");
    expect(slaStatus(open, at("2026-05-03T13:00:00.000Z"))).toBe("DUE_SOON");
    expect(slaStatus(open, dueAt)).toBe("OVERDUE");
    expect(slaStatus({ ...open, priority: "MINOR_DATA" }, at("2026-05-04T03:00:00.000Z"))).toBe("ON_TRACK");
    expect(slaStatus({ ...open, completedAt: dueAt }, dueAt)).toBeNull();
  });
});
