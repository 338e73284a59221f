/**
 * The pool of numbers (ADMIN, `catalogue.manage`): importing a batch for a
 * country and an operator route, retiring a number, listing the pool, and how
 * many numbers can serve each service.
 *
 * Pool numbers are the service's own inventory, not personal data; but which
 * account holds a number is, so nothing here reads or returns activations
 * beyond a count.
 *
 * Retiring is for good: a RETIRED number is never picked by an order (orders
 * take AVAILABLE numbers only). An activation running on the number when it is
 * retired is left to finish: its SMS still reach its account, and when it ends
 * the number stays RETIRED (the release returns only ASSIGNED numbers to the
 * pool).
 */
import type { NumberStatus, Prisma, VirtualNumber } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { ConflictError, type FieldIssue, NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { checkPoolNumber, type PhoneNumberProblem } from "./phone-numbers.ts";

/** Lines one import takes: a batch is one transaction, and its report one answer. */
export const importBatchMaxLines = 1000;

const operatorRouteShape = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export type ImportLineOutcome = "IMPORTED" | PhoneNumberProblem | "DUPLICATE_IN_BATCH" | "ALREADY_IN_POOL";

export interface ImportLine {
  /** The line's number in the pasted text, counting from 1 (blank lines count, and are skipped). */
  line: number;
  input: string;
  /** The number in E.164, once it parsed. */
  phoneNumber: string | null;
  outcome: ImportLineOutcome;
  message: string;
}

export interface NumberImport {
  countryCode: string;
  operatorRoute: string;
  imported: number;
  rejected: number;
  lines: ImportLine[];
}

const outcomeMessages: Record<ImportLineOutcome, (country: string, other?: string) => string> = {
  IMPORTED: () => "Imported.",
  NOT_E164: () => "Not in E.164 form: write + then the country code and number, e.g. +447400123456.",
  NOT_A_VALID_NUMBER: () => "Not a valid number in its country's numbering plan.",
  WRONG_COUNTRY: (country, other) => `A number of ${other ?? "another country"}, not of ${country}.`,
  DUPLICATE_IN_BATCH: () => "Appears earlier in this batch.",
  ALREADY_IN_POOL: () => "Already in the pool.",
};

/**
 * Imports pasted lines (one number each) into the pool of `countryCode`,
 * reached through `operatorRoute`. Each line gets its outcome: numbers that
 * are valid, of the country, and new are imported; the others are reported
 * and skipped. The numbers and the audit entry are written in one transaction.
 */
export async function importNumbers(
  services: Services,
  actor: Actor,
  input: { countryCode: string; operatorRoute: string; lines: string[] },
): Promise<NumberImport> {
  authorize(actor, "catalogue.manage");
  const countryCode = input.countryCode.trim().toUpperCase();
  const operatorRoute = input.operatorRoute.trim().toLowerCase();
  const issues: FieldIssue[] = [];
  if (!operatorRouteShape.test(operatorRoute)) {
    issues.push({
      field: "operatorRoute",
      message: "Name the route with 1 to 64 lowercase letters, digits, '.', '-' or '_', e.g. uk-mobile-1.",
    });
  }
  // A pasted text may arrive as one string with line breaks.
  const pasted = input.lines.flatMap((text) => text.split(/\r?\n/));
  const filled = pasted.flatMap((text, index) => (text.trim() ? [{ line: index + 1, input: text.trim() }] : []));
  if (filled.length === 0) issues.push({ field: "lines", message: "Paste at least one number." });
  if (filled.length > importBatchMaxLines) {
    issues.push({ field: "lines", message: `Import at most ${importBatchMaxLines} numbers at once; split the list.` });
  }
  if (issues.length) throw new ValidationError(issues);

  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const country = await tx.country.findUnique({ where: { code: countryCode } });
    if (!country) throw new NotFoundError(`The country ${countryCode}`);

    const seen = new Set<string>();
    const lines: ImportLine[] = filled.map(({ line, input: text }) => {
      const checked = checkPoolNumber(text, countryCode);
      if (checked.problem) {
        const other = "country" in checked ? checked.country : undefined;
        return {
          line,
          input: text,
          phoneNumber: null,
          outcome: checked.problem,
          message: outcomeMessages[checked.problem](countryCode, other),
        };
      }
      const outcome = seen.has(checked.phoneNumber) ? "DUPLICATE_IN_BATCH" : "IMPORTED";
      seen.add(checked.phoneNumber);
      return { line, input: text, phoneNumber: checked.phoneNumber, outcome, message: outcomeMessages[outcome](countryCode) };
    });

    const candidates = lines.flatMap((line) => (line.outcome === "IMPORTED" && line.phoneNumber ? [line.phoneNumber] : []));
    // ON CONFLICT DO NOTHING: a number already there (or imported by a concurrent batch) is skipped, not an error.
    const created = await tx.virtualNumber.createManyAndReturn({
      data: candidates.map((phoneNumber) => ({ phoneNumber, countryCode, operatorRoute, createdAt: now })),
      skipDuplicates: true,
      select: { phoneNumber: true },
    });
    const added = new Set(created.map((number) => number.phoneNumber));
    for (const line of lines) {
      if (line.outcome === "IMPORTED" && line.phoneNumber && !added.has(line.phoneNumber)) {
        line.outcome = "ALREADY_IN_POOL";
        line.message = outcomeMessages.ALREADY_IN_POOL(countryCode);
      }
    }
    const count = (outcome: ImportLineOutcome) => lines.filter((line) => line.outcome === outcome).length;
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "virtual_numbers.imported",
        // The route is named in the subject id: details take no free-form strings that could pass for a number.
        subjectType: "OperatorRoute",
        subjectId: `${countryCode}/${operatorRoute}`,
        details: {
          countryCode,
          lines: lines.length,
          imported: added.size,
          invalid: count("NOT_E164") + count("NOT_A_VALID_NUMBER") + count("WRONG_COUNTRY"),
          duplicateInBatch: count("DUPLICATE_IN_BATCH"),
          alreadyInPool: count("ALREADY_IN_POOL"),
        },
      },
      now,
    );
    return { countryCode, operatorRoute, imported: added.size, rejected: lines.length - added.size, lines };
  });
}

const liveActivationStatuses = ["WAITING_SMS", "SMS_RECEIVED"] as const;

/** Takes a number out of the pool for good (see the top of this file for an activation running on it). */
export async function retireNumber(services: Services, actor: Actor, numberId: string): Promise<VirtualNumber> {
  authorize(actor, "catalogue.manage");
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const number = isUuid(numberId) ? await tx.virtualNumber.findUnique({ where: { id: numberId } }) : null;
    if (!number) throw new NotFoundError("The number");
    // The status read is in the WHERE clause: an order taking the number meanwhile is waited for, then retired too.
    const { count } = await tx.virtualNumber.updateMany({
      where: { id: number.id, status: { not: "RETIRED" } },
      data: { status: "RETIRED", retiredAt: now },
    });
    if (count === 0) throw new ConflictError("NUMBER_ALREADY_RETIRED", "This number was already retired.");
    const liveActivations = await tx.activation.count({
      where: { numberId: number.id, status: { in: [...liveActivationStatuses] } },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "virtual_number.retired",
        subjectType: "VirtualNumber",
        subjectId: number.id,
        details: { countryCode: number.countryCode, fromStatus: number.status, liveActivations },
      },
      now,
    );
    return tx.virtualNumber.findUniqueOrThrow({ where: { id: number.id } });
  });
}

export interface PoolFilter {
  countryCode?: string | null;
  status?: NumberStatus | null;
  operatorRoute?: string | null;
  /** Part of the number, digits only (e.g. the last four). */
  search?: string | null;
}

/** The where-clause of a pool listing; `search` matches digits anywhere in the number. */
export function poolWhere(actor: Actor, filter: PoolFilter): Prisma.VirtualNumberWhereInput {
  authorize(actor, "catalogue.manage");
  const digits = filter.search?.replace(/\D/g, "") ?? "";
  return {
    ...(filter.countryCode ? { countryCode: filter.countryCode.trim().toUpperCase() } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.operatorRoute ? { operatorRoute: filter.operatorRoute.trim().toLowerCase() } : {}),
    ...(digits ? { phoneNumber: { contains: digits } } : {}),
  };
}

/** Pool numbers by number, a page at a time (`query` is the connection's take, skip and cursor). */
export async function listPoolNumbers(
  services: Services,
  actor: Actor,
  filter: PoolFilter,
  query: Omit<Prisma.VirtualNumberFindManyArgs, "where" | "orderBy"> = {},
): Promise<VirtualNumber[]> {
  return services.db.virtualNumber.findMany({ ...query, where: poolWhere(actor, filter), orderBy: { phoneNumber: "asc" } });
}

export async function countPoolNumbers(services: Services, actor: Actor, filter: PoolFilter): Promise<number> {
  return services.db.virtualNumber.count({ where: poolWhere(actor, filter) });
}

/** The operator routes numbers of the pool are reached through, for the list's filter. */
export async function listOperatorRoutes(services: Services, actor: Actor): Promise<string[]> {
  authorize(actor, "catalogue.manage");
  // GROUP BY in the database: the pool may be large, its routes are few.
  const routes = await services.db.virtualNumber.groupBy({
    by: ["operatorRoute"],
    where: { operatorRoute: { not: null } },
    orderBy: { operatorRoute: "asc" },
  });
  return routes.flatMap((route) => (route.operatorRoute ? [route.operatorRoute] : []));
}

/**
 * How a country's numbers stand for one service. `available` numbers can be
 * ordered for it now; `quarantined` are free but resting from it; `inUse`
 * serve an activation; `retired` and `disabled` are out of the pool. The five
 * add up to the country's numbers, whatever the service.
 */
export interface NumberAvailability {
  countryCode: string;
  serviceCode: string;
  /** Whether the catalogue has a price for the pair: without one, no order is taken. */
  offered: boolean;
  available: number;
  quarantined: number;
  inUse: number;
  retired: number;
  disabled: number;
}

/** Availability for every service in one country, or in every country, by country then service. */
export async function numberAvailability(
  services: Services,
  actor: Actor,
  filter: { countryCode?: string | null } = {},
): Promise<NumberAvailability[]> {
  authorize(actor, "catalogue.manage");
  const countryCode = filter.countryCode?.trim().toUpperCase() || null;
  const now = services.now();
  const [countries, catalogueServices, prices, byStatus, resting] = await Promise.all([
    services.db.country.findMany({ where: countryCode ? { code: countryCode } : {}, orderBy: { code: "asc" } }),
    services.db.service.findMany({ orderBy: { code: "asc" } }),
    services.db.price.findMany({ where: countryCode ? { countryCode } : {}, select: { countryCode: true, serviceCode: true } }),
    services.db.virtualNumber.groupBy({
      by: ["countryCode", "status"],
      where: countryCode ? { countryCode } : {},
      _count: { _all: true },
    }),
    // Free numbers resting from a service: they count as quarantined for it, and as available for the others.
    services.db.$queryRaw<Array<{ countryCode: string; serviceCode: string; count: bigint }>>`
      SELECT n."countryCode", q."serviceCode", count(*) AS "count"
      FROM "NumberQuarantine" q JOIN "VirtualNumber" n ON n."id" = q."numberId"
      WHERE n."status" = 'AVAILABLE' AND q."until" > ${now.toISOString()}::timestamp
        AND (${countryCode}::text IS NULL OR n."countryCode" = ${countryCode}::text)
      GROUP BY n."countryCode", q."serviceCode"`,
  ]);
  const statusCount = (country: string, status: NumberStatus) =>
    byStatus.find((row) => row.countryCode === country && row.status === status)?._count._all ?? 0;
  const offered = new Set(prices.map((price) => `${price.countryCode}/${price.serviceCode}`));
  return countries.flatMap((country) =>
    catalogueServices.map((service) => {
      const quarantined = Number(
        resting.find((row) => row.countryCode === country.code && row.serviceCode === service.code)?.count ?? 0,
      );
      return {
        countryCode: country.code,
        serviceCode: service.code,
        offered: offered.has(`${country.code}/${service.code}`),
        available: statusCount(country.code, "AVAILABLE") - quarantined,
        quarantined,
        inUse: statusCount(country.code, "ASSIGNED"),
        retired: statusCount(country.code, "RETIRED"),
        disabled: statusCount(country.code, "DISABLED"),
      };
    }),
  );
}
