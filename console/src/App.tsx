import { Admin, Resource } from "react-admin";
import { auditEntries } from "./audit/index.ts";
import { authProvider } from "./authProvider.ts";
import { Dashboard } from "./dashboard/Dashboard.tsx";
import { dataProvider } from "./dataProvider/index.ts";
import { i18nProvider } from "./i18n/index.ts";
import { Login } from "./layout/Login.tsx";

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
  >
    {/*
      Placeholder until the privacy request screens exist: with no resource at all,
      react-admin shows its "empty admin" page and never reaches the login page.
      Resources (privacy requests, audit log, retention) are registered here as
      `<Resource name=… {...config} />`, each with its queries in dataProvider/.
    */}
    <Resource name="privacyRequests" />
    <Resource name="auditEntries" {...auditEntries} />
  </Admin>
);
