/**
 * What each staff role may do (P5, P20): one table, read by the domain
 * functions that carry each step out and by the console, which hides what
 * the signed-in member may not use. docs/privacy.md prints the same table.
 *
 * SUPPORT works the queue: tickets, identity checks, access and correction.
 * COMPLIANCE also approves and runs erasure, lifts restrictions and reads
 * the audit log and the records of processing. ADMIN manages staff members
 * and their sessions, and the catalogue and pool of numbers, and nothing
 * else: administering accounts does not grant access to customers' data.
 */
import type { StaffRole } from "@smsape/db";
import type { Actor } from "../actors.ts";
import { DomainError } from "../errors.ts";

export const staffPermissions = {
  /** See the request queue and a request's page. */
  "requests.read": ["SUPPORT", "COMPLIANCE"],
  /** Move a request along: confirm identity, assign, extend, reject, complete an access or correction. */
  "requests.handle": ["SUPPORT", "COMPLIANCE"],
  /** Read and classify support tickets, log an email as a ticket. */
  "tickets.handle": ["SUPPORT", "COMPLIANCE"],
  /** Prepare the copy of a person's data for an access request. */
  "access.export": ["SUPPORT", "COMPLIANCE"],
  /** Apply a correction to an account's data. */
  "corrections.apply": ["SUPPORT", "COMPLIANCE"],
  /** Compute an erasure plan for review. */
  "erasure.prepare": ["SUPPORT", "COMPLIANCE"],
  /** Approve and run an erasure someone else prepared. */
  "erasure.approve": ["COMPLIANCE"],
  /** Restrict an account's processing, or record an objection. */
  "restriction.apply": ["SUPPORT", "COMPLIANCE"],
  /** Lift a restriction. */
  "restriction.lift": ["COMPLIANCE"],
  /** See an account's page, personal values masked. */
  "accounts.read": ["SUPPORT", "COMPLIANCE"],
  /** Unmask an account's personal values, giving a reason that is audited. */
  "accounts.reveal": ["SUPPORT", "COMPLIANCE"],
  /** End one of a customer's sessions (a stolen device, a shared password). */
  "accounts.sessions": ["SUPPORT", "COMPLIANCE"],
  /** See the policy versions and who accepted each. */
  "policy.read": ["SUPPORT", "COMPLIANCE"],
  /** Publish a new version of the privacy policy. */
  "policy.publish": ["COMPLIANCE"],
  /** Read, filter and verify the audit log; export its checkpoints. */
  "audit.read": ["COMPLIANCE"],
  /** See the breach register: incidents, their 72-hour clock, who was notified (P21). */
  "incidents.read": ["COMPLIANCE"],
  /** Open and update incidents, record the decisions, notify the people concerned (P21). */
  "incidents.manage": ["COMPLIANCE"],
  /** Read and download the records of processing (GDPR Art. 30), computed from the inventory, retention and the register. */
  "records.read": ["COMPLIANCE"],
  /** See retention policies, dry runs, purge runs and their reports, and legal holds (P8). */
  "retention.read": ["COMPLIANCE"],
  /** Change a retention period, start a purge, place and lift legal holds (P8). */
  "retention.manage": ["COMPLIANCE"],
  /** See abuse signals: order, cancel and failure rates by a day's keyed hash or a service, never by account (P12). */
  "abuse.read": ["SUPPORT", "COMPLIANCE"],
  /** Add staff members, change their role, disable and enable them, make them enrol again. */
  "staff.manage": ["ADMIN"],
  /** List and revoke staff sessions. */
  "staff.sessions": ["ADMIN"],
  /** Keep the catalogue (countries, services and their code patterns, prices) and the pool of numbers: import, retire, availability. */
  "catalogue.manage": ["ADMIN"],
} as const satisfies Record<string, readonly StaffRole[]>;

export type StaffPermission = keyof typeof staffPermissions;

export const allStaffPermissions = Object.keys(staffPermissions) as StaffPermission[];

/** Whether the actor may take the step: only staff members, and only those whose role the table lists. */
export function can(actor: Actor, permission: StaffPermission): boolean {
  return actor.kind === "staff" && (staffPermissions[permission] as readonly StaffRole[]).includes(actor.role);
}

/** The roles that hold a permission. */
export function staffRolesWith(permission: StaffPermission): StaffRole[] {
  return [...staffPermissions[permission]];
}

/** The permissions a role holds, in the table's order. */
export function permissionsOf(role: StaffRole): StaffPermission[] {
  return allStaffPermissions.filter((permission) => (staffPermissions[permission] as readonly StaffRole[]).includes(role));
}

export class NotPermittedError extends DomainError {
  readonly code = "NOT_AUTHORIZED";
  constructor() {
    super("You are not allowed to do that. Sign in with an account that may.");
  }
}

/** Refuses the step unless the actor may take it; domain functions call this first. */
export function authorize(actor: Actor, permission: StaffPermission): void {
  if (!can(actor, permission)) throw new NotPermittedError();
}
