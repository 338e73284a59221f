import { lazyView } from "../lazyView.ts";

/** Purge runs and their reports (P8), for compliance staff: the evidence that retention is enforced. */
export default {
  list: lazyView(() => import("./PurgeRunList.tsx"), "PurgeRunList"),
  show: lazyView(() => import("./PurgeRunShow.tsx"), "PurgeRunShow"),
  options: { label: "Purge runs" },
};
