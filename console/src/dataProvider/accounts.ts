/**
 * Customers' accounts through the staff API: search by id or exact address,
 * the account's page (masked), unmasking with a reason, ending a session.
 */
import { HttpError } from "react-admin";
import { graphql } from "../generated/gql.ts";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql, succeeded } from "./staffGraphql.ts";

export const staffReadReasons = [
  "SUPPORT_TICKET",
  "FRAUD_OR_ABUSE",
  "LEGAL_OBLIGATION",
  "RIGHTS_REQUEST",
  "LEGAL_CLAIM",
  "PROTECTION_OF_OTHERS",
  "HOLDER_CONSENT",
] as const;
export type StaffReadReason = (typeof staffReadReasons)[number];
export interface StaffReadPurpose {
  reason: StaffReadReason;
  reference?: string | null;
}

interface ErrorResult {
  __typename: string;
  code: string;
  message: string;
}

/** A typed error result of the API becomes an HttpError carrying its code, with the server's message. */
function failed(result: ErrorResult): never {
  throw new HttpError(result.message, 400, { code: result.code });
}

export const accountQueries: ResourceQueries = {
  async getList(_resource, params) {
    const search = String(params.filter?.q ?? "").trim();
    // Staff look up the person in front of them: no search, no list.
    if (!search) return { data: [], total: 0 };
    const { staffAccounts } = await staffGraphql(
      graphql(`query StaffAccounts($search: String!) {
        staffAccounts(search: $search) {
          __typename
          ... on QueryStaffAccountsSuccess { data { id maskedEmail emailVerified jurisdiction restricted createdAt } }
          ... on Error { code message }
        }
      }`),
      { search },
      params.signal,
    );
    if (!succeeded(staffAccounts)) failed(staffAccounts);
    return { data: staffAccounts.data as never[], total: staffAccounts.data.length };
  },

  async getOne(_resource, params) {
    const purpose = (params.meta as { purpose?: StaffReadPurpose } | undefined)?.purpose ?? null;
    const { staffAccount } = await staffGraphql(
      graphql(`query StaffAccount($id: ID!, $purpose: StaffReadPurposeInput) {
        staffAccount(id: $id, purpose: $purpose) {
          __typename
          ... on QueryStaffAccountSuccess {
            data {
              id maskedEmail emailVerified jurisdiction restricted createdAt
              balance { availableMinor heldMinor currency }
              activations { id serviceCode countryCode status priceMinor maskedPhoneNumber createdAt endedAt }
              ledgerEntries { id kind availableDelta heldDelta activationId createdAt }
              sessions { id live createdAt lastSeenAt idleExpiresAt absoluteExpiresAt revokedAt }
              apiKeys { id prefix createdAt lastUsedAt revokedAt }
              privacyRequests { id kind status receivedAt }
              supportTickets { id channel status privacyRequestId replies createdAt closedAt }
            }
          }
          ... on Error { code message }
        }
      }`),
      { id: params.id, purpose },
      params.signal,
    );
    if (!succeeded(staffAccount)) failed(staffAccount);
    return { data: staffAccount.data as never };
  },
};

export interface RevealedPersonalData {
  email: string;
  phoneNumbers: Array<{ activationId: string; phoneNumber: string }>;
  apiKeyNames: Array<{ apiKeyId: string; name: string }>;
  ticketSubjects: Array<{ ticketId: string; subject: string }>;
}

/** The account's personal values in clear; the server records the purpose in the audit log. */
export async function revealPersonalData(accountId: string, purpose: StaffReadPurpose): Promise<RevealedPersonalData> {
  const { revealAccountPersonalData: result } = await staffGraphql(
    graphql(`mutation RevealAccountPersonalData($accountId: ID!, $purpose: StaffReadPurposeInput!) {
      revealAccountPersonalData(accountId: $accountId, purpose: $purpose) {
        __typename
        ... on MutationRevealAccountPersonalDataSuccess {
          data {
            email
            phoneNumbers { activationId phoneNumber }
            apiKeyNames { apiKeyId name }
            ticketSubjects { ticketId subject }
          }
        }
        ... on Error { code message }
      }
    }`),
    { accountId, purpose },
  );
  if (!succeeded(result)) failed(result);
  return result.data;
}

/** Ends one of a customer's sessions; its open sockets close. */
export async function revokeCustomerSession(sessionId: string): Promise<void> {
  const { revokeCustomerSession: result } = await staffGraphql(
    graphql(`mutation RevokeCustomerSession($sessionId: ID!) {
      revokeCustomerSession(sessionId: $sessionId) { __typename ... on Error { code message } }
    }`),
    { sessionId },
  );
  if (result.__typename !== "MutationRevokeCustomerSessionSuccess") failed(result);
}
