/**
 * Support tickets: customers write through the API, staff log emails they
 * received. Staff classify a ticket that asks for a privacy right, and it
 * becomes a request (source SUPPORT), linked to it, waiting for the holder's
 * identity like any request not made by the signed-in holder. The ticket's
 * words are the person's own: they stay in the ticket's table and go with the
 * account when it is erased.
 *
 * The list puts tickets whose words suggest a privacy right first (P18:
 * privacy ahead of routine support), then the oldest.
 *
 * Staff answer a ticket on its page: the reply goes to the person by email
 * through the outbox, in the same transaction that stores it as a message of
 * the ticket's thread; the audit entry names the message and the email, never
 * the text. A ticket is closed when it needs nothing more, and reopened if it
 * does.
 */
import type { Prisma, PrivacyRequestKind, SupportTicket, SupportTicketMessage } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { emailSchema } from "../accounts/validation.ts";
import type { AccountActor, Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/events.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { suggestPrivacyKind } from "./keyword-hints.ts";
import { publishQueueChange } from "./request-states.ts";
import { fileRequest, privacyRequestKinds } from "./requests.ts";

const ticketSchema = z.object({
  subject: z.string().trim().min(1, { error: "is required" }).max(200, { error: "must be at most 200 characters" }),
  body: z.string().trim().min(1, { error: "is required" }).max(10_000, { error: "must be at most 10000 characters" }),
});

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ field: issue.path.join(".") || "input", message: issue.message })),
  );
}

/** A customer writes to support through the API. */
export async function contactSupport(
  services: Services,
  requester: AccountActor,
  input: { subject: string; body: string },
): Promise<SupportTicket> {
  const { subject, body } = parse(ticketSchema, input);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const ticket = await tx.supportTicket.create({
      data: { accountId: requester.accountId, channel: "API", subject, body, createdAt: now },
    });
    await auditTicket(tx, requester, "support_ticket.created", ticket.id, now, { channel: "API" });
    return ticket;
  });
}

/** A staff member logs an email support received; it is linked to the account the address belongs to, if any. */
export async function logEmailTicket(
  services: Services,
  actor: Actor,
  input: { fromAddress: string; subject: string; body: string },
): Promise<SupportTicket> {
  authorize(actor, "tickets.handle");
  const { subject, body } = parse(ticketSchema, input);
  const fromAddress = parse(emailSchema, input.fromAddress);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const account = await tx.account.findUnique({ where: { email: fromAddress }, select: { id: true } });
    const ticket = await tx.supportTicket.create({
      data: { accountId: account?.id ?? null, channel: "EMAIL", fromAddress, subject, body, createdAt: now },
    });
    await auditTicket(tx, actor, "support_ticket.logged", ticket.id, now, { channel: "EMAIL", linked: account !== null });
    return ticket;
  });
}

export interface TicketWithHint extends SupportTicket {
  suggestedKind: PrivacyRequestKind | null;
}

/** Open tickets (or those of `status`), privacy-looking first, then the oldest. */
export async function listSupportTickets(
  services: Services,
  actor: Actor,
  filter: { status?: SupportTicket["status"] | null } = {},
): Promise<TicketWithHint[]> {
  authorize(actor, "tickets.handle");
  const tickets = await services.db.supportTicket.findMany({
    where: { status: filter.status ?? "OPEN" },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 500,
  });
  const hinted = tickets.map((ticket) => ({ ...ticket, suggestedKind: suggestPrivacyKind(`${ticket.subject}\n${ticket.body}`) }));
  return [...hinted.filter((ticket) => ticket.suggestedKind), ...hinted.filter((ticket) => !ticket.suggestedKind)];
}

/**
 * Turns a ticket into a privacy request of `kind`, linked both ways. The
 * request waits for the holder's identity: a link goes to the account's
 * address when the ticket is linked to one.
 */
export async function classifySupportTicket(
  services: Services,
  actor: Actor,
  ticketId: string,
  input: { kind: PrivacyRequestKind; concernsMinor?: boolean | null },
) {
  authorize(actor, "tickets.handle");
  authorize(actor, "requests.handle");
  if (!(privacyRequestKinds as readonly string[]).includes(input.kind)) {
    throw new ValidationError([{ field: "kind", message: `must be one of ${privacyRequestKinds.join(", ")}` }]);
  }
  if (!isUuid(ticketId)) throw new NotFoundError("The support ticket");
  const now = services.now();
  const result = await services.db.$transaction(async (tx) => {
    const ticket = await tx.supportTicket.findUnique({
      where: { id: ticketId },
      include: { account: { select: { jurisdiction: true } } },
    });
    if (!ticket) throw new NotFoundError("The support ticket");
    const claimed = await tx.supportTicket.updateMany({
      where: { id: ticket.id, status: "OPEN" },
      data: { status: "CLASSIFIED", classifiedAt: now },
    });
    if (claimed.count !== 1)
      throw new ConflictError("TICKET_ALREADY_CLASSIFIED", "This ticket was already classified or closed.");
    const request = await fileRequest(services, tx, actor, {
      accountId: ticket.accountId,
      kind: input.kind,
      source: "SUPPORT",
      jurisdiction: ticket.account?.jurisdiction ?? "OTHER",
      details: null,
      verified: false,
      concernsMinor: input.concernsMinor ?? false,
      reasonCode: "classified_from_ticket",
    });
    const linked = await tx.supportTicket.update({ where: { id: ticket.id }, data: { privacyRequestId: request.id } });
    await auditTicket(tx, actor, "support_ticket.classified", ticket.id, now, { privacyRequestId: request.id, kind: input.kind });
    return { ticket: linked, privacyRequest: request };
  });
  publishQueueChange(services, result.privacyRequest.id);
  return result;
}

export interface TicketMessage extends SupportTicketMessage {
  authorName: string;
}

export interface TicketWithThread extends TicketWithHint {
  messages: TicketMessage[];
}

const messageInclude = { author: { select: { displayName: true } } } as const;

function messageOf({ author, ...message }: SupportTicketMessage & { author: { displayName: string } }): TicketMessage {
  return { ...message, authorName: author.displayName };
}

/** One ticket with its thread (the replies staff sent, oldest first); reading it is audited. */
export async function findSupportTicket(services: Services, actor: Actor, ticketId: string): Promise<TicketWithThread> {
  authorize(actor, "tickets.handle");
  if (!isUuid(ticketId)) throw new NotFoundError("The support ticket");
  return services.db.$transaction(async (tx) => {
    const ticket = await tx.supportTicket.findUnique({
      where: { id: ticketId },
      include: { messages: { include: messageInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
    });
    if (!ticket) throw new NotFoundError("The support ticket");
    await auditTicket(tx, actor, "support_ticket.viewed", ticket.id, services.now(), {});
    return {
      ...ticket,
      suggestedKind: suggestPrivacyKind(`${ticket.subject}\n${ticket.body}`),
      messages: ticket.messages.map(messageOf),
    };
  });
}

const replySchema = z.object({
  body: z.string().trim().min(1, { error: "is required" }).max(10_000, { error: "must be at most 10000 characters" }),
});

/** The reply's email: a fixed subject line (the outbox keeps it in plain text), the staff member's words in the body. */
function replyEmail(ticketId: string, text: string) {
  return {
    template: "support-reply",
    subject: "A reply from SMSAPE support",
    body: `${text}\n\n— SMSAPE support\nReference: support ticket ${ticketId}. Reply to this address if you need more help.`,
  };
}

/**
 * Staff answer a ticket: the reply is stored on the ticket and queued for
 * the person's address (the account's current one, or the sender of a logged
 * email) in one transaction. A closed ticket is reopened before it is answered.
 */
export async function replyToSupportTicket(
  services: Services,
  actor: Actor,
  ticketId: string,
  input: { body: string },
): Promise<{ ticket: SupportTicket; message: TicketMessage }> {
  authorize(actor, "tickets.handle");
  if (actor.kind !== "staff") throw new Error("unreachable: authorize admits staff only");
  const { body } = parse(replySchema, input);
  if (!isUuid(ticketId)) throw new NotFoundError("The support ticket");
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const ticket = await lockTicket(tx, ticketId);
    if (ticket.status === "CLOSED") throw new ConflictError("TICKET_CLOSED", "This ticket is closed. Reopen it to reply.");
    const account = ticket.accountId
      ? await tx.account.findUnique({ where: { id: ticket.accountId }, select: { email: true } })
      : null;
    const to = account?.email ?? ticket.fromAddress;
    if (!to) throw new ConflictError("TICKET_HAS_NO_ADDRESS", "This ticket has no address to reply to.");
    const message = await tx.supportTicketMessage.create({
      data: { ticketId: ticket.id, authorId: actor.staffUserId, body, createdAt: now },
      include: messageInclude,
    });
    const email = await enqueueEmail(tx, { accountId: ticket.accountId, to, ...replyEmail(ticket.id, body) }, services);
    await auditTicket(tx, actor, "support_ticket.replied", ticket.id, now, { messageId: message.id, emailId: email.id });
    return { ticket, message: messageOf(message) };
  });
}

/** Closes an open ticket: it needs nothing more. */
export function closeSupportTicket(services: Services, actor: Actor, ticketId: string): Promise<SupportTicket> {
  return moveTicket(services, actor, ticketId, "OPEN", "CLOSED");
}

/** Reopens a closed ticket, which goes back into the queue by its age. */
export function reopenSupportTicket(services: Services, actor: Actor, ticketId: string): Promise<SupportTicket> {
  return moveTicket(services, actor, ticketId, "CLOSED", "OPEN");
}

async function moveTicket(
  services: Services,
  actor: Actor,
  ticketId: string,
  from: "OPEN" | "CLOSED",
  to: "OPEN" | "CLOSED",
): Promise<SupportTicket> {
  authorize(actor, "tickets.handle");
  if (!isUuid(ticketId)) throw new NotFoundError("The support ticket");
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const ticket = await lockTicket(tx, ticketId);
    const { count } = await tx.supportTicket.updateMany({
      where: { id: ticket.id, status: from },
      data: { status: to, closedAt: to === "CLOSED" ? now : null },
    });
    if (count !== 1) {
      throw to === "CLOSED"
        ? new ConflictError(
            "TICKET_NOT_OPEN",
            "Only an open ticket can be closed; a classified ticket is handled as its privacy request.",
          )
        : new ConflictError("TICKET_NOT_CLOSED", "Only a closed ticket can be reopened.");
    }
    await auditTicket(tx, actor, to === "CLOSED" ? "support_ticket.closed" : "support_ticket.reopened", ticket.id, now, {});
    return tx.supportTicket.findUniqueOrThrow({ where: { id: ticket.id } });
  });
}

/** The ticket, locked for the rest of the transaction so a reply and a close do not cross. */
async function lockTicket(tx: Prisma.TransactionClient, ticketId: string): Promise<SupportTicket> {
  await tx.$queryRaw`SELECT id FROM "SupportTicket" WHERE id = ${ticketId}::uuid FOR UPDATE`;
  const ticket = await tx.supportTicket.findUnique({ where: { id: ticketId } });
  if (!ticket) throw new NotFoundError("The support ticket");
  return ticket;
}

type TicketEvent = Extract<AuditEvent, { subjectType: "SupportTicket" }>;

function auditTicket(
  tx: Parameters<typeof appendAuditEntry>[0],
  actor: Actor,
  action: TicketEvent["action"],
  ticketId: string,
  at: Date,
  details: Record<string, string | boolean>,
) {
  return appendAuditEntry(tx, actor, { action, subjectType: "SupportTicket", subjectId: ticketId, details } as TicketEvent, at);
}
