/**
 * The staff API operations that carry out a request's right (P14-P17): access
 * export, correction, erasure plan/approve/run, restriction and objection.
 * Each returns the mutation's result, or throws an Error whose message is the
 * typed error's own (`code` attached) so the console can show it as it is.
 */
import { staffGraphql } from "./staffGraphql.ts";

export interface ErasureStep {
  model: string;
  action: "delete" | "anonymise" | "keep";
  rows: number;
  anonymise: string[];
  kept: string[];
  keptUnder: string | null;
  keptUntil: string | null;
  why: string;
}

export interface ErasurePlan {
  id: string;
  status: "PREPARED" | "APPROVED" | "COMPLETED";
  preparedBy: string;
  approvedBy: string | null;
  steps: ErasureStep[];
  recipients: Array<{ recipient: string; received: string }>;
  scan: {
    clean: boolean;
    tables: number;
    hits: Array<{ kind: string; column: string; rows: number; explanation: string | null }>;
    kept: Array<{ model: string; fields: string[]; under: string | null; until: string | null; why: string }>;
  } | null;
}

export interface PrivacyCorrection {
  id: string;
  field: string;
  beforeValue: string | null;
  afterValue: string | null;
  appliedAt: string;
}

export class RightsActionError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const planFields = `id status preparedBy approvedBy
  steps { model action rows anonymise kept keptUnder keptUntil why }
  recipients { recipient received }
  scan { clean tables hits { kind column rows explanation } kept { model fields under until why } }`;
const errorFields = "... on Error { code message }";

/** The result of a mutation whose union has a success type and Error members. */
async function mutate<T>(field: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const data = await staffGraphql<Record<string, T & { __typename: string; code?: string; message?: string }>>(query, variables);
  const result = data[field];
  if (!result) throw new RightsActionError("The staff API gave no answer.", "NO_ANSWER");
  if (result.code) throw new RightsActionError(result.message ?? result.code, result.code);
  return result;
}

export function prepareAccessExport(requestId: string) {
  return mutate<{ expiresAt: string }>(
    "prepareAccessExport",
    `mutation($id: ID!) { prepareAccessExport(requestId: $id) { __typename ... on AccessExportPrepared { expiresAt } ${errorFields} } }`,
    { id: requestId },
  );
}

export function applyCorrection(input: { requestId: string; field: string; value: string; recordId?: string | null }) {
  return mutate<PrivacyCorrection>(
    "applyCorrection",
    `mutation($input: ApplyCorrectionInput!) { applyCorrection(input: $input) {
      __typename ... on PrivacyCorrection { id field beforeValue afterValue appliedAt } ${errorFields} } }`,
    { input },
  );
}

export async function privacyCorrections(requestId: string): Promise<PrivacyCorrection[]> {
  const data = await staffGraphql<{ privacyCorrections: PrivacyCorrection[] }>(
    `query($id: ID!) { privacyCorrections(requestId: $id) { id field beforeValue afterValue appliedAt } }`,
    { id: requestId },
  );
  return data.privacyCorrections;
}

export async function erasurePlans(requestId: string): Promise<ErasurePlan[]> {
  const data = await staffGraphql<{ erasurePlans: ErasurePlan[] }>(
    `query($id: ID!) { erasurePlans(requestId: $id) { ${planFields} } }`,
    { id: requestId },
  );
  return data.erasurePlans;
}

const planMutation = (field: string, argument: "requestId" | "planId") =>
  `mutation($id: ID!) { ${field}(${argument}: $id) { __typename ... on ErasurePlan { ${planFields} } ${errorFields} } }`;

export const planErasure = (requestId: string) =>
  mutate<ErasurePlan>("planErasure", planMutation("planErasure", "requestId"), { id: requestId });
export const approveErasure = (planId: string) =>
  mutate<ErasurePlan>("approveErasure", planMutation("approveErasure", "planId"), { id: planId });
export const runErasure = (planId: string) =>
  mutate<ErasurePlan>("runErasure", planMutation("runErasure", "planId"), { id: planId });

const restrictionMutation = (field: string) =>
  `mutation($id: ID!) { ${field}(requestId: $id) { __typename ... on RestrictionState { restricted } ${errorFields} } }`;

export const applyRestriction = (requestId: string) =>
  mutate<{ restricted: boolean }>("applyRestriction", restrictionMutation("applyRestriction"), { id: requestId });
export const liftRestriction = (requestId: string) =>
  mutate<{ restricted: boolean }>("liftRestriction", restrictionMutation("liftRestriction"), { id: requestId });

export function recordObjection(requestId: string, path: string) {
  return mutate<{ path: string; recordedAt: string }>(
    "recordObjection",
    `mutation($id: ID!, $path: String!) { recordObjection(requestId: $id, path: $path) {
      __typename ... on ProcessingObjection { path recordedAt } ${errorFields} } }`,
    { id: requestId, path },
  );
}

export async function processingPaths(): Promise<Array<{ path: string; description: string }>> {
  const data = await staffGraphql<{ processingPaths: Array<{ path: string; description: string }> }>(
    "{ processingPaths { path description } }",
  );
  return data.processingPaths;
}
