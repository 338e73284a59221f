/**
 * Publishing a new version of the privacy policy (P2). A compliance reviewer
 * publishes it with the date it comes into force; every account is told by
 * email, and at its next use the customer API asks the account to accept it
 * (`policyAcknowledgementRequired`). Acknowledgements are listed per version.
 *
 * The notices go out from a job, a batch of accounts per transaction in id
 * order; the last account told is stored with the version, so a job that
 * stops part-way resumes after it, and nobody is told twice.
 */
import type { PolicyVersion } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";

/** The job that tells every account of a newly published version. */
export const policyNoticesJob = "policy.notices";
/** Accounts told per transaction. */
export const policyNoticeBatchSize = 200;

export interface NewPolicyVersion {
  /** The "Last updated" date the text carries, YYYY-MM-DD. */
  version: string;
  effectiveAt: Date;
  text: string;
}

const newVersionSchema = z.object({
  version: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be the text's date, as YYYY-MM-DD" }),
  effectiveAt: z.date(),
  text: z
    .string()
    .trim()
    .min(200, { error: "must be the policy's whole text" })
    .max(200_000, { error: "must be at most 200,000 characters" }),
});

export async function publishPolicyVersion(services: Services, actor: Actor, input: NewPolicyVersion): Promise<PolicyVersion> {
  authorize(actor, "policy.publish");
  const parsed = newVersionSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join(".") || "input", message: issue.message })),
    );
  }
  const { version, effectiveAt, text } = parsed.data;
  const now = services.now();
  if (effectiveAt < now) {
    throw new ValidationError([
      { field: "effectiveAt", message: "must not be in the past: a policy cannot take effect before it is published" },
    ]);
  }
  const published = await services.db.$transaction(async (tx) => {
    const latest = await tx.policyVersion.findFirst({
      orderBy: { effectiveAt: "desc" },
      select: { version: true, effectiveAt: true },
    });
    if (latest && (version <= latest.version || effectiveAt <= latest.effectiveAt)) {
      throw new ConflictError(
        "POLICY_VERSION_NOT_NEWER",
        `A new version must be dated and take effect after the latest one (${latest.version}).`,
      );
    }
    const created = await tx.policyVersion.create({
      data: { version, effectiveAt, text, createdAt: now, publishedBy: actor.kind === "staff" ? actor.staffUserId : null },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "policy_version.published",
        subjectType: "PolicyVersion",
        subjectId: version,
        details: {},
      },
      now,
    );
    await services.jobs.send(policyNoticesJob, { version }, { within: tx, singletonKey: `${policyNoticesJob}:${version}` });
    return created;
  });
  services.logger.info({ policyVersion: version }, "privacy policy version published");
  return published;
}

function noticeEmail(publicUrl: URL, policy: Pick<PolicyVersion, "version" | "effectiveAt">) {
  return {
    template: "policy-changed",
    subject: "Our privacy policy is changing",
    body:
      `We have published a new version of the SMSAPE privacy policy, dated ${policy.version}. ` +
      `It takes effect on ${policy.effectiveAt.toISOString().slice(0, 10)}.\n\n` +
      `Read it at ${new URL("/privacy", publicUrl).toString()}. The next time you use SMSAPE after that date, ` +
      "you will be asked to accept it.\n\n— SMSAPE\nThis is a service email about your account; we send no marketing.",
  };
}

/**
 * Tells the next batch of accounts of `version`, in id order after the last
 * one told. Returns how many were told; 0 once every account has been.
 */
export async function sendPolicyNotices(services: Services, version: string): Promise<number> {
  return services.db.$transaction(async (tx) => {
    // Locks the version's progress: two workers never tell the same batch.
    const [policy] = await tx.$queryRaw<
      Array<{ version: string; effectiveAt: Date; noticesThroughAccountId: string | null; noticesCompletedAt: Date | null }>
    >`SELECT "version", "effectiveAt", "noticesThroughAccountId", "noticesCompletedAt" FROM "PolicyVersion"
      WHERE "version" = ${version} FOR UPDATE`;
    if (!policy || policy.noticesCompletedAt) return 0;
    const accounts = await tx.account.findMany({
      where: {
        emailVerifiedAt: { not: null },
        ...(policy.noticesThroughAccountId ? { id: { gt: policy.noticesThroughAccountId } } : {}),
      },
      orderBy: { id: "asc" },
      take: policyNoticeBatchSize,
      select: { id: true, email: true },
    });
    const content = noticeEmail(services.config.http.publicUrl, policy);
    for (const account of accounts) await enqueueEmail(tx, { accountId: account.id, to: account.email, ...content }, services);
    // The cursor names an account only while the notices go out; it is cleared once all were told.
    const done = accounts.length < policyNoticeBatchSize;
    await tx.policyVersion.update({
      where: { version },
      data: done
        ? { noticesThroughAccountId: null, noticesCompletedAt: services.now() }
        : { noticesThroughAccountId: accounts.at(-1)?.id ?? null },
    });
    return accounts.length;
  });
}

/** Tells every account of a published version, a batch per transaction, resuming where a stopped run ended. */
export async function registerPolicyJobs(services: Services): Promise<void> {
  await services.jobs.work<{ version: string }>(policyNoticesJob, async (job) => {
    while ((await sendPolicyNotices(services, job.version)) === policyNoticeBatchSize) {}
  });
}

/** Every version, newest first, with how many accounts accepted it and how far its notices went. */
export async function listPolicyVersions(services: Services, actor: Actor) {
  authorize(actor, "policy.read");
  const versions = await services.db.policyVersion.findMany({
    orderBy: { effectiveAt: "desc" },
    select: {
      version: true,
      effectiveAt: true,
      createdAt: true,
      publishedBy: true,
      noticesCompletedAt: true,
      _count: { select: { acknowledgements: true } },
    },
  });
  return versions.map(({ _count, ...version }) => ({ ...version, acknowledgements: _count.acknowledgements }));
}

/** Who accepted a version and when, newest first: account ids only. */
export async function listAcknowledgements(services: Services, actor: Actor, version: string, take = 100) {
  authorize(actor, "policy.read");
  return services.db.policyAcknowledgement.findMany({
    where: { policyVersion: version },
    orderBy: { acknowledgedAt: "desc" },
    take,
    select: { accountId: true, acknowledgedAt: true },
  });
}
