import type { ResourceProps } from "react-admin";
import { AuditList } from "./AuditList.tsx";

/** The audit log (COMPLIANCE): a list with filters and chain verification; entries are never edited. */
export const auditEntries: Omit<ResourceProps, "name"> = {
  list: AuditList,
  options: { label: "Audit log" },
};
