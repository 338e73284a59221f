import { PurgeRunList } from "./PurgeRunList.tsx";
import { PurgeRunShow } from "./PurgeRunShow.tsx";

/** Purge runs and their reports (P8), for compliance staff: the evidence that retention is enforced. */
export default {
  list: PurgeRunList,
  show: PurgeRunShow,
  options: { label: "Purge runs" },
};
