/**
 * Inbound SMS from the upstream operator. An SMS is delivered to the
 * activation currently holding the number it was sent to; its body and code
 * are stored encrypted (P20), the activation moves to SMS_RECEIVED, and only
 * after the transaction commits is the owning account told (P7: the topic is
 * the owner's own). The operator retries deliveries, so an SMS is identified
 * by the operator's message id: a retry stores nothing new and tells no one.
 *
 * Deliveries that arrive together are stored together (`ingestQueue`): one
 * transaction reads every number's activation in one statement and writes the
 * SMS in one more, so a burst of N costs four round trips and one commit rather
 * than 4N and N commits (below four SMS, one statement each, still in one
 * transaction). A batch that fails is stored again one SMS at a time.
 */
import { type ActivationStatus, Prisma, type SqlError, type SqlTransaction } from "@smsape/db";
import DataLoader from "dataloader";
import type { SqlExecutor } from "../../platform/jobs.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Services } from "../../services/index.ts";
import { smsArrivalVerdict, smsReceivedMovesSql } from "../activations/activations.ts";
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
 * One statement reads everything each SMS of a batch needs, one row per SMS in the batch's order: whether this
 * message was stored before (a retry, also when the activation has ended since), and the activation holding the
 * number, locked so a concurrent cancel or finish waits for this SMS or wins before it, with its service's code
 * pattern, whether its account allows reading the code (P17) and its account's webhook endpoints. The batch
 * comes sorted by number, so two batches lock their activations in one order and cannot deadlock each other.
 * The statuses are written out, not parameters: the planner then sees the partial index's own predicate
 * ("Activation_live_phoneNumber_idx") and reads the few live activations of the number, not every one.
 *
 * Both texts never change, so they are named statements, parsed once per connection. A lone SMS (and each of a
 * batch smaller than `sharedStatementFloor`) has a statement of its own, its values compared directly, which
 * PostgreSQL plans once; the one over arrays it plans at every run.
 */
function ingestRead(batch: readonly InboundSms[]): { name: string; text: string; values: unknown[] } {
  const [lone] = batch;
  const { name, source, number, messageId, order } =
    batch.length === 1 && lone
      ? {
          name: "sms-ingest-read",
          source: Prisma.sql`(SELECT 1) AS sms`,
          number: Prisma.sql`${lone.to}`,
          messageId: Prisma.sql`${lone.upstreamMessageId}`,
          order: Prisma.empty,
        }
      : {
          name: "sms-ingest-read-batch",
          source: Prisma.sql`unnest(${batch.map((sms) => sms.to)}::text[], ${batch.map((sms) => sms.upstreamMessageId)}::text[])
            WITH ORDINALITY AS sms("to", "upstreamMessageId", "position")`,
          number: Prisma.sql`sms."to"`,
          messageId: Prisma.sql`sms."upstreamMessageId"`,
          order: Prisma.sql`ORDER BY sms."position"`,
        };
  const query = Prisma.sql`
    SELECT EXISTS (SELECT 1 FROM "SmsMessage" m WHERE m."upstreamMessageId" = ${messageId}) AS "duplicate", held.*
    FROM ${source}
    LEFT JOIN LATERAL (
      SELECT "id", "accountId", "status"::text AS "status", "expiresAt", "serviceCode", "countryCode",
             "routingCiphertext" IS NOT NULL AS "hasRouting",
             (SELECT s."codePattern" FROM "Service" s WHERE s."code" = "Activation"."serviceCode") AS "codePattern",
             ${processingAllowedCondition(Prisma.raw(`"Activation"."accountId"`), "sms-code-extraction")} AS "codeAllowed",
             ${webhookEndpointsJson(Prisma.raw(`"Activation"."accountId"`))} AS "endpoints"
      FROM "Activation"
      WHERE "phoneNumber" = ${number} AND ${liveStatusFilter}
      ORDER BY "createdAt" DESC
      LIMIT 1
      FOR UPDATE OF "Activation"
    ) AS held ON true
    ${order}`;
  return { name, text: query.text, values: query.values };
}

/** The unique index the operator's message id is stored under: a race of two deliveries of one message ends on it. */
const upstreamMessageIdIndex = "SmsMessage_upstreamMessageId_key";

export async function ingestInboundSms(services: Services, sms: InboundSms): Promise<IngestOutcome> {
  // Wall-clock time, not services.now(): the subscriber's instance measures the delivery against its own clock.
  return ingestQueue(services).load({ ...sms, arrivedAt: Date.now() });
}

/** An SMS as it waits in the queue, with the moment it arrived. */
type QueuedSms = InboundSms & { arrivedAt: number };

/** What storing one SMS came to, and whom to tell once its transaction commits. */
interface Stored {
  outcome: IngestOutcome;
  accountId: string | null;
  statusChanged: boolean;
}

/**
 * Batches stored at once at most; the SMS that arrive meanwhile wait and go together in the next. Eight leaves
 * the default pool (ten connections) two for the subscribers' reads; four held 16 webhook connections to
 * 1,172 SMS/s, eight to 1,359.
 */
const batchesInFlight = 8;
/** SMS in one batch at most. */
const batchLimit = 64;
/**
 * SMS of a batch from which they share one statement over arrays. PostgreSQL plans such a statement afresh at
 * every run (it guesses ten rows for an array and finds its generic plan dearer than one for the values at hand),
 * which costs more than a few round trips: fewer SMS go one statement each, in the batch's one transaction.
 * (Forcing generic plans is worse: a plan made while a table was small keeps its sequential scans as it grows.)
 */
export const sharedStatementFloor = 4;

const queues = new WeakMap<Services, DataLoader<QueuedSms, IngestOutcome>>();

/**
 * The instance's SMS queue, a DataLoader without a cache (two deliveries of one message are two deliveries):
 * a batch is dispatched as soon as one of `batchesInFlight` slots is free, on `process.nextTick`, so it waits for
 * nothing but the task at hand. While every slot is busy the next batch grows with each SMS that arrives; under
 * no load a batch is one SMS, sent at once. So the busier the instance, the more SMS share a transaction and its
 * commit. (`setImmediate` instead, to gather a whole turn of the event loop, put a phase of other I/O before each
 * batch: at 500 SMS/s the webhook-to-subscriber p99 went from 16 ms to 36–50 ms.)
 */
function ingestQueue(services: Services): DataLoader<QueuedSms, IngestOutcome> {
  let queue = queues.get(services);
  if (queue) return queue;
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  queue = new DataLoader<QueuedSms, IngestOutcome>(
    async (batch) => {
      try {
        return await ingestBatch(services, batch);
      } finally {
        inFlight--;
        waiting.shift()?.();
      }
    },
    {
      cache: false,
      maxBatchSize: batchLimit,
      batchScheduleFn: (dispatch) => {
        const start = () => {
          inFlight++;
          process.nextTick(dispatch);
        };
        if (inFlight < batchesInFlight) start();
        else waiting.push(start);
      },
    },
  );
  queues.set(services, queue);
  return queue;
}

/**
 * Stores a batch: the SMS of distinct numbers and distinct message ids together, in one transaction (a second SMS
 * to a number, or a second delivery of a message, must see the first one's write, so it goes after, alone). When
 * the shared transaction fails (a delivery of the same message stored by another instance in the meantime, say),
 * each of its SMS is stored again on its own, so one SMS' failure is only its own.
 */
async function ingestBatch(services: Services, batch: readonly QueuedSms[]): Promise<Array<IngestOutcome | Error>> {
  const numbers = new Set<string>();
  const messages = new Set<string>();
  const together: QueuedSms[] = [];
  const after: QueuedSms[] = [];
  for (const sms of batch) {
    if (numbers.has(sms.to) || messages.has(sms.upstreamMessageId)) after.push(sms);
    else {
      numbers.add(sms.to);
      messages.add(sms.upstreamMessageId);
      together.push(sms);
    }
  }
  const outcomes = new Map<QueuedSms, IngestOutcome | Error>();
  const storeAlone = async (sms: QueuedSms) => {
    outcomes.set(sms, await storeBatch(services, [sms]).then(([outcome]) => outcome as IngestOutcome, alone(services, sms)));
  };
  // Sorted by number: every batch locks its activations in the same order (ingestRead).
  together.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  if (together.length === 1) await storeAlone(together[0] as QueuedSms);
  else {
    try {
      const stored = await storeBatch(services, together);
      for (const [i, sms] of together.entries()) outcomes.set(sms, stored[i] as IngestOutcome);
    } catch {
      for (const sms of together) await storeAlone(sms);
    }
  }
  for (const sms of after) await storeAlone(sms);
  return batch.map((sms) => outcomes.get(sms) as IngestOutcome | Error);
}

/** How one SMS stored on its own ends when its transaction fails: a race of two deliveries of it is a duplicate. */
function alone(services: Services, sms: QueuedSms) {
  return (error: unknown): IngestOutcome | Error => {
    const { code, constraint } = error as SqlError;
    if (code === "23505" && constraint === upstreamMessageIdIndex) {
      logDuplicate(services, sms);
      return { outcome: "duplicate" };
    }
    return error instanceof Error ? error : new Error(String(error));
  };
}

/**
 * SMS of distinct numbers and message ids, in one transaction on one connection: BEGIN, the read of every
 * number, the writes, COMMIT. Those that tell webhook endpoints are written one statement each (with their
 * delivery jobs); the rest in one statement together, or the lone one's own. Then, committed, the owners are
 * told. Throws when the transaction fails; nothing of the batch is then stored.
 */
async function storeBatch(services: Services, batch: readonly QueuedSms[]): Promise<IngestOutcome[]> {
  const now = services.now();
  services.metrics.smsIngestBatchSize.observe(batch.length);
  const stored = await services.sql.transaction(async (tx) => {
    const held: IngestRead[] = [];
    // A few SMS are read one statement each (in number order too): see sharedStatementFloor.
    for (const part of batch.length >= sharedStatementFloor ? [batch] : batch.map((sms) => [sms])) {
      const read = ingestRead(part);
      held.push(...(await tx.rows<IngestRead>(read, read.values)));
    }
    const prepared = batch.map((sms, i) => prepareOne(services, sms, held[i], now));
    const plain = prepared.flatMap((result) => ("write" in result && result.write.deliveries.length === 0 ? [result.write] : []));
    const together = plain.length >= sharedStatementFloor;
    const movedTogether = together ? await storeTogether(tx, plain, now) : new Set<string>();
    const results: Stored[] = [];
    for (const result of prepared) {
      if (!("write" in result)) {
        results.push(result);
        continue;
      }
      const { write, ...delivered } = result;
      // Nothing stored: a concurrent change ended the activation first (it is locked, so this is a safeguard).
      const kept =
        together && write.deliveries.length === 0
          ? movedTogether.has(write.activationId)
          : await storeOne(services, tx, write, now);
      results.push(kept ? delivered : dropped());
    }
    return results;
  });
  return stored.map((result, i) => {
    announce(services, batch[i] as QueuedSms, result);
    return result.outcome;
  });
}

/** One SMS' own statement, with its webhook delivery jobs; whether it was stored. */
async function storeOne(services: Services, tx: SqlTransaction, write: SmsWrite, now: Date): Promise<boolean> {
  const store = storeStatement({ ...write, now });
  if ((await tx.rows<{ id: string }>(store, store.values)).length === 0) return false;
  if (write.deliveries.length > 0) await sendWebhookDeliveryJobs(services, jobsWithin(tx), write.deliveries);
  return true;
}

const dropped = (): Stored => ({ outcome: { outcome: "no-live-activation" }, accountId: null, statusChanged: false });

/** What one SMS writes: its activation's move and routing details, its webhook deliveries, and itself. */
interface SmsWrite {
  activationId: string;
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
}

/** An SMS the read found a taker for: delivered once its write is done. */
type Accepted = Stored & { write: SmsWrite };

/** One SMS of a batch, given what the read found for it: its outcome, and what to write when it is accepted. */
function prepareOne(services: Services, sms: QueuedSms, held: IngestRead | undefined, now: Date): Stored | Accepted {
  // The read gives one row per SMS; its activation's columns are null when no live one holds the number.
  if (held?.duplicate) return { outcome: { outcome: "duplicate" }, accountId: null, statusChanged: false };
  if (!held?.id) return dropped();
  const activationId = held.id;
  // The activation's own rules decide whether it takes an SMS now (not ended, not past its window).
  const arrival = smsArrivalVerdict(
    { id: activationId, accountId: held.accountId, status: held.status, expiresAt: held.expiresAt },
    now,
  );
  if (!arrival.accepted) return dropped();
  const ring = services.config.encryption;

  // P17: a restricted account's SMS is stored, not read for its code.
  const code = held.codeAllowed
    ? extractCodeOrDefault(sms.text, held.codePattern, (error) =>
        ingestLog(services, sms).warn(
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

  return {
    outcome: { outcome: "delivered", activationId, messageId },
    accountId: arrival.accountId,
    statusChanged: arrival.statusChanged,
    write: {
      activationId,
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
    },
  };
}

/**
 * The writes of several SMS (of distinct activations, none telling a webhook endpoint) as one statement, the
 * set-based twin of `storeStatement`: the moves to SMS_RECEIVED with their history rows, the first routing
 * details, and the messages, each stored only if its activation moved or needed no move. Returns the ids of
 * the activations whose SMS was stored.
 */
async function storeTogether(tx: SqlTransaction, writes: SmsWrite[], now: Date): Promise<Set<string>> {
  const column = <T>(pick: (write: SmsWrite) => T) => writes.map(pick);
  const query = Prisma.sql`
    WITH sms AS (
      SELECT * FROM unnest(${column((write) => write.message.id)}::uuid[], ${column((write) => write.activationId)}::uuid[],
        ${column((write) => write.message.upstreamMessageId)}::text[],
        ${column((write) => write.message.receivedAt.toISOString())}::timestamp[],
        ${column((write) => write.message.bodyCiphertext)}::text[], ${column((write) => write.message.codeCiphertext)}::text[],
        ${column((write) => write.move)}::boolean[], ${column((write) => write.routing)}::text[],
        ${column(() => newRecordId())}::uuid[])
        AS s("id", "activationId", "upstreamMessageId", "receivedAt", "bodyCiphertext", "codeCiphertext", "move", "routing", "historyId")
    ),
    ${smsReceivedMovesSql(Prisma.raw(`(SELECT "activationId", "historyId", "routing" FROM sms WHERE "move")`), now)},
    routed AS (
      UPDATE "Activation" a SET "routingCiphertext" = sms."routing", "updatedAt" = ${now.toISOString()}::timestamp
      FROM sms WHERE a."id" = sms."activationId" AND NOT sms."move" AND sms."routing" IS NOT NULL AND a."routingCiphertext" IS NULL
    )
    INSERT INTO "SmsMessage" ("id", "activationId", "upstreamMessageId", "receivedAt", "bodyCiphertext", "codeCiphertext")
    SELECT sms."id", sms."activationId", sms."upstreamMessageId", sms."receivedAt", sms."bodyCiphertext", sms."codeCiphertext"
    FROM sms WHERE NOT sms."move" OR sms."activationId" IN (SELECT "id" FROM moved)
    RETURNING "activationId"`;
  const rows = await tx.rows<{ activationId: string }>({ name: "sms-ingest-store-batch", text: query.text }, query.values);
  return new Set(rows.map((row) => row.activationId));
}

/** After the commit: the owner hears of a delivered SMS (P7: on the owner's own topic), and the log says what happened. */
function announce(services: Services, sms: QueuedSms, { outcome, accountId, statusChanged }: Stored): void {
  const info = services.logger.isLevelEnabled("info");
  if (outcome.outcome === "delivered") {
    if (info)
      ingestLog(services, sms).info({ activationId: outcome.activationId, messageId: outcome.messageId }, "sms delivered");
    if (accountId) {
      services.events.publish("smsReceived", accountId, {
        activationId: outcome.activationId,
        messageId: outcome.messageId,
        arrivedAt: sms.arrivedAt,
      });
      if (statusChanged) services.events.publish("activationChanged", accountId, { activationId: outcome.activationId });
    }
  } else if (outcome.outcome === "duplicate") logDuplicate(services, sms);
  else if (info) ingestLog(services, sms).info("sms for a number with no live activation; dropped");
}

function logDuplicate(services: Services, sms: InboundSms): void {
  if (services.logger.isLevelEnabled("info")) ingestLog(services, sms).info("sms delivery repeated; already stored");
}

/**
 * The SMS' own logger, built when something is logged: a child logger costs a redaction pass over its
 * bindings, for every SMS even when nothing is logged at the level set.
 */
function ingestLog(services: Services, sms: InboundSms): Logger {
  return services.logger.child({ component: "sms-ingest", upstreamMessageId: sms.upstreamMessageId });
}

/**
 * Everything an accepted SMS writes, as one statement: the move to SMS_RECEIVED with its history row (when
 * the activation was waiting), the routing details (when these are the first), the webhook deliveries, and
 * the message, which is stored only if the move happened. It returns the message's id, or nothing when
 * nothing moved. Its text depends only on which parts are present, so each shape is a named statement.
 */
function storeStatement(parts: SmsWrite & { now: Date }): { name: string; text: string; values: unknown[] } {
  const { activationId, message } = parts;
  const members: Prisma.Sql[] = [];
  if (parts.move) {
    const move = Prisma.sql`(VALUES (${activationId}::uuid, ${newRecordId()}::uuid, ${parts.routing}::text))`;
    members.push(smsReceivedMovesSql(move, parts.now));
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
