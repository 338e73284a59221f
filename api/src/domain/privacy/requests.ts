/**
 * Self-service privacy requests (P14-P17, P23): a signed-in customer asks for a
 * copy of their data, a correction, deletion, restriction or objection. Here a
 * request is validated, verified as coming from the account holder, given its
 * clocks (P18) and stored; staff process it from their queue.
 */
import type { IdentityMethod, Jurisdiction, Prisma, PrivacyRequest, PrivacyRequestKind, PrivacyRequestSource } from "@smsape/db";
import { z } from "zod";
import type { Services } from "../../services/index.ts";
import { WrongPasswordError } from "../accounts/errors.ts";
import { emailSchema } from "../accounts/validation.ts";
import { type AccountActor, type Actor, systemActor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { decryptField, encryptField } from "../crypto/field-encryption.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { takeEmailAllowance } from "../email/rate-limits.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { privacyRequestDeadlines } from "./deadlines.ts";
import { PrivacyRequestAlreadyOpenError, PrivacyRequestNotWithdrawableError } from "./errors.ts";
import { issueIdentityLink } from "./identity.ts";
import { identityLinkEmail, reportReceivedEmail, requestReceivedEmail } from "./request-emails.ts";
import {
  applyTransition,
  auditPrivacyRequest,
  lockRequest,
  openStatuses,
  publishQueueChange,
  recordFiling,
  stepFor,
} from "./request-states.ts";

export { openStatuses } from "./request-states.ts";

export const privacyRequestKinds = [
  "ACCESS",
  "CORRECTION",
  "DELETION",
  "RESTRICTION",
  "OBJECTION",
] as const satisfies readonly PrivacyRequestKind[];
export const jurisdictions = ["GDPR", "UK_GDPR", "CCPA", "OTHER"] as const satisfies readonly Jurisdiction[];
export const detailsMaxLength = 2000;

export interface NewPrivacyRequest {
  kind: PrivacyRequestKind;
  /** What the request is about, in the requester's words. */
  details?: string | null;
  /** Defaults to the account's jurisdiction. */
  jurisdiction?: Jurisdiction | null;
  /** Deletion cannot be undone, so it is confirmed with the password. */
  currentPassword?: string | null;
}

/** What a request of each kind must say, and why. */
const detailsNeededFor: Partial<Record<PrivacyRequestKind, string>> = {
  CORRECTION: "say what is wrong and what the correct value is",
  OBJECTION: "say which processing you object to",
};

const newRequestSchema = z
  .object({
    kind: z.enum(privacyRequestKinds, { error: "must be one of ACCESS, CORRECTION, DELETION, RESTRICTION, OBJECTION" }),
    details: z
      .string()
      .trim()
      .max(detailsMaxLength, { error: `must be at most ${detailsMaxLength} characters` })
      .nullish()
      .transform((value) => value || null),
    jurisdiction: z.enum(jurisdictions, { error: "must be GDPR, UK_GDPR, CCPA or OTHER" }).nullish(),
    currentPassword: z.string().max(1024, { error: "is too long" }).nullish(),
  })
  .superRefine((input, ctx) => {
    const needed = detailsNeededFor[input.kind];
    if (needed && !input.details) ctx.addIssue({ code: "custom", path: ["details"], message: `is required: ${needed}` });
    if (input.kind === "DELETION" && !input.currentPassword) {
      ctx.addIssue({ code: "custom", path: ["currentPassword"], message: "is required to confirm a deletion request" });
    }
  });

function parseNewRequest(input: NewPrivacyRequest) {
  const result = newRequestSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({ field: issue.path.map(String).join(".") || "input", message: issue.message })),
  );
}

/**
 * Creates a request from the signed-in account. It counts as verified when it
 * comes from a signed-in session or carries the password; one made with an API
 * key alone is stored unverified for staff to confirm with the holder.
 * A restriction request restricts the account at once, while it is reviewed (P17).
 */
export async function createPrivacyRequest(
  services: Services,
  requester: AccountActor,
  input: NewPrivacyRequest,
): Promise<PrivacyRequest> {
  const { kind, details, jurisdiction: chosenJurisdiction, currentPassword } = parseNewRequest(input);
  const account = await services.db.account.findUnique({
    where: { id: requester.accountId },
    select: { id: true, passwordHash: true, jurisdiction: true },
  });
  if (!account) throw new NotFoundError("The account");
  const passwordConfirmed = currentPassword ? await verifyPassword(account.passwordHash, currentPassword) : false;
  if (kind === "DELETION" && !passwordConfirmed) throw new WrongPasswordError();

  const verified = Boolean(requester.sessionId) || passwordConfirmed;
  const request = await services.db.$transaction(async (tx) => {
    // Serialises requests of one account, so two at once cannot both be "the open one".
    await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${account.id}::uuid FOR UPDATE`;
    const open = await tx.privacyRequest.findFirst({
      where: { accountId: account.id, kind, status: { in: [...openStatuses] } },
      select: { id: true },
    });
    if (open) throw new PrivacyRequestAlreadyOpenError(open.id);
    const created = await fileRequest(services, tx, requester, {
      accountId: account.id,
      kind,
      source: "SELF_SERVICE",
      jurisdiction: chosenJurisdiction ?? account.jurisdiction,
      details,
      verified,
      identityMethod: requester.sessionId ? "SIGNED_IN_SESSION" : "OTHER",
      reasonCode: verified ? "filed_by_holder" : "filed_with_api_key",
    });
    if (kind === "RESTRICTION") await setRestriction(tx, requester, account.id, created.id, true, created.receivedAt);
    return created;
  });
  publishQueueChange(services, request.id);
  services.logger.info({ accountId: account.id, privacyRequestId: request.id, kind }, "privacy request received");
  return request;
}

export interface FiledRequest {
  accountId: string | null;
  kind: PrivacyRequestKind;
  source: PrivacyRequestSource;
  jurisdiction: Jurisdiction;
  details: string | null;
  /** Made by the signed-in account holder; anything else waits for identity (P14, P16). */
  verified: boolean;
  /** How a verified requester was confirmed: a signed-in session unless said otherwise. */
  identityMethod?: IdentityMethod;
  concernsMinor?: boolean;
  reporterContact?: string | null;
  concernedEmail?: string | null;
  reasonCode: string;
  /** When the service received it, if before now (a report is filed by a job after it was answered). */
  receivedAt?: Date;
}

/**
 * Stores a new request with its clocks, whatever its source: its first
 * timeline row, its audit entry, and its emails: the receipt (CCPA asks for it
 * within 10 business days; it goes at once, so `acknowledgedAt` is the filing
 * time) and, when the requester is not confirmed yet, a link to the account's
 * address that confirms it. The clock starts now and does not stop while
 * identity is checked.
 */
export async function fileRequest(
  services: Services,
  tx: Prisma.TransactionClient,
  actor: Actor,
  input: FiledRequest,
): Promise<PrivacyRequest> {
  const now = input.receivedAt ?? services.now();
  const concernsMinor = input.concernsMinor ?? false;
  const { slaDueAt, legalDueAt, dueAt, acknowledgeDueAt, priority } = privacyRequestDeadlines({
    jurisdiction: input.jurisdiction,
    receivedAt: now,
    concernsMinor,
  });
  const account = input.accountId
    ? await tx.account.findUnique({ where: { id: input.accountId }, select: { id: true, email: true } })
    : null;
  const created = await tx.privacyRequest.create({
    data: {
      accountId: account?.id ?? null,
      kind: input.kind,
      status: input.verified ? "RECEIVED" : "IDENTITY_PENDING",
      source: input.source,
      jurisdiction: input.jurisdiction,
      details: input.details,
      concernsMinor,
      priority,
      // P22: a minor's data is erased without the standard waiting steps.
      expeditedErasure: concernsMinor && input.kind === "DELETION",
      reporterContact: input.reporterContact ?? null,
      concernedEmail: input.concernedEmail ?? null,
      verifiedAt: input.verified ? now : null,
      identityMethod: input.verified ? (input.identityMethod ?? "SIGNED_IN_SESSION") : null,
      identityNote: input.verified && input.identityMethod === "OTHER" ? "Confirmed with the account password" : null,
      receivedAt: now,
      acknowledgedAt: account ? now : null,
      acknowledgeDueAt,
      slaDueAt,
      legalDueAt,
      dueAt,
    },
  });
  await recordFiling(tx, actor, created, input.reasonCode);
  await auditPrivacyRequest(tx, actor, "privacy_request.created", created.id, now, {
    kind: created.kind,
    jurisdiction: created.jurisdiction,
    source: created.source,
    status: created.status,
    concernsMinor,
  });
  if (account) {
    await enqueueEmail(tx, { accountId: account.id, to: account.email, ...requestReceivedEmail(created) }, services);
    if (!input.verified && (await takeEmailAllowance(tx, services, account.email, "privacy-identity-link"))) {
      const token = await issueIdentityLink(tx, created.id, now);
      const content = identityLinkEmail(services.config.http.publicUrl, created, token);
      await enqueueEmail(tx, { accountId: account.id, to: account.email, ...content }, services);
    }
  }
  return created;
}

export interface PrivacyConcernReport {
  /** The address of the account the report is about. */
  accountEmail: string;
  /** How to reach the person reporting (an email address). */
  reporterContact: string;
  kind?: PrivacyRequestKind | null;
  details?: string | null;
  concernsMinor?: boolean | null;
}

const reportSchema = z.object({
  accountEmail: emailSchema,
  reporterContact: emailSchema,
  kind: z.enum(privacyRequestKinds).nullish(),
  details: z
    .string()
    .trim()
    .max(detailsMaxLength, { error: `must be at most ${detailsMaxLength} characters` })
    .nullish()
    .transform((value) => value || null),
  concernsMinor: z.boolean().nullish(),
});

/** The answer to every report, whatever the address named: it says nothing about whether it has an account. */
export interface PrivacyConcernReceipt {
  receivedAt: Date;
}

/** The job that files a report, away from the request that made it. */
export const privacyConcernReportedJob = "privacy.concern-reported";

/** The job's copy of the report is encrypted: pg-boss keeps job data after the job ran. */
const reportedConcernContext = `${privacyConcernReportedJob}:report`;

type ParsedReport = z.output<typeof reportSchema>;

/**
 * Someone without an account (a parent about their child's account, say)
 * reports a privacy concern. A request is stored in every case, linked to the
 * account when the address has one, and waits for identity: the account's
 * holder confirms by the emailed link, or staff with a recorded check. The
 * answer, the reporter's email and the work done before answering are the
 * same whether or not the address has an account: the report is checked and
 * queued, and a job looks the address up and files it (so neither the answer
 * nor its timing tells who has an account). A report about a minor is a
 * deletion unless it names another right (P22).
 */
export async function reportPrivacyConcern(services: Services, rawInput: PrivacyConcernReport): Promise<PrivacyConcernReceipt> {
  const parsed = reportSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((issue) => ({ field: issue.path.map(String).join(".") || "input", message: issue.message })),
    );
  }
  const input = parsed.data;
  if (!input.kind && !input.concernsMinor)
    throw new ValidationError([{ field: "kind", message: "is required unless the report concerns a minor" }]);
  const receivedAt = services.now();
  await services.jobs.send(privacyConcernReportedJob, {
    receivedAt: receivedAt.toISOString(),
    report: encryptField(services.config.encryption, JSON.stringify(input), reportedConcernContext),
  });
  return { receivedAt };
}

/** Reports from people without an account, each filed in a job so the request itself never looks the address up. */
export async function registerPrivacyReportJobs(services: Services): Promise<void> {
  await services.jobs.work<{ receivedAt: string; report: string }>(
    privacyConcernReportedJob,
    (job) => fileReportedConcern(services, job),
    { batchSize: 20, concurrency: 2, pollingIntervalSeconds: 0.5 },
  );
}

/** The job behind reportPrivacyConcern: stores the request (within the address's hourly allowance) and emails the receipt. */
export async function fileReportedConcern(services: Services, job: { receivedAt: string; report: string }): Promise<void> {
  const input = JSON.parse(decryptField(services.config.encryption, job.report, reportedConcernContext)) as ParsedReport;
  const receivedAt = new Date(job.receivedAt);
  const concernsMinor = input.concernsMinor ?? false;
  const kind = input.kind ?? "DELETION";
  const actor = systemActor("privacy.report");
  const request = await services.db.$transaction(async (tx) => {
    // Past a few reports an hour about one address, more are answered the same and not stored.
    if (!(await takeEmailAllowance(tx, services, input.accountEmail, "privacy-report"))) return null;
    const account = await tx.account.findUnique({
      where: { email: input.accountEmail },
      select: { id: true, jurisdiction: true },
    });
    const created = await fileRequest(services, tx, actor, {
      accountId: account?.id ?? null,
      kind,
      source: "REPORT",
      jurisdiction: account?.jurisdiction ?? "OTHER",
      details: input.details ?? null,
      verified: false,
      concernsMinor,
      reporterContact: input.reporterContact,
      concernedEmail: input.accountEmail,
      reasonCode: "reported_by_third_party",
      receivedAt,
    });
    if (await takeEmailAllowance(tx, services, input.reporterContact, "privacy-report-receipt")) {
      await enqueueEmail(tx, { accountId: null, to: input.reporterContact, ...reportReceivedEmail() }, services);
    }
    // The reporter was told of receipt: that is the acknowledgement when no account holder was.
    return tx.privacyRequest.update({
      where: { id: created.id },
      data: { acknowledgedAt: created.acknowledgedAt ?? receivedAt },
    });
  });
  if (!request) {
    services.logger.warn({ concernsMinor }, "privacy concern report over the hourly limit for its address; not stored");
    return;
  }
  publishQueueChange(services, request.id);
  services.logger.info({ privacyRequestId: request.id, concernsMinor }, "privacy concern reported");
}

/**
 * Withdraws the requester's own request while nobody has started on it. A
 * request of another account is "not found", exactly like one that does not exist.
 * Withdrawing a restriction request lifts the restriction it set.
 */
export async function withdrawPrivacyRequest(
  services: Services,
  requester: AccountActor,
  requestId: string,
): Promise<PrivacyRequest> {
  const request = await services.db.$transaction(async (tx) => {
    const current = await lockRequest(tx, requestId);
    if (current.accountId !== requester.accountId) throw new NotFoundError("The privacy request");
    if (!stepFor(current.status, "WITHDRAWN")) throw new PrivacyRequestNotWithdrawableError(current.status);
    const withdrawn = await applyTransition(services, tx, requester, current, "WITHDRAWN", {
      reasonCode: "withdrawn_by_holder",
      data: { resolution: "Withdrawn by the account holder." },
      audit: { kind: current.kind },
    });
    if (current.kind === "RESTRICTION")
      await setRestriction(tx, requester, requester.accountId, current.id, false, services.now());
    return withdrawn;
  });
  publishQueueChange(services, request.id);
  services.logger.info({ accountId: requester.accountId, privacyRequestId: request.id }, "privacy request withdrawn");
  return request;
}

/**
 * P17: sets or lifts the account's restriction flag, which processing respects
 * (new orders are refused while it is set), and audits the change if there was one.
 */
async function setRestriction(
  tx: Prisma.TransactionClient,
  actor: Actor,
  accountId: string,
  privacyRequestId: string,
  restricted: boolean,
  at: Date,
): Promise<void> {
  const changed = await tx.account.updateMany({
    where: { id: accountId, restrictedAt: restricted ? null : { not: null } },
    data: { restrictedAt: restricted ? at : null },
  });
  if (changed.count === 0) return;
  await appendAuditEntry(
    tx,
    actor,
    {
      action: restricted ? "account.restricted" : "account.restriction_lifted",
      subjectType: "Account",
      subjectId: accountId,
      details: { privacyRequestId },
    },
    at,
  );
}

/** The account's own requests, newest first. `query` carries the caller's selection and paging. */
export function findOwnPrivacyRequests(
  services: Services,
  accountId: string,
  query: Omit<Prisma.PrivacyRequestFindManyArgs, "where" | "orderBy">,
): Promise<PrivacyRequest[]> {
  return services.db.privacyRequest.findMany({
    ...query,
    where: { accountId },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
  });
}

/** One of the account's own requests, or null: another account's request is never returned. */
export function findOwnPrivacyRequest(
  services: Services,
  accountId: string,
  requestId: string,
  query: Omit<Prisma.PrivacyRequestFindFirstArgs, "where"> = {},
): Promise<PrivacyRequest | null> {
  if (!isUuid(requestId)) return Promise.resolve(null);
  return services.db.privacyRequest.findFirst({ ...query, where: { id: requestId, accountId } });
}
