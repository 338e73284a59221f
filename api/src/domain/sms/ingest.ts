/**
 * Inbound SMS from the upstream operator. An SMS is delivered to the
 * activation currently holding the number it was sent to; its body and code
 * are stored encrypted (P20), the activation moves to SMS_RECEIVED, and only
 * after the transaction commits is the owning account told (P7: the topic is
 * the owner's own). The operator retries deliveries, so an SMS is identified
 * by the operator's message id: a retry stores nothing new and tells no one.
 */
import { type ActivationStatus, Prisma, type SqlError, type SqlTransaction } from "@smsape/db";
import type { SqlExecutor } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Services } from "../../services/index.ts";
import { smsArrivalVerdict, smsReceivedMoveSql } from "../activations/activations.ts";
import { sealColumn, sealRouting } from "../crypto/encrypted-columns.ts";
import { newRecordId } from "../ids.ts";
import { processingAllowedCondition } from "../privacy/restriction.ts";
import {
  insertWebhookDeliveriesSql,
  type NewWebhookDelivery,
  sendWebhookDeliveryJobs,
  smsReceivedEvents,
  statusChangeEvents,
  type WebhookEndpointRef,
  webhookDeliveries,
  webhookEndpointsJson,
} from "../webhooks/events.ts";
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

/** The ingest's one read: whether the message is stored already, and the live activation holding the number. */
interface IngestRead {
  /** Whether a message with this operator id is stored already (an operator's retry). */
  duplicate: boolean;
  /** The activation's columns, all null when no live activation holds the number. */
  id: string | null;
  accountId: string | null;
  status: ActivationStatus;
  expiresAt: Date;
  serviceCode: string;
  countryCode: string;
  hasRouting: boolean;
  codePattern: string | null;
  /** Whether the account allows reading the code out of its SMS (P17: not while restricted or objected to). */
  codeAllowed: boolean;
  /** The account's webhook endpoints (webhooks/events.ts), null when it has none. */
  endpoints: WebhookEndpointRef[] | null;
}

const liveStatuses = ["WAITING_SMS", "SMS_RECEIVED"] as const;
/** Exactly the predicate of the index on live activations' numbers (migration 20261126120000). */
const liveStatusFilter = Prisma.raw(`"status" IN (${liveStatuses.map((status) => `'${status}'`).join(", ")})`);

/**
 * One statement reads everything the SMS needs: whether this message was stored before (a retry, also when
 * the activation has ended since), and the activation holding the number, locked so a concurrent cancel or
 * finish waits for this SMS or wins before it, with its service's code pattern, whether its account allows
 * reading the code (P17) and its account's webhook endpoints. The statuses are written out, not parameters:
 * the planner then sees the partial index's own predicate ("Activation_live_phoneNumber_idx") and reads the
 * few live activations of the number, not every one. Its text never changes, so it is a named statement,
 * planned once per connection.
 */
function ingestRead(sms: InboundSms): { name: string; text: string; values: unknown[] } {
  const query = Prisma.sql`
    SELECT EXISTS (SELECT 1 FROM "SmsMessage" m WHERE m."upstreamMessageId" = ${sms.upstreamMessageId}) AS "duplicate", held.*
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT "id", "accountId", "status"::text AS "status", "expiresAt", "serviceCode", "countryCode",
             "routingCiphertext" IS NOT NULL AS "hasRouting",
             (SELECT s."codePattern" FROM "Service" s WHERE s."code" = "Activation"."serviceCode") AS "codePattern",
             ${processingAllowedCondition(Prisma.raw(`"Activation"."accountId"`), "sms-code-extraction")} AS "codeAllowed",
             ${webhookEndpointsJson(Prisma.raw(`"Activation"."accountId"`))} AS "endpoints"
      FROM "Activation"
      WHERE "phoneNumber" = ${sms.to} AND ${liveStatusFilter}
      ORDER BY "createdAt" DESC
      LIMIT 1
      FOR UPDATE OF "Activation"
    ) AS held ON true`;
  return { name: "sms-ingest-read", text: query.text, values: query.values };
}

/** The unique index the operator's message id is stored under: a race of two deliveries of one message ends on it. */
const upstreamMessageIdIndex = "SmsMessage_upstreamMessageId_key";

export async function ingestInboundSms(services: Services, sms: InboundSms): Promise<IngestOutcome> {
  // Wall-clock time, not services.now(): the subscriber's instance measures the delivery against its own clock.
  const arrivedAt = Date.now();
  // Built on first use: a child logger costs a redaction pass over its bindings, for every SMS even when
  // nothing is logged at the level set.
  let child: Logger | undefined;
  const log = () => (child ??= services.logger.child({ component: "sms-ingest", upstreamMessageId: sms.upstreamMessageId }));
  const info = services.logger.isLevelEnabled("info");
  const now = services.now();
  const ring = services.config.encryption;

  const dropped = { outcome: { outcome: "no-live-activation" } as const, accountId: null, statusChanged: false };
  const duplicate = { outcome: { outcome: "duplicate" } as const, accountId: null, statusChanged: false };
  let result: { outcome: IngestOutcome; accountId: string | null; statusChanged: boolean };
  try {
    // Plain SQL in one transaction on one connection: BEGIN, the read, one statement that writes everything, COMMIT.
    result = await services.sql.transaction(async (tx) => {
      const read = ingestRead(sms);
      const [held] = await tx.rows<IngestRead>(read, read.values);
      // The statement always gives one row; its activation's columns are null when no live one holds the number.
      if (held?.duplicate) return duplicate;
      if (!held?.id) return dropped;
      const activationId = held.id;
      // The activation's own rules decide whether it takes an SMS now (not ended, not past its window).
      const arrival = smsArrivalVerdict(
        { id: activationId, accountId: held.accountId, status: held.status, expiresAt: held.expiresAt },
        now,
      );
      if (!arrival.accepted) return dropped;

      // P17: a restricted account's SMS is stored, not read for its code.
      const code = held.codeAllowed
        ? extractCodeOrDefault(sms.text, held.codePattern, (error) =>
            log().warn(
              { serviceCode: held.serviceCode, reason: error.message },
              "service code pattern is invalid; using the default",
            ),
          )
        : null;

      const receivedAt = sms.receivedAt && sms.receivedAt < now ? sms.receivedAt : now;
      // The ciphertexts are bound to the message's id, chosen here so the row is written once, sealed.
      const messageId = newRecordId();
      // The owner's webhook endpoints hear of it in this same transaction (webhooks/events.ts).
      const activation = {
        id: activationId,
        accountId: held.accountId,
        serviceCode: held.serviceCode,
        countryCode: held.countryCode,
        status: arrival.statusChanged ? ("SMS_RECEIVED" as const) : held.status,
      };
      const deliveries = held.endpoints
        ? webhookDeliveries(
            services,
            [
              ...(arrival.statusChanged
                ? statusChangeEvents([{ activation, from: "WAITING_SMS", to: "SMS_RECEIVED", at: receivedAt }])
                : []),
              ...smsReceivedEvents({ activation, messageId, receivedAt, text: sms.text, code }),
            ],
            held.endpoints,
          )
        : [];
      // The routing details are sealed once, by the first SMS that carries them.
      const routing =
        !held.hasRouting && (sms.route || sms.sender)
          ? sealRouting(ring, activationId, { route: sms.route ?? null, sender: sms.sender ?? null })
          : null;

      const store = storeStatement({
        activationId,
        now,
        move: arrival.statusChanged,
        routing,
        deliveries,
        message: {
          id: messageId,
          upstreamMessageId: sms.upstreamMessageId,
          receivedAt,
          bodyCiphertext: sealColumn(ring, "smsBody", messageId, sms.text),
          codeCiphertext: code === null ? null : sealColumn(ring, "smsCode", messageId, code),
        },
      });
      const stored = await tx.rows<{ id: string }>(store, store.values);
      // Nothing moved: a concurrent change ended the activation first (it is locked, so this is a safeguard).
      if (stored.length === 0) return dropped;
      if (deliveries.length > 0) await sendWebhookDeliveryJobs(services, jobsWithin(tx), deliveries);
      return {
        outcome: { outcome: "delivered", activationId, messageId } as const,
        accountId: arrival.accountId,
        statusChanged: arrival.statusChanged,
      };
    });
  } catch (error) {
    // Two deliveries of one message raced; the other one stored it.
    const { code, constraint } = error as SqlError;
    if (code === "23505" && constraint === upstreamMessageIdIndex) return { outcome: "duplicate" };
    throw error;
  }

  const { outcome } = result;
  if (outcome.outcome === "delivered") {
    if (info) log().info({ activationId: outcome.activationId, messageId: outcome.messageId }, "sms delivered");
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
    if (info) log().info("sms delivery repeated; already stored");
  } else {
    if (info) log().info("sms for a number with no live activation; dropped");
  }
  return outcome;
}

/**
 * Everything an accepted SMS writes, as one statement: the move to SMS_RECEIVED with its history row (when
 * the activation was waiting), the routing details (when these are the first), the webhook deliveries, and
 * the message, which is stored only if the move happened. It returns the message's id, or nothing when
 * nothing moved. Its text depends only on which parts are present, so each shape is a named statement.
 */
function storeStatement(parts: {
  activationId: string;
  now: Date;
  move: boolean;
  routing: string | null;
  deliveries: NewWebhookDelivery[];
  message: {
    id: string;
    upstreamMessageId: string;
    receivedAt: Date;
    bodyCiphertext: string;
    codeCiphertext: string | null;
  };
}): { name: string; text: string; values: unknown[] } {
  const { activationId, message } = parts;
  const members: Prisma.Sql[] = [];
  if (parts.move) {
    const routing = parts.routing === null ? Prisma.empty : Prisma.sql`, "routingCiphertext" = ${parts.routing}`;
    members.push(smsReceivedMoveSql(activationId, parts.now, routing));
  } else if (parts.routing !== null) {
    members.push(Prisma.sql`routed AS (
      UPDATE "Activation" SET "routingCiphertext" = ${parts.routing}, "updatedAt" = ${parts.now.toISOString()}::timestamp
      WHERE "id" = ${activationId}::uuid AND "routingCiphertext" IS NULL
    )`);
  }
  const stored = parts.move ? Prisma.sql`EXISTS (SELECT 1 FROM moved)` : Prisma.sql`true`;
  if (parts.deliveries.length > 0)
    members.push(Prisma.sql`deliveries AS (${insertWebhookDeliveriesSql(parts.deliveries, stored)})`);
  const query = Prisma.sql`
    ${members.length > 0 ? Prisma.sql`WITH ${Prisma.join(members, ",\n")}` : Prisma.empty}
    INSERT INTO "SmsMessage" ("id", "activationId", "upstreamMessageId", "receivedAt", "bodyCiphertext", "codeCiphertext")
    SELECT ${message.id}::uuid, ${activationId}::uuid, ${message.upstreamMessageId}, ${message.receivedAt.toISOString()}::timestamp,
      ${message.bodyCiphertext}, ${message.codeCiphertext}
    WHERE ${stored}
    RETURNING "id"`;
  const shape = `${parts.move ? "m" : ""}${parts.routing === null ? "" : "r"}${parts.deliveries.length > 0 ? "d" : ""}`;
  return { name: `sms-ingest-store-${shape}`, text: query.text, values: query.values };
}

/** The open transaction as the job queue runs its inserts in one (webhook delivery jobs commit with the SMS). */
function jobsWithin(tx: SqlTransaction): SqlExecutor {
  return { $queryRawUnsafe: <T>(text: string, ...values: unknown[]) => tx.rows(text, values) as Promise<T> };
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
