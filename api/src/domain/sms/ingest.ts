/**
 * Inbound SMS from the upstream operator. An SMS is delivered to the
 * activation currently holding the number it was sent to; its body and code
 * are stored encrypted (P20), the activation moves to SMS_RECEIVED, and only
 * after the transaction commits is the owning account told (P7: the topic is
 * the owner's own). The operator retries deliveries, so an SMS is identified
 * by the operator's message id: a retry stores nothing new and tells no one.
 */
import { type ActivationStatus, Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { acceptSmsArrival } from "../activations/activations.ts";
import { sealColumn, sealRouting } from "../crypto/encrypted-columns.ts";
import { newRecordId } from "../ids.ts";
import { processingAllowedCondition } from "../privacy/restriction.ts";
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

/** The live activation holding the number, as the ingest's one read gives it. */
interface HeldActivation {
  id: string;
  accountId: string | null;
  status: ActivationStatus;
  expiresAt: Date | string;
  serviceCode: string;
  countryCode: string;
  hasRouting: boolean;
  codePattern: string | null;
  /** Whether the account allows reading the code out of its SMS (P17: not while restricted or objected to). */
  codeAllowed: boolean;
  /** Whether a message with this operator id is stored already. */
  duplicate: boolean;
}

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
  const duplicate = { outcome: { outcome: "duplicate" } as const, accountId: null, statusChanged: false };
  let result: { outcome: IngestOutcome; accountId: string | null; statusChanged: boolean };
  try {
    result = await services.db.$transaction(async (tx) => {
      // One statement reads everything the SMS needs: the activation holding the number, locked so a concurrent
      // cancel or finish waits for this SMS or wins before it; its service's code pattern; whether its account
      // allows reading the code (P17); and whether this message was stored before (an operator's retry).
      // The statuses are written out, not parameters: the planner then sees the partial index's own predicate
      // ("Activation_live_phoneNumber_idx") and reads the few live activations of the number, not every one.
      const [held] = await tx.$queryRaw<HeldActivation[]>`
        SELECT "id", "accountId", "status"::text AS "status", "expiresAt", "serviceCode", "countryCode",
               "routingCiphertext" IS NOT NULL AS "hasRouting",
               (SELECT s."codePattern" FROM "Service" s WHERE s."code" = "Activation"."serviceCode") AS "codePattern",
               ${processingAllowedCondition(Prisma.raw(`"Activation"."accountId"`), "sms-code-extraction")} AS "codeAllowed",
               EXISTS (SELECT 1 FROM "SmsMessage" m WHERE m."upstreamMessageId" = ${sms.upstreamMessageId}) AS "duplicate"
        FROM "Activation"
        WHERE "phoneNumber" = ${sms.to} AND ${liveStatusFilter}
        ORDER BY "createdAt" DESC
        LIMIT 1
        FOR UPDATE OF "Activation"`;
      if (held?.duplicate) return duplicate;
      if (!held) {
        // No live activation: a retry of a message stored before the activation ended is still a duplicate.
        const existing = await tx.smsMessage.findUnique({
          where: { upstreamMessageId: sms.upstreamMessageId },
          select: { id: true },
        });
        return existing ? duplicate : dropped;
      }
      // The activation's own rules decide whether it takes an SMS now (not ended, not past its window).
      const arrival = await acceptSmsArrival(
        tx,
        { id: held.id, accountId: held.accountId, status: held.status, expiresAt: new Date(held.expiresAt) },
        now,
      );
      if (!arrival.accepted) return dropped;

      // P17: a restricted account's SMS is stored, not read for its code.
      const code = held.codeAllowed
        ? extractCodeOrDefault(sms.text, held.codePattern, (error) =>
            log.warn(
              { serviceCode: held.serviceCode, reason: error.message },
              "service code pattern is invalid; using the default",
            ),
          )
        : null;

      const receivedAt = sms.receivedAt && sms.receivedAt < now ? sms.receivedAt : now;
      // The ciphertexts are bound to the message's id, chosen here so the row is written once, sealed.
      const messageId = newRecordId();
      await tx.smsMessage.create({
        data: {
          id: messageId,
          activationId: held.id,
          upstreamMessageId: sms.upstreamMessageId,
          receivedAt,
          bodyCiphertext: sealColumn(ring, "smsBody", messageId, sms.text),
          codeCiphertext: code === null ? null : sealColumn(ring, "smsCode", messageId, code),
        },
        select: { id: true },
      });
      // The owner's webhook endpoints hear of it in this same transaction (webhooks/events.ts).
      const activation = {
        id: held.id,
        accountId: held.accountId,
        serviceCode: held.serviceCode,
        countryCode: held.countryCode,
        status: arrival.statusChanged ? ("SMS_RECEIVED" as const) : held.status,
      };
      if (arrival.statusChanged)
        await queueStatusChangeEvents(services, tx, [{ activation, from: "WAITING_SMS", to: "SMS_RECEIVED", at: receivedAt }]);
      await queueSmsReceivedEvent(services, tx, { activation, messageId, receivedAt, text: sms.text, code });
      if (!held.hasRouting && (sms.route || sms.sender)) {
        await tx.activation.update({
          where: { id: held.id },
          data: { routingCiphertext: sealRouting(ring, held.id, { route: sms.route ?? null, sender: sms.sender ?? null }) },
          select: { id: true },
        });
      }
      return {
        outcome: { outcome: "delivered", activationId: held.id, messageId } as const,
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
