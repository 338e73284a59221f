/**
 * The breach register (P21, GDPR Art. 33(5)): each personal-data breach with
 * its facts, effects and the remedial action taken, the two decisions the law
 * asks for (notify the supervisory authority within 72 hours of becoming
 * aware; tell the people concerned when the risk to them is high), and its
 * status. Only COMPLIANCE reads or changes it.
 *
 * Incidents are never deleted (a database trigger refuses it) and every
 * change writes an audit entry in its transaction. The entry holds the
 * incident's id and the names of the fields that changed: what staff wrote
 * about the incident stays in the register, not in the log.
 */
import type { BreachDataCategory, BreachIncident, IncidentDecision, IncidentStatus, Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import type { AuditEvent } from "../audit/events.ts";
import { type FieldIssue, NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { type AuthorityClock, authorityClock } from "./clock.ts";
import { IncidentClosedError, IncidentDecisionMissingError } from "./errors.ts";

export const breachDataCategories = [
  "EMAIL_ADDRESSES",
  "PHONE_NUMBERS",
  "SMS_CONTENT",
  "CREDENTIALS",
  "PAYMENT_REFERENCES",
  "SESSION_DATA",
  "PRIVACY_REQUESTS",
] as const satisfies readonly BreachDataCategory[];

/** The facts of an incident, as staff record them when opening it. */
export interface IncidentDetails {
  discoveredAt: Date;
  /** When we became aware that personal data was affected: the authority clock starts here. */
  awareAt: Date;
  nature: string;
  dataCategories: BreachDataCategory[];
  approxPeople?: number | null;
  approxRecords?: number | null;
  likelyConsequences?: string | null;
  measures?: string | null;
}

/** What an update may change: any fact, and whether the incident is contained (closing has its own step). */
export type IncidentChanges = Partial<IncidentDetails> & { status?: Exclude<IncidentStatus, "CLOSED"> };

export interface DecisionInput {
  decision: IncidentDecision;
  reason: string;
}

export interface AuthorityDecisionInput extends DecisionInput {
  /** When the authority was notified, once it has been. */
  notifiedAt?: Date | null;
}

/** An incident as the register shows it: its record, its authority clock, and how many people were told and when last. */
export interface IncidentView extends BreachIncident {
  clock: AuthorityClock;
  notificationsCount: number;
  lastNotifiedAt: Date | null;
}

const textLimit = 10_000;

type NotificationStats = Map<string, { count: number; lastAt: Date | null }>;

/** How many accounts were told about each incident, and when last; one query for any number of incidents. */
async function notificationStats(db: Prisma.TransactionClient, incidentIds: string[]): Promise<NotificationStats> {
  if (incidentIds.length === 0) return new Map();
  const groups = await db.incidentNotification.groupBy({
    by: ["incidentId"],
    where: { incidentId: { in: incidentIds } },
    _count: { _all: true },
    _max: { notifiedAt: true },
  });
  return new Map(groups.map((group) => [group.incidentId, { count: group._count._all, lastAt: group._max.notifiedAt }]));
}

async function viewsOf(db: Prisma.TransactionClient, rows: BreachIncident[], now: Date): Promise<IncidentView[]> {
  const stats = await notificationStats(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((incident) => ({
    ...incident,
    clock: authorityClock(incident, now),
    notificationsCount: stats.get(incident.id)?.count ?? 0,
    lastNotifiedAt: stats.get(incident.id)?.lastAt ?? null,
  }));
}

async function viewOf(db: Prisma.TransactionClient, row: BreachIncident, now: Date): Promise<IncidentView> {
  const [view] = await viewsOf(db, [row], now);
  return view!;
}

/** Incidents newest first, optionally only those with `status`. */
export async function listIncidents(
  services: Services,
  actor: Actor,
  filter: { status?: IncidentStatus | null } = {},
): Promise<IncidentView[]> {
  authorize(actor, "incidents.read");
  return services.db.$transaction(async (tx) => {
    const rows = await tx.breachIncident.findMany({
      where: filter.status ? { status: filter.status } : {},
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    return viewsOf(tx, rows, services.now());
  });
}

export async function findIncident(services: Services, actor: Actor, incidentId: string): Promise<IncidentView> {
  authorize(actor, "incidents.read");
  if (!isUuid(incidentId)) throw new NotFoundError("The incident");
  return services.db.$transaction(async (tx) => {
    const row = await tx.breachIncident.findUnique({ where: { id: incidentId } });
    if (!row) throw new NotFoundError("The incident");
    return viewOf(tx, row, services.now());
  });
}

/** Registers a new incident, OPEN, with the next reference of the year (INC-2026-0001). */
export async function openIncident(services: Services, actor: Actor, details: IncidentDetails): Promise<IncidentView> {
  authorize(actor, "incidents.manage");
  if (actor.kind !== "staff") throw new Error("Only a staff member opens an incident.");
  const now = services.now();
  validateDetails(details, now);
  return services.db.$transaction(async (tx) => {
    const reference = await nextReference(tx, now);
    const row = await tx.breachIncident.create({
      data: { ...cleanDetails(details), reference, createdById: actor.staffUserId, createdAt: now, updatedAt: now },
    });
    await auditIncident(tx, services, actor, "incident.opened", row.id, { fields: Object.keys(cleanDetails(details)) });
    return viewOf(tx, row, now);
  });
}

/** Changes an incident's facts or marks it contained; refused once it is closed. */
export async function updateIncident(
  services: Services,
  actor: Actor,
  incidentId: string,
  changes: IncidentChanges,
): Promise<IncidentView> {
  authorize(actor, "incidents.manage");
  const now = services.now();
  return changeOpenIncident(services, incidentId, async (tx, current) => {
    const details = { ...current, ...definedOnly(changes) };
    validateDetails(details, now);
    if (changes.status && !["OPEN", "CONTAINED"].includes(changes.status)) {
      throw new ValidationError([
        { field: "status", message: "must be OPEN or CONTAINED; close the incident with its own step" },
      ]);
    }
    const data = { ...cleanDetails(details), ...(changes.status ? { status: changes.status } : {}) };
    const changed = Object.keys(data).filter(
      (field) => !sameValue(current[field as keyof BreachIncident], data[field as keyof typeof data]),
    );
    await auditIncident(tx, services, actor, "incident.updated", incidentId, { fields: changed });
    return data;
  });
}

/** Records whether the supervisory authority is notified, why, and when it was. */
export async function recordAuthorityDecision(
  services: Services,
  actor: Actor,
  incidentId: string,
  input: AuthorityDecisionInput,
): Promise<IncidentView> {
  authorize(actor, "incidents.manage");
  const now = services.now();
  const reason = validateDecision(input);
  const notifiedAt = input.decision === "NOTIFY" ? (input.notifiedAt ?? null) : null;
  if (notifiedAt && notifiedAt > now) {
    throw new ValidationError([{ field: "notifiedAt", message: "cannot be in the future" }]);
  }
  return changeOpenIncident(services, incidentId, async (tx) => {
    await auditIncident(tx, services, actor, "incident.authority_decision_recorded", incidentId, {
      decision: input.decision,
      notified: notifiedAt !== null,
    });
    return {
      authorityDecision: input.decision,
      authorityDecisionReason: reason,
      authorityDecidedAt: now,
      authorityNotifiedAt: notifiedAt,
    };
  });
}

/** Records whether the people concerned are told (GDPR Art. 34), and why. */
export async function recordPeopleDecision(
  services: Services,
  actor: Actor,
  incidentId: string,
  input: DecisionInput,
): Promise<IncidentView> {
  authorize(actor, "incidents.manage");
  const now = services.now();
  const reason = validateDecision(input);
  return changeOpenIncident(services, incidentId, async (tx) => {
    await auditIncident(tx, services, actor, "incident.people_decision_recorded", incidentId, { decision: input.decision });
    return { peopleDecision: input.decision, peopleDecisionReason: reason, peopleDecidedAt: now };
  });
}

/** Closes an incident once both decisions are on record; after that its record never changes. */
export async function closeIncident(services: Services, actor: Actor, incidentId: string): Promise<IncidentView> {
  authorize(actor, "incidents.manage");
  const now = services.now();
  return changeOpenIncident(services, incidentId, async (tx, current) => {
    if (!current.authorityDecision) throw new IncidentDecisionMissingError("authority");
    if (current.authorityDecision === "NOTIFY" && !current.authorityNotifiedAt) {
      throw new IncidentDecisionMissingError("authority-notification");
    }
    if (!current.peopleDecision) throw new IncidentDecisionMissingError("people");
    await auditIncident(tx, services, actor, "incident.closed", incidentId, {});
    return { status: "CLOSED", closedAt: now };
  });
}

/**
 * One change to an incident that is not closed: reads it, lets `change` decide
 * the new values (and write its audit entry), and writes them guarded by
 * `status <> CLOSED` in the WHERE clause, all in one transaction.
 */
async function changeOpenIncident(
  services: Services,
  incidentId: string,
  change: (tx: Prisma.TransactionClient, current: BreachIncident) => Promise<Prisma.BreachIncidentUpdateManyMutationInput>,
): Promise<IncidentView> {
  if (!isUuid(incidentId)) throw new NotFoundError("The incident");
  return services.db.$transaction(async (tx) => {
    const current = await tx.breachIncident.findUnique({ where: { id: incidentId } });
    if (!current) throw new NotFoundError("The incident");
    if (current.status === "CLOSED") throw new IncidentClosedError();
    const data = await change(tx, current);
    const now = services.now();
    const updated = await tx.breachIncident.updateMany({
      where: { id: incidentId, status: { not: "CLOSED" } },
      data: { ...data, updatedAt: now },
    });
    if (updated.count === 0) throw new IncidentClosedError();
    const row = await tx.breachIncident.findUniqueOrThrow({ where: { id: incidentId } });
    return viewOf(tx, row, now);
  });
}

type IncidentEvent = Extract<AuditEvent, { subjectType: "BreachIncident" }>;

/** The one place incident changes reach the audit log: the incident's id, and field names or choices. */
export function auditIncident(
  tx: Prisma.TransactionClient,
  services: Pick<Services, "now">,
  actor: Actor,
  action: IncidentEvent["action"],
  incidentId: string,
  details: IncidentEvent["details"],
) {
  return appendAuditEntry(
    tx,
    actor,
    { action, subjectType: "BreachIncident", subjectId: incidentId, details } as IncidentEvent,
    services.now(),
  );
}

/** Any constant: opening incidents takes this lock, so two never draw the same number. */
const referenceLockKey = 7_002_021;

async function nextReference(tx: Prisma.TransactionClient, now: Date): Promise<string> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${referenceLockKey}::bigint)`;
  const prefix = `INC-${now.getUTCFullYear()}-`;
  const count = await tx.breachIncident.count({ where: { reference: { startsWith: prefix } } });
  return `${prefix}${String(count + 1).padStart(4, "0")}`;
}

function cleanDetails(details: IncidentDetails) {
  return {
    discoveredAt: details.discoveredAt,
    awareAt: details.awareAt,
    nature: details.nature.trim(),
    dataCategories: [...new Set(details.dataCategories)],
    approxPeople: details.approxPeople ?? null,
    approxRecords: details.approxRecords ?? null,
    likelyConsequences: details.likelyConsequences?.trim() || null,
    measures: details.measures?.trim() || null,
  };
}

function validateDetails(details: IncidentDetails, now: Date): void {
  const issues: FieldIssue[] = [];
  if (!details.nature?.trim()) issues.push({ field: "nature", message: "describe what happened" });
  for (const field of ["nature", "likelyConsequences", "measures"] as const) {
    if ((details[field]?.length ?? 0) > textLimit) issues.push({ field, message: `at most ${textLimit} characters` });
  }
  if (details.discoveredAt > now) issues.push({ field: "discoveredAt", message: "cannot be in the future" });
  if (details.awareAt > now) issues.push({ field: "awareAt", message: "cannot be in the future" });
  if (details.awareAt < details.discoveredAt) {
    issues.push({ field: "awareAt", message: "cannot be before the breach was discovered" });
  }
  for (const field of ["approxPeople", "approxRecords"] as const) {
    const value = details[field];
    if (value != null && (!Number.isInteger(value) || value < 0)) issues.push({ field, message: "a whole number, 0 or more" });
  }
  if (details.dataCategories.some((category) => !breachDataCategories.includes(category))) {
    issues.push({ field: "dataCategories", message: `each one of ${breachDataCategories.join(", ")}` });
  }
  if (issues.length) throw new ValidationError(issues);
}

function validateDecision(input: DecisionInput): string {
  const reason = input.reason?.trim() ?? "";
  if (!reason) throw new ValidationError([{ field: "reason", message: "give the reason for the decision" }]);
  if (reason.length > textLimit) throw new ValidationError([{ field: "reason", message: `at most ${textLimit} characters` }]);
  return reason;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return JSON.stringify(a) === JSON.stringify(b);
}
