import { RetentionPolicyEdit } from "./RetentionPolicyEdit.tsx";
import { RetentionPolicyList } from "./RetentionPolicyList.tsx";
import { RetentionPolicyShow } from "./RetentionPolicyShow.tsx";

/** Retention policies (P8), for compliance staff: periods, dry runs, purges now, and changing a period. */
export default {
  list: RetentionPolicyList,
  show: RetentionPolicyShow,
  edit: RetentionPolicyEdit,
  options: { label: "Retention policies" },
  recordRepresentation: "key",
};
