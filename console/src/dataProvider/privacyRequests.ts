/**
 * Privacy requests on the staff API: the queue (getList), a request's page
 * (getOne), and the steps staff take on it. Each step answers with the
 * request as it now stands, or throws an Error whose message is the server's
 * own, written for the person at the console.
 */
import type { GetListParams, GetListResult, GetOneParams, GetOneResult } from "react-admin";
import { graphql } from "../generated/gql.ts";
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

graphql(`
  fragment PrivacyRequestListFields on StaffPrivacyRequest {
    id kind status source jurisdiction priority concernsMinor expeditedErasure accountId details reporterContact concernedEmail identityConfirmed identityMethod identityNote assignee { id displayName } receivedAt acknowledgedAt acknowledgeDueAt slaDueAt legalDueAt dueAt slaStatus extended extendedAt extensionReason resolution rejectionReasonCode completedAt supportTicketId nextSteps
  }
`);
graphql(`
  fragment PrivacyRequestPageFields on StaffPrivacyRequest {
    ...PrivacyRequestListFields timeline { id fromStatus toStatus actorType actorId reasonCode note at }
  }
`);

/** The queue is short (open requests only): one page of the server's order, sliced here. */
const queueLimit = 500;

async function getList(_resource: string, params: GetListParams): Promise<GetListResult<PrivacyRequestRecord>> {
  const filter = params.filter ?? {};
  const { privacyRequestQueue } = await staffGraphql(
    graphql(`query PrivacyRequestQueue($first: Int, $status: PrivacyRequestStatus, $kind: PrivacyRequestKind,
        $jurisdiction: Jurisdiction, $assigneeId: ID, $clock: QueueClockFilter) {
      privacyRequestQueue(first: $first, status: $status, kind: $kind, jurisdiction: $jurisdiction,
          assigneeId: $assigneeId, clock: $clock) {
        edges { node { ...PrivacyRequestListFields } }
      }
    }`),
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
  const { staffPrivacyRequest } = await staffGraphql(
    graphql(`query StaffPrivacyRequest($id: ID!) { staffPrivacyRequest(id: $id) { ...PrivacyRequestPageFields } }`),
    { id: String(params.id) },
    params.signal,
  );
  if (!staffPrivacyRequest) throw new Error("There is no privacy request with this id.");
  return { data: staffPrivacyRequest };
}

export const privacyRequestQueries: ResourceQueries = { getList, getOne } as ResourceQueries;

type StepResult =
  | { __typename: "StaffPrivacyRequestPayload"; privacyRequest: PrivacyRequestRecord }
  | { __typename: string; message: string; code: string; issues?: Array<{ field: string; message: string }> | null };

/** A step's request as it now stands, or the server's message (with a validation error's issues) thrown. */
function stepped(result: StepResult): PrivacyRequestRecord {
  if ("privacyRequest" in result) return result.privacyRequest;
  const issues = "issues" in result && result.issues ? ` ${result.issues.map((i) => `${i.field} ${i.message}`).join("; ")}.` : "";
  throw new Error(`${"message" in result ? result.message : "The step failed."}${issues}`);
}

export const requestSteps = {
  async transition(id: string, to: RequestStatus, reasonCode: string, note?: string) {
    const { transitionPrivacyRequest } = await staffGraphql(
      graphql(`mutation TransitionPrivacyRequest($input: TransitionPrivacyRequestInput!) {
        transitionPrivacyRequest(input: $input) {
          __typename
          ... on StaffPrivacyRequestPayload { privacyRequest { ...PrivacyRequestPageFields } }
          ... on Error { message code }
          ... on ValidationError { issues { field message } }
        }
      }`),
      { input: { id, to, reasonCode, note: note || null } },
    );
    return stepped(transitionPrivacyRequest);
  },
  async assign(id: string, assigneeId: string | null) {
    const { assignPrivacyRequest } = await staffGraphql(
      graphql(`mutation AssignPrivacyRequest($input: AssignPrivacyRequestInput!) {
        assignPrivacyRequest(input: $input) {
          __typename
          ... on StaffPrivacyRequestPayload { privacyRequest { ...PrivacyRequestPageFields } }
          ... on Error { message code }
          ... on ValidationError { issues { field message } }
        }
      }`),
      { input: { id, assigneeId } },
    );
    return stepped(assignPrivacyRequest);
  },
  async confirmIdentity(id: string, method: string, note?: string) {
    const { confirmPrivacyRequestIdentity } = await staffGraphql(
      graphql(`mutation ConfirmPrivacyRequestIdentity($input: ConfirmPrivacyRequestIdentityInput!) {
        confirmPrivacyRequestIdentity(input: $input) {
          __typename
          ... on StaffPrivacyRequestPayload { privacyRequest { ...PrivacyRequestPageFields } }
          ... on Error { message code }
          ... on ValidationError { issues { field message } }
        }
      }`),
      { input: { id, method: method as never, note: note || null } },
    );
    return stepped(confirmPrivacyRequestIdentity);
  },
  async extend(id: string, reason: string) {
    const { extendPrivacyRequest } = await staffGraphql(
      graphql(`mutation ExtendPrivacyRequest($input: ExtendPrivacyRequestInput!) {
        extendPrivacyRequest(input: $input) {
          __typename
          ... on StaffPrivacyRequestPayload { privacyRequest { ...PrivacyRequestPageFields } }
          ... on Error { message code }
          ... on ValidationError { issues { field message } }
        }
      }`),
      { input: { id, reason } },
    );
    return stepped(extendPrivacyRequest);
  },
  async reject(id: string, reasonCode: string, message: string) {
    const { rejectPrivacyRequest } = await staffGraphql(
      graphql(`mutation RejectPrivacyRequest($input: RejectPrivacyRequestInput!) {
        rejectPrivacyRequest(input: $input) {
          __typename
          ... on StaffPrivacyRequestPayload { privacyRequest { ...PrivacyRequestPageFields } }
          ... on Error { message code }
          ... on ValidationError { issues { field message } }
        }
      }`),
      { input: { id, reasonCode, message } },
    );
    return stepped(rejectPrivacyRequest);
  },
};

export async function assignableStaff(): Promise<Array<{ id: string; displayName: string; role: string }>> {
  const { assignableStaff } = await staffGraphql(
    graphql(`query AssignableStaff { assignableStaff { id displayName role } }`),
    {},
  );
  return assignableStaff;
}
