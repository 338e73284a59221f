import { Alert, Box, Button, Link as MuiLink, Stack, Typography } from "@mui/material";
import { useEffect, useRef, useState } from "react";
import { Confirm, Link, useNotify, useTranslate } from "react-admin";
import { type PurgeRunRecord, purgeRun, type RetentionPolicyRecord, startPurge } from "../dataProvider/retention.ts";

/** How often a running purge's report is read again. */
const followEveryMs = 500;

/**
 * "Run purge now": after a confirmation, starts a run of the policy's purge,
 * follows its report while its batches run in the background, and links the
 * report once it has completed.
 */
export const PurgeNow = ({
  policy,
  onCompleted,
}: {
  policy: RetentionPolicyRecord;
  onCompleted: (run: PurgeRunRecord) => void;
}) => {
  const translate = useTranslate();
  const notify = useNotify();
  const [confirming, setConfirming] = useState(false);
  const [run, setRun] = useState<PurgeRunRecord | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The page re-renders while the run goes on: following it must not restart with each new callback.
  const completed = useRef(onCompleted);
  completed.current = onCompleted;

  useEffect(() => {
    if (!run || run.status === "COMPLETED") return;
    const abort = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const next = await purgeRun(run.id, abort.signal);
        setRun(next);
        if (next.status === "COMPLETED") completed.current(next);
      } catch (failure) {
        if (!abort.signal.aborted) setError(failure instanceof Error ? failure.message : String(failure));
      }
    }, followEveryMs);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [run]);

  const start = async () => {
    setConfirming(false);
    setError(null);
    try {
      setRun(await startPurge(policy.key));
      notify("smsape.retention.purgeStarted", { type: "info" });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };

  const report = run && (
    <MuiLink component={Link} to={`/purgeRuns/${run.id}/show`}>
      {translate("smsape.retention.openReport")}
    </MuiLink>
  );
  return (
    <Stack spacing={2}>
      <Box>
        <Button variant="contained" color="warning" onClick={() => setConfirming(true)} disabled={run?.status === "RUNNING"}>
          {translate("smsape.retention.purgeNow")}
        </Button>
      </Box>
      {run?.status === "RUNNING" && (
        <Alert severity="info">
          <Typography variant="body2">{translate("smsape.retention.purgeRunning", run)}</Typography>
          {report}
        </Alert>
      )}
      {run?.status === "COMPLETED" && (
        <Alert severity="success">
          <Typography variant="body2">{translate("smsape.retention.purgeCompleted", run)}</Typography>
          {report}
        </Alert>
      )}
      {error && <Alert severity="error">{error}</Alert>}
      <Confirm
        isOpen={confirming}
        title="smsape.retention.purgeTitle"
        titleTranslateOptions={{ key: policy.key }}
        content="smsape.retention.purgeContent"
        contentTranslateOptions={{ verb: translate(`smsape.retention.changed.${policy.action}`) }}
        confirm="smsape.retention.runPurge"
        onClose={() => setConfirming(false)}
        onConfirm={start}
      />
    </Stack>
  );
};
