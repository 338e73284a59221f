import { Alert, Button, Checkbox, FormControlLabel, MenuItem, TextField as MuiTextField, Stack } from "@mui/material";
import { useState } from "react";
import { useNotify } from "react-admin";
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
  const notify = useNotify();
  const [kind, setKind] = useState(ticket.suggestedKind ?? "ACCESS");
  const [minor, setMinor] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: "center" }} onClick={(event) => event.stopPropagation()}>
      <MuiTextField select size="small" value={kind} onChange={(event) => setKind(event.target.value)} label="Right">
        {choices(kindLabels).map((choice) => (
          <MenuItem key={choice.id} value={choice.id}>
            {choice.name}
          </MenuItem>
        ))}
      </MuiTextField>
      <FormControlLabel
        control={<Checkbox checked={minor} onChange={(event) => setMinor(event.target.checked)} />}
        label="Minor"
      />
      <Button
        size="small"
        variant="outlined"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const requestId = await classifyTicket(ticket.id, kind, minor);
            notify("The ticket is now a privacy request, waiting for identity", { type: "success" });
            onClassified(requestId);
          } catch (failure) {
            const message = failure instanceof Error ? failure.message : "The ticket could not be classified.";
            setError(message);
            notify(message, { type: "error" });
          } finally {
            setBusy(false);
          }
        }}
      >
        Make it a privacy request
      </Button>
      {error ? <Alert severity="error">{error}</Alert> : null}
    </Stack>
  );
};
