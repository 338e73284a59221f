/**
 * The console's only gateway to the staff GraphQL API at /admin/graphql.
 * Everything that knows how the API is shaped lives in this folder: the fetch
 * helper, the session operations the authProvider uses, and the per-resource
 * queries behind react-admin's DataProvider.
 */
import type { DataProvider } from "react-admin";
import { abuseSignalQueries } from "./abuseSignals.ts";
import { accountQueries } from "./accounts.ts";
import { auditQueries } from "./audit.ts";
import { browserStorageQueries } from "./browserStorage.ts";
import { countryQueries, poolNumberQueries, priceQueries, serviceQueries } from "./catalogue.ts";
import { incidentQueries } from "./incidents.ts";
import { policyVersionQueries } from "./policyVersions.ts";
import { privacyRequestQueries } from "./privacyRequests.ts";
import { recordsOfProcessingQueries } from "./recordsOfProcessing.ts";
import { legalHoldQueries, purgeRunQueries, retentionPolicyQueries } from "./retention.ts";
import { staffQueries, staffSessionQueries } from "./staff.ts";
import { subProcessorQueries } from "./subProcessors.ts";
import { ticketQueries } from "./tickets.ts";

export * as accounts from "./accounts.ts";
export * as incidents from "./incidents.ts";
export * as retention from "./retention.ts";
export { STAFF_GRAPHQL_URL, staffGraphql } from "./staffGraphql.ts";
export type { SecondFactorStep, StaffMember, StaffRole } from "./staffSession.ts";
export * as staffSession from "./staffSession.ts";

/**
 * How one react-admin resource maps onto staff API operations. A resource
 * (privacy requests, audit log, retention) adds its file to this folder and one
 * line to `resources`; it implements only the methods its screens use.
 */
export type ResourceQueries = Partial<Pick<DataProvider, DataProviderMethod>>;

type DataProviderMethod =
  | "getList"
  | "getOne"
  | "getMany"
  | "getManyReference"
  | "create"
  | "update"
  | "updateMany"
  | "delete"
  | "deleteMany";

const resources: Record<string, ResourceQueries> = {
  abuseSignals: abuseSignalQueries,
  accounts: accountQueries,
  browserStorage: browserStorageQueries,
  subProcessors: subProcessorQueries,
  policyVersions: policyVersionQueries,
  incidents: incidentQueries,
  staff: staffQueries,
  staffSessions: staffSessionQueries,
  auditEntries: auditQueries,
  privacyRequests: privacyRequestQueries,
  supportTickets: ticketQueries,
  retentionPolicies: retentionPolicyQueries,
  purgeRuns: purgeRunQueries,
  legalHolds: legalHoldQueries,
  recordsOfProcessing: recordsOfProcessingQueries,
  catalogueCountries: countryQueries,
  catalogueServices: serviceQueries,
  cataloguePrices: priceQueries,
  poolNumbers: poolNumberQueries,
};

/** Erases each method's own parameter and result types: the resource's handler declares them. */
type ResourceHandler = (resource: string, params: unknown) => Promise<unknown>;

function forResource<Method extends DataProviderMethod>(method: Method): DataProvider[Method] {
  const dispatch: ResourceHandler = (resource, params) => {
    const handler = resources[resource]?.[method] as ResourceHandler | undefined;
    if (!handler) {
      return Promise.reject(new Error(`The staff console cannot ${method} "${resource}" yet.`));
    }
    return handler(resource, params);
  };
  return dispatch as DataProvider[Method];
}

export const dataProvider: DataProvider = {
  getList: forResource("getList"),
  getOne: forResource("getOne"),
  getMany: forResource("getMany"),
  getManyReference: forResource("getManyReference"),
  create: forResource("create"),
  update: forResource("update"),
  updateMany: forResource("updateMany"),
  delete: forResource("delete"),
  deleteMany: forResource("deleteMany"),
  // staffGraphql forwards react-admin's abort signal to fetch.
  supportAbortSignal: true,
};
