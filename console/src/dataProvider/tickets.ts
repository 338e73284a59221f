/** Support tickets on the staff API: the list with its keyword hints, logging an email, classifying a ticket. */
import type { GetListParams, GetListResult } from "react-admin";
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
  suggestedKind: string | null;
}

async function getList(_resource: string, params: GetListParams): Promise<GetListResult<SupportTicketRecord>> {
  const { supportTickets } = await staffGraphql(
    graphql(
      `query SupportTickets($status: SupportTicketStatus) { supportTickets(status: $status) { id accountId channel fromAddress subject body status privacyRequestId createdAt suggestedKind } }`,
    ),
    { status: params.filter?.status || null },
    params.signal,
  );
  const { page = 1, perPage = 25 } = params.pagination ?? {};
  return { data: supportTickets.slice((page - 1) * perPage, page * perPage), total: supportTickets.length };
}

export const ticketQueries: ResourceQueries = { getList } as ResourceQueries;

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
