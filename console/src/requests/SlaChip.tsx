import { Chip } from "@mui/material";
import type { SlaStatus } from "../dataProvider/privacyRequests.ts";

const looks: Record<SlaStatus, { label: string; color: "success" | "warning" | "error" }> = {
  ON_TRACK: { label: "On track", color: "success" },
  DUE_SOON: { label: "Due soon", color: "warning" },
  OVERDUE: { label: "Overdue", color: "error" },
};

/** Where a request stands against its clock; closed requests have none. */
export const SlaChip = ({ status }: { status: SlaStatus | null }) =>
  status ? <Chip size="small" label={looks[status].label} color={looks[status].color} /> : <Chip size="small" label="Closed" />;
