/**
 * Privacy requests counted per day, for the staff dashboard: how many arrived
 * each day, by the right they invoke and by where they stand now. Counted in
 * the database; only kinds, states and numbers leave it.
 */
import { Prisma, type PrivacyRequestKind, type PrivacyRequestStatus } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { ValidationError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";

const dayMs = 24 * 60 * 60_000;

/** The longest window the dashboard may ask for. */
export const maxStatsDays = 366;

export interface RequestDayCount {
  /** The UTC day the requests were received, YYYY-MM-DD. */
  day: string;
  kind: PrivacyRequestKind;
  status: PrivacyRequestStatus;
  count: number;
}

export interface RequestStats {
  /** Midnight UTC of the first day counted; today is the last. */
  since: Date;
  days: number;
  /** One row per day, kind and current state that has requests; days without any have no row. */
  counts: RequestDayCount[];
}

/** Requests received in the last `days` UTC days (today included), grouped by day, kind and current state. */
export async function countRequestsByDay(services: Services, actor: Actor, days: number): Promise<RequestStats> {
  authorize(actor, "requests.read");
  if (!Number.isInteger(days) || days < 1 || days > maxStatsDays) {
    throw new ValidationError([{ field: "days", message: `must be a whole number from 1 to ${maxStatsDays}` }]);
  }
  const today = Math.floor(services.now().getTime() / dayMs) * dayMs;
  const since = new Date(today - (days - 1) * dayMs);
  // Timestamps are stored as UTC without a zone; the bound is compared the same way.
  const rows = await services.db.$queryRaw<
    Array<{ day: string; kind: PrivacyRequestKind; status: PrivacyRequestStatus; count: bigint }>
  >(
    Prisma.sql`
      SELECT to_char(date_trunc('day', "receivedAt"), 'YYYY-MM-DD') AS day, kind::text AS kind, status::text AS status,
        count(*) AS count
      FROM "PrivacyRequest"
      WHERE "receivedAt" >= (${since.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3`,
  );
  return { since, days, counts: rows.map((row) => ({ ...row, count: Number(row.count) })) };
}
