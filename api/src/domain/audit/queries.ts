/**
 * Reading the audit log (COMPLIANCE, `audit.read`): entries newest first,
 * filtered by who acted, what was done, to which record and when.
 */
import type { ActorType, AuditEntry, Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { ValidationError } from "../errors.ts";
import { authorize } from "../staff/permissions.ts";

export interface AuditEntryFilter {
  actorType?: ActorType | null;
  actorId?: string | null;
  action?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
  /** Entries at or after this time. */
  from?: Date | null;
  /** Entries before this time. */
  to?: Date | null;
}

export function auditEntryWhere(filter: AuditEntryFilter): Prisma.AuditEntryWhereInput {
  return {
    ...(filter.actorType ? { actorType: filter.actorType } : {}),
    ...(filter.actorId ? { actorId: filter.actorId } : {}),
    ...(filter.action ? { action: filter.action } : {}),
    ...(filter.subjectType ? { subjectType: filter.subjectType } : {}),
    ...(filter.subjectId ? { subjectId: filter.subjectId } : {}),
    ...(filter.from || filter.to
      ? { at: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } }
      : {}),
  };
}

/** Entries matching `filter`, newest first. `query` carries the caller's selection and paging. */
export function findAuditEntries(
  services: Services,
  actor: Actor,
  filter: AuditEntryFilter,
  query: Omit<Prisma.AuditEntryFindManyArgs, "where" | "orderBy"> = {},
): Promise<AuditEntry[]> {
  authorize(actor, "audit.read");
  return services.db.auditEntry.findMany({ ...query, where: auditEntryWhere(filter), orderBy: { seq: "desc" } });
}

/** The most entries one page may hold, and how deep paging may go (page × perPage). */
export const auditPageLimits = { perPage: 200, depth: 1_000_000 } as const;

/**
 * One page of the entries matching `filter`, newest first: the `perPage`
 * entries after the first (page − 1) × perPage, skipped by the database
 * (down the seq index), so a deep page costs one page over the wire.
 */
export async function findAuditEntryPage(
  services: Services,
  actor: Actor,
  filter: AuditEntryFilter,
  { page, perPage }: { page: number; perPage: number },
): Promise<{ entries: AuditEntry[]; hasNextPage: boolean }> {
  authorize(actor, "audit.read");
  const issues = [
    ...(Number.isInteger(perPage) && perPage >= 1 && perPage <= auditPageLimits.perPage
      ? []
      : [{ field: "perPage", message: `must be a whole number from 1 to ${auditPageLimits.perPage}` }]),
    ...(Number.isInteger(page) && page >= 1 && page * perPage <= auditPageLimits.depth
      ? []
      : [{ field: "page", message: `must be a whole number from 1, and page × perPage at most ${auditPageLimits.depth}` }]),
  ];
  if (issues.length > 0) throw new ValidationError(issues);
  const rows = await services.db.auditEntry.findMany({
    where: auditEntryWhere(filter),
    orderBy: { seq: "desc" },
    skip: (page - 1) * perPage,
    take: perPage + 1,
  });
  return { entries: rows.slice(0, perPage), hasNextPage: rows.length > perPage };
}

/** The text of the notes named by entries (absent once erased), by note id. */
export async function auditNoteTexts(services: Services, actor: Actor, noteIds: string[]): Promise<Map<string, string>> {
  authorize(actor, "audit.read");
  if (noteIds.length === 0) return new Map();
  const notes = await services.db.auditNote.findMany({ where: { id: { in: noteIds } }, select: { id: true, text: true } });
  return new Map(notes.map((note) => [note.id, note.text]));
}
