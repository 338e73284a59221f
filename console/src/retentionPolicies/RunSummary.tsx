import { Link as MuiLink } from "@mui/material";
import type { MouseEvent } from "react";
import { Link, useTranslate } from "react-admin";
import type { PurgeRunRecord, RetentionPolicyRecord } from "../dataProvider/retention.ts";
import { formatInstant } from "../i18n/dates.tsx";

export const at = (value: string | null) => formatInstant(value);

/** One line about a purge run, linked to its report: when, and what it changed and held back. */
export const RunSummary = ({ run, action }: { run: PurgeRunRecord | null; action: RetentionPolicyRecord["action"] }) => {
  const translate = useTranslate();
  if (!run) return <>{translate("smsape.retention.neverRun")}</>;
  return (
    <MuiLink
      component={Link}
      to={`/purgeRuns/${run.id}/show`}
      // The list's row opens the policy; the link opens the run.
      onClick={(event: MouseEvent) => event.stopPropagation()}
    >
      {translate("smsape.retention.lastRun", {
        status: translate(`smsape.retention.runStatuses.${run.status}`),
        at: at(run.finishedAt ?? run.startedAt),
        changed: action === "DELETE" ? run.deleted : run.anonymised,
        verb: translate(`smsape.retention.changed.${action}`),
        heldBack: run.heldBack,
      })}
    </MuiLink>
  );
};
