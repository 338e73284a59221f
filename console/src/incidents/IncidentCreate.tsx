import { Create } from "react-admin";
import { IncidentForm } from "./IncidentForm.tsx";

export const IncidentCreate = () => (
  <Create title="smsape.incidents.open" redirect="show">
    <IncidentForm />
  </Create>
);
