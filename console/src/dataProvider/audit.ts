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

/**
 * The log is paged by cursor, newest first; react-admin asks for page numbers.
 * Page n is the last `perPage` of the first n × perPage entries.
 */
async function getList(_resource: string, params: GetListParams): Promise<GetListResult<AuditEntryRecord>> {
  const { page, perPage } = params.pagination ?? { page: 1, perPage: 25 };
  const { auditEntries } = await staffGraphql(
    graphql(`query AuditEntries($filter: AuditEntryFilter, $first: Int) {
      auditEntries(filter: $filter, first: $first) {
        edges { node { seq at actorType actorId action subjectType subjectId reason details note } }
        pageInfo { hasNextPage }
      }
    }`),
    { filter: auditFilter(params.filter ?? {}), first: page * perPage },
    params.signal,
  );
  const data = auditEntries.edges.slice((page - 1) * perPage).map(({ node }) => ({ id: node.seq, ...node }));
  return { data, pageInfo: { hasNextPage: auditEntries.pageInfo.hasNextPage, hasPreviousPage: page > 1 } };
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
