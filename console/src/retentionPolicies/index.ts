import { lazyView } from "../lazyView.ts";

/** Retention policies (P8), for compliance staff: periods, dry runs, purges now, and changing a period. */
export default {
  list: lazyView(() => import("./RetentionPolicyList.tsx"), "RetentionPolicyList"),
  show: lazyView(() => import("./RetentionPolicyShow.tsx"), "RetentionPolicyShow"),
  edit: lazyView(() => import("./RetentionPolicyEdit.tsx"), "RetentionPolicyEdit"),
  options: { label: "Retention policies" },
  recordRepresentation: "key",
};
