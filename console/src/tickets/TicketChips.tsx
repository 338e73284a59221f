import { Chip } from "@mui/material";
import type { MouseEvent } from "react";
import { Link, type TranslateFunction, useTranslate } from "react-admin";
import type { SupportTicketRecord } from "../dataProvider/tickets.ts";

const statusColors: Record<SupportTicketRecord["status"], "primary" | "secondary" | "default"> = {
  OPEN: "primary",
  CLASSIFIED: "secondary",
  CLOSED: "default",
};

/** Where the ticket stands. */
export const TicketStatusChip = ({ status }: { status: SupportTicketRecord["status"] }) => {
  const translate = useTranslate();
  return <Chip size="small" label={translate(`smsape.tickets.statuses.${status}`)} color={statusColors[status]} />;
};

/** How long ago `since` was, in the largest whole unit: "45 min", "5 h", "3 d". */
export function ageOf(translate: TranslateFunction, since: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(since).getTime()) / 60_000));
  if (minutes < 60) return translate("smsape.tickets.age.minutes", { smart_count: minutes });
  if (minutes < 48 * 60) return translate("smsape.tickets.age.hours", { smart_count: Math.floor(minutes / 60) });
  return translate("smsape.tickets.age.days", { smart_count: Math.floor(minutes / (24 * 60)) });
}

/** How long an open ticket has waited; a day or more shows as a warning. */
export const TicketAgeChip = ({ ticket }: { ticket: Pick<SupportTicketRecord, "createdAt" | "status"> }) => {
  const translate = useTranslate();
  const age = ageOf(translate, ticket.createdAt);
  const waiting = ticket.status === "OPEN";
  const old = waiting && Date.now() - new Date(ticket.createdAt).getTime() >= 24 * 60 * 60_000;
  return (
    <Chip
      size="small"
      variant="outlined"
      color={old ? "warning" : "default"}
      label={waiting ? translate("smsape.tickets.waiting", { age }) : age}
    />
  );
};

/** The privacy request a classified ticket became, as a link to its page. */
export const PrivacyRequestLink = ({ ticket }: { ticket: Pick<SupportTicketRecord, "privacyRequestId"> }) => {
  const translate = useTranslate();
  return ticket.privacyRequestId ? (
    <Chip
      size="small"
      clickable
      component={Link}
      to={`/privacyRequests/${ticket.privacyRequestId}/show`}
      onClick={(event: MouseEvent) => event.stopPropagation()}
      label={translate("smsape.tickets.openRequest")}
    />
  ) : null;
};
