import { Alert, Box } from "@mui/material";
import { useState } from "react";
import { Button, useRefresh } from "react-admin";
import { type AuditChainProblem, type AuditChainVerification, verifyAuditChain } from "../dataProvider/audit.ts";

const problemText: Record<AuditChainProblem, string> = {
  CHAIN_BROKEN: "it does not follow the entry before it (an entry was removed, inserted or moved)",
  HASH_MISMATCH: "its content was changed after it was written",
  CHECKPOINT_MISSING: "the entry a signed checkpoint vouches for is gone",
  CHECKPOINT_MISMATCH: "it does not match the signed checkpoint (the log was rebuilt)",
  CHECKPOINT_SIGNATURE_INVALID: "a checkpoint's signature does not verify (forged or altered)",
  TRUNCATED: "the log ends before a signed checkpoint (its last entries were removed)",
};

/** Verifies the whole chain and says so plainly: how many entries, or the first broken link. */
export const VerifyChainButton = () => {
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
      <Button label="Verify chain" onClick={verify} disabled={state.kind === "running"} />
      {state.kind === "done" && state.result.valid && (
        <Alert severity="success" role="status">
          Chain verified: {state.result.entries} entries checked.
        </Alert>
      )}
      {state.kind === "done" && !state.result.valid && (
        <Alert severity="error" role="alert">
          Broken link at position {state.result.brokenAtPosition} (seq {state.result.brokenAtSeq}):{" "}
          {state.result.problem ? problemText[state.result.problem] : "unknown problem"}. {state.result.entries} entries before it
          verified.
        </Alert>
      )}
      {state.kind === "failed" && (
        <Alert severity="error" role="alert">
          The chain could not be verified: {state.message}
        </Alert>
      )}
    </Box>
  );
};
