import type { Prisma, PrismaClient } from "@smsape/db";
import type { App } from "../app.ts";
import { auditSigningKeys } from "../domain/audit/checkpoints.ts";
import { type AuditChainVerification, verifyAuditChain } from "../domain/audit/verification.ts";

/** Verifies the app's audit log from the first entry, checkpoints included, as staff verification does. */
export function verifyAuditLogOf(
  app: App,
  options: { db?: PrismaClient | Prisma.TransactionClient; batchSize?: number } = {},
): Promise<AuditChainVerification> {
  return verifyAuditChain(options.db ?? app.services.db, {
    publicKey: auditSigningKeys(app.services.config).publicKey,
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
}
