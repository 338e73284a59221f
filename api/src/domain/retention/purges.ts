/**
 * Purge runs (P8): a run takes one policy's cut-off (now minus its period) and
 * walks its targets in bounded batches. Each batch, in one transaction, locks
 * the run's row, changes its records, and moves the run's cursor and counts:
 * the cursor is exactly as far as the committed changes, so a run interrupted
 * by a crash or a restart resumes where it stopped, with nothing purged twice
 * and nothing skipped, and two workers never walk the same run at once.
 *
 * Runs are started by the schedule (pg-boss cron, once across instances) or by
 * COMPLIANCE from the console, and end with a report and an audit entry.
 */
import type { Prisma, PurgeRun, PurgeRunTrigger } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { type Actor, systemActor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { activeCategoryHold } from "./holds.ts";
import { isRetentionPolicyKey, type RetentionPolicyKey, retentionPolicyKeys } from "./policies.ts";
import { type PurgeCursor, purgeBatch, purgeTargetImpact, purgeTargets } from "./purge-targets.ts";

export const purgeScheduleJob = "retention.purge";
export const purgeContinueJob = "retention.purge.continue";

/** Rows per batch: small enough that a batch's locks and transaction stay short beside live traffic. */
export const defaultPurgeBatchSize = 5_000;

export interface DryRun {
  policyKey: string;
  retentionSecs: number;
  cutoff: Date;
  /** Records the purge would change now (held ones included). */
  due: number;
  /** Of those, the ones a legal hold keeps. */
  heldBack: number;
  oldest: Date | null;
}

/**
 * What a purge of the policy would do now, or with another period (to show a
 * change's impact before it is made). Changes nothing.
 */
export async function dryRunRetention(
  services: Services,
  actor: Actor,
  policyKey: string,
  options: { retentionSecs?: number } = {},
): Promise<DryRun> {
  authorize(actor, "retention.read");
  const policy = await services.db.retentionPolicy.findUnique({ where: { key: policyKey } });
  if (!policy || !isRetentionPolicyKey(policy.key)) throw new NotFoundError("The retention policy");
  const now = services.now();
  const retentionSecs = options.retentionSecs ?? policy.retentionSecs;
  const cutoff = new Date(now.getTime() - retentionSecs * 1000);
  const categoryHeld = (await activeCategoryHold(services.db, policy.key, now)) !== null;
  let due = 0;
  let heldBack = 0;
  let oldest: Date | null = null;
  for (const target of purgeTargets[policy.key]) {
    const impact = await purgeTargetImpact(services.db, target, { cutoff, now, categoryHeld });
    due += impact.due;
    heldBack += impact.heldBack;
    if (impact.oldest && (!oldest || impact.oldest < oldest)) oldest = impact.oldest;
  }
  return { policyKey: policy.key, retentionSecs, cutoff, due, heldBack, oldest };
}

/**
 * Starts a run of the policy (or returns the one already under way, which a
 * new run would only race): the cut-off is fixed now, the batches follow.
 */
export async function beginPurgeRun(
  services: Services,
  actor: Actor,
  policyKey: RetentionPolicyKey,
  trigger: PurgeRunTrigger,
): Promise<{ run: PurgeRun; started: boolean }> {
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    // The policy's row is the lock that makes "one run at a time per policy" hold across instances.
    const [policy] = await tx.$queryRaw<Array<{ retentionSecs: number }>>`
      SELECT "retentionSecs" FROM "RetentionPolicy" WHERE key = ${policyKey} FOR UPDATE`;
    if (!policy) throw new NotFoundError("The retention policy");
    const running = await tx.purgeRun.findFirst({ where: { policyKey, status: "RUNNING" } });
    if (running) return { run: running, started: false };
    const run = await tx.purgeRun.create({
      data: {
        policyKey,
        trigger,
        startedById: actor.kind === "staff" ? actor.staffUserId : null,
        startedAt: now,
        cutoff: new Date(now.getTime() - policy.retentionSecs * 1000),
        cursor: { target: 0, at: null, id: null } satisfies PurgeCursor,
      },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "retention_purge.started",
        subjectType: "PurgeRun",
        subjectId: run.id,
        details: { policyKey, trigger, cutoff: run.cutoff.toISOString() },
      },
      now,
    );
    return { run, started: true };
  });
}

/**
 * Runs batches of the run until it completes (or `maxBatches` have run, for a
 * caller that wants to stop part-way). Safe to call on a run another worker
 * is walking: each batch takes the run's row lock and re-reads the cursor.
 */
export async function continuePurgeRun(
  services: Services,
  runId: string,
  options: { batchSize?: number; maxBatches?: number } = {},
): Promise<PurgeRun> {
  const batchSize = options.batchSize ?? services.config.retention.batchSize;
  for (let batches = 0; ; batches++) {
    if (options.maxBatches !== undefined && batches >= options.maxBatches) {
      return services.db.purgeRun.findUniqueOrThrow({ where: { id: runId } });
    }
    const run = await services.db.$transaction((tx) => purgeNextBatch(services, tx, runId, batchSize), { timeout: 60_000 });
    if (run.status === "COMPLETED") return run;
  }
}

async function purgeNextBatch(
  services: Services,
  tx: Prisma.TransactionClient,
  runId: string,
  batchSize: number,
): Promise<PurgeRun> {
  const started = performance.now();
  const [locked] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "PurgeRun" WHERE id = ${runId}::uuid FOR UPDATE`;
  if (!locked) throw new NotFoundError("The purge run");
  const run = await tx.purgeRun.findUniqueOrThrow({ where: { id: runId } });
  if (run.status === "COMPLETED" || !isRetentionPolicyKey(run.policyKey)) return run;
  const targets = purgeTargets[run.policyKey];
  const cursor = (run.cursor as PurgeCursor | null) ?? { target: 0, at: null, id: null };
  const now = services.now();
  const target = targets[cursor.target];
  if (!target) return completeRun(tx, run, now);

  const categoryHeld = (await activeCategoryHold(tx, run.policyKey, now)) !== null;
  const outcome = await purgeBatch(tx, target, { cutoff: run.cutoff, cursor, limit: batchSize, now, categoryHeld });
  const exhausted = outcome.examined < batchSize;
  const next: PurgeCursor = exhausted
    ? { target: cursor.target + 1, at: null, id: null }
    : { target: cursor.target, at: outcome.last?.at ?? null, id: outcome.last?.id ?? null };
  const changedField = target.change.kind === "delete" ? "deletedCount" : "anonymisedCount";
  const updated = await tx.purgeRun.update({
    where: { id: run.id },
    data: {
      cursor: next,
      batches: { increment: 1 },
      examinedCount: { increment: outcome.examined },
      [changedField]: { increment: outcome.changed },
      heldBackCount: { increment: outcome.heldBack },
      busyMs: { increment: Math.round(performance.now() - started) },
    },
  });
  return next.target >= targets.length ? completeRun(tx, updated, now) : updated;
}

async function completeRun(tx: Prisma.TransactionClient, run: PurgeRun, now: Date): Promise<PurgeRun> {
  const done = await tx.purgeRun.update({ where: { id: run.id }, data: { status: "COMPLETED", finishedAt: now } });
  await appendAuditEntry(
    tx,
    systemActor(purgeScheduleJob),
    {
      action: "retention_purge.completed",
      subjectType: "PurgeRun",
      subjectId: run.id,
      details: {
        policyKey: run.policyKey,
        examined: done.examinedCount,
        deleted: done.deletedCount,
        anonymised: done.anonymisedCount,
        heldBack: done.heldBackCount,
        busyMs: done.busyMs,
      },
    },
    now,
  );
  return done;
}

/**
 * COMPLIANCE starts a run now; its batches run in the background (a large
 * purge outlives a request) and the console follows the run's report.
 */
export async function startPurgeNow(services: Services, actor: Actor, policyKey: string): Promise<PurgeRun> {
  authorize(actor, "retention.manage");
  if (!isRetentionPolicyKey(policyKey)) throw new NotFoundError("The retention policy");
  const { run, started } = await beginPurgeRun(services, actor, policyKey, "STAFF");
  if (!started) {
    throw new ConflictError("PURGE_IN_PROGRESS", `A purge of ${policyKey} is already running; its report shows its progress.`);
  }
  await services.jobs.send(purgeContinueJob, { runId: run.id });
  return run;
}

/** The scheduled pass: resumes any interrupted run, then runs every policy once. */
export async function runScheduledPurges(services: Services): Promise<PurgeRun[]> {
  const actor = systemActor(purgeScheduleJob);
  const finished: PurgeRun[] = [];
  for (const policyKey of retentionPolicyKeys) {
    const { run } = await beginPurgeRun(services, actor, policyKey, "SCHEDULE");
    finished.push(await continuePurgeRun(services, run.id));
  }
  return finished;
}

export async function listPurgeRuns(
  services: Services,
  actor: Actor,
  filter: { policyKey?: string | null; take?: number } = {},
): Promise<PurgeRun[]> {
  authorize(actor, "retention.read");
  return services.db.purgeRun.findMany({
    where: filter.policyKey ? { policyKey: filter.policyKey } : {},
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(filter.take ?? 50, 1), 200),
  });
}

export async function findPurgeRun(services: Services, actor: Actor, id: string): Promise<PurgeRun> {
  authorize(actor, "retention.read");
  const run = isUuid(id) ? await services.db.purgeRun.findUnique({ where: { id } }) : null;
  if (!run) throw new NotFoundError("The purge run");
  return run;
}

export async function registerRetentionJobs(services: Services): Promise<void> {
  await services.jobs.work(purgeScheduleJob, async () => {
    await runScheduledPurges(services);
  });
  await services.jobs.work<{ runId: string }>(purgeContinueJob, async ({ runId }) => {
    await continuePurgeRun(services, runId);
  });
  if (services.config.retention.cron) await services.jobs.schedule(purgeScheduleJob, services.config.retention.cron);
  // A run a crash or a restart interrupted goes on now, not at the next tick.
  const interrupted = await services.db.purgeRun.findMany({ where: { status: "RUNNING" }, select: { id: true } });
  for (const { id } of interrupted) await services.jobs.send(purgeContinueJob, { runId: id }, { singletonKey: id });
}
