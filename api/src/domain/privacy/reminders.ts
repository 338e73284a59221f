/**
 * Reminders on the request clocks (P18): a job every minute marks each open
 * request that has become due soon, and each that is overdue, once per clock
 * (an extension starts the marks again). Each mark writes an audit entry in
 * its transaction and tells the console's queue to refresh.
 */
import type { Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { systemActor } from "../actors.ts";
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
    return { dueSoon, overdue };
  });
  for (const id of [...result.dueSoon, ...result.overdue]) publishQueueChange(services, id);
  if (result.overdue.length > 0) services.logger.warn({ privacyRequestIds: result.overdue }, "privacy requests overdue");
  return result;
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
