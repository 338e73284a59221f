import { Chip } from "@mui/material";
import { useTranslate } from "react-admin";
import type { SlaStatus } from "../dataProvider/privacyRequests.ts";

const colors: Record<SlaStatus, "success" | "warning" | "error"> = {
  ON_TRACK: "success",
  DUE_SOON: "warning",
  OVERDUE: "error",
};

/** Where a request stands against its clock; closed requests have none. */
export const SlaChip = ({ status }: { status: SlaStatus | null }) => {
  const translate = useTranslate();
  return status ? (
    <Chip size="small" label={translate(`smsape.requests.sla.${status}`)} color={colors[status]} />
  ) : (
    <Chip size="small" label={translate("smsape.requests.sla.closed")} />
  );
};
