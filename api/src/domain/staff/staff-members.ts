/**
 * Staff administration (ADMIN, P5, P20): list and add staff members, change
 * a member's role, disable one at once and enable them again, see and revoke
 * their sessions, reset their second factor. Nothing leaves the service
 * without an active ADMIN: the last one can be neither demoted nor disabled.
 * Each function authorises first, then makes the change and its audit entry
 * in one transaction; ending credentials is announced so that the member's
 * open sockets close on every instance.
 */
import type { Prisma, StaffRole, StaffSession, StaffUser } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { emailSchema, parseInput, passwordSchema } from "../accounts/validation.ts";
import type { Actor } from "../actors.ts";
import { hashPassword } from "../auth/passwords.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { LastActiveAdminError, OwnRoleChangeError } from "./errors.ts";
import { authorize } from "./permissions.ts";
import { auditStaffEvent } from "./staff-audit.ts";

/** The Prisma selection a GraphQL resolver passes down, so nested fields load in the same query. */
type StaffUserQuery = Pick<Prisma.StaffUserFindManyArgs, "include" | "select">;

export async function listStaffMembers(services: Services, actor: Actor, query: StaffUserQuery = {}): Promise<StaffUser[]> {
  authorize(actor, "staff.manage");
  return services.db.staffUser.findMany({
    ...query,
    orderBy: [{ disabledAt: { sort: "desc", nulls: "first" } }, { email: "asc" }],
  });
}

export async function findStaffMember(
  services: Services,
  actor: Actor,
  staffUserId: string,
  query: StaffUserQuery = {},
): Promise<StaffUser | null> {
  authorize(actor, "staff.manage");
  if (!isUuid(staffUserId)) return null;
  return services.db.staffUser.findUnique({ ...query, where: { id: staffUserId } });
}

const newStaffMemberInput = z.object({
  email: emailSchema,
  displayName: z.string().trim().min(1, { error: "must not be empty" }).max(100, { error: "must be at most 100 characters" }),
  role: z.enum(["SUPPORT", "COMPLIANCE", "ADMIN"]),
  password: passwordSchema,
});

/** A new member with an initial password; they enrol their second factor at their first sign-in. */
export async function addStaffMember(
  services: Services,
  actor: Actor,
  rawInput: { email: string; displayName: string; role: StaffRole; password: string },
): Promise<StaffUser> {
  authorize(actor, "staff.manage");
  const input = parseInput(newStaffMemberInput, rawInput);
  const passwordHash = await hashPassword(input.password);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    if (await tx.staffUser.findUnique({ where: { email: input.email }, select: { id: true } })) {
      throw new ConflictError("STAFF_EMAIL_TAKEN", "A staff member with this email already exists.");
    }
    const staff = await tx.staffUser.create({
      data: { email: input.email, displayName: input.displayName, role: input.role, passwordHash, createdAt: now },
    });
    await auditStaffEvent(tx, actor, { action: "staff.created", staffUserId: staff.id, role: staff.role }, now);
    return staff;
  });
}

/** Disables a member at once: their sessions and sign-ins in progress end, and their open sockets close. */
export async function disableStaffMember(services: Services, actor: Actor, staffUserId: string): Promise<StaffUser> {
  authorize(actor, "staff.manage");
  if (actor.kind === "staff" && actor.staffUserId === staffUserId) {
    throw new ConflictError("CANNOT_DISABLE_SELF", "You cannot disable yourself; ask another administrator.");
  }
  const now = services.now();
  const staff = await services.db.$transaction(async (tx) => {
    await existingMember(tx, staffUserId);
    await assertAnotherActiveAdmin(tx, staffUserId);
    const { count } = await tx.staffUser.updateMany({ where: { id: staffUserId, disabledAt: null }, data: { disabledAt: now } });
    const sessionsEnded = await endCredentials(tx, staffUserId, now);
    if (count > 0) await auditStaffEvent(tx, actor, { action: "staff.disabled", staffUserId, sessionsEnded }, now);
    return tx.staffUser.findUniqueOrThrow({ where: { id: staffUserId } });
  });
  announceEnded(services, staffUserId);
  return staff;
}

/** Enables a disabled member again; they sign in afresh, as their sessions ended when they were disabled. */
export async function enableStaffMember(services: Services, actor: Actor, staffUserId: string): Promise<StaffUser> {
  authorize(actor, "staff.manage");
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    await existingMember(tx, staffUserId);
    const { count } = await tx.staffUser.updateMany({
      where: { id: staffUserId, disabledAt: { not: null } },
      data: { disabledAt: null, failedAttempts: 0, failureWindowStart: null, lockedUntil: null },
    });
    if (count > 0) await auditStaffEvent(tx, actor, { action: "staff.enabled", staffUserId }, now);
    return tx.staffUser.findUniqueOrThrow({ where: { id: staffUserId } });
  });
}

const staffRoleInput = z.enum(["SUPPORT", "COMPLIANCE", "ADMIN"]);

/**
 * Gives a member another role. Permissions are read from the member's role on
 * every request (staff-auth.ts resolves the session with its member), so their
 * open sessions act with the new role from their next request; their open
 * sockets, which were authorised under the old role, are told to check their
 * standing and close.
 */
export async function changeStaffRole(
  services: Services,
  actor: Actor,
  staffUserId: string,
  rawRole: StaffRole,
): Promise<StaffUser> {
  authorize(actor, "staff.manage");
  const role = parseInput(z.object({ role: staffRoleInput }), { role: rawRole }).role;
  if (actor.kind === "staff" && actor.staffUserId === staffUserId) throw new OwnRoleChangeError();
  const now = services.now();
  const { staff, changed } = await services.db.$transaction(async (tx) => {
    await existingMember(tx, staffUserId);
    const current = await tx.staffUser.findUniqueOrThrow({ where: { id: staffUserId } });
    if (current.role === role) return { staff: current, changed: false };
    if (current.role === "ADMIN" && !current.disabledAt) await assertAnotherActiveAdmin(tx, staffUserId);
    const staff = await tx.staffUser.update({ where: { id: staffUserId }, data: { role } });
    await auditStaffEvent(tx, actor, { action: "staff.role_changed", staffUserId, from: current.role, to: role }, now);
    return { staff, changed: true };
  });
  if (changed) announceEnded(services, staffUserId);
  return staff;
}

/**
 * Refuses a change that would leave no active ADMIN but `staffUserId`'s. The
 * active ADMIN rows stay locked until the transaction ends, so two admins
 * demoting or disabling each other at once cannot both succeed.
 */
async function assertAnotherActiveAdmin(tx: Prisma.TransactionClient, staffUserId: string): Promise<void> {
  const admins = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM "StaffUser" WHERE role = 'ADMIN' AND "disabledAt" IS NULL ORDER BY id FOR UPDATE`;
  if (!admins.some((admin) => admin.id === staffUserId)) return;
  if (admins.length < 2) throw new LastActiveAdminError();
}

/** Forgets a member's second factor and recovery codes; they enrol again at their next sign-in. Their sessions end. */
export async function resetStaffTotp(services: Services, actor: Actor, staffUserId: string): Promise<StaffUser> {
  authorize(actor, "staff.manage");
  const now = services.now();
  const staff = await services.db.$transaction(async (tx) => {
    await existingMember(tx, staffUserId);
    const staff = await tx.staffUser.update({
      where: { id: staffUserId },
      data: { mfaSecret: null, mfaEnrolledAt: null, mfaLastUsedStep: null },
    });
    await tx.staffRecoveryCode.deleteMany({ where: { staffUserId } });
    const sessionsEnded = await endCredentials(tx, staffUserId, now);
    await auditStaffEvent(tx, actor, { action: "staff.totp_reset", staffUserId, sessionsEnded }, now);
    return staff;
  });
  announceEnded(services, staffUserId);
  return staff;
}

/** A member's signed-in sessions, newest first (the last 50). */
export async function listStaffSessions(services: Services, actor: Actor, staffUserId: string): Promise<StaffSession[]> {
  authorize(actor, "staff.sessions");
  if (!isUuid(staffUserId)) return [];
  return services.db.staffSession.findMany({
    where: { staffUserId, mfaVerifiedAt: { not: null } },
    orderBy: { createdAt: "desc" },
    take: 50,
  });
}

/** Ends one staff session at once; the member's sockets opened with it close. */
export async function revokeStaffSession(services: Services, actor: Actor, sessionId: string): Promise<StaffSession> {
  authorize(actor, "staff.sessions");
  if (!isUuid(sessionId)) throw new NotFoundError("The session");
  const now = services.now();
  const session = await services.db.$transaction(async (tx) => {
    const found = await tx.staffSession.findUnique({ where: { id: sessionId } });
    if (!found) throw new NotFoundError("The session");
    const { count } = await tx.staffSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: now } });
    if (count > 0) {
      await auditStaffEvent(tx, actor, { action: "staff_session.revoked", staffUserId: found.staffUserId, sessionId }, now);
    }
    return tx.staffSession.findUniqueOrThrow({ where: { id: sessionId } });
  });
  announceEnded(services, session.staffUserId);
  return session;
}

/** Whether a session is in use now: not revoked, within both expiries. */
export function staffSessionLive(session: StaffSession, now: Date): boolean {
  return !session.revokedAt && session.idleExpiresAt > now && session.absoluteExpiresAt > now;
}

async function existingMember(tx: Prisma.TransactionClient, staffUserId: string): Promise<void> {
  if (!isUuid(staffUserId) || !(await tx.staffUser.findUnique({ where: { id: staffUserId }, select: { id: true } }))) {
    throw new NotFoundError("The staff member");
  }
}

/** Revokes every live session and closes every sign-in in progress; returns how many sessions ended. */
async function endCredentials(tx: Prisma.TransactionClient, staffUserId: string, now: Date): Promise<number> {
  await tx.staffSignInChallenge.updateMany({ where: { staffUserId, usedAt: null }, data: { usedAt: now } });
  const { count } = await tx.staffSession.updateMany({ where: { staffUserId, revokedAt: null }, data: { revokedAt: now } });
  return count;
}

/** Tells the member's open sockets, on every instance, to check their session. */
function announceEnded(services: Services, staffUserId: string): void {
  services.events.publish("staffCredentialsEnded", staffUserId, { staffUserId });
}
