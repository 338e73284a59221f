/**
 * The clocks on a privacy request (P18, P23). Two run at once:
 * - the service level of the policy (section 11: "typically reviewed and
 *   answered within 48-72 hours"), the one support works to;
 * - the legal deadline of the request's jurisdiction, the one that must never
 *   be missed. It can be extended once, with a reason given to the requester.
 *
 * Dates are computed on the UTC calendar and keep the time of day of receipt,
 * which is never later than the end-of-day reading of the law.
 */
import type { Jurisdiction } from "@smsape/db";

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

export type Period = { months: number } | { days: number };

export interface LegalDeadlineRule {
  /** The law the period comes from. */
  law: string;
  /** Time to answer, counted from receipt. */
  period: Period;
  /** How much longer the answer may take when the request is complex or one of many. */
  extension: Period;
}

/** The deadline each jurisdiction sets. Anything else gets GDPR's, the stricter of the two. */
export const legalDeadlineRules: Record<Jurisdiction, LegalDeadlineRule> = {
  GDPR: { law: "GDPR Art. 12(3): one month, extendable by two further months", period: { months: 1 }, extension: { months: 2 } },
  UK_GDPR: {
    law: "UK GDPR Art. 12(3): one month, extendable by two further months",
    period: { months: 1 },
    extension: { months: 2 },
  },
  CCPA: { law: "CCPA §1798.130(a)(2): 45 days, extendable once by 45 days", period: { days: 45 }, extension: { days: 45 } },
  OTHER: { law: "No specific law named: the stricter GDPR month applies", period: { months: 1 }, extension: { months: 2 } },
};

/** The policy's answer time (section 11: 48-72 hours): the SLA is its outer bound. */
export const slaHours = 72;
/**
 * A minor's data is removed as a matter of priority (section 10, P22): its own
 * clock, a third of the ordinary one.
 */
export const minorSlaHours = 24;

/** CCPA §1798.130(a)(2)... and regulations §7021: receipt is confirmed within 10 business days. */
export const ccpaAcknowledgementBusinessDays = 10;

/** When a request counts as due soon: a third of its service-level time before its clock runs out. */
export const dueSoonHours = { MINOR_DATA: 8, PRIVACY_REQUEST: 24 } as const;

/**
 * Adds calendar months on the UTC calendar. When the target month is shorter
 * than the start day (31 January + 1 month), the period ends on that month's
 * last day (28 or 29 February), as EU law counts periods in months.
 */
export function addCalendarMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const lastDayOfTarget = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDayOfTarget);
  return new Date(
    Date.UTC(year, month, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()),
  );
}

function addPeriod(date: Date, period: Period): Date {
  return "months" in period ? addCalendarMonths(date, period.months) : new Date(date.getTime() + period.days * dayMs);
}

/** When the jurisdiction's answer is due, counted from receipt. */
export function legalDueAt(jurisdiction: Jurisdiction, receivedAt: Date): Date {
  return addPeriod(receivedAt, legalDeadlineRules[jurisdiction].period);
}

/**
 * The latest an answer may come once the deadline has been extended: the
 * extension is added to the original period, both counted from receipt.
 */
export function extendedDueAt(jurisdiction: Jurisdiction, receivedAt: Date): Date {
  const { period, extension } = legalDeadlineRules[jurisdiction];
  if ("months" in period && "months" in extension) return addCalendarMonths(receivedAt, period.months + extension.months);
  return addPeriod(addPeriod(receivedAt, period), extension);
}

/**
 * Where a request stands in the support queue: privacy requests come before
 * routine support (P18), and a minor's data before every other request (P22).
 */
export type RequestPriority = "MINOR_DATA" | "PRIVACY_REQUEST";
export const priorityRank: Record<RequestPriority | "ROUTINE_SUPPORT", number> = {
  MINOR_DATA: 0,
  PRIVACY_REQUEST: 1,
  ROUTINE_SUPPORT: 2,
};

export interface RequestDeadlines {
  slaDueAt: Date;
  legalDueAt: Date;
  /** The clock the queue works to: the earlier of the two. */
  dueAt: Date;
  /** CCPA only: by when receipt must be confirmed. */
  acknowledgeDueAt: Date | null;
  priority: RequestPriority;
}

export function priorityFor(request: { concernsMinor: boolean }): RequestPriority {
  return request.concernsMinor ? "MINOR_DATA" : "PRIVACY_REQUEST";
}

export function privacyRequestDeadlines(request: {
  jurisdiction: Jurisdiction;
  receivedAt: Date;
  concernsMinor?: boolean;
}): RequestDeadlines {
  const concernsMinor = request.concernsMinor ?? false;
  const sla = new Date(request.receivedAt.getTime() + (concernsMinor ? minorSlaHours : slaHours) * hourMs);
  const legal = legalDueAt(request.jurisdiction, request.receivedAt);
  return {
    slaDueAt: sla,
    legalDueAt: legal,
    dueAt: sla < legal ? sla : legal,
    acknowledgeDueAt:
      request.jurisdiction === "CCPA" ? addBusinessDays(request.receivedAt, ccpaAcknowledgementBusinessDays) : null,
    priority: priorityFor({ concernsMinor }),
  };
}

/** Adds working days (Monday to Friday, UTC calendar), keeping the time of day. Public holidays are not counted out. */
export function addBusinessDays(date: Date, days: number): Date {
  let result = date;
  let left = days;
  while (left > 0) {
    result = new Date(result.getTime() + dayMs);
    const weekday = result.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return result;
}

/**
 * Whether an extension may still be given at `now`: once, and only while the
 * original period runs (GDPR: inside the first month; CCPA: inside the 45 days).
 */
export function extensionRefusal(
  request: { extendedAt: Date | null; legalDueAt: Date },
  now: Date,
): "ALREADY_EXTENDED" | "WINDOW_CLOSED" | null {
  if (request.extendedAt) return "ALREADY_EXTENDED";
  if (now.getTime() > request.legalDueAt.getTime()) return "WINDOW_CLOSED";
  return null;
}

export type SlaStatus = "ON_TRACK" | "DUE_SOON" | "OVERDUE";

/** Where an open request stands against its clock; null once it is closed. */
export function slaStatus(
  request: { dueAt: Date; priority: RequestPriority; completedAt: Date | null },
  now: Date,
): SlaStatus | null {
  if (request.completedAt) return null;
  const left = request.dueAt.getTime() - now.getTime();
  if (left <= 0) return "OVERDUE";
  return left <= dueSoonHours[request.priority] * hourMs ? "DUE_SOON" : "ON_TRACK";
}
