/**
 * The events a customer's endpoints receive, queued inside the transaction
 * of the change they describe: the delivery record and its job commit with
 * the change or not at all, so no event is lost and none is sent for a change
 * that rolled back. Only the account that owns the activation is told (P7):
 * its own endpoints, and only those subscribed to the event's type.
 *
 * Each event has one id, the same for every endpoint and every retry; the
 * body is fixed at queueing (encrypted until delivered), so a retry sends the
 * same bytes. SMS text and code are in the body only for endpoints that opted
 * in (`includeMessageContent`).
 */
import { type ActivationStatus, Prisma } from "@smsape/db";
import type { SqlExecutor } from "../../platform/jobs.ts";
import type { Services } from "../../services/index.ts";
import { sealColumn } from "../crypto/encrypted-columns.ts";
import { newRecordId } from "../ids.ts";

export const webhookEventTypes = ["sms.received", "activation.status_changed"] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** pg-boss job: one delivery attempt of one event to one endpoint. */
export const webhookDeliveryJob = "webhook.deliver";

export interface WebhookDeliveryJob {
  deliveryId: string;
}

/** The activation as an event names it: no number, no account, nothing the endpoint does not need. */
export interface ActivationRef {
  id: string;
  accountId: string | null;
  serviceCode: string;
  countryCode: string;
}

export interface StatusChangeEvent {
  activation: ActivationRef;
  from: ActivationStatus | null;
  to: ActivationStatus;
  at: Date;
}

export interface SmsReceivedEvent {
  activation: ActivationRef & { status: ActivationStatus };
  messageId: string;
  receivedAt: Date;
  text: string;
  code: string | null;
}

export interface PendingEvent {
  /** The event's id: the same in every endpoint's body and every retry. */
  id: string;
  accountId: string;
  type: WebhookEventType;
  activationId: string;
  /** The body for an endpoint, with or without the message content. */
  body(includeMessageContent: boolean): string;
}

function activationData(activation: ActivationRef, status: ActivationStatus) {
  return { id: activation.id, service: activation.serviceCode, country: activation.countryCode, status };
}

function envelope(id: string, type: WebhookEventType, at: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ id, type, createdAt: at.toISOString(), data });
}

/** `activation.status_changed` for each change of an activation that has an owner. */
export function statusChangeEvents(changes: StatusChangeEvent[]): PendingEvent[] {
  return changes.flatMap((change): PendingEvent[] => {
    const accountId = change.activation.accountId;
    if (!accountId) return [];
    const id = newRecordId();
    const body = envelope(id, "activation.status_changed", change.at, {
      activation: activationData(change.activation, change.to),
      previousStatus: change.from,
    });
    return [{ id, accountId, type: "activation.status_changed", activationId: change.activation.id, body: () => body }];
  });
}

/** `sms.received` for an owned activation's SMS; text and code only in the bodies of endpoints that opted in. */
export function smsReceivedEvents(sms: SmsReceivedEvent): PendingEvent[] {
  const accountId = sms.activation.accountId;
  if (!accountId) return [];
  const id = newRecordId();
  const data = (includeMessageContent: boolean) => ({
    activation: activationData(sms.activation, sms.activation.status),
    sms: {
      id: sms.messageId,
      receivedAt: sms.receivedAt.toISOString(),
      ...(includeMessageContent ? { text: sms.text, code: sms.code } : {}),
    },
  });
  return [
    {
      id,
      accountId,
      type: "sms.received",
      activationId: sms.activation.id,
      body: (includeMessageContent) => envelope(id, "sms.received", sms.receivedAt, data(includeMessageContent)),
    },
  ];
}

/** Queues `activation.status_changed` for each change, to the owners' endpoints that subscribed. */
export function queueStatusChangeEvents(
  services: Services,
  tx: Prisma.TransactionClient,
  changes: StatusChangeEvent[],
): Promise<void> {
  return queueEvents(services, tx, statusChangeEvents(changes));
}

/** What a delivery needs of an endpoint. */
export interface WebhookEndpointRef {
  id: string;
  accountId: string;
  events: string[];
  includeMessageContent: boolean;
}

/**
 * The account's endpoints as one JSON array (NULL when it has none), for a
 * statement that reads them with everything else (the SMS ingest's one read).
 * `accountId` is the SQL expression of the account's id.
 */
export function webhookEndpointsJson(accountId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT json_agg(json_build_object('id', e."id", 'accountId', e."accountId", 'events', e."events",
      'includeMessageContent', e."includeMessageContent"))
    FROM "WebhookEndpoint" e WHERE e."accountId" = ${accountId})`;
}

/** One delivery of one event to one endpoint, its body sealed under its own id. */
export interface NewWebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: WebhookEventType;
  activationId: string;
  payloadCiphertext: string;
  createdAt: Date;
}

/** The deliveries of `events` to the endpoints that subscribed to them: the owner's own only (P7). */
export function webhookDeliveries(
  services: Services,
  events: PendingEvent[],
  endpoints: WebhookEndpointRef[],
): NewWebhookDelivery[] {
  const now = services.now();
  const ring = services.config.encryption;
  const deliveries: NewWebhookDelivery[] = [];
  for (const event of events) {
    for (const endpoint of endpoints) {
      if (endpoint.accountId !== event.accountId || !endpoint.events.includes(event.type)) continue;
      const id = newRecordId();
      const body = event.body(endpoint.includeMessageContent);
      deliveries.push({
        id,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        activationId: event.activationId,
        payloadCiphertext: sealColumn(ring, "webhookPayload", id, body),
        createdAt: now,
      });
    }
  }
  return deliveries;
}

/**
 * The deliveries' insert as one statement (a member of a larger `WITH` when
 * the caller writes the change in one statement); due at once. `guard` is a
 * condition on the change having happened (e.g. `EXISTS (SELECT 1 FROM moved)`).
 */
export function insertWebhookDeliveriesSql(deliveries: NewWebhookDelivery[], guard: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  const column = <K extends keyof NewWebhookDelivery>(key: K) => deliveries.map((delivery) => delivery[key]);
  const times = deliveries.map((delivery) => delivery.createdAt.toISOString());
  return Prisma.sql`INSERT INTO "WebhookDelivery"
      ("id", "endpointId", "eventId", "eventType", "activationId", "payloadCiphertext", "createdAt", "nextAttemptAt")
    SELECT d."id", d."endpointId", d."eventId", d."eventType", d."activationId", d."payloadCiphertext", d."at", d."at"
    FROM unnest(${column("id")}::uuid[], ${column("endpointId")}::uuid[], ${column("eventId")}::uuid[],
      ${column("eventType")}::text[], ${column("activationId")}::uuid[], ${column("payloadCiphertext")}::text[],
      ${times}::timestamp[]) AS d("id", "endpointId", "eventId", "eventType", "activationId", "payloadCiphertext", "at")
    WHERE ${guard}`;
}

/** One delivery job per delivery, queued through `within` so they commit with the deliveries or not at all. */
export async function sendWebhookDeliveryJobs(
  services: Services,
  within: SqlExecutor,
  deliveries: NewWebhookDelivery[],
): Promise<void> {
  for (const delivery of deliveries) {
    await services.jobs.send<WebhookDeliveryJob>(webhookDeliveryJob, { deliveryId: delivery.id }, { within });
  }
}

async function queueEvents(services: Services, tx: Prisma.TransactionClient, events: PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const accountIds = [...new Set(events.map((event) => event.accountId))];
  // One indexed read per change; most accounts have no endpoint and stop here.
  const endpoints = await tx.webhookEndpoint.findMany({
    where: { accountId: { in: accountIds } },
    select: { id: true, accountId: true, events: true, includeMessageContent: true },
  });
  if (endpoints.length === 0) return;
  const deliveries = webhookDeliveries(services, events, endpoints);
  if (deliveries.length === 0) return;
  await tx.webhookDelivery.createMany({
    data: deliveries.map((delivery) => ({ ...delivery, nextAttemptAt: delivery.createdAt })),
  });
  await sendWebhookDeliveryJobs(services, tx, deliveries);
}
