import { Admin, Resource } from "react-admin";
import { authProvider } from "./authProvider.ts";
import { Dashboard } from "./dashboard/Dashboard.tsx";
import { dataProvider } from "./dataProvider/index.ts";
import { i18nProvider } from "./i18n/index.ts";
import { Login } from "./layout/Login.tsx";
import requests from "./requests/index.ts";
import tickets from "./tickets/index.ts";

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
    {/* Each resource: its folder's config, its queries in dataProvider/. The queue comes first (P18). */}
    <Resource name="privacyRequests" {...requests} />
    <Resource name="supportTickets" {...tickets} />
  </Admin>
);
