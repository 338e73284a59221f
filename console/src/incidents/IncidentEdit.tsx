import { Edit } from "react-admin";
import { IncidentForm } from "./IncidentForm.tsx";

export const IncidentEdit = () => (
  <Edit mutationMode="pessimistic" redirect="show">
    <IncidentForm editing />
  </Edit>
);
