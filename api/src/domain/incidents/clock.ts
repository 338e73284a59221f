/**
 * The authority clock (GDPR Art. 33(1), P21): a breach is notified to the
 * supervisory authority within 72 hours of becoming aware of it. The clock
 * stops when the authority is notified or when notifying it is decided not
 * to be required; until then it is on track, due soon in its last 12 hours,
 * and overdue after.
 */
export const authorityNotificationWindowMs = 72 * 60 * 60_000;
export const dueSoonWithinMs = 12 * 60 * 60_000;

export type AuthorityClockStatus = "ON_TRACK" | "DUE_SOON" | "OVERDUE" | "NOTIFIED" | "NOT_REQUIRED";

export interface AuthorityClock {
  /** awareAt + 72 hours. */
  deadline: Date;
  status: AuthorityClockStatus;
  /** Milliseconds left until the deadline (negative once past it); null once the clock has stopped. */
  remainingMs: number | null;
}

export function authorityDeadline(awareAt: Date): Date {
  return new Date(awareAt.getTime() + authorityNotificationWindowMs);
}

export function authorityClock(
  incident: { awareAt: Date; authorityNotifiedAt: Date | null; authorityDecision: "NOTIFY" | "NOT_REQUIRED" | null },
  now: Date,
): AuthorityClock {
  const deadline = authorityDeadline(incident.awareAt);
  if (incident.authorityNotifiedAt) return { deadline, status: "NOTIFIED", remainingMs: null };
  if (incident.authorityDecision === "NOT_REQUIRED") return { deadline, status: "NOT_REQUIRED", remainingMs: null };
  const remainingMs = deadline.getTime() - now.getTime();
  const status = remainingMs <= 0 ? "OVERDUE" : remainingMs < dueSoonWithinMs ? "DUE_SOON" : "ON_TRACK";
  return { deadline, status, remainingMs };
}
