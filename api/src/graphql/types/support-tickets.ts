/**
 * Support tickets: `contactSupport` on the customer API; the ticket list, a
 * ticket with its thread, logging an email, replying, closing and reopening,
 * and classifying a ticket as a privacy request on the staff API.
 */
import type { PrivacyRequest, SupportTicket } from "@smsape/db";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import {
  classifySupportTicket,
  closeSupportTicket,
  contactSupport,
  findSupportTicket,
  listSupportTickets,
  logEmailTicket,
  reopenSupportTicket,
  replyToSupportTicket,
  type TicketMessage,
  type TicketWithHint,
  type TicketWithThread,
} from "../../domain/privacy/support-tickets.ts";
import { builder } from "../builder.ts";
import { signedInAccount } from "../viewer.ts";
import { PrivacyRequestKindEnum } from "./privacy.ts";
import { StaffPrivacyRequest, staffActor } from "./privacy-staff.ts";

const ChannelEnum = builder.enumType("SupportTicketChannel", { subGraphs: ["staff"], values: ["API", "EMAIL"] as const });
const TicketStatusEnum = builder.enumType("SupportTicketStatus", {
  subGraphs: ["staff"],
  values: ["OPEN", "CLASSIFIED", "CLOSED"] as const,
});

const SupportTicketMessageType = builder.objectRef<TicketMessage>("SupportTicketMessage").implement({
  subGraphs: ["staff"],
  description: "A reply staff sent on a ticket; it was emailed to the person.",
  fields: (t) => ({
    id: t.exposeID("id"),
    authorId: t.exposeID("authorId"),
    authorName: t.exposeString("authorName", { description: "The staff member who wrote it." }),
    body: t.exposeString("body"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const SupportTicketType = builder
  .objectRef<TicketWithHint & Partial<Pick<TicketWithThread, "messages">>>("SupportTicket")
  .implement({
    subGraphs: ["staff"],
    description: "A message to support. `suggestedKind` is a hint from its words, for staff to confirm or ignore.",
    fields: (t) => ({
      closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
      // Named `thread`, not `messages`: on this service "messages" are SMS, which the staff API never exposes (P7).
      thread: t.field({
        type: [SupportTicketMessageType],
        nullable: true,
        description: "The replies staff sent, oldest first: only on a ticket read by `supportTicket`.",
        resolve: (ticket) => ticket.messages ?? null,
      }),
      id: t.exposeID("id"),
      accountId: t.exposeID("accountId", { nullable: true }),
      channel: t.expose("channel", { type: ChannelEnum }),
      fromAddress: t.exposeString("fromAddress", { nullable: true }),
      subject: t.exposeString("subject"),
      body: t.exposeString("body"),
      status: t.expose("status", { type: TicketStatusEnum }),
      privacyRequestId: t.exposeID("privacyRequestId", { nullable: true }),
      createdAt: t.expose("createdAt", { type: "DateTime" }),
      classifiedAt: t.expose("classifiedAt", { type: "DateTime", nullable: true }),
      suggestedKind: t.expose("suggestedKind", { type: PrivacyRequestKindEnum, nullable: true }),
    }),
  });

const ContactSupportReceipt = builder.objectRef<SupportTicket>("ContactSupportReceipt").implement({
  subGraphs: ["customer"],
  fields: (t) => ({ ticketId: t.exposeID("id"), receivedAt: t.expose("createdAt", { type: "DateTime" }) }),
});

builder.mutationField("contactSupport", (t) =>
  t.field({
    type: ContactSupportReceipt,
    subGraphs: ["customer"],
    description: "Writes to support. To exercise a privacy right directly, use the privacy request mutations.",
    authScopes: { account: true },
    args: {
      input: t.arg({
        type: builder.inputType("ContactSupportInput", {
          subGraphs: ["customer"],
          fields: (f) => ({ subject: f.string({ required: true }), body: f.string({ required: true }) }),
        }),
        required: true,
      }),
    },
    errors: { types: [ValidationError], directResult: true, union: { name: "ContactSupportResult", subGraphs: ["customer"] } },
    resolve: (_root, { input }, context) => contactSupport(context.services, signedInAccount(context.viewer), input),
  }),
);

builder.queryField("supportTickets", (t) =>
  t.field({
    type: [SupportTicketType],
    subGraphs: ["staff"],
    description: "Open tickets (or those in `status`): those that look like a privacy request first, then the oldest (P18).",
    authScopes: { staffCan: "tickets.handle" },
    args: { status: t.arg({ type: TicketStatusEnum, required: false }) },
    resolve: (_root, args, context) =>
      listSupportTickets(context.services, staffActor(context.viewer), { status: args.status ?? null }),
  }),
);

builder.queryField("supportTicket", (t) =>
  t.field({
    type: SupportTicketType,
    subGraphs: ["staff"],
    description: "One ticket with its thread; reading it is written to the audit log.",
    authScopes: { staffCan: "tickets.handle" },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], union: { name: "SupportTicketResult", subGraphs: ["staff"] } },
    resolve: (_root, args, context) => findSupportTicket(context.services, staffActor(context.viewer), String(args.id)),
  }),
);

const TicketPayload = builder.objectRef<{ ticket: SupportTicket }>("SupportTicketPayload").implement({
  subGraphs: ["staff"],
  fields: (t) => ({
    ticket: t.field({ type: SupportTicketType, resolve: (payload) => ({ ...payload.ticket, suggestedKind: null }) }),
  }),
});

builder.mutationField("logEmailTicket", (t) =>
  t.field({
    type: TicketPayload,
    subGraphs: ["staff"],
    description: "Logs an email support received as a ticket, linked to the account of that address if there is one.",
    authScopes: { staffCan: "tickets.handle" },
    args: {
      input: t.arg({
        type: builder.inputType("LogEmailTicketInput", {
          subGraphs: ["staff"],
          fields: (f) => ({
            fromAddress: f.string({ required: true }),
            subject: f.string({ required: true }),
            body: f.string({ required: true }),
          }),
        }),
        required: true,
      }),
    },
    errors: { types: [ValidationError], directResult: true, union: { name: "LogEmailTicketResult", subGraphs: ["staff"] } },
    resolve: async (_root, { input }, context) => ({
      ticket: await logEmailTicket(context.services, staffActor(context.viewer), input),
    }),
  }),
);

const ClassifyPayload = builder
  .objectRef<{ ticket: SupportTicket; privacyRequest: PrivacyRequest }>("ClassifySupportTicketPayload")
  .implement({
    subGraphs: ["staff"],
    fields: (t) => ({
      ticket: t.field({ type: SupportTicketType, resolve: (payload) => ({ ...payload.ticket, suggestedKind: null }) }),
      privacyRequest: t.field({ type: StaffPrivacyRequest, resolve: (payload) => payload.privacyRequest }),
    }),
  });

builder.mutationField("classifySupportTicket", (t) =>
  t.field({
    type: ClassifyPayload,
    subGraphs: ["staff"],
    description: "Turns a ticket into a privacy request of `kind` (source SUPPORT), which waits for the holder's identity.",
    authScopes: { staffCan: "tickets.handle" },
    args: {
      input: t.arg({
        type: builder.inputType("ClassifySupportTicketInput", {
          subGraphs: ["staff"],
          fields: (f) => ({
            id: f.id({ required: true }),
            kind: f.field({ type: PrivacyRequestKindEnum, required: true }),
            concernsMinor: f.boolean({ required: false }),
          }),
        }),
        required: true,
      }),
    },
    errors: {
      types: [ValidationError, NotFoundError, ConflictError],
      directResult: true,
      union: { name: "ClassifySupportTicketResult", subGraphs: ["staff"] },
    },
    resolve: (_root, { input }, context) =>
      classifySupportTicket(context.services, staffActor(context.viewer), String(input.id), {
        kind: input.kind,
        concernsMinor: input.concernsMinor ?? null,
      }),
  }),
);

const ReplyPayload = builder
  .objectRef<{ ticket: SupportTicket; message: TicketMessage }>("ReplyToSupportTicketPayload")
  .implement({
    subGraphs: ["staff"],
    fields: (t) => ({
      ticket: t.field({ type: SupportTicketType, resolve: (payload) => ({ ...payload.ticket, suggestedKind: null }) }),
      message: t.field({ type: SupportTicketMessageType, resolve: (payload) => payload.message }),
    }),
  });

builder.mutationField("replyToSupportTicket", (t) =>
  t.field({
    type: ReplyPayload,
    subGraphs: ["staff"],
    description:
      "Answers a ticket: the reply is emailed to the person (through the outbox) and kept on the ticket. The audit entry holds no text.",
    authScopes: { staffCan: "tickets.handle" },
    args: {
      input: t.arg({
        type: builder.inputType("ReplyToSupportTicketInput", {
          subGraphs: ["staff"],
          fields: (f) => ({ id: f.id({ required: true }), body: f.string({ required: true }) }),
        }),
        required: true,
      }),
    },
    errors: {
      types: [ValidationError, NotFoundError, ConflictError],
      directResult: true,
      union: { name: "ReplyToSupportTicketResult", subGraphs: ["staff"] },
    },
    resolve: (_root, { input }, context) =>
      replyToSupportTicket(context.services, staffActor(context.viewer), String(input.id), { body: input.body }),
  }),
);

for (const [name, move, description] of [
  ["closeSupportTicket", closeSupportTicket, "Closes an open ticket that needs nothing more."],
  ["reopenSupportTicket", reopenSupportTicket, "Reopens a closed ticket; it goes back into the queue by its age."],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: TicketPayload,
      subGraphs: ["staff"],
      description,
      authScopes: { staffCan: "tickets.handle" },
      args: { id: t.arg.id({ required: true }) },
      errors: {
        types: [NotFoundError, ConflictError],
        directResult: true,
        union: { name: `${name.charAt(0).toUpperCase()}${name.slice(1)}Result`, subGraphs: ["staff"] },
      },
      resolve: async (_root, args, context) => ({
        ticket: await move(context.services, staffActor(context.viewer), String(args.id)),
      }),
    }),
  );
}
