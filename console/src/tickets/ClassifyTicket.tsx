import { Alert, Button, Checkbox, FormControlLabel, MenuItem, TextField as MuiTextField, Stack } from "@mui/material";
import { useState } from "react";
import { useNotify, useTranslate } from "react-admin";
import { classifyTicket, type SupportTicketRecord } from "../dataProvider/tickets.ts";
import { choices, kindLabels } from "../requests/labels.ts";

/** Turns an open ticket into a privacy request of the chosen right; the keyword hint preselects it. */
export const ClassifyTicket = ({
  ticket,
  onClassified,
}: {
  ticket: SupportTicketRecord;
  onClassified: (privacyRequestId: string) => void;
}) => {
  const translate = useTranslate();
  const notify = useNotify();
  const [kind, setKind] = useState(ticket.suggestedKind ?? "ACCESS");
  const [minor, setMinor] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center" }} onClick={(event) => event.stopPropagation()}>
      <MuiTextField
        select
        size="small"
        value={kind}
        onChange={(event) => setKind(event.target.value)}
        label={translate("smsape.tickets.right")}
      >
        {choices(kindLabels).map((choice) => (
          <MenuItem key={choice.id} value={choice.id}>
            {choice.name}
          </MenuItem>
        ))}
      </MuiTextField>
      <FormControlLabel
        control={<Checkbox checked={minor} onChange={(event) => setMinor(event.target.checked)} />}
        label={translate("smsape.tickets.minor")}
      />
      <Button
        size="small"
        variant="outlined"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const requestId = await classifyTicket(ticket.id, kind, minor);
            notify("smsape.tickets.classified", { type: "success" });
            onClassified(requestId);
          } catch (failure) {
            const message = failure instanceof Error ? failure.message : translate("smsape.tickets.classifyFailed");
            setError(message);
            notify(message, { type: "error" });
          } finally {
            setBusy(false);
          }
        }}
      >
        {translate("smsape.tickets.classify")}
      </Button>
      {error ? <Alert severity="error">{error}</Alert> : null}
    </Stack>
  );
};
