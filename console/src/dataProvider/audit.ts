/**
 * The audit log resource (`auditEntries`) and its verification, over the
 * staff API: entries newest first with filters, and `verifyAuditChain`.
 */
import type { GetListParams, GetListResult } from "react-admin";
import { graphql } from "../generated/gql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

export interface AuditEntryRecord {
  id: string;
  seq: string;
  at: string;
  actorType: "ACCOUNT" | "STAFF" | "SYSTEM";
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  reason: string | null;
  details: string;
  note: string | null;
}

const filterFields = ["actorType", "actorId", "action", "subjectType", "subjectId", "from", "to"] as const;

/** The list's filter values as the API's AuditEntryFilter: empty inputs are left out. */
function auditFilter(filter: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of filterFields) {
    const value = filter[field];
    if (typeof value !== "string" || value.trim() === "") continue;
    out[field] = field === "from" || field === "to" ? new Date(value).toISOString() : value.trim();
  }
  return out;
}

/** A numbered page of the log, newest first, skipped to by the server. */
async function getList(_resource: string, params: GetListParams): Promise<GetListResult<AuditEntryRecord>> {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
  const { auditEntryPage } = await staffGraphql(
    graphql(`query AuditEntryPage($filter: AuditEntryFilter, $page: Int!, $perPage: Int!) {
      auditEntryPage(filter: $filter, page: $page, perPage: $perPage) {
        __typename
        ... on AuditEntryPage {
          entries { seq at actorType actorId action subjectType subjectId reason details note }
          hasNextPage
        }
        ... on Error { message }
      }
    }`),
    { filter: auditFilter(params.filter ?? {}), page, perPage },
    params.signal,
  );
  if (auditEntryPage.__typename !== "AuditEntryPage") throw new Error(auditEntryPage.message);
  const data = auditEntryPage.entries.map((entry) => ({ id: entry.seq, ...entry }));
  return { data, pageInfo: { hasNextPage: auditEntryPage.hasNextPage, hasPreviousPage: page > 1 } };
}

// react-admin's getList is generic in the record type; this one returns audit entries.
export const auditQueries: ResourceQueries = { getList: getList as ResourceQueries["getList"] };

export type AuditChainProblem =
  | "CHAIN_BROKEN"
  | "HASH_MISMATCH"
  | "CHECKPOINT_MISSING"
  | "CHECKPOINT_MISMATCH"
  | "CHECKPOINT_SIGNATURE_INVALID"
  | "TRUNCATED";

export interface AuditChainVerification {
  valid: boolean;
  entries: number;
  brokenAtSeq: string | null;
  brokenAtPosition: number | null;
  problem: AuditChainProblem | null;
}

/** Verifies the chain from the first entry (the server records that it did). */
export async function verifyAuditChain(): Promise<AuditChainVerification> {
  const { verifyAuditChain: result } = await staffGraphql(
    graphql(`mutation VerifyAuditChain {
      verifyAuditChain {
        __typename
        ... on AuditChainVerification { valid entries brokenAtSeq brokenAtPosition problem }
        ... on Error { message }
      }
    }`),
    {},
  );
  if ("message" in result) throw new Error(result.message);
  return result;
}
