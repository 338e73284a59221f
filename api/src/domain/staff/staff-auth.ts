/**
 * Staff sign-in (P20): password, then a TOTP code (enrolled at the first
 * sign-in) or one recovery code. A session is created only once the second
 * factor is checked. Failed attempts count towards a lock (lockout.ts), and
 * every attempt, good or bad, is audited.
 */
import { randomBytes } from "node:crypto";
import type { Prisma, StaffRole, StaffUser } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { type Standing, watchCredential } from "../auth/credential-watch.ts";
import { decoyPasswordHash, hashPassword, passwordNeedsRehash, verifyPassword } from "../auth/passwords.ts";
import { extendedIdleExpiry, isSessionLive, newSessionExpiry, shouldTouch } from "../auth/sessions.ts";
import { hashToken, newSecretToken } from "../auth/tokens.ts";
import { decryptField, encryptField, type KeyRing } from "../crypto/field-encryption.ts";
import { keyedHash } from "../crypto/keyed-hash.ts";
import { InvalidCredentialsError, ValidationError } from "../errors.ts";
import { newRecordId } from "../ids.ts";
import { StaffCodeInvalidError, StaffLockedError, StaffSignInExpiredError } from "./errors.ts";
import { clearedFailures, countAddressFailure, countFailure, lockedUntil } from "./lockout.ts";
import { auditStaffEvent, type StaffSignInFailure } from "./staff-audit.ts";
import { newTotpSecret, totpQrCode, totpStepOf, totpUri } from "./totp.ts";

export const staffSessionPrefix = "sst";
const challengePrefix = "ssc";

/** How long the step between password and second factor lasts, and how many recovery codes an enrolment gives. */
export const staffSignInPolicy = { verifyMinutes: 5, enrolMinutes: 10, recoveryCodes: 10 } as const;

/**
 * What a right password leads to: enrolling a second factor (first sign-in,
 * or after an ADMIN reset it) or entering one. Either way no session exists
 * yet; the token only lets the member finish this sign-in, briefly.
 */
export type StaffSignInStep =
  | {
      kind: "enrol";
      challengeToken: string;
      expiresAt: Date;
      /** The new secret, in base32, for typing into an authenticator app by hand. */
      secret: string;
      otpauthUri: string;
      /** The URI as a QR code (an SVG data URL). */
      qrCode: string;
    }
  | { kind: "verify"; challengeToken: string; expiresAt: Date };

/** A signed-in staff member: a session that exists only once the second factor was checked. */
export interface StaffSignedIn {
  staff: StaffUser;
  token: string;
  expiresAt: Date;
}

const secretContext = (staffUserId: string) => `staff.mfaSecret:${staffUserId}`;
const pendingSecretContext = (challengeId: string) => `staff.pendingSecret:${challengeId}`;

/** A member's TOTP secret as stored: encrypted with the key ring, bound to the member's row. */
export function sealStaffTotpSecret(ring: KeyRing, staffUserId: string, secret: string): string {
  return encryptField(ring, secret, secretContext(staffUserId));
}

export function openStaffTotpSecret(ring: KeyRing, staffUser: { id: string; mfaSecret: string | null }): string | null {
  return staffUser.mfaSecret ? decryptField(ring, staffUser.mfaSecret, secretContext(staffUser.id)) : null;
}

export async function signInStaff(services: Services, input: { email: string; password: string }): Promise<StaffSignInStep> {
  const { db } = services;
  const now = services.now();
  const email = input.email.trim().toLowerCase();
  const staff = await db.staffUser.findUnique({ where: { email } });
  if (!staff) {
    // Answered exactly as a member's wrong password is, lock included.
    await verifyPassword(await decoyPasswordHash(), input.password);
    const addressHash = keyedHash(services.config.encryption, "staff-sign-in", email);
    const throttle = await db.staffSignInThrottle.findUnique({ where: { addressHash } });
    const locked = throttle ? lockedUntil(throttle, now) : null;
    const lockEnd = await db.$transaction(async (tx) => {
      const reason = locked ? "locked" : "unknown-email";
      await auditStaffEvent(tx, null, { action: "staff.sign_in_failed", staffUserId: null, stage: "password", reason }, now);
      return locked ? null : countAddressFailure(tx, addressHash, now);
    });
    if (locked ?? lockEnd) throw new StaffLockedError((locked ?? lockEnd) as Date);
    throw new InvalidCredentialsError();
  }
  // The password is checked in every case, so neither the answer nor its timing says whether it was right.
  const passwordRight = await verifyPassword(staff.passwordHash, input.password);
  const locked = lockedUntil(staff, now);
  if (locked) {
    await recordFailure(services, staff.id, "password", "locked", { count: false });
    throw new StaffLockedError(locked);
  }
  if (staff.disabledAt) {
    await recordFailure(services, staff.id, "password", "disabled", { count: false });
    throw new InvalidCredentialsError();
  }
  if (!passwordRight) {
    const lockEnd = await recordFailure(services, staff.id, "password", "wrong-password", { count: true });
    throw lockEnd ? new StaffLockedError(lockEnd) : new InvalidCredentialsError();
  }
  if (passwordNeedsRehash(staff.passwordHash)) {
    await db.staffUser.update({ where: { id: staff.id }, data: { passwordHash: await hashPassword(input.password) } });
  }
  return issueChallenge(services, staff, now);
}

async function issueChallenge(services: Services, staff: StaffUser, now: Date): Promise<StaffSignInStep> {
  const { db } = services;
  const { token, hash } = newSecretToken(challengePrefix);
  const id = newRecordId();
  const enrolling = !staff.mfaEnrolledAt || !staff.mfaSecret;
  const minutes = enrolling ? staffSignInPolicy.enrolMinutes : staffSignInPolicy.verifyMinutes;
  const expiresAt = new Date(now.getTime() + minutes * 60_000);
  const secret = enrolling ? newTotpSecret() : null;
  await db.$transaction(async (tx) => {
    // Steps that lapsed or were completed serve nothing any more.
    await tx.staffSignInChallenge.deleteMany({
      where: { staffUserId: staff.id, OR: [{ expiresAt: { lte: now } }, { usedAt: { not: null } }] },
    });
    await tx.staffSignInChallenge.create({
      data: {
        id,
        staffUserId: staff.id,
        tokenHash: hash,
        purpose: enrolling ? "ENROL" : "VERIFY",
        pendingSecret: secret ? encryptField(services.config.encryption, secret, pendingSecretContext(id)) : null,
        createdAt: now,
        expiresAt,
      },
    });
  });
  if (!secret) return { kind: "verify", challengeToken: token, expiresAt };
  const otpauthUri = totpUri(secret, staff.email);
  return { kind: "enrol", challengeToken: token, expiresAt, secret, otpauthUri, qrCode: await totpQrCode(otpauthUri) };
}

/**
 * Confirms a new TOTP secret with its first code and signs the member in.
 * Returns the recovery codes, in clear this once; only their hashes are kept.
 */
export async function enrolStaffTotp(
  services: Services,
  input: { challengeToken: string; code: string },
): Promise<StaffSignedIn & { recoveryCodes: string[] }> {
  const now = services.now();
  const challenge = await openChallenge(services, input.challengeToken, "ENROL", now);
  const staff = challenge.staffUser;
  const secret = decryptField(services.config.encryption, challenge.pendingSecret ?? "", pendingSecretContext(challenge.id));
  const step = totpStepOf(secret, input.code, now);
  if (step === null) throw await codeRefused(services, staff.id);
  const recoveryCodes = newRecoveryCodes();
  const signedIn = await services.db.$transaction(async (tx) => {
    await completeChallenge(tx, challenge.id, now);
    const { count } = await tx.staffUser.updateMany({
      where: { id: staff.id, mfaEnrolledAt: null, disabledAt: null },
      data: {
        mfaSecret: sealStaffTotpSecret(services.config.encryption, staff.id, secret),
        mfaEnrolledAt: now,
        mfaLastUsedStep: step,
        ...clearedFailures(),
      },
    });
    if (count === 0) throw new StaffSignInExpiredError();
    await tx.staffRecoveryCode.deleteMany({ where: { staffUserId: staff.id } });
    await tx.staffRecoveryCode.createMany({
      data: recoveryCodes.map((code) => ({ staffUserId: staff.id, codeHash: recoveryCodeHash(code) })),
    });
    await auditStaffEvent(tx, null, { action: "staff.totp_enrolled", staffUserId: staff.id }, now);
    return startSession(services, tx, staff, "totp", now);
  });
  return { ...signedIn, recoveryCodes };
}

/**
 * Checks the second factor, an authenticator code or one recovery code, and
 * signs the member in. A TOTP code is good once: its time step must come
 * after the last one accepted, claimed in the same guarded write.
 */
export async function verifyStaffTotp(
  services: Services,
  input: { challengeToken: string; code?: string | null; recoveryCode?: string | null },
): Promise<StaffSignedIn> {
  if (!input.code === !input.recoveryCode) {
    throw new ValidationError([{ field: "code", message: "Give either the authenticator code or a recovery code." }]);
  }
  const now = services.now();
  const challenge = await openChallenge(services, input.challengeToken, "VERIFY", now);
  const staff = challenge.staffUser;
  const step = input.code ? totpStepOf(openStaffTotpSecret(services.config.encryption, staff) ?? "", input.code, now) : null;
  const signedIn = await services.db.$transaction(async (tx) => {
    const claimed = input.code
      ? step !== null &&
        (
          await tx.staffUser.updateMany({
            where: { id: staff.id, OR: [{ mfaLastUsedStep: null }, { mfaLastUsedStep: { lt: step } }] },
            data: { mfaLastUsedStep: step },
          })
        ).count === 1
      : (
          await tx.staffRecoveryCode.updateMany({
            where: { staffUserId: staff.id, codeHash: recoveryCodeHash(input.recoveryCode ?? ""), usedAt: null },
            data: { usedAt: now },
          })
        ).count === 1;
    if (!claimed) return null;
    await completeChallenge(tx, challenge.id, now);
    await tx.staffUser.update({ where: { id: staff.id }, data: clearedFailures() });
    return startSession(services, tx, staff, input.code ? "totp" : "recovery-code", now);
  });
  if (!signedIn) throw await codeRefused(services, staff.id);
  return signedIn;
}

/** The open sign-in step a token names, with its member; anything else is an expired sign-in. */
async function openChallenge(services: Services, token: string, purpose: "ENROL" | "VERIFY", now: Date) {
  const challenge = await services.db.staffSignInChallenge.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { staffUser: true },
  });
  if (!challenge || challenge.purpose !== purpose || challenge.usedAt || challenge.expiresAt <= now) {
    throw new StaffSignInExpiredError();
  }
  const { disabledAt, mfaSecret } = challenge.staffUser;
  // A member disabled, or reset by an ADMIN, since the password was accepted starts again.
  if (disabledAt || (purpose === "VERIFY" && !mfaSecret)) throw new StaffSignInExpiredError();
  const locked = lockedUntil(challenge.staffUser, now);
  if (locked) {
    await recordFailure(services, challenge.staffUserId, "second-factor", "locked", { count: false });
    throw new StaffLockedError(locked);
  }
  return challenge;
}

/** Marks the step used, once: a token finishes one sign-in at most. */
async function completeChallenge(tx: Prisma.TransactionClient, challengeId: string, now: Date) {
  const { count } = await tx.staffSignInChallenge.updateMany({
    where: { id: challengeId, usedAt: null, expiresAt: { gt: now } },
    data: { usedAt: now },
  });
  if (count === 0) throw new StaffSignInExpiredError();
}

async function startSession(
  services: Services,
  tx: Prisma.TransactionClient,
  staff: StaffUser,
  factor: "totp" | "recovery-code",
  now: Date,
): Promise<StaffSignedIn> {
  const { token, hash } = newSecretToken(staffSessionPrefix);
  const expiry = newSessionExpiry(services.config.sessions, now);
  const session = await tx.staffSession.create({
    data: { staffUserId: staff.id, tokenHash: hash, mfaVerifiedAt: now, createdAt: now, lastSeenAt: now, ...expiry },
  });
  await auditStaffEvent(
    tx,
    null,
    { action: "staff.sign_in_succeeded", staffUserId: staff.id, sessionId: session.id, factor },
    now,
  );
  services.logger.info({ staffUserId: staff.id }, "staff signed in");
  // The cookie lives as long as the session can; idle expiry is enforced on the server.
  return { staff, token, expiresAt: expiry.absoluteExpiresAt };
}

/** Records a wrong code and gives the error to answer with: locked, when this failure locked the member. */
async function codeRefused(services: Services, staffUserId: string): Promise<StaffLockedError | StaffCodeInvalidError> {
  const lockEnd = await recordFailure(services, staffUserId, "second-factor", "wrong-code", { count: true });
  return lockEnd ? new StaffLockedError(lockEnd) : new StaffCodeInvalidError();
}

/** Audits a failed attempt and, when it counts, adds it to the lockout count; returns the lock's end if it locked the member. */
async function recordFailure(
  services: Services,
  staffUserId: string,
  stage: "password" | "second-factor",
  reason: StaffSignInFailure,
  options: { count: boolean },
): Promise<Date | null> {
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const lockEnd = options.count ? await countFailure(tx, staffUserId, now) : null;
    await auditStaffEvent(tx, null, { action: "staff.sign_in_failed", staffUserId, stage, reason }, now);
    return lockEnd;
  });
}

const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

/** Ten codes of ten characters (about 49 bits each), grouped for reading: `k7m2p-x9qrt`. */
function newRecoveryCodes(): string[] {
  return Array.from({ length: staffSignInPolicy.recoveryCodes }, () => {
    const characters = Array.from(randomBytes(10), (byte) => recoveryAlphabet[byte % recoveryAlphabet.length]).join("");
    return `${characters.slice(0, 5)}-${characters.slice(5)}`;
  });
}

/** Codes are compared without case, spaces or dashes, as people type them back. */
function recoveryCodeHash(code: string): string {
  return hashToken(`recovery:${code.toLowerCase().replace(/[^a-z0-9]/g, "")}`);
}

export async function resolveStaffSession(services: Services, token: string) {
  const now = services.now();
  const session = await services.db.staffSession.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { staffUser: true },
  });
  // A session exists only after the second factor; the check stands guard all the same.
  if (!session?.mfaVerifiedAt || !isSessionLive(session, now) || session.staffUser.disabledAt) return null;
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

/**
 * Whether a staff session an open socket connected with still stands: not
 * revoked, not past its absolute expiry, the staff member not disabled, and
 * still holding the role the socket was authorised with (a role change closes
 * the socket; the console reconnects under the new role).
 */
export async function staffSessionStanding(
  services: Services,
  session: { sessionId: string; role: StaffRole },
): Promise<Standing> {
  const found = await services.db.staffSession.findUnique({
    where: { id: session.sessionId },
    select: {
      revokedAt: true,
      absoluteExpiresAt: true,
      mfaVerifiedAt: true,
      staffUser: { select: { disabledAt: true, role: true } },
    },
  });
  return found?.mfaVerifiedAt &&
    !found.revokedAt &&
    !found.staffUser.disabledAt &&
    found.staffUser.role === session.role &&
    found.absoluteExpiresAt > services.now()
    ? { stands: true, until: found.absoluteExpiresAt }
    : { stands: false };
}

/** Calls `ended` once the staff session an open socket connected with ends; returns the function that stops watching. */
export function watchStaffSession(
  services: Services,
  session: { staffUserId: string; sessionId: string; role: StaffRole },
  ended: () => void,
): () => void {
  return watchCredential(services, {
    standing: () => staffSessionStanding(services, session),
    announcements: services.events.subscribe("staffCredentialsEnded", session.staffUserId),
    ended,
  });
}
