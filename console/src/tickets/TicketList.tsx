import { Alert, Button, Checkbox, Chip, FormControlLabel, MenuItem, TextField as MuiTextField, Stack } from "@mui/material";
import { useState } from "react";
import {
  Datagrid,
  DateField,
  FunctionField,
  List,
  SelectInput,
  TextField,
  useNotify,
  useRecordContext,
  useRefresh,
} from "react-admin";
import { classifyTicket, logEmailTicket, type SupportTicketRecord } from "../dataProvider/tickets.ts";
import { choices, kindLabels } from "../requests/labels.ts";

/** Classify control on one ticket: the keyword hint preselects the right. */
const Classify = () => {
  const ticket = useRecordContext<SupportTicketRecord>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [kind, setKind] = useState(ticket?.suggestedKind ?? "ACCESS");
  const [minor, setMinor] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (ticket?.status !== "OPEN") return ticket?.privacyRequestId ? <Chip size="small" label="Classified" /> : null;
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
        onClick={async () => {
          try {
            await classifyTicket(ticket.id, kind, minor);
            notify("The ticket is now a privacy request, waiting for identity", { type: "success" });
            refresh();
          } catch (failure) {
            const message = failure instanceof Error ? failure.message : "The ticket could not be classified.";
            setError(message);
            notify(message, { type: "error" });
          }
        }}
      >
        Make it a privacy request
      </Button>
      {error ? <Alert severity="error">{error}</Alert> : null}
    </Stack>
  );
};

const filters = [
  <SelectInput
    key="status"
    source="status"
    label="Status"
    choices={[
      { id: "OPEN", name: "Open" },
      { id: "CLASSIFIED", name: "Classified" },
      { id: "CLOSED", name: "Closed" },
    ]}
    alwaysOn
  />,
];

/** Logs an email support received as a ticket. */
const LogEmail = () => {
  const notify = useNotify();
  const refresh = useRefresh();
  const [fromAddress, setFromAddress] = useState("");
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <Stack spacing={1} sx={{ p: 2 }}>
      <Stack direction="row" spacing={1}>
        <MuiTextField size="small" label="From" value={fromAddress} onChange={(event) => setFromAddress(event.target.value)} />
        <MuiTextField size="small" label="Subject" value={subject} onChange={(event) => setSubject(event.target.value)} />
        <MuiTextField
          size="small"
          label="Email text"
          value={body}
          onChange={(event) => setBody(event.target.value)}
          sx={{ flex: 1 }}
        />
        <Button
          variant="outlined"
          onClick={async () => {
            try {
              await logEmailTicket(fromAddress, subject, body);
              setFromAddress("");
              setSubject("");
              setBody("");
              setError(null);
              notify("The email was logged as a ticket", { type: "success" });
              refresh();
            } catch (failure) {
              setError(failure instanceof Error ? failure.message : "The email could not be logged.");
            }
          }}
        >
          Log email
        </Button>
      </Stack>
      {error ? <Alert severity="error">{error}</Alert> : null}
    </Stack>
  );
};

/** Support tickets: those whose words suggest a privacy right first (P18), then the oldest. */
export const TicketList = () => (
  <List title="Support tickets" filters={filters} exporter={false} empty={false}>
    <LogEmail />
    <Datagrid bulkActionButtons={false} rowClick={false}>
      <FunctionField
        label="Hint"
        sortable={false}
        render={(ticket: SupportTicketRecord) =>
          ticket.suggestedKind ? (
            <Chip size="small" color="primary" label={`Privacy: ${kindLabels[ticket.suggestedKind]}`} />
          ) : (
            "Routine"
          )
        }
      />
      <TextField source="subject" sortable={false} />
      <TextField source="body" sortable={false} />
      <TextField source="channel" sortable={false} />
      <DateField source="createdAt" showTime sortable={false} />
      <FunctionField label="Classify" sortable={false} render={() => <Classify />} />
    </Datagrid>
  </List>
);
