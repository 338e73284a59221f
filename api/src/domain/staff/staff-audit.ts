/**
 * The audit entries staff identity writes, in one place: sign-ins (each
 * success and failure), and every step an ADMIN takes on a staff member or
 * session. Ids and reason codes only, never an email or a code.
 */
import type { ActorType, Prisma } from "@smsape/db";
import { type Actor, auditActor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/events.ts";

export type StaffSignInFailure = "unknown-email" | "wrong-password" | "disabled" | "locked" | "wrong-code" | "expired";

export type StaffAuditEvent =
  | { action: "staff.sign_in_succeeded"; staffUserId: string; sessionId: string; factor: "totp" | "recovery-code" }
  | {
      action: "staff.sign_in_failed";
      staffUserId: string | null;
      stage: "password" | "second-factor";
      reason: StaffSignInFailure;
    }
  | { action: "staff.totp_enrolled"; staffUserId: string }
  | { action: "staff.created"; staffUserId: string; role: string }
  | { action: "staff.disabled"; staffUserId: string; sessionsEnded: number }
  | { action: "staff.totp_reset"; staffUserId: string; sessionsEnded: number }
  | { action: "staff.role_changed"; staffUserId: string; from: string; to: string }
  | { action: "staff.enabled"; staffUserId: string }
  | { action: "staff_session.revoked"; staffUserId: string; sessionId: string };

/** Appends the event in the caller's transaction; `actor` is null for sign-in steps, which have no session yet. */
export async function auditStaffEvent(
  tx: Prisma.TransactionClient,
  actor: Actor | null,
  event: StaffAuditEvent,
  at: Date,
): Promise<void> {
  await appendAuditEntry(tx, signInActor(actor, event), auditEventOf(event), at);
}

/** The log's event for a staff identity step: its subject, and ids and codes as details. */
function auditEventOf(event: StaffAuditEvent): AuditEvent {
  const { action } = event;
  switch (action) {
    case "staff.sign_in_succeeded":
      return {
        action,
        subjectType: "StaffSession",
        subjectId: event.sessionId,
        details: { staffUserId: event.staffUserId, factor: event.factor },
      };
    case "staff.sign_in_failed":
      return {
        action,
        subjectType: "StaffUser",
        subjectId: event.staffUserId,
        reason: event.reason,
        details: { stage: event.stage },
      };
    case "staff_session.revoked":
      return { action, subjectType: "StaffSession", subjectId: event.sessionId, details: { staffUserId: event.staffUserId } };
    case "staff.created":
      return { action, subjectType: "StaffUser", subjectId: event.staffUserId, details: { role: event.role } };
    case "staff.disabled":
    case "staff.totp_reset":
      return { action, subjectType: "StaffUser", subjectId: event.staffUserId, details: { sessionsEnded: event.sessionsEnded } };
    case "staff.role_changed":
      return { action, subjectType: "StaffUser", subjectId: event.staffUserId, details: { from: event.from, to: event.to } };
    case "staff.totp_enrolled":
    case "staff.enabled":
      return { action, subjectType: "StaffUser", subjectId: event.staffUserId, details: {} };
  }
}

/**
 * Who a sign-in entry names: the member signing in, once the email matched
 * one; the sign-in step itself (a system actor) for an unknown email.
 */
function signInActor(actor: Actor | null, event: StaffAuditEvent): { actorType: ActorType; actorId: string } {
  if (actor) return auditActor(actor);
  const staffUserId = "staffUserId" in event ? event.staffUserId : null;
  return staffUserId ? { actorType: "STAFF", actorId: staffUserId } : { actorType: "SYSTEM", actorId: "staff-sign-in" };
}
