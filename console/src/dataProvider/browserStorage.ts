/** The cookies and browser storage the service sets, as the API lists them (P19). */

import { graphql } from "../generated/gql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

export const browserStorageQueries: ResourceQueries = {
  async getList(_resource, params) {
    const { browserStorage } = await staffGraphql(
      graphql(`query BrowserStorage { browserStorage { name kind setBy purpose lifetime strictlyNecessary } }`),
      {},
      params.signal,
    );
    const data = browserStorage.map((entry) => ({ id: `${entry.kind}:${entry.name}`, ...entry }));
    return { data: data as never[], total: data.length };
  },
};
