/**
 * What the dashboard's widgets read from the staff API, each in one request:
 * the requests near or past their clocks, requests per day by right and
 * state, recent purge runs, the incidents still open, and the audit chain's
 * last verification and checkpoint. Only ids, codes, dates and numbers.
 */

import { graphql } from "../generated/gql.ts";
import type { IncidentRecord } from "./incidents.ts";
import type { PrivacyRequestRecord, RequestStatus } from "./privacyRequests.ts";
import { staffGraphql } from "./staffGraphql.ts";

export type QueueClock = "DUE_SOON" | "OVERDUE";

export type ClockedRequest = Pick<
  PrivacyRequestRecord,
  "id" | "kind" | "status" | "priority" | "jurisdiction" | "slaDueAt" | "legalDueAt" | "dueAt" | "slaStatus" | "extended"
>;

/** Requests whose clock is due soon or past, earliest first, with how many there are in all. */
export async function requestsByClock(clock: QueueClock, signal?: AbortSignal): Promise<ClockedRequest[]> {
  const { privacyRequestQueue } = await staffGraphql(
    graphql(`query RequestsByClock($clock: QueueClockFilter) {
      privacyRequestQueue(clock: $clock, first: 100) {
        edges { node { id kind status priority jurisdiction slaDueAt legalDueAt dueAt slaStatus extended } }
      }
    }`),
    { clock },
    signal,
  );
  return privacyRequestQueue.edges.map((edge) => edge.node);
}

export interface RequestDayCount {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  kind: string;
  status: RequestStatus;
  count: number;
}

export interface RequestStats {
  since: string;
  days: number;
  counts: RequestDayCount[];
}

/** Requests received per UTC day over the last `days` days, by right and current state. */
export async function requestStats(days: number, signal?: AbortSignal): Promise<RequestStats> {
  const { privacyRequestStats } = await staffGraphql(
    graphql(`query PrivacyRequestStats($days: Int!) {
      privacyRequestStats(days: $days) {
        ... on QueryPrivacyRequestStatsSuccess { data { since days counts { day kind status count } } }
        ... on Error { message }
      }
    }`),
    { days },
    signal,
  );
  if (!("data" in privacyRequestStats)) throw new Error(privacyRequestStats.message ?? "The counts could not be read.");
  return privacyRequestStats.data;
}

export interface PurgeRunSummary {
  id: string;
  policyKey: string;
  status: "RUNNING" | "COMPLETED";
  trigger: "SCHEDULE" | "STAFF";
  startedAt: string;
  finishedAt: string | null;
  deleted: number;
  anonymised: number;
  heldBack: number;
}

/** Purge runs started since `since`, newest first. */
export async function purgeRunsSince(since: Date, signal?: AbortSignal): Promise<PurgeRunSummary[]> {
  const { purgeRuns } = await staffGraphql(
    graphql(
      `query RecentPurgeRuns { purgeRuns(first: 200) { id policyKey status trigger startedAt finishedAt deleted anonymised heldBack } }`,
    ),
    {},
    signal,
  );
  return purgeRuns.filter((run) => new Date(run.startedAt) >= since);
}

export type OpenIncident = Pick<IncidentRecord, "id" | "reference" | "status" | "awareAt" | "nature" | "clock">;

/** Incidents not yet closed (open or contained), soonest deadline first. */
export async function openIncidents(signal?: AbortSignal): Promise<OpenIncident[]> {
  const { incidents } = await staffGraphql(
    graphql(
      `query OpenIncidents { incidents { id reference status awareAt nature clock { deadline status remainingSeconds } } }`,
    ),
    {},
    signal,
  );
  return incidents
    .filter((incident) => incident.status !== "CLOSED")
    .sort((a, b) => a.clock.deadline.localeCompare(b.clock.deadline));
}

export interface AuditChainStatus {
  /** The last recorded verification, or null when the chain was never verified. */
  lastVerification: {
    at: string;
    valid: boolean;
    entries: number;
    problem: string | null;
    brokenAtSeq: number | null;
  } | null;
  lastCheckpoint: { seq: string; at: string; keyId: string } | null;
}

/** The action the audit log records each verification under. */
export const verificationAction = "audit_chain.verified";

/** The audit log's own record of the last verification, and its newest signed checkpoint; nothing is verified here. */
export async function auditChainStatus(signal?: AbortSignal): Promise<AuditChainStatus> {
  const { auditEntries, auditCheckpoints } = await staffGraphql(
    graphql(`query AuditChainStatus($filter: AuditEntryFilter) {
      auditEntries(filter: $filter, first: 1) { edges { node { at details } } }
      auditCheckpoints(last: 1) { checkpoints { seq at keyId } }
    }`),
    { filter: { action: verificationAction } },
    signal,
  );
  const entry = auditEntries.edges[0]?.node;
  const details = entry ? (JSON.parse(entry.details) as Record<string, unknown>) : null;
  return {
    lastVerification:
      entry && details
        ? {
            at: entry.at,
            valid: details.valid === true,
            entries: Number(details.entries ?? 0),
            problem: typeof details.problem === "string" ? details.problem : null,
            brokenAtSeq: typeof details.brokenAtSeq === "number" ? details.brokenAtSeq : null,
          }
        : null,
    lastCheckpoint: auditCheckpoints.checkpoints[0] ?? null,
  };
}
