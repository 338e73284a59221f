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
import type { ActivationStatus, Prisma } from "@smsape/db";
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

interface PendingEvent {
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

/** Queues `activation.status_changed` for each change, to the owners' endpoints that subscribed. */
export function queueStatusChangeEvents(
  services: Services,
  tx: Prisma.TransactionClient,
  changes: StatusChangeEvent[],
): Promise<void> {
  return queueEvents(
    services,
    tx,
    changes.flatMap((change): PendingEvent[] => {
      const accountId = change.activation.accountId;
      if (!accountId) return [];
      const id = newRecordId();
      const body = envelope(id, "activation.status_changed", change.at, {
        activation: activationData(change.activation, change.to),
        previousStatus: change.from,
      });
      return [{ id, accountId, type: "activation.status_changed", activationId: change.activation.id, body: () => body }];
    }),
  );
}

/** Queues `sms.received` to the owner's endpoints that subscribed; text and code only for those that opted in. */
export function queueSmsReceivedEvent(services: Services, tx: Prisma.TransactionClient, sms: SmsReceivedEvent): Promise<void> {
  const accountId = sms.activation.accountId;
  if (!accountId) return Promise.resolve();
  const id = newRecordId();
  const data = (includeMessageContent: boolean) => ({
    activation: activationData(sms.activation, sms.activation.status),
    sms: {
      id: sms.messageId,
      receivedAt: sms.receivedAt.toISOString(),
      ...(includeMessageContent ? { text: sms.text, code: sms.code } : {}),
    },
  });
  return queueEvents(services, tx, [
    {
      id,
      accountId,
      type: "sms.received",
      activationId: sms.activation.id,
      body: (includeMessageContent) => envelope(id, "sms.received", sms.receivedAt, data(includeMessageContent)),
    },
  ]);
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
  const now = services.now();
  const ring = services.config.encryption;
  const deliveries: Prisma.WebhookDeliveryCreateManyInput[] = [];
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
        nextAttemptAt: now,
      });
    }
  }
  if (deliveries.length === 0) return;
  await tx.webhookDelivery.createMany({ data: deliveries });
  for (const delivery of deliveries) {
    await services.jobs.send<WebhookDeliveryJob>(webhookDeliveryJob, { deliveryId: delivery.id as string }, { within: tx });
  }
}
