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
import type { RevealedPersonalData, StaffReadPurpose, StaffReadReason } from "../dataProvider/accounts.ts";
import { accounts } from "../dataProvider/index.ts";

/**
 * Asks why the staff member needs the person's data before showing it: the
 * reason goes to the audit log with the read. Also used to open a restricted
 * account, whose page needs a reason too.
 */
export const PurposeDialog = ({
  open,
  title,
  confirmLabel,
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  confirmLabel: string;
  onClose: () => void;
  onConfirm: (purpose: StaffReadPurpose) => Promise<void>;
}) => {
  const translate = useTranslate();
  const [reason, setReason] = useState<StaffReadReason | "">("");
  const [reference, setReference] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    if (!reason) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm({ reason, reference: reference.trim() || null });
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
          label={translate("smsape.accounts.reveal.reason")}
          value={reason}
          onChange={(event) => setReason(event.target.value as StaffReadReason)}
          helperText={translate("smsape.accounts.reasonHelp")}
        >
          {accounts.staffReadReasons.map((value) => (
            <MenuItem key={value} value={value}>
              {translate(`smsape.accounts.reasons.${value}`)}
            </MenuItem>
          ))}
        </MuiTextField>
        <MuiTextField
          label={translate("smsape.accounts.reveal.reference")}
          value={reference}
          onChange={(event) => setReference(event.target.value)}
        />
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>{translate("ra.action.cancel")}</Button>
        <Button onClick={confirm} disabled={!reason || busy} variant="contained">
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/** The "Show personal data" control of an account's page, and what it revealed. */
export const RevealPersonalData = ({
  accountId,
  onRevealed,
}: {
  accountId: string;
  onRevealed: (data: RevealedPersonalData) => void;
}) => {
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="outlined" onClick={() => setOpen(true)}>
        {translate("smsape.accounts.reveal.button")}
      </Button>
      <PurposeDialog
        open={open}
        title={translate("smsape.accounts.reveal.title")}
        confirmLabel={translate("smsape.accounts.reveal.confirm")}
        onClose={() => setOpen(false)}
        onConfirm={async (purpose) => {
          onRevealed(await accounts.revealPersonalData(accountId, purpose));
          setOpen(false);
        }}
      />
    </>
  );
};
