/**
 * Retention through the staff API (P8): the policies (list, page, changing a
 * period), their dry runs and purges, the purge runs with their reports, and
 * legal holds (list, page, place, lift).
 */
import { HttpError } from "react-admin";
import { graphql } from "../generated/gql.ts";
import type { ResourceQueries } from "./index.ts";
import { type Succeeded, staffGraphql, succeeded } from "./staffGraphql.ts";

export const retentionEvents = [
  "SMS_RECEIVED",
  "ACTIVATION_ENDED",
  "SESSION_ENDED",
  "TOKEN_ENDED",
  "EMAIL_DELIVERED",
  "REQUEST_COMPLETED",
  "ACCOUNT_ERASED",
  "RECORD_CREATED",
] as const;
export const legalHoldScopes = ["ACCOUNT", "CATEGORY"] as const;
/** The holds list's filter: holding now, or lifted or past their end date. */
export const legalHoldStates = ["ACTIVE", "ENDED"] as const;

export type LegalHoldScope = (typeof legalHoldScopes)[number];

export interface PurgeRunRecord {
  id: string;
  policyKey: string;
  trigger: "SCHEDULE" | "STAFF";
  startedById: string | null;
  status: "RUNNING" | "COMPLETED";
  startedAt: string;
  finishedAt: string | null;
  cutoff: string;
  batches: number;
  examined: number;
  deleted: number;
  anonymised: number;
  heldBack: number;
  busyMs: number;
}

export interface RetentionPolicyRecord {
  id: string;
  key: string;
  description: string;
  retentionSecs: number;
  countedFrom: (typeof retentionEvents)[number];
  action: "DELETE" | "ANONYMISE";
  legalBasis: string;
  updatedAt: string;
  updatedById: string | null;
  lastRun: PurgeRunRecord | null;
}

export interface DryRunResult {
  policyKey: string;
  retentionSecs: number;
  cutoff: string;
  due: number;
  heldBack: number;
  oldest: string | null;
}

export interface LegalHoldRecord {
  id: string;
  scope: LegalHoldScope;
  accountId: string | null;
  policyKey: string | null;
  reasonCode: string;
  placedById: string;
  placedAt: string;
  until: string | null;
  liftedAt: string | null;
  liftedById: string | null;
  liftReason: string | null;
  active: boolean;
}

interface ErrorResult {
  __typename: string;
  code: string;
  message: string;
  issues?: Array<{ field: string; message: string }>;
}

/**
 * A typed error result becomes an HttpError with the server's message. A
 * validation error also carries its issues by field (`fields` renames the
 * API's argument names to the form's), which react-admin's forms show under
 * each input, with the server's message as the form's notification.
 */
function failed(result: ErrorResult, fields: Record<string, string> = {}): never {
  const errors = result.issues?.length
    ? {
        ...Object.fromEntries(result.issues.map((issue) => [fields[issue.field] ?? issue.field, issue.message])),
        root: { serverError: result.message },
      }
    : undefined;
  throw new HttpError(result.message, 400, { code: result.code, ...(errors ? { errors } : {}) });
}

function dataOf<Result>(result: Result, fields?: Record<string, string>): Succeeded<Result>["data"] {
  if (!succeeded(result)) failed(result as ErrorResult, fields);
  return result.data;
}

/** Only for results whose union has ValidationError: a fragment on a type outside the union is refused. */
graphql(`
  fragment PurgeRunFields on PurgeRun {
    id policyKey trigger startedById status startedAt finishedAt cutoff batches examined deleted anonymised heldBack busyMs
  }
`);
graphql(`
  fragment RetentionPolicyFields on RetentionPolicy {
    id key description retentionSecs countedFrom action legalBasis updatedAt updatedById lastRun { ...PurgeRunFields }
  }
`);
graphql(`
  fragment LegalHoldFields on LegalHold {
    id scope accountId policyKey reasonCode placedById placedAt until liftedAt liftedById liftReason active
  }
`);

/** The API gives whole lists (policies are few, holds and runs capped); react-admin's page is cut here. */
function page<T>(all: T[], pagination?: { page: number; perPage: number }) {
  const { page = 1, perPage = 25 } = pagination ?? {};
  return { data: all.slice((page - 1) * perPage, page * perPage) as never[], total: all.length };
}

async function allPolicies(signal?: AbortSignal): Promise<RetentionPolicyRecord[]> {
  const { retentionPolicies } = await staffGraphql(
    graphql(`query RetentionPolicies { retentionPolicies { ...RetentionPolicyFields } }`),
    {},
    signal,
  );
  return retentionPolicies;
}

export const retentionPolicyQueries: ResourceQueries = {
  async getList(_resource, params) {
    return page(await allPolicies(params.signal), params.pagination);
  },

  async getMany(_resource, params) {
    const ids = new Set(params.ids.map(String));
    return { data: (await allPolicies(params.signal)).filter((policy) => ids.has(policy.id)) as never[] };
  },

  async getOne(_resource, params) {
    const { retentionPolicy } = await staffGraphql(
      graphql(`query RetentionPolicy($key: String!) {
        retentionPolicy(key: $key) { __typename ... on QueryRetentionPolicySuccess { data { ...RetentionPolicyFields } } ... on Error { code message } }
      }`),
      { key: String(params.id) },
      params.signal,
    );
    return { data: dataOf(retentionPolicy) as never };
  },

  /** Changes the period only: `retentionSecs` and the `reasonCode` the audit entry keeps. */
  async update(_resource, params) {
    const { retentionSecs, reasonCode } = params.data as { retentionSecs: number; reasonCode: string };
    const { updateRetentionPeriod } = await staffGraphql(
      graphql(`mutation UpdateRetentionPeriod($key: String!, $retentionSecs: Int!, $reasonCode: String!) {
        updateRetentionPeriod(key: $key, retentionSecs: $retentionSecs, reasonCode: $reasonCode) {
          __typename ... on MutationUpdateRetentionPeriodSuccess { data { ...RetentionPolicyFields } } ... on Error { code message } ... on ValidationError { issues { field message } }
        }
      }`),
      { key: String(params.id), retentionSecs, reasonCode: reasonCode?.trim() ?? "" },
    );
    // The form asks for the period as an amount and a unit.
    return { data: dataOf(updateRetentionPeriod, { retentionSecs: "periodAmount" }) as never };
  },
};

/** What the policy's purge would do now, with its period or a proposed one; changes nothing. */
export async function dryRun(key: string, retentionSecs?: number): Promise<DryRunResult> {
  const { retentionDryRun } = await staffGraphql(
    graphql(`query RetentionDryRun($key: String!, $retentionSecs: Int) {
      retentionDryRun(key: $key, retentionSecs: $retentionSecs) {
        __typename ... on QueryRetentionDryRunSuccess { data { policyKey retentionSecs cutoff due heldBack oldest } } ... on Error { code message }
      }
    }`),
    { key, retentionSecs: retentionSecs ?? null },
  );
  return dataOf(retentionDryRun);
}

/** Starts a run of the policy's purge; it goes on in the background (follow it with `purgeRun`). */
export async function startPurge(key: string): Promise<PurgeRunRecord> {
  const { startPurge: result } = await staffGraphql(
    graphql(`mutation StartPurge($key: String!) {
      startPurge(key: $key) { __typename ... on MutationStartPurgeSuccess { data { ...PurgeRunFields } } ... on Error { code message } }
    }`),
    { key },
  );
  return dataOf(result);
}

export async function purgeRun(id: string, signal?: AbortSignal): Promise<PurgeRunRecord> {
  const { purgeRun: result } = await staffGraphql(
    graphql(`query PurgeRun($id: ID!) {
      purgeRun(id: $id) { __typename ... on QueryPurgeRunSuccess { data { ...PurgeRunFields } } ... on Error { code message } }
    }`),
    { id },
    signal,
  );
  return dataOf(result);
}

/** The API keeps at most this many runs in one answer, newest first. */
const purgeRunsLimit = 200;

export const purgeRunQueries: ResourceQueries = {
  async getList(_resource, params) {
    const { page: pageNumber = 1, perPage = 25 } = params.pagination ?? {};
    // One more than the page needs tells whether there is a next page.
    const first = Math.min(pageNumber * perPage + 1, purgeRunsLimit);
    const { purgeRuns } = await staffGraphql(
      graphql(
        `query PurgeRuns($policyKey: String, $first: Int) { purgeRuns(policyKey: $policyKey, first: $first) { ...PurgeRunFields } }`,
      ),
      { policyKey: params.filter?.policyKey || null, first },
      params.signal,
    );
    const start = (pageNumber - 1) * perPage;
    const data = purgeRuns.slice(start, start + perPage) as never[];
    // Fewer runs than asked for: that is all of them, and the total is known.
    if (purgeRuns.length < first) return { data, total: purgeRuns.length };
    return { data, pageInfo: { hasPreviousPage: pageNumber > 1, hasNextPage: purgeRuns.length > start + perPage } };
  },

  async getOne(_resource, params) {
    return { data: (await purgeRun(String(params.id), params.signal)) as never };
  },
};

/** The form's date-and-time input gives a local time without a zone; the API takes an instant. */
function instant(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  return new Date(value as string).toISOString();
}

export const legalHoldQueries: ResourceQueries = {
  async getList(_resource, params) {
    const state = params.filter?.state as (typeof legalHoldStates)[number] | undefined;
    const { legalHolds } = await staffGraphql(
      graphql(
        `query LegalHolds($active: Boolean, $accountId: ID) { legalHolds(active: $active, accountId: $accountId) { ...LegalHoldFields } }`,
      ),
      {
        active: state === "ACTIVE" ? true : state === "ENDED" ? false : null,
        accountId: String(params.filter?.accountId ?? "").trim() || null,
      },
      params.signal,
    );
    return page(legalHolds, params.pagination);
  },

  async getOne(_resource, params) {
    const { legalHold } = await staffGraphql(
      graphql(`query LegalHold($id: ID!) {
        legalHold(id: $id) { __typename ... on QueryLegalHoldSuccess { data { ...LegalHoldFields } } ... on Error { code message } }
      }`),
      { id: String(params.id) },
      params.signal,
    );
    return { data: dataOf(legalHold) as never };
  },

  async create(_resource, params) {
    const data = params.data as Partial<LegalHoldRecord>;
    const scope = data.scope ?? "ACCOUNT";
    const { placeLegalHold } = await staffGraphql(
      graphql(`mutation PlaceLegalHold($input: PlaceLegalHoldInput!) {
        placeLegalHold(input: $input) {
          __typename ... on MutationPlaceLegalHoldSuccess { data { ...LegalHoldFields } } ... on Error { code message } ... on ValidationError { issues { field message } }
        }
      }`),
      {
        input: {
          scope,
          accountId: scope === "ACCOUNT" ? data.accountId?.trim() || null : null,
          policyKey: scope === "CATEGORY" ? data.policyKey || null : null,
          reasonCode: data.reasonCode?.trim() ?? "",
          until: instant(data.until),
        },
      },
    );
    return { data: dataOf(placeLegalHold) as never };
  },
};

export async function liftLegalHold(id: string, reasonCode: string): Promise<LegalHoldRecord> {
  const { liftLegalHold: result } = await staffGraphql(
    graphql(`mutation LiftLegalHold($id: ID!, $reasonCode: String!) {
      liftLegalHold(id: $id, reasonCode: $reasonCode) {
        __typename ... on MutationLiftLegalHoldSuccess { data { ...LegalHoldFields } } ... on Error { code message } ... on ValidationError { issues { field message } }
      }
    }`),
    { id, reasonCode: reasonCode.trim() },
  );
  return dataOf(result);
}
