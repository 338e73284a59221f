import { lazyView } from "../lazyView.ts";

/** The breach register (P21), for compliance staff. */
export default {
  list: lazyView(() => import("./IncidentList.tsx"), "IncidentList"),
  show: lazyView(() => import("./IncidentShow.tsx"), "IncidentShow"),
  create: lazyView(() => import("./IncidentCreate.tsx"), "IncidentCreate"),
  edit: lazyView(() => import("./IncidentEdit.tsx"), "IncidentEdit"),
  options: { label: "Incidents" },
  recordRepresentation: "reference",
};
