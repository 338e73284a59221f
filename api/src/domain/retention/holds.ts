/**
 * Legal holds: COMPLIANCE keeps an account's data, or a whole category, past
 * its retention period (litigation, an authority's inquiry). A hold beats
 * retention and erasure: purges count held records as held back and leave
 * them, and an erasure of a held account is refused. Placing and lifting are
 * audited with their reason codes; a hold with an end date stops holding by
 * itself then.
 */
import type { LegalHold, LegalHoldScope, Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { ConflictError, type FieldIssue, NotFoundError, ValidationError } from "../errors.ts";
import { isUuid } from "../ids.ts";
import { authorize } from "../staff/permissions.ts";
import { isRetentionPolicyKey } from "./policies.ts";

type Db = Prisma.TransactionClient | Services["db"];

const reasonCode = /^[a-z][a-z0-9_.-]{1,63}$/;

/** Active now: not lifted, and its end date (if any) still ahead. */
function activeAt(now: Date): Prisma.LegalHoldWhereInput {
  return { liftedAt: null, OR: [{ until: null }, { until: { gt: now } }] };
}

export function isHoldActive(hold: Pick<LegalHold, "liftedAt" | "until">, now: Date): boolean {
  return hold.liftedAt === null && (hold.until === null || hold.until > now);
}

export async function activeCategoryHold(db: Db, policyKey: string, now: Date): Promise<LegalHold | null> {
  return db.legalHold.findFirst({ where: { scope: "CATEGORY", policyKey, ...activeAt(now) } });
}

export async function activeAccountHold(db: Db, accountId: string, now: Date): Promise<LegalHold | null> {
  return db.legalHold.findFirst({ where: { scope: "ACCOUNT", accountId, ...activeAt(now) } });
}

export class LegalHoldActiveError extends ConflictError {
  constructor() {
    super("LEGAL_HOLD", "A legal hold keeps this account's data: lift the hold before erasing it.");
  }
}

/** Refuses an erasure while a hold keeps the account's data. */
export async function assertNoAccountHold(db: Db, accountId: string, now: Date): Promise<void> {
  if (await activeAccountHold(db, accountId, now)) throw new LegalHoldActiveError();
}

export interface PlaceHoldInput {
  scope: LegalHoldScope;
  accountId?: string | null;
  policyKey?: string | null;
  reasonCode: string;
  until?: Date | null;
}

export async function placeLegalHold(services: Services, actor: Actor, input: PlaceHoldInput): Promise<LegalHold> {
  authorize(actor, "retention.manage");
  if (actor.kind !== "staff") throw new Error("unreachable: authorize admits staff only");
  const now = services.now();
  const issues: FieldIssue[] = [];
  if (!reasonCode.test(input.reasonCode)) {
    issues.push({ field: "reasonCode", message: "must be a reason code such as litigation or authority_inquiry" });
  }
  if (input.until && input.until <= now) issues.push({ field: "until", message: "must be in the future" });
  if (input.scope === "ACCOUNT" && !(input.accountId && isUuid(input.accountId))) {
    issues.push({ field: "accountId", message: "an account hold needs the account's id" });
  }
  if (input.scope === "CATEGORY" && !(input.policyKey && isRetentionPolicyKey(input.policyKey))) {
    issues.push({ field: "policyKey", message: "a category hold needs one of the retention policies' keys" });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return services.db.$transaction(async (tx) => {
    if (input.scope === "ACCOUNT") {
      const account = await tx.account.findUnique({ where: { id: input.accountId as string }, select: { id: true } });
      if (!account) throw new NotFoundError("The account");
    }
    const hold = await tx.legalHold.create({
      data: {
        scope: input.scope,
        accountId: input.scope === "ACCOUNT" ? input.accountId : null,
        policyKey: input.scope === "CATEGORY" ? input.policyKey : null,
        reasonCode: input.reasonCode,
        placedById: actor.staffUserId,
        placedAt: now,
        until: input.until ?? null,
      },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "legal_hold.placed",
        subjectType: "LegalHold",
        subjectId: hold.id,
        reason: hold.reasonCode,
        details: {
          scope: hold.scope,
          accountId: hold.accountId,
          policyKey: hold.policyKey,
          until: hold.until?.toISOString() ?? null,
        },
      },
      now,
    );
    return hold;
  });
}

export async function liftLegalHold(
  services: Services,
  actor: Actor,
  holdId: string,
  input: { reasonCode: string },
): Promise<LegalHold> {
  authorize(actor, "retention.manage");
  if (actor.kind !== "staff") throw new Error("unreachable: authorize admits staff only");
  if (!reasonCode.test(input.reasonCode)) {
    throw new ValidationError([{ field: "reasonCode", message: "must be a reason code such as case_closed" }]);
  }
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const hold = isUuid(holdId) ? await tx.legalHold.findUnique({ where: { id: holdId } }) : null;
    if (!hold) throw new NotFoundError("The legal hold");
    const { count } = await tx.legalHold.updateMany({
      where: { id: hold.id, liftedAt: null },
      data: { liftedAt: now, liftedById: actor.staffUserId, liftReason: input.reasonCode },
    });
    if (count === 0) throw new ConflictError("HOLD_ALREADY_LIFTED", "This legal hold was already lifted.");
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "legal_hold.lifted",
        subjectType: "LegalHold",
        subjectId: hold.id,
        reason: input.reasonCode,
        details: { scope: hold.scope },
      },
      now,
    );
    return tx.legalHold.findUniqueOrThrow({ where: { id: hold.id } });
  });
}

export async function listLegalHolds(
  services: Services,
  actor: Actor,
  filter: { active?: boolean | null; accountId?: string | null } = {},
): Promise<LegalHold[]> {
  authorize(actor, "retention.read");
  const now = services.now();
  const where: Prisma.LegalHoldWhereInput = {
    ...(filter.accountId ? { accountId: filter.accountId } : {}),
    ...(filter.active === true ? activeAt(now) : {}),
    ...(filter.active === false ? { NOT: activeAt(now) } : {}),
  };
  return services.db.legalHold.findMany({ where, orderBy: [{ placedAt: "desc" }, { id: "desc" }], take: 200 });
}

export async function findLegalHold(services: Services, actor: Actor, id: string): Promise<LegalHold> {
  authorize(actor, "retention.read");
  const hold = isUuid(id) ? await services.db.legalHold.findUnique({ where: { id } }) : null;
  if (!hold) throw new NotFoundError("The legal hold");
  return hold;
}
