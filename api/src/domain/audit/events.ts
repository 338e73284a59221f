/**
 * Every event the audit log records, one member per event. A member fixes the
 * action, the kind of record it is about and the shape of its details, which
 * hold ids, field names, states and counts: never a personal value. Free text
 * (a note, a rejection message) never goes in the details either: it is passed
 * to `appendAuditEntry` as a note, kept outside the chain and erasable.
 *
 * Adding an event is adding one member here; the compiler then checks every
 * call that writes it.
 */

/** A record id (UUID). */
type Id = string;
/** A timestamp written as ISO 8601 (`2026-11-26T10:00:00.000Z`). */
type IsoTime = string;
/** A sequence number of the log (a JSON number: exact up to 2^53, far beyond any log). */
type Seq = number;

type PrivacyRequestKind = "ACCESS" | "CORRECTION" | "DELETION" | "RESTRICTION" | "OBJECTION";

/** One event: what was done (`subject.verb`), to which kind of record, with which details. */
interface Event<Action extends string, SubjectType extends string, Details, SubjectId = Id> {
  action: Action;
  subjectType: SubjectType;
  subjectId: SubjectId;
  /**
   * Why it was done, as a code (`identity_not_confirmed`, `customer_asked`):
   * a word the console can explain, never a sentence someone typed.
   */
  reason?: string | null;
  details: Details;
}

export type AuditEvent =
  // ---------------------------------------------------------------- staff identity
  | Event<"staff.signed_in", "StaffUser", { sessionId: Id; method: "password" | "password_totp" | "recovery_code" }>
  | Event<"staff.signed_out", "StaffUser", { sessionId: Id }>
  | Event<"staff.sign_in_failed", "StaffUser", { failedAttempts: number }>
  | Event<"staff.locked_out", "StaffUser", { failedAttempts: number; lockedUntil: IsoTime }>
  | Event<"staff_member.created", "StaffUser", { role: "SUPPORT" | "COMPLIANCE" | "ADMIN" }>
  | Event<"staff_member.disabled", "StaffUser", { sessionsRevoked: number }>
  | Event<"staff_member.totp_reset", "StaffUser", Record<string, never>>
  | Event<"staff_session.revoked", "StaffSession", { staffUserId: Id }>
  // ---------------------------------------------------------------- privacy requests
  | Event<
      "privacy_request.created",
      "PrivacyRequest",
      { kind: PrivacyRequestKind; jurisdiction: string; source: string; verified: boolean }
    >
  | Event<"privacy_request.withdrawn", "PrivacyRequest", { kind: PrivacyRequestKind }>
  | Event<"privacy_request.transitioned", "PrivacyRequest", { from: string; to: string }>
  | Event<"privacy_request.assigned", "PrivacyRequest", { assigneeId: Id | null }>
  | Event<"privacy_request.identity_confirmed", "PrivacyRequest", { method: string }>
  | Event<"privacy_request.extended", "PrivacyRequest", { legalDueAt: IsoTime; noticeSent: boolean }>
  | Event<"privacy_request.rejected", "PrivacyRequest", { kind: PrivacyRequestKind }>
  | Event<"privacy_request.completed", "PrivacyRequest", { kind: PrivacyRequestKind }>
  // ---------------------------------------------------------------- the rights
  | Event<"access_export.prepared", "PrivacyRequest", { exportId: Id; models: string[] }>
  | Event<"access_export.downloaded", "PrivacyRequest", { exportId: Id }>
  | Event<"correction.applied", "Account", { privacyRequestId: Id | null; fields: string[] }>
  | Event<"erasure.planned", "PrivacyRequest", { planId: Id; accountId: Id }>
  | Event<"erasure.approved", "PrivacyRequest", { planId: Id }>
  | Event<"erasure.run", "PrivacyRequest", { planId: Id; deleted: Record<string, number>; anonymised: Record<string, number> }>
  | Event<"erasure.scanned", "PrivacyRequest", { planId: Id; tablesScanned: number; matches: number }>
  | Event<"account.restricted", "Account", { privacyRequestId: Id | null }>
  | Event<"account.restriction_lifted", "Account", { privacyRequestId: Id | null }>
  | Event<"objection.recorded", "Account", { privacyRequestId: Id; processing: string[] }>
  /** A staff member unmasked an account's personal values; `reason` says why. */
  | Event<"account.personal_data_revealed", "Account", { fields: string[] }>
  // ---------------------------------------------------------------- support
  | Event<"support_ticket.created", "SupportTicket", { source: string }>
  | Event<"support_ticket.classified", "SupportTicket", { privacyRequestId: Id; kind: PrivacyRequestKind }>
  // ---------------------------------------------------------------- the log itself
  | Event<
      "audit_chain.verified",
      "AuditLog",
      { fromCheckpointSeq: Seq | null; entries: number; valid: boolean; brokenAtSeq: Seq | null; problem: string | null },
      null
    >
  | Event<"audit_checkpoint.written", "AuditCheckpoint", { seq: Seq }, string>;

export type AuditAction = AuditEvent["action"];
export type AuditSubjectType = AuditEvent["subjectType"];

/** The event with this action, for code that builds one from its parts. */
export type AuditEventOf<Action extends AuditAction> = Extract<AuditEvent, { action: Action }>;
