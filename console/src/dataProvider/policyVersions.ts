/** Privacy policy versions for staff (P2): the list, who accepted one, publishing a new one. */
import { HttpError } from "react-admin";
import { graphql } from "../generated/gql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql, succeeded } from "./staffGraphql.ts";

graphql(`
  fragment PolicyVersionFields on StaffPolicyVersion {
    version effectiveAt publishedAt publishedBy noticesCompletedAt acknowledgements
  }
`);

interface PolicyVersionRow {
  version: string;
}

const withId = <T extends PolicyVersionRow>(row: T) => ({ id: row.version, ...row });

export const policyVersionQueries: ResourceQueries = {
  async getList(_resource, params) {
    const { policyVersions } = await staffGraphql(
      graphql(`query PolicyVersions { policyVersions { ...PolicyVersionFields } }`),
      {},
      params.signal,
    );
    const data = policyVersions.map(withId);
    return { data: data as never[], total: data.length };
  },

  async getOne(_resource, params) {
    const { policyVersions, policyAcknowledgements } = await staffGraphql(
      graphql(`query PolicyVersion($version: String!) {
        policyVersions { ...PolicyVersionFields }
        policyAcknowledgements(version: $version) { accountId acknowledgedAt }
      }`),
      { version: String(params.id) },
      params.signal,
    );
    const row = policyVersions.find((candidate) => candidate.version === String(params.id));
    if (!row) throw new HttpError("That policy version does not exist.", 404);
    return { data: { ...withId(row), recentAcknowledgements: policyAcknowledgements } as never };
  },

  async create(_resource, params) {
    const input = params.data as { version: string; effectiveAt: string; text: string };
    const { publishPolicyVersion: result } = await staffGraphql(
      graphql(`mutation PublishPolicyVersion($input: PublishPolicyVersionInput!) {
        publishPolicyVersion(input: $input) {
          __typename
          ... on MutationPublishPolicyVersionSuccess { data { ...PolicyVersionFields } }
          ... on ValidationError { code message }
          ... on Error { code message }
        }
      }`),
      { input: { version: input.version, effectiveAt: new Date(input.effectiveAt).toISOString(), text: input.text } },
    );
    if (!succeeded(result)) throw new HttpError(result.message, 400, { code: result.code });
    return { data: withId(result.data) as never };
  },
};
