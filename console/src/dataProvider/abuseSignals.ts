/**
 * Abuse signals through the staff API (P12): one day's counts per network or
 * API key (that day's keyed hash) and per service, never an account, email or
 * address. Read-only; the list is cut into pages here.
 */
import { graphql } from "../generated/gql.ts";
import type { AbuseSignalKeyKind, AbuseSignalsQuery } from "../generated/graphql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

export type { AbuseSignalKeyKind };
export const abuseSignalKeyKinds = ["NETWORK", "API_KEY", "SERVICE"] as const satisfies readonly AbuseSignalKeyKind[];

export type AbuseSignalRecord = AbuseSignalsQuery["abuseSignals"][number];

export const abuseSignalQueries: ResourceQueries = {
  async getList(_resource, params) {
    const filter = params.filter ?? {};
    const { abuseSignals } = await staffGraphql(
      graphql(`query AbuseSignals($days: Int, $keyKind: AbuseSignalKeyKind, $patternsOnly: Boolean) {
        abuseSignals(days: $days, keyKind: $keyKind, patternsOnly: $patternsOnly, first: 100) {
          id day keyKind key orders cancels cancelRate signInFailures rateLimited lastAt patterns
        }
      }`),
      {
        days: filter.days ? Number(filter.days) : 1,
        keyKind: filter.keyKind || null,
        patternsOnly: Boolean(filter.patternsOnly),
      },
      params.signal,
    );
    const { page = 1, perPage = 25 } = params.pagination ?? {};
    return { data: abuseSignals.slice((page - 1) * perPage, page * perPage) as never[], total: abuseSignals.length };
  },
};
