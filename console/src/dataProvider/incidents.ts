/**
 * The breach register through the staff API (P21): the incidents resource
 * (list, page, open, edit) and the steps an incident's page takes: the two
 * decisions, closing, and previewing and sending the notice to the people
 * concerned.
 */
import { HttpError } from "react-admin";
import { graphql } from "../generated/gql.ts";
import type { IncidentAudienceInput, IncidentStatus, OpenIncidentInput } from "../generated/graphql.ts";
import type { ResourceQueries } from "./index.ts";
import { type Succeeded, staffGraphql, succeeded } from "./staffGraphql.ts";

export const breachDataCategories = [
  "EMAIL_ADDRESSES",
  "PHONE_NUMBERS",
  "SMS_CONTENT",
  "CREDENTIALS",
  "PAYMENT_REFERENCES",
  "SESSION_DATA",
  "PRIVACY_REQUESTS",
] as const;
export const incidentStatuses = ["OPEN", "CONTAINED", "CLOSED"] as const;
export const incidentDecisions = ["NOTIFY", "NOT_REQUIRED"] as const;
export const audienceKinds = ["ACTIVATIONS_CREATED", "SMS_RECEIVED"] as const;

export type IncidentDecision = (typeof incidentDecisions)[number];
export type AudienceKind = (typeof audienceKinds)[number];
export type ClockStatus = "ON_TRACK" | "DUE_SOON" | "OVERDUE" | "NOTIFIED" | "NOT_REQUIRED";

export interface IncidentRecord {
  id: string;
  reference: string;
  status: (typeof incidentStatuses)[number];
  discoveredAt: string;
  awareAt: string;
  nature: string;
  dataCategories: string[];
  approxPeople: number | null;
  approxRecords: number | null;
  likelyConsequences: string | null;
  measures: string | null;
  authorityDecision: IncidentDecision | null;
  authorityDecisionReason: string | null;
  authorityDecidedAt: string | null;
  authorityNotifiedAt: string | null;
  peopleDecision: IncidentDecision | null;
  peopleDecisionReason: string | null;
  peopleDecidedAt: string | null;
  clock: { deadline: string; status: ClockStatus; remainingSeconds: number | null };
  notificationsCount: number;
  lastNotifiedAt: string | null;
  closedAt: string | null;
  createdAt: string;
}

export interface Audience {
  kind: AudienceKind;
  from: string;
  to: string;
  countryCode?: string | null;
  serviceCode?: string | null;
}

interface ErrorResult {
  __typename: string;
  code: string;
  message: string;
}

/** A typed error result of the API becomes an HttpError carrying its code, with the server's message. */
function failed(result: ErrorResult): never {
  throw new HttpError(result.message, 400, { code: result.code });
}

function dataOf<Result>(result: Result): Succeeded<Result>["data"] {
  if (!succeeded(result)) failed(result as ErrorResult);
  return result.data;
}

/** The form's date-and-time inputs give local times without a zone; the API takes instants. */
function instant(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return new Date(value as string).toISOString();
}

graphql(`
  fragment IncidentFields on BreachIncident {
    id reference status discoveredAt awareAt nature dataCategories approxPeople approxRecords likelyConsequences measures authorityDecision authorityDecisionReason authorityDecidedAt authorityNotifiedAt peopleDecision peopleDecisionReason peopleDecidedAt clock { deadline status remainingSeconds } notificationsCount lastNotifiedAt closedAt createdAt
  }
`);

const numberOrNull = (value: unknown) => (value === null || value === undefined || value === "" ? null : Number(value));
const textOrNull = (value: unknown) => (typeof value === "string" && value.trim() ? value : null);

/** The register's facts from a form, as the API's inputs name them. */
/** Required facts left empty go as null: the API refuses them with a message per field. */
function incidentInput(data: Partial<IncidentRecord>): OpenIncidentInput {
  return {
    discoveredAt: instant(data.discoveredAt),
    awareAt: instant(data.awareAt),
    nature: data.nature ?? "",
    dataCategories: data.dataCategories ?? [],
    approxPeople: numberOrNull(data.approxPeople),
    approxRecords: numberOrNull(data.approxRecords),
    likelyConsequences: textOrNull(data.likelyConsequences),
    measures: textOrNull(data.measures),
  } as OpenIncidentInput;
}

export const incidentQueries: ResourceQueries = {
  async getList(_resource, params) {
    const status = params.filter?.status || null;
    const { incidents } = await staffGraphql(
      graphql(`query Incidents($status: IncidentStatus) { incidents(status: $status) { ...IncidentFields } }`),
      { status },
      params.signal,
    );
    // The register is short: the API gives it whole, newest first, and the page is cut here.
    const { page = 1, perPage = 25 } = params.pagination ?? {};
    return { data: incidents.slice((page - 1) * perPage, page * perPage) as never[], total: incidents.length };
  },

  async getOne(_resource, params) {
    const { incident } = await staffGraphql(
      graphql(`query Incident($id: ID!) {
        incident(id: $id) { __typename ... on QueryIncidentSuccess { data { ...IncidentFields } } ... on Error { code message } }
      }`),
      { id: params.id },
      params.signal,
    );
    return { data: dataOf(incident) as never };
  },

  async create(_resource, params) {
    const { openIncident } = await staffGraphql(
      graphql(`mutation OpenIncident($input: OpenIncidentInput!) {
        openIncident(input: $input) {
          __typename ... on MutationOpenIncidentSuccess { data { ...IncidentFields } } ... on Error { code message }
        }
      }`),
      { input: incidentInput(params.data) },
    );
    return { data: dataOf(openIncident) as never };
  },

  async update(_resource, params) {
    const { updateIncident } = await staffGraphql(
      graphql(`mutation UpdateIncident($id: ID!, $input: UpdateIncidentInput!) {
        updateIncident(id: $id, input: $input) {
          __typename ... on MutationUpdateIncidentSuccess { data { ...IncidentFields } } ... on Error { code message }
        }
      }`),
      { id: params.id, input: { ...incidentInput(params.data), status: params.data.status as IncidentStatus } },
    );
    return { data: dataOf(updateIncident) as never };
  },
};

export async function recordAuthorityDecision(
  id: string,
  input: { decision: IncidentDecision; reason: string; notifiedAt?: string | null },
): Promise<IncidentRecord> {
  const { recordAuthorityDecision: result } = await staffGraphql(
    graphql(`mutation RecordAuthorityDecision($id: ID!, $input: AuthorityDecisionInput!) {
      recordAuthorityDecision(id: $id, input: $input) {
        __typename ... on MutationRecordAuthorityDecisionSuccess { data { ...IncidentFields } } ... on Error { code message }
      }
    }`),
    { id, input: { ...input, notifiedAt: instant(input.notifiedAt) } },
  );
  return dataOf(result);
}

export async function recordPeopleDecision(
  id: string,
  input: { decision: IncidentDecision; reason: string },
): Promise<IncidentRecord> {
  const { recordPeopleDecision: result } = await staffGraphql(
    graphql(`mutation RecordPeopleDecision($id: ID!, $input: PeopleDecisionInput!) {
      recordPeopleDecision(id: $id, input: $input) {
        __typename ... on MutationRecordPeopleDecisionSuccess { data { ...IncidentFields } } ... on Error { code message }
      }
    }`),
    { id, input },
  );
  return dataOf(result);
}

export async function closeIncident(id: string): Promise<IncidentRecord> {
  const { closeIncident: result } = await staffGraphql(
    graphql(`mutation CloseIncident($id: ID!) {
      closeIncident(id: $id) {
        __typename ... on MutationCloseIncidentSuccess { data { ...IncidentFields } } ... on Error { code message }
      }
    }`),
    { id },
  );
  return dataOf(result);
}

function audienceInput(audience: Audience): IncidentAudienceInput {
  return {
    kind: audience.kind,
    from: instant(audience.from),
    to: instant(audience.to),
    countryCode: audience.countryCode?.trim() || null,
    serviceCode: audience.serviceCode?.trim() || null,
  } as IncidentAudienceInput;
}

/** How many accounts the selection reaches, and how many of them were already told; nothing personal. */
export async function previewAudience(
  incidentId: string,
  audience: Audience,
): Promise<{ accounts: number; alreadyNotified: number }> {
  const { previewIncidentAudience: result } = await staffGraphql(
    graphql(`query PreviewIncidentAudience($incidentId: ID!, $audience: IncidentAudienceInput!) {
      previewIncidentAudience(incidentId: $incidentId, audience: $audience) {
        __typename ... on QueryPreviewIncidentAudienceSuccess { data { accounts alreadyNotified } } ... on Error { code message }
      }
    }`),
    { incidentId, audience: audienceInput(audience) },
  );
  return dataOf(result);
}

/** Emails the notice to every selected account not yet told about this incident. */
export async function notifyAudience(
  incidentId: string,
  audience: Audience,
  notice: { subject: string; body: string },
): Promise<{ notified: number; alreadyNotified: number }> {
  const { notifyIncidentAudience: result } = await staffGraphql(
    graphql(`mutation NotifyIncidentAudience($incidentId: ID!, $audience: IncidentAudienceInput!, $notice: IncidentNoticeInput!) {
      notifyIncidentAudience(incidentId: $incidentId, audience: $audience, notice: $notice) {
        __typename ... on MutationNotifyIncidentAudienceSuccess { data { notified alreadyNotified } } ... on Error { code message }
      }
    }`),
    { incidentId, audience: audienceInput(audience), notice },
  );
  return dataOf(result);
}
