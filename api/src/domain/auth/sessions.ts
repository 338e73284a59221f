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

export function isSessionLive(
  session: { idleExpiresAt: Date; absoluteExpiresAt: Date; revokedAt: Date | null },
  now: Date,
): boolean {
  return !session.revokedAt && session.idleExpiresAt > now && session.absoluteExpiresAt > now;
}

/** Sliding idle expiry, never past the absolute one. */
export function extendedIdleExpiry(session: { absoluteExpiresAt: Date }, policy: SessionPolicy, now: Date): Date {
  const idle = now.getTime() + policy.idleMinutes * 60_000;
  return new Date(Math.min(idle, session.absoluteExpiresAt.getTime()));
}

/** Avoid a write on every request: refresh the idle expiry at most once a minute. */
export function shouldTouch(session: { lastSeenAt: Date }, now: Date): boolean {
  return now.getTime() - session.lastSeenAt.getTime() > 60_000;
}
