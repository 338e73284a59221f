/** The sub-processor register, as the API lists it (P13). */

import { graphql } from "../generated/gql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

export const subProcessorQueries: ResourceQueries = {
  async getList(_resource, params) {
    const { subProcessors } = await staffGraphql(
      graphql(`query SubProcessors { subProcessors { key name purpose receives neverReceives direction location since } }`),
      {},
      params.signal,
    );
    const data = subProcessors.map((entry) => ({ id: entry.key, ...entry }));
    return { data: data as never[], total: data.length };
  },
};
