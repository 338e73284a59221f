/**
 * Who a domain function acts for: a signed-in account, a staff member (with
 * the role and session they signed in with), or the system running a named
 * job. Domain functions take an Actor, decide from it whether the step is
 * allowed (see staff/permissions.ts), and record it in the audit entry they
 * write with the change.
 */
import type { ActorType, StaffRole } from "@smsape/db";

export interface AccountActor {
  kind: "account";
  accountId: string;
  /** The session it signed in with; null when it came with an API key. */
  sessionId: string | null;
  /** The API key it came with; null when it signed in with a password. */
  apiKeyId: string | null;
}

export interface StaffActor {
  kind: "staff";
  staffUserId: string;
  role: StaffRole;
  sessionId: string;
}

export interface SystemActor {
  kind: "system";
  /** The job or command acting: `retention.purge`, `seed`. */
  job: string;
}

export type Actor = AccountActor | StaffActor | SystemActor;

/** How the audit log names an actor: its type and id (the job's name for the system). */
export function auditActor(actor: Actor): { actorType: ActorType; actorId: string } {
  switch (actor.kind) {
    case "account":
      return { actorType: "ACCOUNT", actorId: actor.accountId };
    case "staff":
      return { actorType: "STAFF", actorId: actor.staffUserId };
    case "system":
      return { actorType: "SYSTEM", actorId: actor.job };
  }
}

/** The system acting through a named job. */
export function systemActor(job: string): SystemActor {
  return { kind: "system", job };
}
