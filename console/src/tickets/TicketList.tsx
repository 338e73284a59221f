import { Alert, Button, Chip, TextField as MuiTextField, Stack } from "@mui/material";
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
  useTranslate,
} from "react-admin";
import { logEmailTicket, type SupportTicketRecord } from "../dataProvider/tickets.ts";
import { kindLabels } from "../requests/labels.ts";
import { ClassifyTicket } from "./ClassifyTicket.tsx";
import { PrivacyRequestLink, TicketAgeChip, TicketStatusChip } from "./TicketChips.tsx";

/** Classify control on an open ticket; a classified one links to the request it became. */
const Classify = () => {
  const ticket = useRecordContext<SupportTicketRecord>();
  const refresh = useRefresh();
  if (!ticket) return null;
  if (ticket.status !== "OPEN") return <PrivacyRequestLink ticket={ticket} />;
  return <ClassifyTicket ticket={ticket} onClassified={() => refresh()} />;
};

const filters = [
  <SelectInput
    key="status"
    source="status"
    label="smsape.tickets.status"
    choices={["OPEN", "CLASSIFIED", "CLOSED"].map((status) => ({ id: status, name: `smsape.tickets.statusFilter.${status}` }))}
    alwaysOn
  />,
];

/** Logs an email support received as a ticket. */
const LogEmail = () => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [fromAddress, setFromAddress] = useState("");
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <Stack spacing={1} sx={{ p: 2 }}>
      <Stack direction="row" spacing={1}>
        <MuiTextField
          size="small"
          label={translate("smsape.tickets.from")}
          value={fromAddress}
          onChange={(event) => setFromAddress(event.target.value)}
        />
        <MuiTextField
          size="small"
          label={translate("smsape.tickets.subject")}
          value={subject}
          onChange={(event) => setSubject(event.target.value)}
        />
        <MuiTextField
          size="small"
          label={translate("smsape.tickets.emailText")}
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
              notify("smsape.tickets.logged", { type: "success" });
              refresh();
            } catch (failure) {
              setError(failure instanceof Error ? failure.message : translate("smsape.tickets.logFailed"));
            }
          }}
        >
          {translate("smsape.tickets.logEmail")}
        </Button>
      </Stack>
      {error ? <Alert severity="error">{error}</Alert> : null}
    </Stack>
  );
};

/**
 * Support tickets, the queue behind the privacy requests (P18): open tickets
 * oldest first, those whose words suggest a privacy right ahead of them.
 */
export const TicketList = () => {
  const translate = useTranslate();
  return (
    <List title="smsape.tickets.name" filters={filters} filterDefaultValues={{ status: "OPEN" }} exporter={false} empty={false}>
      <LogEmail />
      <Datagrid bulkActionButtons={false} rowClick="show">
        <FunctionField
          label="smsape.tickets.status"
          sortable={false}
          render={(ticket: SupportTicketRecord) => (
            <Stack direction="row" spacing={0.5}>
              <TicketStatusChip status={ticket.status} />
              <TicketAgeChip ticket={ticket} />
            </Stack>
          )}
        />
        <FunctionField
          label="smsape.tickets.hint"
          sortable={false}
          render={(ticket: SupportTicketRecord) =>
            ticket.suggestedKind ? (
              <Chip
                size="small"
                color="primary"
                label={translate("smsape.tickets.privacyHint", { kind: kindLabels[ticket.suggestedKind] })}
              />
            ) : (
              translate("smsape.tickets.routine")
            )
          }
        />
        <TextField source="subject" sortable={false} />
        <TextField
          source="body"
          sortable={false}
          sx={{ display: "-webkit-box", WebkitLineClamp: 2, WebkitBoxOrient: "vertical", overflow: "hidden" }}
        />
        <TextField source="channel" sortable={false} />
        <DateField source="createdAt" showTime sortable={false} />
        <FunctionField label="smsape.tickets.privacyRequest" sortable={false} render={() => <Classify />} />
      </Datagrid>
    </List>
  );
};
