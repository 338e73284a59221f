/**
 * Telling the people concerned by a breach (P21, GDPR Art. 34). Staff select
 * the affected accounts with a typed query (accounts that ordered numbers in
 * a time window, or whose SMS arrived in one, optionally for one country or
 * service), see how many accounts it reaches (a count, nothing personal),
 * then send one notice per account through the email outbox.
 *
 * Each notified account is recorded against the incident, so running the
 * same or an overlapping selection again never tells anyone twice. Erased
 * accounts no longer exist and are never selected. Accounts are taken in
 * bounded batches in id order; each batch is one transaction holding its
 * emails, its records and one audit entry with its count.
 */
import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { type FieldIssue, NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { IncidentClosedError, PeopleNotificationNotDecidedError } from "./errors.ts";
import { auditIncident } from "./incidents.ts";

export const incidentAudienceKinds = ["ACTIVATIONS_CREATED", "SMS_RECEIVED"] as const;
export type IncidentAudienceKind = (typeof incidentAudienceKinds)[number];

/**
 * Which accounts an incident concerns. `ACTIVATIONS_CREATED`: accounts that
 * ordered a number in [from, to); `SMS_RECEIVED`: accounts an SMS arrived for
 * in [from, to). Either may be narrowed to one country and one service.
 */
export interface IncidentAudience {
  kind: IncidentAudienceKind;
  from: Date;
  to: Date;
  countryCode?: string | null;
  serviceCode?: string | null;
}

export interface IncidentNotice {
  /** One line, the same for everyone told: kept in plain text with the outbox row. */
  subject: string;
  body: string;
}

export interface NotificationRun {
  /** Accounts told by this run. */
  notified: number;
  /** Accounts the selection reached that had already been told about this incident. */
  alreadyNotified: number;
}

/** Accounts per transaction when sending notices. */
export const notificationBatchSize = 100;

const subjectLimit = 150;
const bodyLimit = 10_000;

/** How many accounts the selection reaches, and how many of them were already told; nothing personal. */
export async function previewIncidentAudience(
  services: Services,
  actor: Actor,
  incidentId: string,
  audience: IncidentAudience,
): Promise<{ accounts: number; alreadyNotified: number }> {
  authorize(actor, "incidents.manage");
  const where = audienceWhere(audience);
  if (!isUuid(incidentId)) throw new NotFoundError("The incident");
  return services.db.$transaction(async (tx) => {
    const incident = await tx.breachIncident.findUnique({ where: { id: incidentId }, select: { id: true } });
    if (!incident) throw new NotFoundError("The incident");
    const accounts = await tx.account.count({ where });
    const told = await tx.incidentNotification.findMany({ where: { incidentId }, select: { accountId: true } });
    const toldIds = told.flatMap((row) => (row.accountId ? [row.accountId] : []));
    const alreadyNotified = toldIds.length ? await tx.account.count({ where: { AND: [where, { id: { in: toldIds } }] } }) : 0;
    return { accounts, alreadyNotified };
  });
}

/**
 * Queues one notice per selected account not yet told about this incident,
 * and records each. Needs the decision to tell people on record, and an
 * incident that is not closed.
 */
export async function notifyIncidentAudience(
  services: Services,
  actor: Actor,
  incidentId: string,
  audience: IncidentAudience,
  notice: IncidentNotice,
  options: { batchSize?: number } = {},
): Promise<NotificationRun> {
  authorize(actor, "incidents.manage");
  const where = audienceWhere(audience);
  const { subject, body } = validateNotice(notice);
  if (!isUuid(incidentId)) throw new NotFoundError("The incident");
  const batchSize = options.batchSize ?? notificationBatchSize;
  const run: NotificationRun = { notified: 0, alreadyNotified: 0 };
  let after: string | null = null;
  for (;;) {
    const batch: { last: string | null; notified: number; alreadyNotified: number } = await services.db.$transaction(
      async (tx) => {
        // One run at a time per incident, so two runs cannot both tell the same account.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`incident-notify:${incidentId}`}, 0))`;
        const incident = await tx.breachIncident.findUnique({
          where: { id: incidentId },
          select: { id: true, reference: true, status: true, peopleDecision: true },
        });
        if (!incident) throw new NotFoundError("The incident");
        if (incident.status === "CLOSED") throw new IncidentClosedError();
        if (incident.peopleDecision !== "NOTIFY") throw new PeopleNotificationNotDecidedError();
        const accounts = await tx.account.findMany({
          where: after ? { AND: [where, { id: { gt: after } }] } : where,
          orderBy: { id: "asc" },
          take: batchSize,
          select: { id: true, email: true },
        });
        const told = new Set(
          (
            await tx.incidentNotification.findMany({
              where: { incidentId, accountId: { in: accounts.map((account) => account.id) } },
              select: { accountId: true },
            })
          ).map((row) => row.accountId),
        );
        const now = services.now();
        const toTell = accounts.filter((account) => !told.has(account.id));
        for (const account of toTell) {
          const email = await enqueueEmail(
            tx,
            { accountId: account.id, to: account.email, ...breachNoticeEmail(incident.reference, subject, body) },
            services,
          );
          await tx.incidentNotification.create({
            data: { incidentId, accountId: account.id, emailId: email.id, notifiedAt: now },
          });
        }
        if (toTell.length > 0) {
          await auditIncident(tx, services, actor, "incident.people_notified", incidentId, {
            count: toTell.length,
            audience: audience.kind,
          });
        }
        return {
          last: accounts.length === batchSize ? accounts[accounts.length - 1]!.id : null,
          notified: toTell.length,
          alreadyNotified: accounts.length - toTell.length,
        };
      },
      { timeout: 60_000 },
    );
    run.notified += batch.notified;
    run.alreadyNotified += batch.alreadyNotified;
    if (!batch.last) return run;
    after = batch.last;
  }
}

/** The notice as it leaves: staff's subject and text, the incident's reference, and the service's signature. */
export function breachNoticeEmail(reference: string, subject: string, body: string) {
  return {
    template: "breach-notice",
    subject,
    body:
      `${body}\n\nIncident reference: ${reference}. Reply to support@smsape.com with any question about it.` +
      "\n\n— SMSAPE\nThis is a service email about your account; we send no marketing.",
  };
}

/** The accounts a selection reaches, as a filter on Account. */
export function audienceWhere(audience: IncidentAudience): Prisma.AccountWhereInput {
  const issues: FieldIssue[] = [];
  if (!incidentAudienceKinds.includes(audience.kind)) {
    issues.push({ field: "kind", message: `one of ${incidentAudienceKinds.join(", ")}` });
  }
  if (!(audience.from instanceof Date) || Number.isNaN(audience.from.getTime())) {
    issues.push({ field: "from", message: "a date and time" });
  }
  if (!(audience.to instanceof Date) || Number.isNaN(audience.to.getTime()))
    issues.push({ field: "to", message: "a date and time" });
  else if (audience.to <= audience.from) issues.push({ field: "to", message: "must be after from" });
  if (issues.length) throw new ValidationError(issues);
  const window = { gte: audience.from, lt: audience.to };
  const narrowed: Prisma.ActivationWhereInput = {
    ...(audience.countryCode ? { countryCode: audience.countryCode.trim().toUpperCase() } : {}),
    ...(audience.serviceCode ? { serviceCode: audience.serviceCode.trim() } : {}),
  };
  return audience.kind === "ACTIVATIONS_CREATED"
    ? { activations: { some: { ...narrowed, createdAt: window } } }
    : { activations: { some: { ...narrowed, messages: { some: { receivedAt: window } } } } };
}

function validateNotice(notice: IncidentNotice): IncidentNotice {
  const subject = notice.subject?.trim() ?? "";
  const body = notice.body?.trim() ?? "";
  const issues: FieldIssue[] = [];
  if (!subject) issues.push({ field: "subject", message: "write the notice's subject" });
  else if (subject.length > subjectLimit || /[\r\n]/.test(subject)) {
    issues.push({ field: "subject", message: `one line of at most ${subjectLimit} characters` });
  }
  if (!body) issues.push({ field: "body", message: "write the notice" });
  else if (body.length > bodyLimit) issues.push({ field: "body", message: `at most ${bodyLimit} characters` });
  if (issues.length) throw new ValidationError(issues);
  return { subject, body };
}
