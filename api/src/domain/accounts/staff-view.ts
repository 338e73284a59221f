/**
 * A customer's account as support staff see it (P5, P20). Staff find an
 * account by its id or exact address and read its page with personal values
 * masked: the address, the numbers it was given, the names it gave its API
 * keys and the subjects of its support tickets. Unmasking them takes a reason from a fixed list, and every search,
 * page view, unmasking and session revocation is written to the audit log
 * with ids and field names only. The account of a person whose processing is
 * restricted or who objected to staff reads (P17) is read only for one of the
 * reasons the law leaves open (privacy/restriction.ts).
 */
import type { Activation, ApiKey, Jurisdiction, LedgerEntry, PrivacyRequest, Session, SupportTicket } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { type Balance, balanceOf } from "../ledger/ledger.ts";
import { assertStaffReadAllowed, restrictedReadReasons } from "../privacy/restriction.ts";
import { authorize } from "../staff/permissions.ts";
import { announceCredentialsEnded } from "./credentials.ts";

/**
 * Why a staff member needs a person's data: one is required to unmask it.
 * A restricted account is read only for the last four (`restrictedReadReasons`).
 */
export const staffReadReasons = ["SUPPORT_TICKET", "FRAUD_OR_ABUSE", "LEGAL_OBLIGATION", ...restrictedReadReasons] as const;
export type StaffReadReason = (typeof staffReadReasons)[number];

export interface StaffReadPurpose {
  reason: StaffReadReason;
  /** The request or ticket it serves, when there is one. */
  reference?: string | null;
}

/** How many of an account's newest activations, entries and sessions its page lists. */
export const staffPageListLimit = 50;

export interface StaffAccountSummary {
  id: string;
  maskedEmail: string;
  emailVerified: boolean;
  jurisdiction: Jurisdiction;
  restricted: boolean;
  createdAt: Date;
}

export interface StaffAccountPage extends StaffAccountSummary {
  balance: Balance;
  activations: Array<
    Pick<Activation, "id" | "serviceCode" | "countryCode" | "status" | "priceMinor" | "createdAt" | "endedAt"> & {
      maskedPhoneNumber: string;
    }
  >;
  ledgerEntries: Array<Pick<LedgerEntry, "id" | "kind" | "availableDelta" | "heldDelta" | "createdAt" | "activationId">>;
  sessions: Array<
    Pick<Session, "id" | "createdAt" | "lastSeenAt" | "idleExpiresAt" | "absoluteExpiresAt" | "revokedAt"> & {
      live: boolean;
    }
  >;
  apiKeys: Array<Pick<ApiKey, "id" | "prefix" | "createdAt" | "lastUsedAt" | "revokedAt">>;
  privacyRequests: Array<Pick<PrivacyRequest, "id" | "kind" | "status" | "receivedAt">>;
  /** The account's tickets without their words: the subject is unmasked with the rest, the thread is on the ticket's page. */
  supportTickets: Array<
    Pick<SupportTicket, "id" | "channel" | "status" | "privacyRequestId" | "createdAt" | "closedAt"> & { replies: number }
  >;
}

export interface RevealedPersonalData {
  accountId: string;
  email: string;
  phoneNumbers: Array<{ activationId: string; phoneNumber: string }>;
  apiKeyNames: Array<{ apiKeyId: string; name: string }>;
  ticketSubjects: Array<{ ticketId: string; subject: string }>;
}

/** `person@example.com` reads `p•••@e•••.com`: enough to tell two accounts apart, not to write to one. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "•••";
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const maskedDomain = dot > 0 ? `${domain[0]}•••${domain.slice(dot)}` : "•••";
  return `${email[0]}•••@${maskedDomain}`;
}

/** `+447700900123` reads `+44•••••••23`. */
export function maskPhoneNumber(phoneNumber: string): string {
  if (phoneNumber.length <= 5) return "•••";
  return `${phoneNumber.slice(0, 3)}${"•".repeat(phoneNumber.length - 5)}${phoneNumber.slice(-2)}`;
}

const summaryFields = {
  id: true,
  email: true,
  emailVerifiedAt: true,
  jurisdiction: true,
  restrictedAt: true,
  createdAt: true,
} as const;

function summaryOf(account: {
  id: string;
  email: string;
  emailVerifiedAt: Date | null;
  jurisdiction: Jurisdiction;
  restrictedAt: Date | null;
  createdAt: Date;
}): StaffAccountSummary {
  return {
    id: account.id,
    maskedEmail: maskEmail(account.email),
    emailVerified: account.emailVerifiedAt !== null,
    jurisdiction: account.jurisdiction,
    restricted: account.restrictedAt !== null,
    createdAt: account.createdAt,
  };
}

/**
 * Finds accounts by id or by exact address (what a ticket or request names).
 * No partial matches: staff look up the person in front of them, not browse.
 */
export async function findAccountsForStaff(services: Services, actor: Actor, search: string): Promise<StaffAccountSummary[]> {
  authorize(actor, "accounts.read");
  const text = search.trim();
  const by = isUuid(text) ? "id" : text.includes("@") ? "email" : null;
  if (!by) throw new ValidationError([{ field: "search", message: "must be an account id or an exact email address" }]);
  const where = by === "id" ? { id: text } : { email: text.toLowerCase() };
  return services.db.$transaction(async (tx) => {
    const found = await tx.account.findMany({ where, select: summaryFields });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "account.searched",
        subjectType: "Account",
        subjectId: found[0]?.id ?? null,
        details: { by, found: found.length },
      },
      services.now(),
    );
    return found.map(summaryOf);
  });
}

/** An account's page, personal values masked. A restricted account needs a purpose (P17). */
export async function accountPageForStaff(
  services: Services,
  actor: Actor,
  accountId: string,
  purpose: StaffReadPurpose | null = null,
): Promise<StaffAccountPage> {
  authorize(actor, "accounts.read");
  if (!isUuid(accountId)) throw new NotFoundError("The account");
  return services.db.$transaction(async (tx) => {
    const account = await tx.account.findUnique({
      where: { id: accountId },
      select: {
        ...summaryFields,
        activations: {
          orderBy: { createdAt: "desc" },
          take: staffPageListLimit,
          select: {
            id: true,
            serviceCode: true,
            countryCode: true,
            status: true,
            priceMinor: true,
            createdAt: true,
            endedAt: true,
            phoneNumber: true,
          },
        },
        ledgerEntries: {
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: staffPageListLimit,
          select: { id: true, kind: true, availableDelta: true, heldDelta: true, createdAt: true, activationId: true },
        },
        sessions: {
          orderBy: { createdAt: "desc" },
          take: staffPageListLimit,
          select: {
            id: true,
            createdAt: true,
            lastSeenAt: true,
            idleExpiresAt: true,
            absoluteExpiresAt: true,
            revokedAt: true,
          },
        },
        apiKeys: {
          orderBy: { createdAt: "desc" },
          select: { id: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
        },
        privacyRequests: {
          orderBy: { receivedAt: "desc" },
          select: { id: true, kind: true, status: true, receivedAt: true },
        },
        supportTickets: {
          orderBy: { createdAt: "desc" },
          take: staffPageListLimit,
          select: {
            id: true,
            channel: true,
            status: true,
            privacyRequestId: true,
            createdAt: true,
            closedAt: true,
            _count: { select: { messages: true } },
          },
        },
      },
    });
    if (!account) throw new NotFoundError("The account");
    await assertStaffReadAllowed(tx, account.id, purpose?.reason);
    const now = services.now();
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "account.viewed",
        subjectType: "Account",
        subjectId: account.id,
        reason: purpose?.reason.toLowerCase() ?? null,
        details: purpose?.reference ? { reference: purpose.reference } : null,
      },
      now,
    );
    return {
      ...summaryOf(account),
      balance: await balanceOf(tx, account.id),
      activations: account.activations.map(({ phoneNumber, ...activation }) => ({
        ...activation,
        maskedPhoneNumber: maskPhoneNumber(phoneNumber),
      })),
      ledgerEntries: account.ledgerEntries,
      sessions: account.sessions.map((session) => ({
        ...session,
        live: !session.revokedAt && session.idleExpiresAt > now && session.absoluteExpiresAt > now,
      })),
      apiKeys: account.apiKeys,
      privacyRequests: account.privacyRequests,
      supportTickets: account.supportTickets.map(({ _count, ...ticket }) => ({ ...ticket, replies: _count.messages })),
    };
  });
}

/**
 * The account's personal values in clear, for a stated purpose, written to
 * the audit log with the purpose (the values themselves never are).
 */
export async function revealAccountPersonalData(
  services: Services,
  actor: Actor,
  accountId: string,
  purpose: StaffReadPurpose,
): Promise<RevealedPersonalData> {
  authorize(actor, "accounts.reveal");
  if (!isUuid(accountId)) throw new NotFoundError("The account");
  if (!staffReadReasons.includes(purpose.reason)) {
    throw new ValidationError([{ field: "reason", message: `must be one of ${staffReadReasons.join(", ")}` }]);
  }
  return services.db.$transaction(async (tx) => {
    const account = await tx.account.findUnique({
      where: { id: accountId },
      select: {
        id: true,
        email: true,
        activations: {
          orderBy: { createdAt: "desc" },
          take: staffPageListLimit,
          select: { id: true, phoneNumber: true },
        },
        apiKeys: { orderBy: { createdAt: "desc" }, select: { id: true, name: true } },
        supportTickets: { orderBy: { createdAt: "desc" }, take: staffPageListLimit, select: { id: true, subject: true } },
      },
    });
    if (!account) throw new NotFoundError("The account");
    await assertStaffReadAllowed(tx, account.id, purpose.reason);
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "account.personal_data_revealed",
        subjectType: "Account",
        subjectId: account.id,
        reason: purpose.reason.toLowerCase(),
        details: {
          fields: ["email", "activations.phoneNumber", "apiKeys.name", "supportTickets.subject"],
          reference: purpose.reference ?? null,
        },
      },
      services.now(),
    );
    return {
      accountId: account.id,
      email: account.email,
      phoneNumbers: account.activations.map((activation) => ({
        activationId: activation.id,
        phoneNumber: activation.phoneNumber,
      })),
      apiKeyNames: account.apiKeys.map((key) => ({ apiKeyId: key.id, name: key.name })),
      ticketSubjects: account.supportTickets.map((ticket) => ({ ticketId: ticket.id, subject: ticket.subject })),
    };
  });
}

/** Ends one of a customer's sessions at once, open sockets included. */
export async function revokeCustomerSession(services: Services, actor: Actor, sessionId: string): Promise<void> {
  authorize(actor, "accounts.sessions");
  if (!isUuid(sessionId)) throw new NotFoundError("The session");
  const accountId = await services.db.$transaction(async (tx) => {
    const now = services.now();
    const session = await tx.session.findUnique({ where: { id: sessionId }, select: { id: true, accountId: true } });
    if (!session) throw new NotFoundError("The session");
    await tx.session.updateMany({ where: { id: session.id, revokedAt: null }, data: { revokedAt: now } });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "account.session_revoked",
        subjectType: "Session",
        subjectId: session.id,
        details: { accountId: session.accountId },
      },
      now,
    );
    return session.accountId;
  });
  announceCredentialsEnded(services, accountId);
}
