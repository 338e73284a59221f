/**
 * The activation lifecycle (P6): a number ordered for a service, waiting for
 * its SMS, and how it ends. Every step is one transaction that moves the status
 * with the current status in its WHERE clause (so two racing steps cannot both
 * apply), writes a status-history row, and moves money through the ledger.
 *
 *   WAITING_SMS --sms--> SMS_RECEIVED --another SMS--> WAITING_SMS
 *   WAITING_SMS (no SMS yet, after cancelableAt) --cancel--> CANCELED   RELEASE
 *   SMS_RECEIVED (or WAITING_SMS after an SMS)   --finish--> COMPLETED  CHARGE
 *   at expiresAt: no SMS ever -> TIMED_OUT + RELEASE; an SMS arrived -> COMPLETED + CHARGE
 *
 * When an activation ends, its number goes back to the pool and rests in
 * quarantine for that service, so the next customer of the same service does
 * not receive codes meant for the previous one.
 */
import { type Activation, type ActivationStatus, Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { credentialStandsCondition, credentialStandsParameters } from "../accounts/credentials.ts";
import type { AccountActor } from "../actors.ts";
import { priceFor } from "../catalogue/catalogue.ts";
import { type FieldIssue, NotFoundError, ValidationError } from "../errors.ts";
import { isUuid, newRecordId } from "../ids.ts";
import {
  appendLedgerEntries,
  appendLedgerEntry,
  balanceCeilingMinor,
  balanceOf,
  ledgerCurrency,
  type Tx,
} from "../ledger/ledger.ts";
import { queueStatusChangeEvents } from "../webhooks/events.ts";
import {
  AccountRestrictedError,
  ActivationStatusError,
  CancelLockedError,
  EmailNotVerifiedError,
  IdempotencyKeyReusedError,
  InsufficientBalanceError,
  NoNumbersAvailableError,
  PriceAboveMaximumError,
} from "./errors.ts";

/** pg-boss job: ends one activation when its window closes. */
export const activationTimeoutJob = "activation.timeout";
/** pg-boss cron job: a safety net that ends every overdue activation (e.g. one whose job was lost). */
export const expireOverdueActivationsJob = "activation.expire-overdue";

const terminalStatuses: ReadonlySet<ActivationStatus> = new Set(["COMPLETED", "CANCELED", "TIMED_OUT"]);
const minutes = (count: number) => count * 60_000;

export interface OrderNumberInput {
  serviceCode: string;
  countryCode: string;
  maxPriceMinor?: bigint | null;
  idempotencyKey?: string | null;
}

export interface ActivationStep {
  activation: Activation;
  /** False when an idempotent retry returned the activation ordered before. */
  changed: boolean;
}

function validateOrder(input: OrderNumberInput) {
  const issues: FieldIssue[] = [];
  const serviceCode = input.serviceCode.trim().toLowerCase();
  const countryCode = input.countryCode.trim().toUpperCase();
  if (!serviceCode) issues.push({ field: "service", message: "Name a service code, e.g. telegram." });
  if (!/^[A-Z]{2}$/.test(countryCode)) issues.push({ field: "country", message: "Use a two-letter country code, e.g. GB." });
  const maxPriceMinor = input.maxPriceMinor ?? null;
  // No price can be above what an account may hold: a larger maximum is a mistake.
  if (maxPriceMinor !== null && (maxPriceMinor < 0n || maxPriceMinor > balanceCeilingMinor)) {
    issues.push({ field: "maxPriceMinor", message: `Use a whole number of minor units from 0 to ${balanceCeilingMinor}.` });
  }
  const idempotencyKey = input.idempotencyKey ?? null;
  if (idempotencyKey !== null && !/^[\x21-\x7e]{1,100}$/.test(idempotencyKey)) {
    issues.push({ field: "idempotencyKey", message: "Use 1 to 100 printable characters without spaces." });
  }
  if (issues.length) throw new ValidationError(issues);
  return { serviceCode, countryCode, maxPriceMinor, idempotencyKey };
}

/**
 * Orders a number: in one transaction, with the account row locked so that
 * concurrent orders of one account are serialised and cannot overdraw it, a
 * free number is taken from the pool (SKIP LOCKED, so orders of different
 * accounts do not queue behind each other), the price is held, and the timeout
 * job is enqueued in the same transaction.
 */
export async function orderNumber(services: Services, accountId: string, input: OrderNumberInput): Promise<ActivationStep> {
  const order = validateOrder(input);
  const { activations } = services.config;
  const now = services.now();
  const step = await services.db.$transaction(async (tx) => {
    const [account] = await tx.$queryRaw<Array<{ emailVerifiedAt: Date | null; restrictedAt: Date | null }>>`
      SELECT "emailVerifiedAt", "restrictedAt" FROM "Account" WHERE "id" = ${accountId}::uuid FOR UPDATE`;
    if (!account) throw new NotFoundError("The account");
    if (account.restrictedAt) throw new AccountRestrictedError();
    if (!account.emailVerifiedAt) throw new EmailNotVerifiedError();

    if (order.idempotencyKey) {
      const earlier = await tx.activation.findUnique({
        where: { accountId_idempotencyKey: { accountId, idempotencyKey: order.idempotencyKey } },
      });
      if (earlier) {
        if (earlier.serviceCode !== order.serviceCode || earlier.countryCode !== order.countryCode)
          throw new IdempotencyKeyReusedError();
        return { activation: earlier, changed: false };
      }
    }

    const price = await priceFor(tx, order.countryCode, order.serviceCode);
    if (price.currency !== ledgerCurrency)
      throw new Error(`Price of ${price.serviceCode}/${price.countryCode} is not in ${ledgerCurrency}.`);
    if (order.maxPriceMinor !== null && price.amountMinor > order.maxPriceMinor) {
      throw new PriceAboveMaximumError(price.amountMinor, order.maxPriceMinor);
    }
    const balance = await balanceOf(tx, accountId);
    if (balance.availableMinor < price.amountMinor) throw new InsufficientBalanceError(price.amountMinor, balance.availableMinor);

    // Timestamps are stored without a zone, in UTC: pass an ISO string cast to that type.
    const [number] = await tx.$queryRaw<Array<{ id: string; phoneNumber: string }>>`
      SELECT n."id", n."phoneNumber" FROM "VirtualNumber" n
      WHERE n."countryCode" = ${order.countryCode} AND n."status" = 'AVAILABLE'
        AND NOT EXISTS (
          SELECT 1 FROM "NumberQuarantine" q
          WHERE q."numberId" = n."id" AND q."serviceCode" = ${order.serviceCode} AND q."until" > ${now.toISOString()}::timestamp
        )
      ORDER BY n."id"
      LIMIT 1
      FOR UPDATE OF n SKIP LOCKED`;
    if (!number) throw new NoNumbersAvailableError(order.serviceCode, order.countryCode);
    await tx.virtualNumber.update({ where: { id: number.id }, data: { status: "ASSIGNED" } });

    const activation = await tx.activation.create({
      data: {
        accountId,
        idempotencyKey: order.idempotencyKey,
        serviceCode: order.serviceCode,
        countryCode: order.countryCode,
        numberId: number.id,
        phoneNumber: number.phoneNumber,
        priceMinor: price.amountMinor,
        currency: price.currency,
        status: "WAITING_SMS",
        createdAt: now,
        expiresAt: new Date(now.getTime() + minutes(activations.timeoutMinutes)),
        cancelableAt: new Date(now.getTime() + minutes(activations.cancelLockMinutes)),
        statusChanges: { create: { fromStatus: null, toStatus: "WAITING_SMS", reason: "number ordered", at: now } },
      },
    });
    await queueStatusChangeEvents(services, tx, [{ activation, from: null, to: "WAITING_SMS", at: now }]);
    await appendLedgerEntry(tx, {
      accountId,
      kind: "HOLD",
      amountMinor: price.amountMinor,
      at: now,
      activationId: activation.id,
    });
    await services.jobs.send(
      activationTimeoutJob,
      { activationId: activation.id },
      { startAfter: activation.expiresAt, singletonKey: `${activationTimeoutJob}:${activation.id}`, within: tx },
    );
    return { activation, changed: true };
  });
  if (step.changed) publishChanges(services, step.activation, true);
  return step;
}

/** Asks for another SMS on the same number: SMS_RECEIVED -> WAITING_SMS, the hold stays. */
export async function requestAnotherSms(services: Services, accountId: string, activationId: string): Promise<ActivationStep> {
  const now = services.now();
  const activation = await services.db.$transaction(async (tx) => {
    const current = await ownActivation(tx, accountId, activationId);
    if (current.status !== "SMS_RECEIVED") {
      throw new ActivationStatusError(
        current.status,
        statusMessage(current.status, "Another SMS can be requested once an SMS has arrived."),
      );
    }
    if (now >= current.expiresAt)
      throw new ActivationStatusError(current.status, "The activation's time is up; it can only be finished.");
    return transition(services, tx, current, "WAITING_SMS", "another SMS requested", now);
  });
  publishChanges(services, activation, false);
  return { activation, changed: true };
}

/** Finishes an activation whose SMS arrived: COMPLETED, and the held price is charged. */
export async function finishActivation(services: Services, accountId: string, activationId: string): Promise<ActivationStep> {
  const now = services.now();
  const activation = await services.db.$transaction(async (tx) => {
    const current = await ownActivation(tx, accountId, activationId);
    const finishable =
      current.status === "SMS_RECEIVED" || (current.status === "WAITING_SMS" && (await smsArrived(tx, current.id)));
    if (!finishable) {
      throw new ActivationStatusError(
        current.status,
        statusMessage(current.status, "No SMS has arrived yet: wait for it, or cancel the activation to get the price back."),
      );
    }
    return transition(services, tx, current, "COMPLETED", "finished by the customer", now);
  });
  publishChanges(services, activation, true);
  return { activation, changed: true };
}

/**
 * Cancels an activation before any SMS arrived: CANCELED, and the held price is
 * released. Not before cancelableAt, so a number is not ordered and dropped in
 * a loop (the early-cancel lock).
 */
export async function cancelActivation(services: Services, accountId: string, activationId: string): Promise<ActivationStep> {
  const now = services.now();
  const activation = await services.db.$transaction(async (tx) => {
    const current = await ownActivation(tx, accountId, activationId);
    if (current.status !== "WAITING_SMS") {
      throw new ActivationStatusError(
        current.status,
        statusMessage(current.status, "An SMS has arrived for this activation: finish it instead of canceling."),
      );
    }
    if (await smsArrived(tx, current.id)) {
      throw new ActivationStatusError(current.status, "An SMS has arrived for this activation: finish it instead of canceling.");
    }
    if (now < current.cancelableAt) throw new CancelLockedError(current.cancelableAt);
    return transition(services, tx, current, "CANCELED", "canceled by the customer", now);
  });
  publishChanges(services, activation, true);
  return { activation, changed: true };
}

/**
 * Ends one activation whose window has closed: TIMED_OUT with the price
 * released when no SMS ever arrived, COMPLETED and charged when one did.
 * Does nothing when the activation already ended or is not due yet.
 * Returns the ended activation, or null when nothing changed.
 */
export async function expireActivation(services: Services, activationId: string): Promise<Activation | null> {
  const [activation] = await expireActivations(services, [activationId]);
  return activation ?? null;
}

/**
 * The most activations ended in one transaction: its locks, and the id lists
 * of its updates, grow with it.
 */
const expiryBatchSize = 500;

/** Which activations one pass of the expiry ends: the named ones, or up to `anyDue` of those due. */
type ExpiryTarget = { ids: string[] } | { anyDue: number };

/**
 * Ends many activations whose window has closed, as expireActivation does for
 * one, a batch per transaction with the same few statements whatever its
 * size. Activations that ended already, are not due, or are locked by a step
 * under way (the customer finishing, an SMS arriving) are left alone: if that
 * step did not end them, the sweep does. Returns the ended ones.
 */
export async function expireActivations(services: Services, activationIds: string[]): Promise<Activation[]> {
  const ids = [...new Set(activationIds.filter(isUuid))];
  const ended: Activation[] = [];
  for (let start = 0; start < ids.length; start += expiryBatchSize) {
    ended.push(...(await endActivationsPass(services, { ids: ids.slice(start, start + expiryBatchSize) })));
  }
  return ended;
}

/**
 * Ends every activation whose window has closed, oldest first, a batch per
 * transaction. It runs after each batch of timeout jobs (so a burst of
 * timeouts due together ends at once) and every minute (for any whose job was
 * lost); tests call it after moving the clock. Sweeps running at once, here
 * or on other instances, lock disjoint batches and share the work.
 * Returns how many it ended.
 */
export async function expireOverdueActivations(services: Services): Promise<number> {
  let ended = 0;
  for (;;) {
    const endedThisPass = (await endActivationsPass(services, { anyDue: expiryBatchSize })).length;
    ended += endedThisPass;
    // A short pass means the rest are not due, or are being ended by someone else.
    if (endedThisPass < expiryBatchSize) return ended;
  }
}

async function endActivationsPass(services: Services, target: ExpiryTarget): Promise<Activation[]> {
  const ended = await services.db.$transaction((tx) => endDueActivations(services, tx, target, services.now()));
  for (const activation of ended) publishChanges(services, activation, true);
  return ended;
}

type DueActivation = Pick<Activation, "id" | "accountId" | "status" | "priceMinor" | "numberId" | "serviceCode" | "countryCode">;

/** Locks the target's due, unended activations; rows another transaction holds are skipped, never waited for. */
function lockDueActivations(tx: Tx, target: ExpiryTarget, now: Date): Promise<DueActivation[]> {
  const due = Prisma.sql`"status" IN ('WAITING_SMS', 'SMS_RECEIVED') AND "expiresAt" <= ${now.toISOString()}::timestamp`;
  const columns = Prisma.sql`"id", "accountId", "status"::text AS "status", "priceMinor", "numberId", "serviceCode", "countryCode"`;
  return "ids" in target
    ? tx.$queryRaw<DueActivation[]>`
        SELECT ${columns} FROM "Activation" WHERE "id" = ANY(${target.ids}::uuid[]) AND ${due}
        FOR UPDATE SKIP LOCKED`
    : tx.$queryRaw<DueActivation[]>`
        SELECT ${columns} FROM "Activation" WHERE ${due}
        ORDER BY "expiresAt" LIMIT ${target.anyDue}
        FOR UPDATE SKIP LOCKED`;
}

async function endDueActivations(services: Services, tx: Tx, target: ExpiryTarget, now: Date): Promise<Activation[]> {
  const due = await lockDueActivations(tx, target, now);
  if (due.length === 0) return [];

  // An SMS may have arrived and the customer asked for another since: WAITING_SMS with an SMS in its history.
  const waiting = due.filter((activation) => activation.status === "WAITING_SMS").map((activation) => activation.id);
  const hadSms = new Set(
    waiting.length === 0
      ? []
      : (
          await tx.activationStatusChange.groupBy({
            by: ["activationId"],
            where: { activationId: { in: waiting }, toStatus: "SMS_RECEIVED" },
          })
        ).map((change) => change.activationId),
  );
  const endings = due.map((activation) => {
    const arrived = activation.status === "SMS_RECEIVED" || hadSms.has(activation.id);
    return {
      activation,
      to: arrived ? ("COMPLETED" as const) : ("TIMED_OUT" as const),
      reason: arrived ? "time up after an SMS arrived" : "no SMS arrived in time",
    };
  });

  // One guarded update per (from, to) pair; the rows are locked, so each must apply.
  const moves = new Map<string, { from: ActivationStatus; to: ActivationStatus; ids: string[] }>();
  for (const { activation, to } of endings) {
    const key = `${activation.status}>${to}`;
    const move = moves.get(key) ?? { from: activation.status, to, ids: [] };
    move.ids.push(activation.id);
    moves.set(key, move);
  }
  for (const { from, to, ids: moved } of moves.values()) {
    const { count } = await tx.activation.updateMany({
      where: { id: { in: moved }, status: from },
      data: { status: to, endedAt: now },
    });
    if (count !== moved.length) throw new Error(`Expected to end ${moved.length} activations from ${from}, ended ${count}.`);
  }
  await tx.$executeRaw`
    INSERT INTO "ActivationStatusChange" ("id", "activationId", "fromStatus", "toStatus", "reason", "at")
    SELECT "id", "activationId", "fromStatus", "toStatus", "reason", ${now.toISOString()}::timestamp
    FROM unnest(
      ${endings.map(() => newRecordId())}::uuid[],
      ${endings.map(({ activation }) => activation.id)}::uuid[],
      ${endings.map(({ activation }) => activation.status)}::"ActivationStatus"[],
      ${endings.map(({ to }) => to)}::"ActivationStatus"[],
      ${endings.map(({ reason }) => reason)}::text[]
    ) AS ended("id", "activationId", "fromStatus", "toStatus", "reason")`;
  await queueStatusChangeEvents(
    services,
    tx,
    endings.map(({ activation, to }) => ({ activation, from: activation.status, to, at: now })),
  );
  await appendLedgerEntries(
    tx,
    endings.flatMap(({ activation, to }) =>
      activation.accountId
        ? [
            {
              accountId: activation.accountId,
              kind: to === "COMPLETED" ? ("CHARGE" as const) : ("RELEASE" as const),
              amountMinor: activation.priceMinor,
              at: now,
              activationId: activation.id,
            },
          ]
        : [],
    ),
  );
  await releaseNumbers(services, tx, due, now);
  return tx.activation.findMany({ where: { id: { in: due.map((activation) => activation.id) } }, orderBy: { id: "asc" } });
}

/** Returns the numbers of ended activations to the pool, each quarantined for the service it served. */
async function releaseNumbers(services: Services, tx: Tx, ended: Array<Pick<Activation, "numberId" | "serviceCode">>, now: Date) {
  const numberIds = ended.map((activation) => activation.numberId);
  await tx.virtualNumber.updateMany({ where: { id: { in: numberIds }, status: "ASSIGNED" }, data: { status: "AVAILABLE" } });
  // One row per (number, service): a duplicate pair would make ON CONFLICT touch a row twice.
  const pairs = [
    ...new Map(ended.map((activation) => [`${activation.numberId} ${activation.serviceCode}`, activation])).values(),
  ];
  const until = new Date(now.getTime() + minutes(services.config.activations.quarantineMinutes));
  await tx.$executeRaw`
    INSERT INTO "NumberQuarantine" ("numberId", "serviceCode", "until")
    SELECT "numberId", "serviceCode", ${until.toISOString()}::timestamp
    FROM unnest(${pairs.map((pair) => pair.numberId)}::uuid[], ${pairs.map((pair) => pair.serviceCode)}::text[]) AS ended("numberId", "serviceCode")
    ON CONFLICT ("numberId", "serviceCode") DO UPDATE SET "until" = EXCLUDED."until"`;
}

export type SmsArrival =
  | { accepted: true; accountId: string | null; statusChanged: boolean }
  | { accepted: false; reason: "unknown" | "ended" | "expired" };

/** What `smsArrivalVerdict` needs of the activation, read (and locked `FOR UPDATE`) in the caller's transaction. */
export type SmsArrivalTarget = Pick<Activation, "id" | "accountId" | "status" | "expiresAt">;

/**
 * The activation's rules for an SMS arriving now, applied to the row the caller
 * read and locked `FOR UPDATE` in its transaction: an ended or expired
 * activation refuses it; a WAITING_SMS one takes it and moves to SMS_RECEIVED
 * (`statusChanged`: the caller writes `smsReceivedMovesSql` in the statement
 * that stores the SMS); an SMS_RECEIVED one takes it as it is. After the
 * commit the caller publishes `smsReceived`, and `activationChanged` when the
 * status changed, to `accountId`.
 */
export function smsArrivalVerdict(current: SmsArrivalTarget, at: Date): SmsArrival {
  if (terminalStatuses.has(current.status)) return { accepted: false, reason: "ended" };
  if (at >= current.expiresAt) return { accepted: false, reason: "expired" };
  return { accepted: true, accountId: current.accountId, statusChanged: current.status === "WAITING_SMS" };
}

/**
 * The move to SMS_RECEIVED and its history row, as members of a `WITH`: `moves` is a relation of
 * ("activationId", "historyId", "routing"), one row per activation, each moved if still WAITING_SMS (so a
 * concurrent change wins and nothing moves), with its history row under "historyId" and "routing" (when not
 * null) set in the same UPDATE (a row is updated once per statement). The members are `moving`, `moved` (the
 * ids of the activations that moved: a statement built on it stores an SMS only for those) and `moved_history`.
 */
export function smsReceivedMovesSql(moves: Prisma.Sql, at: Date): Prisma.Sql {
  const when = at.toISOString();
  return Prisma.sql`moving AS (SELECT * FROM ${moves} AS m("activationId", "historyId", "routing")),
    moved AS (
      UPDATE "Activation" a SET "status" = 'SMS_RECEIVED', "updatedAt" = ${when}::timestamp,
        "routingCiphertext" = COALESCE(moving."routing", a."routingCiphertext")
      FROM moving WHERE a."id" = moving."activationId" AND a."status" = 'WAITING_SMS'
      RETURNING a."id", moving."historyId"
    ),
    moved_history AS (
      INSERT INTO "ActivationStatusChange" ("id", "activationId", "fromStatus", "toStatus", "reason", "at")
      SELECT "historyId", "id", 'WAITING_SMS', 'SMS_RECEIVED', 'SMS received', ${when}::timestamp
      FROM moved
    )`;
}

/**
 * One of the account's own activations, or null: another account's id reads
 * as an unknown one. `query` carries the caller's selection.
 */
export function findOwnActivation(
  services: Services,
  accountId: string,
  activationId: string,
  query: Omit<Prisma.ActivationFindFirstArgs, "where"> = {},
): Promise<Activation | null> {
  if (!isUuid(activationId)) return Promise.resolve(null);
  return services.db.activation.findFirst({ ...query, where: { id: activationId, accountId } });
}

/**
 * What a live `activationStatusChanged` event delivers to one subscriber, in
 * one statement: the activation, only if it is the account's own, and whether
 * the credential the socket connected with still stands
 * (`credentialStandsCondition`). Without a standing credential there is no
 * activation. The row has every column, so it serves as the model's row.
 */
export async function activationToDeliver(
  services: Services,
  reader: AccountActor,
  activationId: string,
): Promise<{ credentialStands: boolean; activation: Activation | null }> {
  const [row] = await services.sql.rows<
    { credentialStands: boolean } & { [Column in keyof Activation]: Activation[Column] | null }
  >(
    {
      name: "activation-to-deliver",
      text: `SELECT ${credentialStandsCondition} AS "credentialStands", a.*
       FROM (SELECT 1) AS one
       LEFT JOIN "Activation" a ON a."id" = $4::uuid AND a."accountId" = $5::uuid`,
    },
    [...credentialStandsParameters(services, reader), isUuid(activationId) ? activationId : null, reader.accountId],
  );
  if (!row?.credentialStands) return { credentialStands: false, activation: null };
  const { credentialStands: _, ...activation } = row;
  return { credentialStands: true, activation: activation.id === null ? null : (activation as Activation) };
}

/** The account's own activations, newest first, optionally only those in one status. `query` carries selection and paging. */
export function findOwnActivations(
  services: Services,
  accountId: string,
  filter: { status?: ActivationStatus | null },
  query: Omit<Prisma.ActivationFindManyArgs, "where" | "orderBy">,
): Promise<Activation[]> {
  return services.db.activation.findMany({
    ...query,
    where: { accountId, ...(filter.status ? { status: filter.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
}

/**
 * One of the account's own activations by its numeric id (the id sms-activate
 * protocol clients see), or null: another account's reads as an unknown one.
 */
export function findOwnActivationByNumericId(
  services: Services,
  accountId: string,
  numericId: bigint,
): Promise<Activation | null> {
  return services.db.activation.findFirst({ where: { numericId, accountId } });
}

/** Whether the activation is the actor's own; nobody's when there is no actor. */
export function isOwnActivation(actor: AccountActor | null, activation: Pick<Activation, "accountId">): boolean {
  return actor !== null && activation.accountId === actor.accountId;
}

/** The account's activation, or NotFound: another account's id is indistinguishable from an unknown one. */
async function ownActivation(tx: Tx, accountId: string, activationId: string): Promise<Activation> {
  const activation = isUuid(activationId) ? await tx.activation.findFirst({ where: { id: activationId, accountId } }) : null;
  if (!activation) throw new NotFoundError("The activation");
  return activation;
}

async function smsArrived(tx: Tx, activationId: string): Promise<boolean> {
  return (await tx.activationStatusChange.count({ where: { activationId, toStatus: "SMS_RECEIVED" } })) > 0;
}

/**
 * Moves an activation from the status it was read in to `to`. The WHERE clause
 * carries the status read, so if anything moved it meanwhile, nothing applies
 * and the step fails instead of applying twice. Ending it also settles the
 * hold and returns the number to the pool with a quarantine for the service.
 */
async function transition(
  services: Services,
  tx: Tx,
  current: Activation,
  to: ActivationStatus,
  reason: string,
  now: Date,
): Promise<Activation> {
  const ends = terminalStatuses.has(to);
  const { count } = await tx.activation.updateMany({
    where: { id: current.id, status: current.status },
    data: { status: to, ...(ends ? { endedAt: now } : {}) },
  });
  if (count !== 1) throw new ActivationStatusError(current.status, "The activation changed meanwhile; load it again and retry.");
  await tx.activationStatusChange.create({
    data: { activationId: current.id, fromStatus: current.status, toStatus: to, reason, at: now },
  });
  await queueStatusChangeEvents(services, tx, [{ activation: current, from: current.status, to, at: now }]);
  if (ends) {
    if (current.accountId) {
      await appendLedgerEntry(tx, {
        accountId: current.accountId,
        kind: to === "COMPLETED" ? "CHARGE" : "RELEASE",
        amountMinor: current.priceMinor,
        at: now,
        activationId: current.id,
      });
    }
    await tx.virtualNumber.updateMany({ where: { id: current.numberId, status: "ASSIGNED" }, data: { status: "AVAILABLE" } });
    const until = new Date(now.getTime() + minutes(services.config.activations.quarantineMinutes));
    await tx.numberQuarantine.upsert({
      where: { numberId_serviceCode: { numberId: current.numberId, serviceCode: current.serviceCode } },
      create: { numberId: current.numberId, serviceCode: current.serviceCode, until },
      update: { until },
    });
  }
  return tx.activation.findUniqueOrThrow({ where: { id: current.id } });
}

function statusMessage(status: ActivationStatus, otherwise: string): string {
  return terminalStatuses.has(status) ? `This activation has already ended (${status}).` : otherwise;
}

/** Live events go out after the transaction committed, to the owning account only. */
function publishChanges(services: Services, activation: Activation, balanceMoved: boolean) {
  if (!activation.accountId) return;
  services.events.publish("activationChanged", activation.accountId, { activationId: activation.id });
  if (balanceMoved) services.events.publish("balanceChanged", activation.accountId, { accountId: activation.accountId });
}
