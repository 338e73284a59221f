/**
 * Support tickets on the staff API: the list with its keyword hints, a ticket
 * with its thread, logging an email, replying, closing, reopening and
 * classifying a ticket.
 */
import type { GetListParams, GetListResult, GetOneParams, GetOneResult } from "react-admin";
import { graphql } from "../generated/gql.ts";
import type { PrivacyRequestKind } from "../generated/graphql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

export interface SupportTicketRecord {
  id: string;
  accountId: string | null;
  channel: "API" | "EMAIL";
  fromAddress: string | null;
  subject: string;
  body: string;
  status: "OPEN" | "CLASSIFIED" | "CLOSED";
  privacyRequestId: string | null;
  createdAt: string;
  closedAt: string | null;
  suggestedKind: string | null;
}

export interface SupportTicketMessageRecord {
  id: string;
  authorName: string;
  body: string;
  createdAt: string;
}

export interface SupportTicketThread extends SupportTicketRecord {
  /** Absent while the page shows the list's copy of the ticket, before its own read arrives. */
  thread?: SupportTicketMessageRecord[];
}

graphql(`
  fragment SupportTicketFields on SupportTicket {
    id accountId channel fromAddress subject body status privacyRequestId createdAt closedAt suggestedKind
  }
`);

async function getList(_resource: string, params: GetListParams): Promise<GetListResult<SupportTicketRecord>> {
  const { supportTickets } = await staffGraphql(
    graphql(`query SupportTickets($status: SupportTicketStatus) { supportTickets(status: $status) { ...SupportTicketFields } }`),
    { status: params.filter?.status || null },
    params.signal,
  );
  const { page = 1, perPage = 25 } = params.pagination ?? {};
  return { data: supportTickets.slice((page - 1) * perPage, page * perPage), total: supportTickets.length };
}

async function getOne(_resource: string, params: GetOneParams): Promise<GetOneResult<SupportTicketThread>> {
  const { supportTicket } = await staffGraphql(
    graphql(`query SupportTicket($id: ID!) {
      supportTicket(id: $id) {
        __typename
        ... on QuerySupportTicketSuccess { data { ...SupportTicketFields thread { id authorName body createdAt } } }
        ... on Error { message }
      }
    }`),
    { id: String(params.id) },
    params.signal,
  );
  if (!("data" in supportTicket)) throw new Error(supportTicket.message ?? "The ticket could not be read.");
  return { data: supportTicket.data as SupportTicketThread };
}

export const ticketQueries: ResourceQueries = { getList, getOne } as ResourceQueries;

/** Sends a reply to the ticket's person by email and keeps it in the thread; throws the server's message. */
export async function replyToTicket(id: string, body: string): Promise<void> {
  const { replyToSupportTicket } = await staffGraphql(
    graphql(`mutation ReplyToTicket($input: ReplyToSupportTicketInput!) {
      replyToSupportTicket(input: $input) { __typename ... on Error { message } }
    }`),
    { input: { id, body } },
  );
  if (replyToSupportTicket.__typename !== "ReplyToSupportTicketPayload")
    throw new Error(("message" in replyToSupportTicket ? replyToSupportTicket.message : null) ?? "The reply could not be sent.");
}

/** Closes an open ticket, or reopens a closed one; throws the server's message. */
export async function moveTicket(id: string, to: "CLOSED" | "OPEN"): Promise<void> {
  const answer =
    to === "CLOSED"
      ? (
          await staffGraphql(
            graphql(`mutation CloseTicket($id: ID!) { closeSupportTicket(id: $id) { __typename ... on Error { message } } }`),
            { id },
          )
        ).closeSupportTicket
      : (
          await staffGraphql(
            graphql(`mutation ReopenTicket($id: ID!) { reopenSupportTicket(id: $id) { __typename ... on Error { message } } }`),
            { id },
          )
        ).reopenSupportTicket;
  if (answer.__typename !== "SupportTicketPayload")
    throw new Error(("message" in answer ? answer.message : null) ?? "The ticket could not be changed.");
}

/** Turns a ticket into a privacy request; returns the new request's id, or throws the server's message. */
export async function classifyTicket(id: string, kind: string, concernsMinor: boolean): Promise<string> {
  const { classifySupportTicket } = await staffGraphql(
    graphql(`mutation Classify($input: ClassifySupportTicketInput!) {
      classifySupportTicket(input: $input) {
        __typename
        ... on ClassifySupportTicketPayload { privacyRequest { id } }
        ... on Error { message }
      }
    }`),
    { input: { id, kind: kind as PrivacyRequestKind, concernsMinor } },
  );
  if (!("privacyRequest" in classifySupportTicket))
    throw new Error(classifySupportTicket.message ?? "The ticket could not be classified.");
  return classifySupportTicket.privacyRequest.id;
}

export async function logEmailTicket(fromAddress: string, subject: string, body: string): Promise<void> {
  const { logEmailTicket } = await staffGraphql(
    graphql(`mutation LogEmail($input: LogEmailTicketInput!) {
      logEmailTicket(input: $input) { __typename ... on Error { message } }
    }`),
    { input: { fromAddress, subject, body } },
  );
  if (logEmailTicket.__typename !== "SupportTicketPayload")
    throw new Error(logEmailTicket.message ?? "The email could not be logged.");
}
