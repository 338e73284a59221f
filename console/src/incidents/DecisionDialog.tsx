import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField as MuiTextField,
} from "@mui/material";
import { useState } from "react";
import { useTranslate } from "react-admin";
import { type IncidentDecision, incidentDecisions } from "../dataProvider/incidents.ts";

export interface DecisionValues {
  decision: IncidentDecision;
  reason: string;
  notifiedAt: string | null;
}

/**
 * Records one of the two decisions with its reason: whether the authority is
 * notified (and when it was), or whether the people concerned are told.
 */
export const DecisionDialog = ({
  open,
  title,
  withNotifiedAt,
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  /** Asks when the authority was notified, for a decision to notify it. */
  withNotifiedAt?: boolean;
  onClose: () => void;
  onConfirm: (values: DecisionValues) => Promise<void>;
}) => {
  const translate = useTranslate();
  const [decision, setDecision] = useState<IncidentDecision | "">("");
  const [reason, setReason] = useState("");
  const [notifiedAt, setNotifiedAt] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    if (!decision) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm({ decision, reason, notifiedAt: withNotifiedAt && decision === "NOTIFY" ? notifiedAt || null : null });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>{title}</DialogTitle>
      <DialogContent sx={{ display: "flex", flexDirection: "column", gap: 2, pt: "8px !important" }}>
        <MuiTextField
          select
          label={translate("smsape.incidents.decisionDialog.decision")}
          value={decision}
          onChange={(event) => setDecision(event.target.value as IncidentDecision)}
        >
          {incidentDecisions.map((value) => (
            <MenuItem key={value} value={value}>
              {translate(`smsape.incidents.decisions.${value}`)}
            </MenuItem>
          ))}
        </MuiTextField>
        <MuiTextField
          label={translate("smsape.incidents.decisionDialog.reason")}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          multiline
          minRows={2}
        />
        {withNotifiedAt && decision === "NOTIFY" && (
          <MuiTextField
            type="datetime-local"
            label={translate("smsape.incidents.decisionDialog.notifiedAt")}
            value={notifiedAt}
            onChange={(event) => setNotifiedAt(event.target.value)}
            slotProps={{ inputLabel: { shrink: true } }}
          />
        )}
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate("ra.action.cancel")}</Button>
        <Button onClick={confirm} disabled={!decision || !reason.trim() || busy} variant="contained">
          {translate("smsape.incidents.decisionDialog.record")}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
