import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  Chip,
  Divider,
  TextField as MuiTextField,
  Stack,
  Typography,
} from "@mui/material";
import { useState } from "react";
import { Confirm, Link, Show, useNotify, useRecordContext, useRedirect, useRefresh, useTranslate } from "react-admin";
import { moveTicket, replyToTicket, type SupportTicketThread } from "../dataProvider/tickets.ts";
import { formatInstant as when } from "../i18n/dates.tsx";
import { kindLabels } from "../requests/labels.ts";
import { ClassifyTicket } from "./ClassifyTicket.tsx";
import { PrivacyRequestLink, TicketAgeChip, TicketStatusChip } from "./TicketChips.tsx";

/** The reply box: the text is emailed to the person and kept in the thread. */
const ReplyForm = ({ ticket }: { ticket: SupportTicketThread }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (ticket.status === "CLOSED") {
    return <Typography color="text.secondary">{translate("smsape.tickets.closedNote")}</Typography>;
  }
  return (
    <Stack spacing={1}>
      <MuiTextField
        label={translate("smsape.tickets.reply")}
        helperText={translate("smsape.tickets.replyHelp")}
        multiline
        minRows={3}
        value={body}
        onChange={(event) => setBody(event.target.value)}
      />
      {error ? <Alert severity="error">{error}</Alert> : null}
      <Box>
        <Button
          variant="contained"
          disabled={busy || !body.trim()}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await replyToTicket(ticket.id, body);
              setBody("");
              notify("smsape.tickets.replySent", { type: "success" });
              refresh();
            } catch (failure) {
              setError(failure instanceof Error ? failure.message : translate("smsape.tickets.replyFailed"));
            } finally {
              setBusy(false);
            }
          }}
        >
          {translate("smsape.tickets.sendReply")}
        </Button>
      </Box>
    </Stack>
  );
};

/** Close an open ticket or reopen a closed one, after a confirmation. */
const CloseOrReopen = ({ ticket }: { ticket: SupportTicketThread }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const [open, setOpen] = useState(false);
  if (ticket.status === "CLASSIFIED") return null;
  const to = ticket.status === "OPEN" ? "CLOSED" : "OPEN";
  const closing = to === "CLOSED";
  return (
    <>
      <Button variant="outlined" onClick={() => setOpen(true)}>
        {translate(closing ? "smsape.tickets.close" : "smsape.tickets.reopen")}
      </Button>
      <Confirm
        isOpen={open}
        title={closing ? "smsape.tickets.closeTitle" : "smsape.tickets.reopenTitle"}
        content={closing ? "smsape.tickets.closeContent" : "smsape.tickets.reopenContent"}
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          setOpen(false);
          try {
            await moveTicket(ticket.id, to);
            notify(closing ? "smsape.tickets.closed" : "smsape.tickets.reopened", { type: "success" });
            refresh();
          } catch (failure) {
            notify(failure instanceof Error ? failure.message : String(failure), { type: "error" });
          }
        }}
      />
    </>
  );
};

const TicketPage = () => {
  const translate = useTranslate();
  const ticket = useRecordContext<SupportTicketThread>();
  const redirect = useRedirect();
  if (!ticket) return null;
  return (
    <Stack spacing={2} sx={{ p: 2 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: "center", flexWrap: "wrap" }}>
        <Typography variant="h6" component="h2">
          {ticket.subject}
        </Typography>
        <TicketStatusChip status={ticket.status} />
        <TicketAgeChip ticket={ticket} />
        {ticket.suggestedKind && ticket.status === "OPEN" ? (
          <Chip
            size="small"
            color="primary"
            label={translate("smsape.tickets.privacyHint", { kind: kindLabels[ticket.suggestedKind] })}
          />
        ) : null}
        <PrivacyRequestLink ticket={ticket} />
      </Stack>
      <Typography variant="body2" color="text.secondary">
        {translate(ticket.channel === "EMAIL" ? "smsape.tickets.receivedByEmail" : "smsape.tickets.receivedThroughApi", {
          at: when(ticket.createdAt),
        })}
        {ticket.fromAddress ? ` ${translate("smsape.tickets.fromAddress", { address: ticket.fromAddress })}` : ""}
        {ticket.closedAt ? ` · ${translate("smsape.tickets.closedAt", { at: when(ticket.closedAt) })}` : ""}
        {ticket.accountId ? (
          <>
            {" · "}
            <Link to={`/accounts/${ticket.accountId}/show`}>{translate("smsape.tickets.theAccount")}</Link>
          </>
        ) : null}
      </Typography>

      <Card variant="outlined">
        <CardContent>
          <Typography variant="overline">{translate("smsape.tickets.personWrote")}</Typography>
          <Typography sx={{ whiteSpace: "pre-wrap" }}>{ticket.body}</Typography>
          {/* Opened from the list, the page first shows the list's record, which has no thread yet. */}
          {(ticket.thread ?? []).map((message) => (
            <Box key={message.id}>
              <Divider sx={{ my: 1.5 }} />
              <Typography variant="overline">
                {translate("smsape.tickets.replied", { name: message.authorName, at: when(message.createdAt) })}
              </Typography>
              <Typography sx={{ whiteSpace: "pre-wrap" }}>{message.body}</Typography>
            </Box>
          ))}
        </CardContent>
      </Card>

      <ReplyForm ticket={ticket} />
      <Stack direction="row" spacing={2} sx={{ alignItems: "center", flexWrap: "wrap" }}>
        <CloseOrReopen ticket={ticket} />
        {ticket.status === "OPEN" ? (
          <ClassifyTicket ticket={ticket} onClassified={(requestId) => redirect("show", "privacyRequests", requestId)} />
        ) : null}
      </Stack>
    </Stack>
  );
};

/** A ticket with its thread: reply, close or reopen, or make it a privacy request. */
export const TicketShow = () => (
  <Show title="smsape.tickets.title">
    <TicketPage />
  </Show>
);
