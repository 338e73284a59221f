/**
 * Reading the audit log (COMPLIANCE, `audit.read`): entries newest first,
 * filtered by who acted, what was done, to which record and when.
 */
import type { ActorType, AuditEntry, Prisma } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
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

/** The text of the notes named by entries (absent once erased), by note id. */
export async function auditNoteTexts(services: Services, actor: Actor, noteIds: string[]): Promise<Map<string, string>> {
  authorize(actor, "audit.read");
  if (noteIds.length === 0) return new Map();
  const notes = await services.db.auditNote.findMany({ where: { id: { in: noteIds } }, select: { id: true, text: true } });
  return new Map(notes.map((note) => [note.id, note.text]));
}
