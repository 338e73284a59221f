/**
 * Signed checkpoints: every few minutes a job signs "the chain had this hash
 * at this seq" with the service's Ed25519 key (config `AUDIT_SIGNING_KEY`).
 * The chain alone cannot tell an honest log from a whole new one rebuilt by
 * someone with write access to the table; a checkpoint, kept elsewhere or
 * checked against the key, can: the rebuilt chain does not have the signed
 * hash at the signed seq, and without the key no new checkpoint can be made.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import type { AuditCheckpoint, Prisma, PrismaClient } from "@smsape/db";
import type { Config } from "../../config.ts";
import type { Services } from "../../services/index.ts";
import { type Actor, systemActor } from "../actors.ts";
import { authorize } from "../staff/permissions.ts";
import { appendAuditEntry } from "./audit-log.ts";

export interface AuditSigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key, as base64 of its SPKI DER: what a verifier outside the service is given. */
  publicKeyBase64: string;
  /** Names the key in each checkpoint: the first 16 hex digits of the SHA-256 of the public key. */
  keyId: string;
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ed25519Pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

const keysBySeed = new Map<string, AuditSigningKeys>();

/** The checkpoint keys from the configured 32-byte seed. */
export function auditSigningKeys(config: Pick<Config, "audit">): AuditSigningKeys {
  const seed = config.audit.signingKeySeed;
  const cached = keysBySeed.get(seed.toString("hex"));
  if (cached) return cached;
  const privateKey = createPrivateKey({ key: Buffer.concat([ed25519Pkcs8Prefix, seed]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ format: "der", type: "spki" });
  const keys = {
    privateKey,
    publicKey,
    publicKeyBase64: spki.toString("base64"),
    keyId: createHash("sha256").update(spki).digest("hex").slice(0, 16),
  };
  keysBySeed.set(seed.toString("hex"), keys);
  return keys;
}

/** What a checkpoint signs: one line per field, so no two checkpoints read alike. */
export function checkpointStatement(checkpoint: { seq: bigint; hash: string; at: Date }): Buffer {
  return Buffer.from(`smsape-audit-checkpoint\n${checkpoint.seq}\n${checkpoint.hash}\n${checkpoint.at.toISOString()}`);
}

export function checkpointSignatureValid(
  checkpoint: { seq: bigint; hash: string; at: Date; signature: string },
  publicKey: KeyObject,
): boolean {
  try {
    return verify(null, checkpointStatement(checkpoint), publicKey, Buffer.from(checkpoint.signature, "base64"));
  } catch {
    return false;
  }
}

export const auditCheckpointJob = "audit.checkpoint";
const checkpointActor = systemActor(auditCheckpointJob);

/**
 * Signs the head of the chain, unless nothing but checkpoint entries was
 * appended since the last checkpoint (a quiet log is not signed again and
 * again). The checkpoint is itself audited, in the same transaction.
 */
export async function writeAuditCheckpoint(services: Services): Promise<AuditCheckpoint | null> {
  const keys = auditSigningKeys(services.config);
  const at = services.now();
  const checkpoint = await services.db.$transaction(async (tx) => {
    const last = await tx.auditCheckpoint.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    const news = await tx.auditEntry.findFirst({
      where: { seq: { gt: last?.seq ?? -1n }, action: { not: "audit_checkpoint.written" } },
      select: { seq: true },
    });
    if (!news) return null;
    const head = await tx.auditEntry.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
    if (!head) return null;
    const statement = { seq: head.seq, hash: head.hash, at };
    const signature = sign(null, checkpointStatement(statement), keys.privateKey).toString("base64");
    const written = await tx.auditCheckpoint.create({ data: { ...statement, keyId: keys.keyId, signature } });
    await appendAuditEntry(
      tx,
      checkpointActor,
      {
        action: "audit_checkpoint.written",
        subjectType: "AuditCheckpoint",
        subjectId: String(head.seq),
        details: { seq: Number(head.seq) },
      },
      at,
    );
    return written;
  });
  if (checkpoint) services.logger.info({ seq: String(checkpoint.seq) }, "audit checkpoint written");
  return checkpoint;
}

/**
 * Writes a checkpoint every `AUDIT_CHECKPOINT_MINUTES` (a pg-boss cron: one run
 * per schedule across instances); 0 schedules none.
 */
export async function registerAuditJobs(services: Services): Promise<void> {
  await services.jobs.work(auditCheckpointJob, async () => {
    await writeAuditCheckpoint(services);
  });
  const { checkpointMinutes } = services.config.audit;
  if (checkpointMinutes > 0) await services.jobs.schedule(auditCheckpointJob, `*/${checkpointMinutes} * * * *`);
}

/** The checkpoints, newest first, with the public key that verifies them: the export a verifier keeps. */
export async function listAuditCheckpoints(
  services: Services,
  actor: Actor,
  query: Omit<Prisma.AuditCheckpointFindManyArgs, "where" | "orderBy"> = {},
): Promise<{ checkpoints: AuditCheckpoint[]; publicKey: string; keyId: string }> {
  authorize(actor, "audit.read");
  const keys = auditSigningKeys(services.config);
  const checkpoints = await services.db.auditCheckpoint.findMany({ ...query, orderBy: { seq: "desc" } });
  return { checkpoints, publicKey: keys.publicKeyBase64, keyId: keys.keyId };
}

/** The checkpoints a verification checks, oldest first. */
export function checkpointsAfter(db: PrismaClient | Prisma.TransactionClient, seq: bigint | null): Promise<AuditCheckpoint[]> {
  return db.auditCheckpoint.findMany({ where: seq === null ? {} : { seq: { gt: seq } }, orderBy: { seq: "asc" } });
}
