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
/** A sequence number of the log (a JSON number: exact up to 2^53, far beyond any log). */
type Seq = number;

type PrivacyRequestKind = "ACCESS" | "CORRECTION" | "DELETION" | "RESTRICTION" | "OBJECTION";
type PrivacyRequestStatus =
  | "RECEIVED"
  | "IDENTITY_PENDING"
  | "IN_PROGRESS"
  | "AWAITING_APPROVAL"
  | "EXTENDED"
  | "COMPLETED"
  | "REJECTED"
  | "WITHDRAWN";

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
  | Event<"staff.sign_in_succeeded", "StaffSession", { staffUserId: Id; factor: "totp" | "recovery-code" }>
  /** `reason` says what failed: unknown-email, wrong-password, disabled, locked, wrong-code, expired. */
  | Event<"staff.sign_in_failed", "StaffUser", { stage: "password" | "second-factor" }, Id | null>
  | Event<"staff.totp_enrolled", "StaffUser", Record<string, never>>
  | Event<"staff.created", "StaffUser", { role: string }>
  | Event<"staff.disabled", "StaffUser", { sessionsEnded: number }>
  | Event<"staff.totp_reset", "StaffUser", { sessionsEnded: number }>
  | Event<"staff.role_changed", "StaffUser", { from: string; to: string }>
  | Event<"staff.enabled", "StaffUser", Record<string, never>>
  | Event<"staff_session.revoked", "StaffSession", { staffUserId: Id }>
  // ---------------------------------------------------------------- privacy requests
  | Event<
      "privacy_request.created",
      "PrivacyRequest",
      { kind: PrivacyRequestKind; jurisdiction: string; source: string; status: string; concernsMinor: boolean }
    >
  /** A step of the request's state machine, named by the state it reached; `reasonCode` says why. */
  | Event<
      `privacy_request.${Lowercase<PrivacyRequestStatus>}`,
      "PrivacyRequest",
      { from: string; reasonCode: string; [detail: string]: string | number | boolean | null | string[] }
    >
  | Event<"privacy_request.assigned", "PrivacyRequest", { assigneeId: Id | null }>
  | Event<"privacy_request.due_soon" | "privacy_request.overdue", "PrivacyRequest", Record<string, never>>
  // ---------------------------------------------------------------- the rights
  | Event<"privacy_export.prepared", "PrivacyRequest", { exportId: Id; models: string[] }>
  | Event<"privacy_export.downloaded", "PrivacyRequest", { exportId: Id }>
  | Event<"account.email_change_requested", "Account", { fields: string[] }>
  | Event<"account.email_changed", "Account", { fields: string[] }>
  /** The subject is the corrected record, of the model the inventory marks correctable. */
  | Event<"correction.applied", string, { privacyRequestId: Id; correctionId: Id; fields: string[] }, Id | null>
  | Event<"erasure.planned", "PrivacyRequest", { erasurePlanId: Id }>
  | Event<"erasure.approved", "PrivacyRequest", { erasurePlanId: Id }>
  | Event<"erasure.ran", "PrivacyRequest", { erasurePlanId: Id; models: string[]; scanClean: boolean }>
  | Event<"account.restricted", "Account", { privacyRequestId: Id | null }>
  | Event<"account.restriction_lifted", "Account", { privacyRequestId: Id | null }>
  | Event<"objection.recorded", "Account", { privacyRequestId: Id; path: string }>
  // ---------------------------------------------------------------- staff reading accounts
  | Event<"account.searched", "Account", { by: "id" | "email"; found: number }, Id | null>
  /** `reason` is the purpose given, when one was. */
  | Event<"account.viewed", "Account", { reference: string } | null>
  /** A staff member unmasked an account's personal values; `reason` says why. */
  | Event<"account.personal_data_revealed", "Account", { fields: string[]; reference: string | null }>
  | Event<"account.session_revoked", "Session", { accountId: Id }>
  // ---------------------------------------------------------------- policy
  | Event<"policy_version.published", "PolicyVersion", Record<string, never>, string>
  // ---------------------------------------------------------------- breach incidents
  | Event<"incident.opened", "BreachIncident", { fields: string[] }>
  | Event<"incident.updated", "BreachIncident", { fields: string[] }>
  | Event<"incident.authority_decision_recorded", "BreachIncident", { decision: string; notified: boolean }>
  | Event<"incident.people_decision_recorded", "BreachIncident", { decision: string }>
  | Event<"incident.closed", "BreachIncident", Record<string, never>>
  | Event<"incident.people_notified", "BreachIncident", { count: number; audience: string }>
  // ---------------------------------------------------------------- retention and legal holds
  | Event<"retention_policy.updated", "RetentionPolicy", { fields: string[]; fromSecs: number; toSecs: number }, string>
  | Event<"retention_purge.started", "PurgeRun", { policyKey: string; trigger: string; cutoff: string }>
  | Event<
      "retention_purge.completed",
      "PurgeRun",
      { policyKey: string; examined: number; deleted: number; anonymised: number; heldBack: number; busyMs: number }
    >
  | Event<
      "legal_hold.placed",
      "LegalHold",
      { scope: string; accountId: Id | null; policyKey: string | null; until: string | null }
    >
  | Event<"legal_hold.lifted", "LegalHold", { scope: string }>
  // ---------------------------------------------------------------- support
  | Event<"support_ticket.created", "SupportTicket", { channel: string }>
  | Event<"support_ticket.logged", "SupportTicket", { channel: string; linked: boolean }>
  | Event<"support_ticket.classified", "SupportTicket", { privacyRequestId: Id; kind: PrivacyRequestKind }>
  | Event<"support_ticket.replied", "SupportTicket", { messageId: Id; emailId: Id }>
  | Event<"support_ticket.viewed", "SupportTicket", Record<string, never>>
  | Event<"support_ticket.closed", "SupportTicket", Record<string, never>>
  | Event<"support_ticket.reopened", "SupportTicket", Record<string, never>>
  // ---------------------------------------------------------------- the catalogue and the number pool
  /** Countries and services are named by their codes, prices by `country/service`. */
  | Event<"country.created", "Country", Record<string, never>, string>
  | Event<"country.renamed", "Country", { fields: string[] }, string>
  | Event<"service.created", "Service", { ownCodePattern: boolean }, string>
  | Event<"service.updated", "Service", { fields: string[]; ownCodePattern: boolean }, string>
  | Event<
      "price.set",
      "Price",
      { countryCode: string; serviceCode: string; fromAmountMinor: number | null; toAmountMinor: number; currency: string },
      string
    >
  | Event<
      "price.removed",
      "Price",
      { countryCode: string; serviceCode: string; fromAmountMinor: number; currency: string },
      string
    >
  /** The subject is `country/route`; the details count the batch's lines by outcome, never list the numbers. */
  | Event<
      "virtual_numbers.imported",
      "OperatorRoute",
      { countryCode: string; lines: number; imported: number; invalid: number; duplicateInBatch: number; alreadyInPool: number },
      string
    >
  | Event<"virtual_number.retired", "VirtualNumber", { countryCode: string; fromStatus: string; liveActivations: number }>
  // ---------------------------------------------------------------- customer webhooks
  /** The endpoint's address is not recorded: it may name a person's own domain. */
  | Event<"webhook_endpoint.created", "WebhookEndpoint", { events: string[]; includeMessageContent: boolean }>
  | Event<"webhook_endpoint.secret_rotated", "WebhookEndpoint", Record<string, never>>
  | Event<"webhook_endpoint.deleted", "WebhookEndpoint", { deliveries: number }>
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
