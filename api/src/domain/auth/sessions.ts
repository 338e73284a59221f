/** Session lifetimes shared by customer and staff sessions (P5). */
export interface SessionPolicy {
  idleMinutes: number;
  absoluteMinutes: number;
}

export function newSessionExpiry(policy: SessionPolicy, now: Date) {
  return {
    idleExpiresAt: new Date(now.getTime() + policy.idleMinutes * 60_000),
    absoluteExpiresAt: new Date(now.getTime() + policy.absoluteMinutes * 60_000),
  };
}

/** A session lives while it is not revoked and both its idle and its absolute expiry lie ahead. */
export function isSessionLive(
  session: { idleExpiresAt: Date; absoluteExpiresAt: Date; revokedAt: Date | null },
  now: Date,
): boolean {
  return !session.revokedAt && session.idleExpiresAt > now && session.absoluteExpiresAt > now;
}

/**
 * Sliding idle expiry: the idle time again from this use. It may pass the
 * absolute expiry; `isSessionLive` enforces that one on its own, so each limit
 * has exactly one check.
 */
export function extendedIdleExpiry(policy: SessionPolicy, now: Date): Date {
  return new Date(now.getTime() + policy.idleMinutes * 60_000);
}

/** Avoid a write on every request: refresh the idle expiry at most once a minute. */
export function shouldTouch(session: { lastSeenAt: Date }, now: Date): boolean {
  return now.getTime() - session.lastSeenAt.getTime() > 60_000;
}
