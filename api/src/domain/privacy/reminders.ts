/**
 * Reminders on the request clocks (P18): a job every minute marks each open
 * request that has become due soon, and each that is overdue, once per clock
 * (an extension starts the marks again). Each mark writes an audit entry in
 * its transaction and tells the console's queue to refresh, and the staff who
 * must act are emailed in the same transaction: the assignee of each request,
 * or, for a request nobody has taken, every active member who handles requests.
 * The email names requests by reference and due time only.
 */
import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { systemActor } from "../actors.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { staffRolesWith } from "../staff/permissions.ts";
import { dueSoonHours } from "./deadlines.ts";
import { auditPrivacyRequest, openStatuses, publishQueueChange } from "./request-states.ts";

export const privacyRemindersJob = "privacy.reminders";

const hourMs = 60 * 60_000;
const actor = systemActor(privacyRemindersJob);

/** Marks what fell due soon or overdue since the last run; returns the ids of each. */
export async function sendPrivacyReminders(services: Services): Promise<{ dueSoon: string[]; overdue: string[] }> {
  const now = services.now();
  const open = { status: { in: [...openStatuses] } } satisfies Prisma.PrivacyRequestWhereInput;
  const dueSoonBy = (priority: keyof typeof dueSoonHours) => new Date(now.getTime() + dueSoonHours[priority] * hourMs);
  const result = await services.db.$transaction(async (tx) => {
    const overdue = await mark(tx, { ...open, overdueNotifiedAt: null, dueAt: { lte: now } }, "overdueNotifiedAt", now);
    const dueSoon = await mark(
      tx,
      {
        ...open,
        dueSoonNotifiedAt: null,
        overdueNotifiedAt: null,
        dueAt: { gt: now },
        OR: [
          { priority: "MINOR_DATA", dueAt: { lte: dueSoonBy("MINOR_DATA") } },
          { priority: "PRIVACY_REQUEST", dueAt: { lte: dueSoonBy("PRIVACY_REQUEST") } },
        ],
      },
      "dueSoonNotifiedAt",
      now,
    );
    for (const id of dueSoon) await auditPrivacyRequest(tx, actor, "privacy_request.due_soon", id, now);
    for (const id of overdue) await auditPrivacyRequest(tx, actor, "privacy_request.overdue", id, now);
    await emailStaff(services, tx, { dueSoon, overdue });
    return { dueSoon, overdue };
  });
  for (const id of [...result.dueSoon, ...result.overdue]) publishQueueChange(services, id);
  if (result.overdue.length > 0) services.logger.warn({ privacyRequestIds: result.overdue }, "privacy requests overdue");
  return result;
}

/** One email per staff member to act, listing their requests that just fell due soon or overdue. */
async function emailStaff(services: Services, tx: Prisma.TransactionClient, marked: { dueSoon: string[]; overdue: string[] }) {
  const ids = [...marked.overdue, ...marked.dueSoon];
  if (ids.length === 0) return;
  const requests = await tx.privacyRequest.findMany({
    where: { id: { in: ids } },
    select: { id: true, kind: true, dueAt: true, assignee: { select: { email: true, disabledAt: true } } },
  });
  const handlers = staffRolesWith("requests.handle");
  const everyone = await tx.staffUser.findMany({ where: { disabledAt: null, role: { in: handlers } }, select: { email: true } });
  const lines = new Map<string, string[]>();
  for (const request of requests) {
    const state = marked.overdue.includes(request.id) ? "OVERDUE" : "due soon";
    const line = `- ${request.id} (${request.kind.toLowerCase()}): ${state}, due ${request.dueAt.toISOString()}`;
    const assignee = request.assignee && !request.assignee.disabledAt ? [request.assignee.email] : null;
    for (const email of assignee ?? everyone.map((member) => member.email)) lines.set(email, [...(lines.get(email) ?? []), line]);
  }
  for (const [to, list] of lines) {
    await enqueueEmail(
      tx,
      {
        accountId: null,
        to,
        template: "staff-privacy-reminder",
        subject: "Privacy requests need attention",
        body: `These privacy requests reached a clock mark:\n\n${list.join("\n")}\n\nOpen them in the console's request queue.`,
      },
      services,
    );
  }
}

/** Sets `column` on every request `where` matches, guarded by the same condition so two runs mark each once. */
async function mark(
  tx: Prisma.TransactionClient,
  where: Prisma.PrivacyRequestWhereInput,
  column: "dueSoonNotifiedAt" | "overdueNotifiedAt",
  now: Date,
): Promise<string[]> {
  const found = await tx.privacyRequest.findMany({ where, select: { id: true }, take: 500 });
  const marked: string[] = [];
  for (const { id } of found) {
    const { count } = await tx.privacyRequest.updateMany({ where: { ...where, id }, data: { [column]: now } });
    if (count === 1) marked.push(id);
  }
  return marked;
}

export async function registerPrivacyJobs(services: Services): Promise<void> {
  await services.jobs.work(privacyRemindersJob, async () => {
    await sendPrivacyReminders(services);
  });
  await services.jobs.schedule(privacyRemindersJob, "* * * * *");
}
