import { Admin, memoryStore, Resource } from "react-admin";
import abuseSignals from "./abuseSignals/index.ts";
import accounts from "./accounts/index.ts";
import { auditEntries } from "./audit/index.ts";
import { authProvider } from "./authProvider.ts";
import browserStorage from "./browserStorage/index.tsx";
import { catalogueCountries, cataloguePrices, catalogueServices } from "./catalogue/index.ts";
import { dataProvider } from "./dataProvider/index.ts";
import { i18nProvider } from "./i18n/index.ts";
import incidents from "./incidents/index.ts";
import { Layout } from "./layout/Layout.tsx";
import { Login } from "./layout/Login.tsx";
import { darkTheme, lightTheme } from "./layout/themes.ts";
import { lazyView } from "./lazyView.ts";
import legalHolds from "./legalHolds/index.ts";
import numberPool from "./numberPool/index.ts";
import policyVersions from "./policyVersions/index.tsx";
import purgeRuns from "./purgeRuns/index.ts";
import { queryClient } from "./queryClient.ts";
import recordsOfProcessing from "./recordsOfProcessing/index.ts";
import requests from "./requests/index.ts";
import retentionPolicies from "./retentionPolicies/index.ts";
import staff from "./staff/index.ts";
import subProcessors from "./subProcessors/index.tsx";
import tickets from "./tickets/index.ts";

/** Loaded after sign-in, with its charts: the sign-in page needs neither. */
const Dashboard = lazyView(() => import("./dashboard/Dashboard.tsx"), "Dashboard");

/** Whether the signed-in member's capabilities (authProvider.getPermissions) include `permission`. */
const holds = (permissions: unknown, permission: string) => Array.isArray(permissions) && permissions.includes(permission);

export const App = () => (
  <Admin
    title="SMSAPE staff console"
    authProvider={authProvider}
    queryClient={queryClient}
    dataProvider={dataProvider}
    i18nProvider={i18nProvider}
    dashboard={Dashboard}
    loginPage={Login}
    layout={Layout}
    // Light and dark, following the system's preference until the member picks one in the app bar.
    theme={lightTheme}
    darkTheme={darkTheme}
    requireAuth
    // react-admin otherwise reports the console's hostname to marmelab.
    disableTelemetry
    // Interface state (list filters, sidebar) stays in memory: nothing a staff member
    // searched for is left in the browser, which holds only the session cookie (P19).
    store={memoryStore()}
  >
    {(permissions) => (
      <>
        {/* Each resource shows only to members whose role holds its permission (docs/privacy.md, "Staff roles"). */}
        {/* The privacy queue comes first (P18). */}
        {holds(permissions, "requests.read") ? <Resource name="privacyRequests" {...requests} /> : null}
        {holds(permissions, "tickets.handle") ? <Resource name="supportTickets" {...tickets} /> : null}
        {holds(permissions, "accounts.read") ? <Resource name="accounts" {...accounts} /> : null}
        {holds(permissions, "abuse.read") ? <Resource name="abuseSignals" {...abuseSignals} /> : null}
        {holds(permissions, "incidents.read") ? <Resource name="incidents" {...incidents} /> : null}
        {holds(permissions, "retention.read") ? <Resource name="retentionPolicies" {...retentionPolicies} /> : null}
        {holds(permissions, "retention.read") ? <Resource name="purgeRuns" {...purgeRuns} /> : null}
        {holds(permissions, "retention.read") ? <Resource name="legalHolds" {...legalHolds} /> : null}
        {holds(permissions, "policy.read") ? <Resource name="policyVersions" {...policyVersions} /> : null}
        {holds(permissions, "records.read") ? <Resource name="recordsOfProcessing" {...recordsOfProcessing} /> : null}
        <Resource name="subProcessors" {...subProcessors} />
        <Resource name="browserStorage" {...browserStorage} />
        {holds(permissions, "audit.read") ? <Resource name="auditEntries" {...auditEntries} /> : null}
        {holds(permissions, "staff.manage") ? <Resource name="staff" {...staff} /> : null}
        {holds(permissions, "catalogue.manage") ? <Resource name="poolNumbers" {...numberPool} /> : null}
        {holds(permissions, "catalogue.manage") ? <Resource name="catalogueCountries" {...catalogueCountries} /> : null}
        {holds(permissions, "catalogue.manage") ? <Resource name="catalogueServices" {...catalogueServices} /> : null}
        {holds(permissions, "catalogue.manage") ? <Resource name="cataloguePrices" {...cataloguePrices} /> : null}
      </>
    )}
  </Admin>
);
