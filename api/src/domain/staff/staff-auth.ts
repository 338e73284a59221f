import type { StaffUser } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { type Standing, watchCredential } from "../auth/credential-watch.ts";
import { decoyPasswordHash, hashPassword, passwordNeedsRehash, verifyPassword } from "../auth/passwords.ts";
import { extendedIdleExpiry, isSessionLive, newSessionExpiry, shouldTouch } from "../auth/sessions.ts";
import { hashToken, newSecretToken } from "../auth/tokens.ts";
import { InvalidCredentialsError } from "../errors.ts";

export const staffSessionPrefix = "sst";

export async function signInStaff(
  services: Services,
  input: { email: string; password: string },
): Promise<{ staff: StaffUser; token: string; expiresAt: Date }> {
  const { db } = services;
  const staff = await db.staffUser.findUnique({ where: { email: input.email.trim().toLowerCase() } });
  if (!staff || staff.disabledAt) {
    await verifyPassword(await decoyPasswordHash(), input.password);
    throw new InvalidCredentialsError();
  }
  if (!(await verifyPassword(staff.passwordHash, input.password))) throw new InvalidCredentialsError();
  if (passwordNeedsRehash(staff.passwordHash)) {
    await db.staffUser.update({ where: { id: staff.id }, data: { passwordHash: await hashPassword(input.password) } });
  }
  const now = services.now();
  const { token, hash } = newSecretToken(staffSessionPrefix);
  const expiry = newSessionExpiry(services.config.sessions, now);
  await db.staffSession.create({ data: { staffUserId: staff.id, tokenHash: hash, createdAt: now, lastSeenAt: now, ...expiry } });
  services.logger.info({ staffUserId: staff.id }, "staff signed in");
  // The cookie lives as long as the session can; idle expiry is enforced on the server.
  return { staff, token, expiresAt: expiry.absoluteExpiresAt };
}

export async function resolveStaffSession(services: Services, token: string) {
  const now = services.now();
  const session = await services.db.staffSession.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { staffUser: true },
  });
  if (!session || !isSessionLive(session, now) || session.staffUser.disabledAt) return null;
  if (shouldTouch(session, now)) {
    await services.db.staffSession.update({
      where: { id: session.id },
      data: { lastSeenAt: now, idleExpiresAt: extendedIdleExpiry(services.config.sessions, now) },
    });
  }
  return { sessionId: session.id, staff: session.staffUser };
}

export async function signOutStaff(services: Services, session: { staffUserId: string; sessionId: string }): Promise<void> {
  const { count } = await services.db.staffSession.updateMany({
    where: { id: session.sessionId, staffUserId: session.staffUserId, revokedAt: null },
    data: { revokedAt: services.now() },
  });
  // Tells the staff member's open sockets, on every instance, to check theirs.
  if (count > 0) services.events.publish("staffCredentialsEnded", session.staffUserId, { staffUserId: session.staffUserId });
}

/** Whether a staff session an open socket connected with still stands: not revoked, not past its absolute expiry, the staff member not disabled. */
export async function staffSessionStanding(services: Services, sessionId: string): Promise<Standing> {
  const session = await services.db.staffSession.findUnique({
    where: { id: sessionId },
    select: { revokedAt: true, absoluteExpiresAt: true, staffUser: { select: { disabledAt: true } } },
  });
  return session && !session.revokedAt && !session.staffUser.disabledAt && session.absoluteExpiresAt > services.now()
    ? { stands: true, until: session.absoluteExpiresAt }
    : { stands: false };
}

/** Calls `ended` once the staff session an open socket connected with ends; returns the function that stops watching. */
export function watchStaffSession(
  services: Services,
  session: { staffUserId: string; sessionId: string },
  ended: () => void,
): () => void {
  return watchCredential(services, {
    standing: () => staffSessionStanding(services, session.sessionId),
    announcements: services.events.subscribe("staffCredentialsEnded", session.staffUserId),
    ended,
  });
}
