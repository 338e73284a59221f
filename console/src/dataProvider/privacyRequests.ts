/**
 * Privacy requests on the staff API: the queue (getList), a request's page
 * (getOne), and the steps staff take on it. Each step answers with the
 * request as it now stands, or throws an Error whose message is the server's
 * own, written for the person at the console.
 */
import type { GetListParams, GetListResult, GetOneParams, GetOneResult } from "react-admin";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

export type SlaStatus = "ON_TRACK" | "DUE_SOON" | "OVERDUE";
export type RequestStatus =
  | "IDENTITY_PENDING"
  | "RECEIVED"
  | "IN_PROGRESS"
  | "EXTENDED"
  | "AWAITING_APPROVAL"
  | "COMPLETED"
  | "REJECTED"
  | "WITHDRAWN";

export interface TimelineStep {
  id: string;
  fromStatus: RequestStatus | null;
  toStatus: RequestStatus;
  actorType: string;
  actorId: string | null;
  reasonCode: string;
  note: string | null;
  at: string;
}

export interface PrivacyRequestRecord {
  id: string;
  kind: string;
  status: RequestStatus;
  source: string;
  jurisdiction: string;
  priority: "MINOR_DATA" | "PRIVACY_REQUEST";
  concernsMinor: boolean;
  expeditedErasure: boolean;
  accountId: string | null;
  details: string | null;
  reporterContact: string | null;
  concernedEmail: string | null;
  identityConfirmed: boolean;
  identityMethod: string | null;
  identityNote: string | null;
  assignee: { id: string; displayName: string } | null;
  receivedAt: string;
  acknowledgedAt: string | null;
  acknowledgeDueAt: string | null;
  slaDueAt: string;
  legalDueAt: string;
  dueAt: string;
  slaStatus: SlaStatus | null;
  extended: boolean;
  extendedAt: string | null;
  extensionReason: string | null;
  resolution: string | null;
  rejectionReasonCode: string | null;
  completedAt: string | null;
  supportTicketId: string | null;
  nextSteps: RequestStatus[];
  timeline?: TimelineStep[];
}

const listFields = `id kind status source jurisdiction priority concernsMinor expeditedErasure accountId details reporterContact
  concernedEmail identityConfirmed identityMethod identityNote assignee { id displayName } receivedAt acknowledgedAt
  acknowledgeDueAt slaDueAt legalDueAt dueAt slaStatus extended extendedAt extensionReason resolution
  rejectionReasonCode completedAt supportTicketId nextSteps`;
const pageFields = `${listFields} timeline { id fromStatus toStatus actorType actorId reasonCode note at }`;

/** The queue is short (open requests only): one page of the server's order, sliced here. */
const queueLimit = 500;

async function getList(_resource: string, params: GetListParams): Promise<GetListResult<PrivacyRequestRecord>> {
  const filter = params.filter ?? {};
  const { privacyRequestQueue } = await staffGraphql<{
    privacyRequestQueue: { edges: Array<{ node: PrivacyRequestRecord }> };
  }>(
    `query PrivacyRequestQueue($first: Int, $status: PrivacyRequestStatus, $kind: PrivacyRequestKind,
        $jurisdiction: Jurisdiction, $assigneeId: ID, $clock: QueueClockFilter) {
      privacyRequestQueue(first: $first, status: $status, kind: $kind, jurisdiction: $jurisdiction,
          assigneeId: $assigneeId, clock: $clock) {
        edges { node { ${listFields} } }
      }
    }`,
    {
      first: queueLimit,
      status: filter.status || null,
      kind: filter.kind || null,
      jurisdiction: filter.jurisdiction || null,
      assigneeId: filter.assigneeId || null,
      clock: filter.clock || null,
    },
    params.signal,
  );
  const all = privacyRequestQueue.edges.map((edge) => edge.node);
  const { page = 1, perPage = 25 } = params.pagination ?? {};
  return { data: all.slice((page - 1) * perPage, page * perPage), total: all.length };
}

async function getOne(_resource: string, params: GetOneParams): Promise<GetOneResult<PrivacyRequestRecord>> {
  const { staffPrivacyRequest } = await staffGraphql<{ staffPrivacyRequest: PrivacyRequestRecord | null }>(
    `query StaffPrivacyRequest($id: ID!) { staffPrivacyRequest(id: $id) { ${pageFields} } }`,
    { id: String(params.id) },
    params.signal,
  );
  if (!staffPrivacyRequest) throw new Error("There is no privacy request with this id.");
  return { data: staffPrivacyRequest };
}

export const privacyRequestQueries: ResourceQueries = { getList, getOne } as ResourceQueries;

type StepResult =
  | { __typename: "StaffPrivacyRequestPayload"; privacyRequest: PrivacyRequestRecord }
  | { __typename: string; message: string; code: string; issues?: Array<{ field: string; message: string }> };

/** Runs one step mutation and returns the request, or throws the server's message. */
async function runStep(mutation: string, inputType: string, input: Record<string, unknown>): Promise<PrivacyRequestRecord> {
  const data = await staffGraphql<Record<string, StepResult>>(
    `mutation Step($input: ${inputType}!) {
      ${mutation}(input: $input) {
        __typename
        ... on StaffPrivacyRequestPayload { privacyRequest { ${pageFields} } }
        ... on Error { message code }
        ... on ValidationError { issues { field message } }
      }
    }`,
    { input },
  );
  const result = data[mutation];
  if (result && "privacyRequest" in result) return result.privacyRequest;
  const issues =
    result && "issues" in result && result.issues ? ` ${result.issues.map((i) => `${i.field} ${i.message}`).join("; ")}.` : "";
  throw new Error(`${result && "message" in result ? result.message : "The step failed."}${issues}`);
}

export const requestSteps = {
  transition: (id: string, to: RequestStatus, reasonCode: string, note?: string) =>
    runStep("transitionPrivacyRequest", "TransitionPrivacyRequestInput", { id, to, reasonCode, note: note || null }),
  assign: (id: string, assigneeId: string | null) =>
    runStep("assignPrivacyRequest", "AssignPrivacyRequestInput", { id, assigneeId }),
  confirmIdentity: (id: string, method: string, note?: string) =>
    runStep("confirmPrivacyRequestIdentity", "ConfirmPrivacyRequestIdentityInput", { id, method, note: note || null }),
  extend: (id: string, reason: string) => runStep("extendPrivacyRequest", "ExtendPrivacyRequestInput", { id, reason }),
  reject: (id: string, reasonCode: string, message: string) =>
    runStep("rejectPrivacyRequest", "RejectPrivacyRequestInput", { id, reasonCode, message }),
};

export async function assignableStaff(): Promise<Array<{ id: string; displayName: string; role: string }>> {
  const { assignableStaff } = await staffGraphql<{ assignableStaff: Array<{ id: string; displayName: string; role: string }> }>(
    "query AssignableStaff { assignableStaff { id displayName role } }",
  );
  return assignableStaff;
}
