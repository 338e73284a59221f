import type { Prisma, PrismaClient } from "@smsape/db";
import type { App } from "../app.ts";
import { auditSigningKeys } from "../domain/audit/checkpoints.ts";
import { type AuditChainVerification, auditStreamSource, verifyAuditChain } from "../domain/audit/verification.ts";

/**
 * Verifies the app's audit log from the first entry, checkpoints included, as
 * staff verification does: streamed from a PostgreSQL server, inside the
 * embedded database. Through `db` (a transaction: what it sees) the entries
 * are checked inside the database.
 */
export function verifyAuditLogOf(
  app: App,
  options: { db?: PrismaClient | Prisma.TransactionClient; batchSize?: number } = {},
): Promise<AuditChainVerification> {
  const stream = options.db ? null : auditStreamSource(app.services.config);
  return verifyAuditChain(options.db ?? app.services.db, {
    publicKey: auditSigningKeys(app.services.config).publicKey,
    stream,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
}
