import { Admin, memoryStore, Resource } from "react-admin";
import accounts from "./accounts/index.ts";
import { authProvider } from "./authProvider.ts";
import browserStorage from "./browserStorage/index.tsx";
import { Dashboard } from "./dashboard/Dashboard.tsx";
import { dataProvider } from "./dataProvider/index.ts";
import { i18nProvider } from "./i18n/index.ts";
import incidents from "./incidents/index.ts";
import { Login } from "./layout/Login.tsx";
import policyVersions from "./policyVersions/index.tsx";
import subProcessors from "./subProcessors/index.tsx";

export const App = () => (
  <Admin
    title="SMSAPE staff console"
    authProvider={authProvider}
    dataProvider={dataProvider}
    i18nProvider={i18nProvider}
    dashboard={Dashboard}
    loginPage={Login}
    requireAuth
    // react-admin otherwise reports the console's hostname to marmelab.
    disableTelemetry
    // Interface state (list filters, sidebar) stays in memory: nothing a staff member
    // searched for is left in the browser, which holds only the session cookie (P19).
    store={memoryStore()}
  >
    {/*
      Placeholder until the privacy request screens exist: with no resource at all,
      react-admin shows its "empty admin" page and never reaches the login page.
      Resources (privacy requests, audit log, retention) are registered here as
      `<Resource name=… {...config} />`, each with its queries in dataProvider/.
    */}
    <Resource name="privacyRequests" />
    <Resource name="accounts" {...accounts} />
    <Resource name="browserStorage" {...browserStorage} />
    <Resource name="policyVersions" {...policyVersions} />
    <Resource name="subProcessors" {...subProcessors} />
    <Resource name="incidents" {...incidents} />
  </Admin>
);
