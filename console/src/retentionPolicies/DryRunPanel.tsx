import { Alert, Box, Button, Stack, Typography } from "@mui/material";
import { useState } from "react";
import { useTranslate } from "react-admin";
import { type DryRunResult, dryRun } from "../dataProvider/retention.ts";
import { at } from "./RunSummary.tsx";

/** What the policy's purge would do now: due, held back, the cut-off and the oldest due record. Changes nothing. */
export const DryRunPanel = ({ policyKey }: { policyKey: string }) => {
  const translate = useTranslate();
  const [result, setResult] = useState<DryRunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await dryRun(policyKey));
    } catch (failure) {
      setResult(null);
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Stack spacing={2}>
      <Typography variant="body2" color="text.secondary">
        {translate("smsape.retention.dryRunHint")}
      </Typography>
      <Box>
        <Button variant="outlined" onClick={run} disabled={busy}>
          {translate("smsape.retention.dryRunButton")}
        </Button>
      </Box>
      {result && <DryRunOutcome result={result} />}
      {error && <Alert severity="error">{error}</Alert>}
    </Stack>
  );
};

export const DryRunOutcome = ({ result }: { result: DryRunResult }) => {
  const translate = useTranslate();
  return (
    <Alert severity={result.due > 0 ? "warning" : "info"}>
      <Typography variant="body2" sx={{ fontWeight: 500 }}>
        {result.due > 0
          ? translate("smsape.retention.dryRun", {
              smart_count: result.due - result.heldBack,
              due: result.due,
              heldBack: result.heldBack,
            })
          : translate("smsape.retention.noneDue")}
      </Typography>
      <Typography variant="body2">{translate("smsape.retention.dueCount", { count: result.due })}</Typography>
      <Typography variant="body2">{translate("smsape.retention.heldBackCount", { count: result.heldBack })}</Typography>
      <Typography variant="body2">{translate("smsape.retention.cutoff", { at: at(result.cutoff) })}</Typography>
      <Typography variant="body2">{translate("smsape.retention.oldest", { at: at(result.oldest) })}</Typography>
    </Alert>
  );
};
