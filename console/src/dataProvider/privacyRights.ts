/**
 * The staff API operations that carry out a request's right (P14-P17): access
 * export, correction, erasure plan/approve/run, restriction and objection.
 * Each returns the mutation's result, or throws an Error whose message is the
 * typed error's own (`code` attached) so the console can show it as it is.
 */
import { graphql } from "../generated/gql.ts";
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

graphql(`
  fragment ErasurePlanFields on ErasurePlan {
    id status preparedBy approvedBy steps { model action rows anonymise kept keptUnder keptUntil why } recipients { recipient received } scan { clean tables hits { kind column rows explanation } kept { model fields under until why } }
  }
`);

/** The success member of a mutation's union result; an Error member is thrown as a RightsActionError. */
function answered<Result extends { __typename?: string }>(result: Result): Exclude<Result, { code: string }> {
  if ("code" in result && typeof result.code === "string") {
    const message = "message" in result && typeof result.message === "string" ? result.message : result.code;
    throw new RightsActionError(message, result.code);
  }
  return result as Exclude<Result, { code: string }>;
}

export async function prepareAccessExport(requestId: string) {
  const { prepareAccessExport: result } = await staffGraphql(
    graphql(`mutation PrepareAccessExport($id: ID!) {
      prepareAccessExport(requestId: $id) { __typename ... on AccessExportPrepared { expiresAt } ... on Error { code message } }
    }`),
    { id: requestId },
  );
  return answered(result);
}

export async function applyCorrection(input: { requestId: string; field: string; value: string; recordId?: string | null }) {
  const { applyCorrection: result } = await staffGraphql(
    graphql(`mutation ApplyCorrection($input: ApplyCorrectionInput!) {
      applyCorrection(input: $input) {
        __typename ... on PrivacyCorrection { id field beforeValue afterValue appliedAt } ... on Error { code message }
      }
    }`),
    { input },
  );
  return answered(result);
}

export async function privacyCorrections(requestId: string): Promise<PrivacyCorrection[]> {
  const data = await staffGraphql(
    graphql(
      `query PrivacyCorrections($id: ID!) { privacyCorrections(requestId: $id) { id field beforeValue afterValue appliedAt } }`,
    ),
    { id: requestId },
  );
  return data.privacyCorrections;
}

export async function erasurePlans(requestId: string): Promise<ErasurePlan[]> {
  const data = await staffGraphql(
    graphql(`query ErasurePlans($id: ID!) { erasurePlans(requestId: $id) { ...ErasurePlanFields } }`),
    { id: requestId },
  );
  // The API types action and status as strings; the console knows their values.
  return data.erasurePlans as ErasurePlan[];
}

export async function planErasure(requestId: string): Promise<ErasurePlan> {
  const { planErasure: result } = await staffGraphql(
    graphql(`mutation PlanErasure($id: ID!) {
      planErasure(requestId: $id) { __typename ... on ErasurePlan { ...ErasurePlanFields } ... on Error { code message } }
    }`),
    { id: requestId },
  );
  return answered(result) as ErasurePlan;
}

export async function approveErasure(planId: string): Promise<ErasurePlan> {
  const { approveErasure: result } = await staffGraphql(
    graphql(`mutation ApproveErasure($id: ID!) {
      approveErasure(planId: $id) { __typename ... on ErasurePlan { ...ErasurePlanFields } ... on Error { code message } }
    }`),
    { id: planId },
  );
  return answered(result) as ErasurePlan;
}

export async function runErasure(planId: string): Promise<ErasurePlan> {
  const { runErasure: result } = await staffGraphql(
    graphql(`mutation RunErasure($id: ID!) {
      runErasure(planId: $id) { __typename ... on ErasurePlan { ...ErasurePlanFields } ... on Error { code message } }
    }`),
    { id: planId },
  );
  return answered(result) as ErasurePlan;
}

export async function applyRestriction(requestId: string) {
  const { applyRestriction: result } = await staffGraphql(
    graphql(`mutation ApplyRestriction($id: ID!) {
      applyRestriction(requestId: $id) { __typename ... on RestrictionState { restricted } ... on Error { code message } }
    }`),
    { id: requestId },
  );
  return answered(result);
}

export async function liftRestriction(requestId: string) {
  const { liftRestriction: result } = await staffGraphql(
    graphql(`mutation LiftRestriction($id: ID!) {
      liftRestriction(requestId: $id) { __typename ... on RestrictionState { restricted } ... on Error { code message } }
    }`),
    { id: requestId },
  );
  return answered(result);
}

export async function recordObjection(requestId: string, path: string) {
  const { recordObjection: result } = await staffGraphql(
    graphql(`mutation RecordObjection($id: ID!, $path: String!) {
      recordObjection(requestId: $id, path: $path) {
        __typename ... on ProcessingObjection { path recordedAt } ... on Error { code message }
      }
    }`),
    { id: requestId, path },
  );
  return answered(result);
}

export async function processingPaths(): Promise<Array<{ path: string; description: string }>> {
  const data = await staffGraphql(graphql(`query ProcessingPaths { processingPaths { path description } }`), {});
  return data.processingPaths;
}
