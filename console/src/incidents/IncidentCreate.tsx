import { Create } from "react-admin";
import { IncidentForm } from "./IncidentForm.tsx";

export const IncidentCreate = () => (
  <Create title="Open an incident" redirect="show">
    <IncidentForm />
  </Create>
);
