/**
 * The audit entries staff identity writes, in one place: sign-ins (each
 * success and failure), and every step an ADMIN takes on a staff member or
 * session. Ids and reason codes only, never an email or a code.
 */
import type { ActorType, Prisma } from "@smsape/db";
import { type Actor, auditActor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";

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
  | { action: "staff_session.revoked"; staffUserId: string; sessionId: string };

/** Appends the event in the caller's transaction; `actor` is null for sign-in steps, which have no session yet. */
export async function auditStaffEvent(
  tx: Prisma.TransactionClient,
  actor: Actor | null,
  event: StaffAuditEvent,
  at: Date,
): Promise<void> {
  const who = signInActor(actor, event);
  switch (event.action) {
    case "staff.sign_in_succeeded":
      await appendAuditEntry(
        tx,
        who,
        {
          action: event.action,
          subjectType: "StaffSession",
          subjectId: event.sessionId,
          details: { staffUserId: event.staffUserId, factor: event.factor },
        },
        at,
      );
      return;
    case "staff.sign_in_failed":
      await appendAuditEntry(
        tx,
        who,
        {
          action: event.action,
          subjectType: "StaffUser",
          subjectId: event.staffUserId,
          reason: event.reason,
          details: { stage: event.stage },
        },
        at,
      );
      return;
    case "staff_session.revoked":
      await appendAuditEntry(
        tx,
        who,
        {
          action: event.action,
          subjectType: "StaffSession",
          subjectId: event.sessionId,
          details: { staffUserId: event.staffUserId },
        },
        at,
      );
      return;
    case "staff.created":
      await appendAuditEntry(
        tx,
        who,
        { action: event.action, subjectType: "StaffUser", subjectId: event.staffUserId, details: { role: event.role } },
        at,
      );
      return;
    case "staff.disabled":
    case "staff.totp_reset":
      await appendAuditEntry(
        tx,
        who,
        {
          action: event.action,
          subjectType: "StaffUser",
          subjectId: event.staffUserId,
          details: { sessionsEnded: event.sessionsEnded },
        },
        at,
      );
      return;
    case "staff.totp_enrolled":
      await appendAuditEntry(
        tx,
        who,
        { action: event.action, subjectType: "StaffUser", subjectId: event.staffUserId, details: {} },
        at,
      );
      return;
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
