/**
 * Erasure (P16, P9): the right to have an account and its personal data
 * deleted, subject to legal retention.
 *
 * 1. `planErasure`: staff compute, from the data inventory, what erasing the
 *    account does to each model (delete, anonymise, keep under which rule
 *    until when), stored as a plan for review.
 * 2. `approveErasure`: a COMPLIANCE member other than the preparer approves it.
 * 3. `runErasure`: one transaction, all or nothing: the person is told first,
 *    their sessions and keys end, their pending jobs and queued emails go, the
 *    plan is carried out model by model (the ledger stays under its
 *    pseudonymous `accountRef`, P9), the recipients of the data are recorded
 *    (GDPR Art. 19), and a scan of every table proves what is left and why.
 */
import type { ErasurePlan, Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import { announceCredentialsEnded } from "../accounts/credentials.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { keyedHash } from "../crypto/keyed-hash.ts";
import { enqueueEmail } from "../email/outbox.ts";
import { DomainError, NotFoundError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { assertNoAccountHold } from "../retention/holds.ts";
import { authorize } from "../staff/permissions.ts";
import { requestToFulfil } from "./fulfilment.ts";
import {
  accountRowsWhere,
  type DataCategory,
  dataInventory,
  erasureOf,
  type FieldClassification,
  type InventoriedModel,
  type Reach,
  reachFromAccount,
  retentionRules,
} from "./inventory.ts";
import { type ErasureScan, scanForPerson } from "./post-erasure-scan.ts";

/** What erasing the account does to one model's rows. */
export interface ErasureStep {
  model: InventoriedModel;
  action: "delete" | "anonymise" | "keep";
  /** How many of the account's rows the model held when the plan was made. */
  rows: number;
  /** The fields cleared, for "anonymise". */
  anonymise: string[];
  /** The fields kept, for "anonymise" and "keep". */
  kept: string[];
  /** The retention that keeps them: a retention policy key or a rule of the inventory. */
  keptUnder: string | null;
  /** When the kept data's retention ends; null when it has no fixed end (evidence). */
  keptUntil: string | null;
  why: string;
}

/** Who received a person's data in the course of the service (GDPR Art. 19): the policy's section 5. */
export const dataRecipients: Array<{ recipient: string; received: string; categories: DataCategory[] }> = [
  {
    recipient: "Transactional email delivery vendor",
    received: "the recipient address and message body of each email sent",
    categories: ["contact"],
  },
  { recipient: "Payment processors", received: "the transaction data of each top-up", categories: ["payment"] },
  {
    recipient: "Edge network provider",
    received: "IP address, request headers and timestamps of requests",
    categories: ["technical"],
  },
];

export class ErasurePlanStateError extends DomainError {
  readonly code = "ERASURE_PLAN_STATE";
  constructor(
    readonly status: ErasurePlan["status"],
    needed: ErasurePlan["status"],
  ) {
    super(
      needed === "APPROVED"
        ? "This erasure plan has not been approved (or has already run)."
        : "This erasure plan is no longer waiting for approval.",
    );
  }
}

export class SecondPersonRequiredError extends DomainError {
  readonly code = "SECOND_PERSON_REQUIRED";
  constructor() {
    super("An erasure plan is approved by a compliance reviewer other than the person who prepared it.");
  }
}

const delegateName = (model: InventoriedModel) => model.charAt(0).toLowerCase() + model.slice(1);
type Delegate = {
  count(args: unknown): Promise<number>;
  deleteMany(args: unknown): Promise<{ count: number }>;
  updateMany(args: unknown): Promise<{ count: number }>;
};
const delegateOf = (tx: Prisma.TransactionClient, model: InventoriedModel) =>
  (tx as unknown as Record<string, Delegate>)[delegateName(model)] as Delegate;

/** The filter for the account's rows of `model`; null for the audit trail, which erasure leaves whole. */
function rowsWhere(services: Services, model: InventoriedModel, account: { id: string; email: string }) {
  const reach = reachFromAccount[model];
  if (reach.kind === "address-hash") {
    return { [reach.field]: keyedHash(services.config.encryption, "email-rate-limit", account.email) };
  }
  return accountRowsWhere(model, account.id);
}

/** Children before parents, the account last, so each delete finds its rows still reachable. */
const reachOrder: Record<Reach["kind"], number> = {
  via: 0,
  "address-hash": 1,
  direct: 2,
  "audit-trail": 3,
  account: 4,
  unreachable: 5,
};

function describeRetention(classification: FieldClassification): string {
  return "policy" in classification.retention ? classification.retention.policy : classification.retention.rule;
}

/** Computes the plan's steps from the inventory and the account's rows now. */
async function computeSteps(
  services: Services,
  tx: Prisma.TransactionClient,
  account: { id: string; email: string },
  now: Date,
): Promise<ErasureStep[]> {
  const policies = new Map(
    (await tx.retentionPolicy.findMany({ select: { key: true, retentionSecs: true } })).map((policy) => [
      policy.key,
      policy.retentionSecs,
    ]),
  );
  const models = (Object.keys(dataInventory) as InventoriedModel[])
    .filter((model) => reachFromAccount[model].kind !== "unreachable" && erasureOf(model).record !== "untouched")
    .sort((a, b) => reachOrder[reachFromAccount[a].kind] - reachOrder[reachFromAccount[b].kind]);
  const steps: ErasureStep[] = [];
  for (const model of models) {
    const { record, anonymise } = erasureOf(model);
    const fields = Object.entries(dataInventory[model] as Record<string, FieldClassification>).filter(
      ([, field]) => field.subject === "customer",
    );
    const where = rowsWhere(services, model, account);
    const rows = where
      ? await delegateOf(tx, model).count({ where })
      : await tx.auditEntry.count({ where: { OR: [{ actorId: account.id }, { subjectId: account.id }] } });
    if (record === "delete") {
      steps.push({
        model,
        action: "delete",
        rows,
        anonymise: [],
        kept: [],
        keptUnder: null,
        keptUntil: null,
        why: "personal data held for the account only",
      });
      continue;
    }
    const kept = fields.filter(([, field]) => field.erasure === "keep-legal-retention");
    const keptUnder = kept[0] ? describeRetention(kept[0][1]) : null;
    let keptUntil: string | null = null;
    const retentionSecs = keptUnder ? policies.get(keptUnder) : undefined;
    if (retentionSecs !== undefined) keptUntil = new Date(now.getTime() + retentionSecs * 1000).toISOString();
    steps.push({
      model,
      action: anonymise.length > 0 ? "anonymise" : "keep",
      rows,
      anonymise,
      kept: kept.map(([name]) => name),
      keptUnder,
      keptUntil,
      why:
        keptUnder && keptUnder in retentionRules
          ? retentionRules[keptUnder as keyof typeof retentionRules]
          : (kept[0]?.[1].purpose ?? "kept under legal retention"),
    });
  }
  return steps;
}

/**
 * P16: computes what erasing the account of a deletion request does, per
 * model, and stores it as a plan for a second staff member to approve.
 */
export async function planErasure(services: Services, actor: Actor, requestId: string): Promise<ErasurePlan> {
  authorize(actor, "erasure.prepare");
  if (actor.kind !== "staff") throw new Error("unreachable: authorize admits staff only");
  const now = services.now();
  return services.db.$transaction(
    async (tx) => {
      const request = await requestToFulfil(tx, requestId, ["DELETION"]);
      const account = await tx.account.findUniqueOrThrow({ where: { id: request.accountId }, select: { id: true, email: true } });
      const steps = await computeSteps(services, tx, account, now);
      const plan = await tx.erasurePlan.create({
        data: {
          requestId,
          accountId: account.id,
          steps: steps as unknown as Prisma.InputJsonValue,
          preparedBy: actor.staffUserId,
          preparedAt: now,
        },
      });
      await appendAuditEntry(
        tx,
        actor,
        {
          action: "erasure.planned",
          subjectType: "PrivacyRequest",
          subjectId: requestId,
          details: { erasurePlanId: plan.id },
        },
        now,
      );
      return plan;
    },
    { timeout: 60_000 },
  );
}

async function lockedPlan(tx: Prisma.TransactionClient, planId: string): Promise<ErasurePlan> {
  if (!isUuid(planId)) throw new NotFoundError("The erasure plan");
  await tx.$queryRaw`SELECT id FROM "ErasurePlan" WHERE id = ${planId}::uuid FOR UPDATE`;
  const plan = await tx.erasurePlan.findUnique({ where: { id: planId } });
  if (!plan) throw new NotFoundError("The erasure plan");
  return plan;
}

/** P16: a COMPLIANCE member who did not prepare the plan approves it; nothing else lets it run. */
export async function approveErasure(services: Services, actor: Actor, planId: string): Promise<ErasurePlan> {
  authorize(actor, "erasure.approve");
  if (actor.kind !== "staff") throw new Error("unreachable: authorize admits staff only");
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const plan = await lockedPlan(tx, planId);
    if (plan.status !== "PREPARED") throw new ErasurePlanStateError(plan.status, "PREPARED");
    if (plan.preparedBy === actor.staffUserId) throw new SecondPersonRequiredError();
    const approved = await tx.erasurePlan.update({
      where: { id: plan.id, status: "PREPARED" },
      data: { status: "APPROVED", approvedBy: actor.staffUserId, approvedAt: now },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "erasure.approved",
        subjectType: "PrivacyRequest",
        subjectId: plan.requestId,
        details: { erasurePlanId: plan.id },
      },
      now,
    );
    return approved;
  });
}

function erasureNoticeEmail() {
  return {
    template: "account-erased",
    subject: "Your account has been erased",
    body:
      "As you asked, your SMSAPE account and the personal data linked to it have been erased. " +
      "Records of top-ups and balance movements are kept under a reference that no longer leads to you, " +
      "for as long as accounting law requires. You are signed out everywhere, and this is the last email we send you." +
      "\n\n— SMSAPE",
  };
}

/** The steps of a run, in order; a test can stop the run after any of them. */
export const erasureRunSteps = ["notice", "credentials", "queued-work", "data", "recipients", "scan", "record"] as const;
export type ErasureRunStep = (typeof erasureRunSteps)[number];

export interface ErasureRunOptions {
  /** Called inside the transaction after each step; a throw rolls the whole run back (the crash test uses it). */
  afterStep?: (step: ErasureRunStep) => void | Promise<void>;
}

/**
 * P16, P9: carries out an approved plan in one transaction, then announces
 * that the account's credentials ended so its open sockets close.
 */
export async function runErasure(
  services: Services,
  actor: Actor,
  planId: string,
  options: ErasureRunOptions = {},
): Promise<ErasurePlan & { scan: ErasureScan }> {
  authorize(actor, "erasure.approve");
  if (actor.kind !== "staff") throw new Error("unreachable: authorize admits staff only");
  const now = services.now();
  const step = async (name: ErasureRunStep) => options.afterStep?.(name);
  const { plan, accountId } = await services.db.$transaction(
    async (tx) => {
      const plan = await lockedPlan(tx, planId);
      if (plan.status !== "APPROVED") throw new ErasurePlanStateError(plan.status, "APPROVED");
      const request = await requestToFulfil(tx, plan.requestId, ["DELETION"]);
      const account = await tx.account.findUniqueOrThrow({ where: { id: request.accountId } });
      // A legal hold beats erasure: the account's data stays until the hold is lifted.
      await assertNoAccountHold(tx, account.id, now);
      const activations = await tx.activation.findMany({
        where: { accountId: account.id },
        select: { id: true, phoneNumber: true },
      });
      const requests = await tx.privacyRequest.findMany({
        where: { accountId: account.id },
        select: { id: true, details: true, resolution: true },
      });
      const endpoints = await tx.webhookEndpoint.findMany({ where: { accountId: account.id }, select: { url: true } });
      const tickets = await tx.supportTicket.findMany({
        where: { accountId: account.id },
        select: { body: true, messages: { select: { body: true } } },
      });

      // The person is told first, while their address is still known; the
      // notice is not linked to the account, so the outbox delivers it after.
      await enqueueEmail(tx, { accountId: null, to: account.email, ...erasureNoticeEmail() }, services);
      await step("notice");

      await tx.session.updateMany({ where: { accountId: account.id, revokedAt: null }, data: { revokedAt: now } });
      await tx.apiKey.updateMany({ where: { accountId: account.id, revokedAt: null }, data: { revokedAt: now } });
      await step("credentials");

      const queued = await tx.outboxEmail.findMany({ where: { accountId: account.id }, select: { id: true } });
      await tx.outboxEmail.deleteMany({ where: { accountId: account.id } });
      // Jobs whose data names the person: their emails, activations, account or address.
      const mentions = [account.id, account.email, ...queued.map((email) => email.id), ...activations.map((a) => a.id)];
      for (const table of ["job", "archive"]) {
        await tx.$executeRawUnsafe(
          `DELETE FROM pgboss."${table}" WHERE data IS NOT NULL AND EXISTS (SELECT 1 FROM unnest($1::text[]) m WHERE strpos(lower(data::text), lower(m)) > 0)`,
          mentions,
        );
      }
      await step("queued-work");

      const steps = plan.steps as unknown as ErasureStep[];
      const current = await computeSteps(services, tx, account, now);
      for (const item of current) {
        const where = rowsWhere(services, item.model, account);
        if (!where || item.action === "keep") continue;
        if (item.action === "delete") await delegateOf(tx, item.model).deleteMany({ where });
        else
          await delegateOf(tx, item.model).updateMany({
            where,
            data: Object.fromEntries(item.anonymise.map((field) => [field, null])),
          });
      }
      await step("data");

      const heldCategories = new Set(
        current
          .filter((item) => item.rows > 0)
          .flatMap((item) =>
            Object.values(dataInventory[item.model] as Record<string, FieldClassification>).map((field) => field.category),
          ),
      );
      const recipients = dataRecipients.filter((recipient) =>
        recipient.categories.some((category) => heldCategories.has(category)),
      );
      await step("recipients");

      const scan = await scanForPerson(
        tx,
        {
          email: account.email,
          phoneNumbers: [...new Set(activations.map((activation) => activation.phoneNumber))],
          texts: [
            ...new Set(
              [
                ...requests.flatMap((item) => [item.details, item.resolution]),
                ...tickets.flatMap((ticket) => [ticket.body, ...ticket.messages.map((message) => message.body)]),
                // The addresses of the person's webhook endpoints: gone with the endpoints, secrets and deliveries.
                ...endpoints.map((endpoint) => endpoint.url),
              ].filter((text): text is string => Boolean(text)),
            ),
          ],
        },
        now,
      );
      await step("scan");

      const completed = await tx.erasurePlan.update({
        where: { id: plan.id, status: "APPROVED" },
        data: {
          status: "COMPLETED",
          ranBy: actor.staffUserId,
          ranAt: now,
          accountId: null,
          recipients: recipients as unknown as Prisma.InputJsonValue,
          scan: {
            ...scan,
            kept: steps
              .filter((item) => item.action !== "delete")
              .map((item) => ({
                model: item.model,
                fields: item.kept,
                under: item.keptUnder,
                until: item.keptUntil,
                why: item.why,
              })),
          } as unknown as Prisma.InputJsonValue,
        },
      });
      await appendAuditEntry(
        tx,
        actor,
        {
          action: "erasure.ran",
          subjectType: "PrivacyRequest",
          subjectId: plan.requestId,
          details: {
            erasurePlanId: plan.id,
            models: current.map((item) => item.model),
            scanClean: scan.clean,
          },
        },
        now,
      );
      await step("record");
      return { plan: completed, accountId: account.id };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
  announceCredentialsEnded(services, accountId);
  services.logger.info({ erasurePlanId: plan.id }, "account erased");
  return plan as ErasurePlan & { scan: ErasureScan };
}
