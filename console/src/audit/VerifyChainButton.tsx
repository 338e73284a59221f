import { Alert, Box } from "@mui/material";
import { useState } from "react";
import { Button, useRefresh, useTranslate } from "react-admin";
import { type AuditChainVerification, verifyAuditChain } from "../dataProvider/audit.ts";

/** Verifies the whole chain and says so plainly: how many entries, or the first broken link. */
export const VerifyChainButton = () => {
  const translate = useTranslate();
  const refresh = useRefresh();
  const [state, setState] = useState<
    | { kind: "idle" }
    | { kind: "running" }
    | { kind: "done"; result: AuditChainVerification }
    | { kind: "failed"; message: string }
  >({ kind: "idle" });

  const verify = async () => {
    setState({ kind: "running" });
    try {
      setState({ kind: "done", result: await verifyAuditChain() });
    } catch (error) {
      setState({ kind: "failed", message: error instanceof Error ? error.message : String(error) });
    }
    // The verification is itself an entry of the log.
    refresh();
  };

  return (
    <Box sx={{ display: "flex", alignItems: "center", gap: 2 }}>
      <Button label="smsape.audit.verify" onClick={verify} disabled={state.kind === "running"} />
      {state.kind === "done" && state.result.valid && (
        <Alert severity="success" role="status">
          {translate("smsape.audit.verified", { smart_count: state.result.entries })}
        </Alert>
      )}
      {state.kind === "done" && !state.result.valid && (
        <Alert severity="error" role="alert">
          {translate("smsape.audit.broken", {
            position: state.result.brokenAtPosition,
            seq: state.result.brokenAtSeq,
            problem: translate(`smsape.audit.problems.${state.result.problem ?? "unknown"}`),
            smart_count: state.result.entries,
          })}
        </Alert>
      )}
      {state.kind === "failed" && (
        <Alert severity="error" role="alert">
          {translate("smsape.audit.failed", { message: state.message })}
        </Alert>
      )}
    </Box>
  );
};
