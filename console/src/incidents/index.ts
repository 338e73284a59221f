import { IncidentCreate } from "./IncidentCreate.tsx";
import { IncidentEdit } from "./IncidentEdit.tsx";
import { IncidentList } from "./IncidentList.tsx";
import { IncidentShow } from "./IncidentShow.tsx";

/** The breach register (P21), for compliance staff. */
export default {
  list: IncidentList,
  show: IncidentShow,
  create: IncidentCreate,
  edit: IncidentEdit,
  options: { label: "Incidents" },
  recordRepresentation: "reference",
};
