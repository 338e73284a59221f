/**
 * Inbound SMS from the upstream operator. An SMS is delivered to the
 * activation currently holding the number it was sent to; its body and code
 * are stored encrypted (P20), the activation moves to SMS_RECEIVED, and only
 * after the transaction commits is the owning account told (P7: the topic is
 * the owner's own). The operator retries deliveries, so an SMS is identified
 * by the operator's message id: a retry stores nothing new and tells no one.
 */
import { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { recordSmsArrival } from "../activations/activations.ts";
import { sealColumn, sealRouting } from "../crypto/encrypted-columns.ts";
import { processingAllowed } from "../privacy/restriction.ts";
import { queueSmsReceivedEvent, queueStatusChangeEvents } from "../webhooks/events.ts";
import { extractCode, InvalidCodePatternError } from "./code-extraction.ts";

export interface InboundSms {
  /** The upstream operator's id for this message; deliveries of the same message share it. */
  upstreamMessageId: string;
  /** The virtual number it was sent to, E.164. */
  to: string;
  text: string;
  /** When the operator received it; never later than now. */
  receivedAt?: Date;
  /** Routing details the operator sends along: its route id and the sender id. */
  route?: string | null;
  sender?: string | null;
}

export type IngestOutcome =
  | { outcome: "delivered"; activationId: string; messageId: string }
  | { outcome: "duplicate" }
  /** No activation is waiting on that number: the SMS is stored nowhere. */
  | { outcome: "no-live-activation" };

const liveStatuses = ["WAITING_SMS", "SMS_RECEIVED"] as const;
/** Exactly the predicate of the index on live activations' numbers (migration 20261126120000). */
const liveStatusFilter = Prisma.raw(`"status" IN (${liveStatuses.map((status) => `'${status}'`).join(", ")})`);

export async function ingestInboundSms(services: Services, sms: InboundSms): Promise<IngestOutcome> {
  // Wall-clock time, not services.now(): the subscriber's instance measures the delivery against its own clock.
  const arrivedAt = Date.now();
  const log = services.logger.child({ component: "sms-ingest", upstreamMessageId: sms.upstreamMessageId });
  const now = services.now();
  const ring = services.config.encryption;

  const dropped = { outcome: { outcome: "no-live-activation" } as const, accountId: null, statusChanged: false };
  let result: { outcome: IngestOutcome; accountId: string | null; statusChanged: boolean };
  try {
    result = await services.db.$transaction(async (tx) => {
      const existing = await tx.smsMessage.findUnique({
        where: { upstreamMessageId: sms.upstreamMessageId },
        select: { id: true },
      });
      if (existing) return { outcome: { outcome: "duplicate" } as const, accountId: null, statusChanged: false };

      // Lock the activation holding the number, so a concurrent cancel or finish waits for this SMS or wins before it.
      // The statuses are written out, not parameters: the planner then sees the partial index's own predicate
      // ("Activation_live_phoneNumber_idx") and reads the few live activations of the number, not every one.
      const [held] = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT "id" FROM "Activation"
        WHERE "phoneNumber" = ${sms.to} AND ${liveStatusFilter}
        ORDER BY "createdAt" DESC
        LIMIT 1
        FOR UPDATE`;
      if (!held) return dropped;
      // The activation's own rules decide whether it takes an SMS now (not ended, not past its window).
      const arrival = await recordSmsArrival(tx, held.id, now);
      if (!arrival.accepted) return dropped;

      const activation = await tx.activation.findUniqueOrThrow({
        where: { id: held.id },
        select: { id: true, accountId: true, serviceCode: true, countryCode: true, status: true, routingCiphertext: true },
      });
      const service = await tx.service.findUnique({ where: { code: activation.serviceCode }, select: { codePattern: true } });
      // P17: a restricted account's SMS is stored, not read for its code.
      const code = (await processingAllowed(tx, arrival.accountId, "sms-code-extraction"))
        ? extractCodeOrDefault(sms.text, service?.codePattern ?? null, (error) =>
            log.warn(
              { serviceCode: activation.serviceCode, reason: error.message },
              "service code pattern is invalid; using the default",
            ),
          )
        : null;

      const receivedAt = sms.receivedAt && sms.receivedAt < now ? sms.receivedAt : now;
      // The ciphertexts are bound to the message's id, which exists only once the row does.
      const message = await tx.smsMessage.create({
        data: { activationId: activation.id, upstreamMessageId: sms.upstreamMessageId, receivedAt },
        select: { id: true },
      });
      await tx.smsMessage.update({
        where: { id: message.id },
        data: {
          bodyCiphertext: sealColumn(ring, "smsBody", message.id, sms.text),
          codeCiphertext: code === null ? null : sealColumn(ring, "smsCode", message.id, code),
        },
      });
      // The owner's webhook endpoints hear of it in this same transaction (webhooks/events.ts).
      if (arrival.statusChanged)
        await queueStatusChangeEvents(services, tx, [{ activation, from: "WAITING_SMS", to: "SMS_RECEIVED", at: receivedAt }]);
      await queueSmsReceivedEvent(services, tx, { activation, messageId: message.id, receivedAt, text: sms.text, code });
      if (!activation.routingCiphertext && (sms.route || sms.sender)) {
        await tx.activation.update({
          where: { id: activation.id },
          data: { routingCiphertext: sealRouting(ring, activation.id, { route: sms.route ?? null, sender: sms.sender ?? null }) },
        });
      }
      return {
        outcome: { outcome: "delivered", activationId: activation.id, messageId: message.id } as const,
        accountId: arrival.accountId,
        statusChanged: arrival.statusChanged,
      };
    });
  } catch (error) {
    // Two deliveries of one message raced; the other one stored it.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return { outcome: "duplicate" };
    throw error;
  }

  const { outcome } = result;
  if (outcome.outcome === "delivered") {
    log.info({ activationId: outcome.activationId, messageId: outcome.messageId }, "sms delivered");
    if (result.accountId) {
      services.events.publish("smsReceived", result.accountId, {
        activationId: outcome.activationId,
        messageId: outcome.messageId,
        arrivedAt,
      });
      if (result.statusChanged)
        services.events.publish("activationChanged", result.accountId, { activationId: outcome.activationId });
    }
  } else if (outcome.outcome === "duplicate") {
    log.info("sms delivery repeated; already stored");
  } else {
    log.info("sms for a number with no live activation; dropped");
  }
  return outcome;
}

function extractCodeOrDefault(
  text: string,
  pattern: string | null,
  onInvalid: (error: InvalidCodePatternError) => void,
): string | null {
  try {
    return extractCode(text, pattern);
  } catch (error) {
    if (!(error instanceof InvalidCodePatternError)) throw error;
    onInvalid(error);
    return extractCode(text, null);
  }
}
