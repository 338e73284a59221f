import { Alert, Stack, Typography } from "@mui/material";
import { useQuery } from "@tanstack/react-query";
import { useTranslate } from "react-admin";
import { auditChainStatus, verificationAction } from "../dataProvider/dashboard.ts";
import { formatInstant as when } from "../i18n/dates.tsx";
import { filteredList, WidgetCard } from "./WidgetCard.tsx";

/**
 * The audit chain as last verified (the log records each verification) and
 * its newest signed checkpoint. Reading the dashboard verifies nothing: the
 * audit log's page runs a verification.
 */
export const AuditChain = () => {
  const translate = useTranslate();
  const { data, isPending, error } = useQuery({
    queryKey: ["dashboard", "auditChain"],
    queryFn: ({ signal }) => auditChainStatus(signal),
  });
  const last = data?.lastVerification ?? null;
  const checkpoint = data?.lastCheckpoint ?? null;
  return (
    <WidgetCard
      title={translate("smsape.dashboard.audit.title")}
      listLink={filteredList("auditEntries", { action: verificationAction })}
      listLabel={translate("smsape.dashboard.audit.link")}
      isPending={isPending}
      error={error}
    >
      <Stack spacing={1}>
        {last === null ? (
          <Alert severity="info">{translate("smsape.dashboard.audit.never")}</Alert>
        ) : last.valid ? (
          <Alert severity="success">
            {translate("smsape.dashboard.audit.valid", { entries: last.entries, at: when(last.at) })}
          </Alert>
        ) : (
          <Alert severity="error">
            {translate("smsape.dashboard.audit.broken", {
              seq: last.brokenAtSeq ?? "?",
              problem: last.problem ?? "?",
              at: when(last.at),
            })}
          </Alert>
        )}
        <Typography variant="body2">
          {checkpoint
            ? translate("smsape.dashboard.audit.checkpoint", { seq: checkpoint.seq, at: when(checkpoint.at) })
            : translate("smsape.dashboard.audit.noCheckpoint")}
        </Typography>
      </Stack>
    </WidgetCard>
  );
};
