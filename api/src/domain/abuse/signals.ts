/**
 * Abuse signals (P12): how often numbers are ordered and cancelled, and how
 * often sign-ins fail or limits refuse, counted per UTC day under keys that
 * name no one: a client network's and an API key's keyed hash under that
 * day's key, and a service's code. Staff read them to spot a pattern (one
 * network cancelling most of what it orders, one API key failing over and
 * over); nothing in them leads back to an account, an email or an address,
 * and one day's keys cannot be matched with another's.
 *
 * An account under restriction, or that objected to this processing (P17),
 * is not counted at all.
 */
import { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { abuseSignalsAllowed } from "../privacy/restriction.ts";
import { authorize } from "../staff/permissions.ts";

export type AbuseEvent = "order" | "cancel" | "sign-in-failure" | "rate-limited";
export type SignalKeyKind = "network" | "api-key" | "service";

/** How many days of signals are kept; older days are deleted (the hourly sweep). */
export const abuseSignalDays = 30;

/** Where an event came from, as the request knew it. The account is only checked for P17, never stored. */
export interface SignalSource {
  accountId: string | null;
  /** The day's keyed hash of the client's network (RequestContext.client.network). */
  network: string;
  apiKeyId?: string | null;
  serviceCode?: string | null;
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/** Counts one event under each key the source has. Never fails the request it comes from. */
export async function countAbuseSignal(services: Services, event: AbuseEvent, source: SignalSource): Promise<void> {
  try {
    if (source.accountId && !(await abuseSignalsAllowed(services.db, source.accountId))) return;
    const now = services.now();
    const keys: Array<[SignalKeyKind, string]> = [["network", source.network]];
    if (source.apiKeyId) keys.push(["api-key", services.limits.dailyKey("abuse-signal.api-key", source.apiKeyId, now)]);
    if (source.serviceCode) keys.push(["service", source.serviceCode]);
    const rows = keys.map(
      ([kind, key]) => Prisma.sql`(${dayOf(now)}::date, ${kind}, ${key}, ${event}, 1, ${now.toISOString()}::timestamp)`,
    );
    await services.db.$executeRaw`
      INSERT INTO "AbuseSignal" AS s ("day", "keyKind", "key", "event", "count", "lastAt")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("day", "keyKind", "key", "event") DO UPDATE
        SET "count" = s."count" + 1, "lastAt" = GREATEST(s."lastAt", EXCLUDED."lastAt")`;
  } catch (error) {
    services.logger.warn({ err: error, event }, "an abuse signal was not counted");
  }
}

/** One key's day: its counts, and the patterns they show. */
export interface AbuseSignalRow {
  /** `<day>/<kind>/<key>`, stable while the row lives. */
  id: string;
  day: string;
  keyKind: SignalKeyKind;
  /** The keyed hash (networks, API keys) or the service's code. */
  key: string;
  orders: number;
  cancels: number;
  /** Cancels per order that day; null without orders. */
  cancelRate: number | null;
  signInFailures: number;
  rateLimited: number;
  lastAt: Date;
  /** What stands out: `high-cancel-rate`, `repeated-sign-in-failures`, `rate-limited`, `many-orders`. */
  patterns: string[];
}

/** When a count is worth a second look. */
export const abusePatterns = {
  /** At least this many orders, most of them cancelled. */
  highCancelRate: { minOrders: 5, minRate: 0.5 },
  repeatedSignInFailures: { min: 5 },
  manyOrders: { min: 50 },
} as const;

/**
 * The signals of the last `days` UTC days (today included), the keys with a
 * pattern first, then the busiest. Staff with `abuse.read` only.
 */
export async function listAbuseSignals(
  services: Services,
  actor: Actor,
  options: { days?: number; keyKind?: SignalKeyKind | null; patternsOnly?: boolean } = {},
): Promise<AbuseSignalRow[]> {
  authorize(actor, "abuse.read");
  const days = Math.min(Math.max(options.days ?? 1, 1), abuseSignalDays);
  const now = services.now();
  const since = dayOf(new Date(now.getTime() - (days - 1) * 86_400_000));
  const counted = await services.db.abuseSignal.findMany({
    where: { day: { gte: new Date(`${since}T00:00:00Z`) }, ...(options.keyKind ? { keyKind: options.keyKind } : {}) },
  });
  const rows = new Map<string, AbuseSignalRow>();
  for (const signal of counted) {
    const day = dayOf(signal.day);
    const id = `${day}/${signal.keyKind}/${signal.key}`;
    const row = rows.get(id) ?? {
      id,
      day,
      keyKind: signal.keyKind as SignalKeyKind,
      key: signal.key,
      orders: 0,
      cancels: 0,
      cancelRate: null,
      signInFailures: 0,
      rateLimited: 0,
      lastAt: signal.lastAt,
      patterns: [],
    };
    if (signal.event === "order") row.orders += signal.count;
    if (signal.event === "cancel") row.cancels += signal.count;
    if (signal.event === "sign-in-failure") row.signInFailures += signal.count;
    if (signal.event === "rate-limited") row.rateLimited += signal.count;
    if (signal.lastAt > row.lastAt) row.lastAt = signal.lastAt;
    rows.set(id, row);
  }
  const result = [...rows.values()].map((row) => {
    const cancelRate = row.orders > 0 ? Math.round((row.cancels / row.orders) * 100) / 100 : null;
    const patterns: string[] = [];
    if (row.orders >= abusePatterns.highCancelRate.minOrders && (cancelRate ?? 0) >= abusePatterns.highCancelRate.minRate)
      patterns.push("high-cancel-rate");
    if (row.signInFailures >= abusePatterns.repeatedSignInFailures.min) patterns.push("repeated-sign-in-failures");
    if (row.rateLimited > 0) patterns.push("rate-limited");
    if (row.orders >= abusePatterns.manyOrders.min) patterns.push("many-orders");
    return { ...row, cancelRate, patterns };
  });
  const activity = (row: AbuseSignalRow) => row.orders + row.cancels + row.signInFailures + row.rateLimited;
  return result
    .filter((row) => !options.patternsOnly || row.patterns.length > 0)
    .sort((a, b) => b.patterns.length - a.patterns.length || activity(b) - activity(a) || a.id.localeCompare(b.id));
}

/** Deletes the days past the window (the hourly sweep). */
export async function forgetOldAbuseSignals(services: Services): Promise<number> {
  const oldest = dayOf(new Date(services.now().getTime() - (abuseSignalDays - 1) * 86_400_000));
  return services.db.$executeRaw`DELETE FROM "AbuseSignal" WHERE "day" < ${oldest}::date`;
}

const sweepAbuseSignalsJob = "abuse-signals.sweep";

export async function registerAbuseSignalJobs(services: Services): Promise<void> {
  await services.jobs.work(sweepAbuseSignalsJob, async () => {
    await forgetOldAbuseSignals(services);
  });
  await services.jobs.schedule(sweepAbuseSignalsJob, "23 * * * *");
}
