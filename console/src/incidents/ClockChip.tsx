import { Chip } from "@mui/material";
import { useTranslate } from "react-admin";
import type { IncidentRecord } from "../dataProvider/incidents.ts";
import { formatInstant } from "../i18n/dates.tsx";

const colorOf = {
  ON_TRACK: "info",
  DUE_SOON: "warning",
  OVERDUE: "error",
  NOTIFIED: "success",
  NOT_REQUIRED: "default",
} as const;

/** The authority clock: 72 hours from awareness, until the authority is notified or that is decided not to be needed. */
export const ClockChip = ({ clock }: { clock: IncidentRecord["clock"] }) => {
  const translate = useTranslate();
  const seconds = clock.remainingSeconds ?? 0;
  const hours = Math.floor(Math.abs(seconds) / 3600);
  return (
    <Chip
      size="small"
      color={colorOf[clock.status]}
      label={translate(`smsape.incidents.clock.${clock.status}`, { hours })}
      title={translate("smsape.incidents.clockDeadline", { at: formatInstant(clock.deadline) })}
    />
  );
};
