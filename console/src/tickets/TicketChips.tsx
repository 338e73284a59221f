import { Chip } from "@mui/material";
import type { MouseEvent } from "react";
import { Link } from "react-admin";
import type { SupportTicketRecord } from "../dataProvider/tickets.ts";

const statusLooks: Record<SupportTicketRecord["status"], { label: string; color: "primary" | "secondary" | "default" }> = {
  OPEN: { label: "Open", color: "primary" },
  CLASSIFIED: { label: "Privacy request", color: "secondary" },
  CLOSED: { label: "Closed", color: "default" },
};

/** Where the ticket stands. */
export const TicketStatusChip = ({ status }: { status: SupportTicketRecord["status"] }) => (
  <Chip size="small" label={statusLooks[status].label} color={statusLooks[status].color} />
);

/** How long ago `since` was, in the largest whole unit: "45 min", "5 h", "3 d". */
export function ageOf(since: string, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - new Date(since).getTime()) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h`;
  return `${Math.floor(minutes / (24 * 60))} d`;
}

/** How long an open ticket has waited; a day or more shows as a warning. */
export const TicketAgeChip = ({ ticket }: { ticket: Pick<SupportTicketRecord, "createdAt" | "status"> }) => {
  const age = ageOf(ticket.createdAt);
  const waiting = ticket.status === "OPEN";
  const old = waiting && Date.now() - new Date(ticket.createdAt).getTime() >= 24 * 60 * 60_000;
  return <Chip size="small" variant="outlined" color={old ? "warning" : "default"} label={waiting ? `Waiting ${age}` : age} />;
};

/** The privacy request a classified ticket became, as a link to its page. */
export const PrivacyRequestLink = ({ ticket }: { ticket: Pick<SupportTicketRecord, "privacyRequestId"> }) =>
  ticket.privacyRequestId ? (
    <Chip
      size="small"
      clickable
      component={Link}
      to={`/privacyRequests/${ticket.privacyRequestId}/show`}
      onClick={(event: MouseEvent) => event.stopPropagation()}
      label="Open its privacy request"
    />
  ) : null;
