import type { ResourceProps } from "react-admin";
import { lazyView } from "../lazyView.ts";

/** The audit log (COMPLIANCE): a list with filters and chain verification; entries are never edited. */
export const auditEntries: Omit<ResourceProps, "name"> = {
  list: lazyView(() => import("./AuditList.tsx"), "AuditList"),
  options: { label: "Audit log" },
};
