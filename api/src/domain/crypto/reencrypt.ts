/**
 * Key rotation (P20): re-encrypts every encrypted column whose value is not
 * under the active key, batch by batch. Running it again finds nothing left to
 * do; running it while the service writes is safe, since each row is updated
 * only if it still holds the value that was read.
 *
 * After it reports zero values remaining, the old key can leave ENCRYPTION_KEYS.
 */
import type { PrismaClient } from "@smsape/db";
import { type EncryptedColumn, encryptedColumns } from "./encrypted-columns.ts";
import { decryptFieldBytes, encryptedValuePrefix, encryptField, type KeyRing } from "./field-encryption.ts";

export type ReencryptionReport = Record<EncryptedColumn, number>;

interface Row {
  id: string;
  value: string;
}

/** Reads and conditionally writes one encrypted column, in id order. */
interface ColumnAccess {
  batchAfter(afterId: string | null, notPrefix: string, take: number): Promise<Row[]>;
  /** Writes `next` if the row still holds `previous`; returns whether it did. */
  replace(id: string, previous: string, next: string): Promise<boolean>;
}

/** The part of a Prisma model delegate that key rotation uses. */
interface ModelWithCiphertext {
  findMany(args: object): Promise<Array<Record<string, unknown>>>;
  updateMany(args: object): Promise<{ count: number }>;
}

/** Access to one ciphertext column of a model whose rows have a string `id`. */
function ciphertextColumn(model: ModelWithCiphertext, field: string, options: { required?: boolean } = {}): ColumnAccess {
  return {
    batchAfter: async (afterId, notPrefix, take) =>
      (
        await model.findMany({
          where: {
            ...(options.required ? {} : { [field]: { not: null } }),
            NOT: { [field]: { startsWith: notPrefix } },
            ...(afterId ? { id: { gt: afterId } } : {}),
          },
          select: { id: true, [field]: true },
          orderBy: { id: "asc" },
          take,
        })
      ).map((row) => ({ id: row.id as string, value: row[field] as string })),
    replace: async (id, previous, next) =>
      (await model.updateMany({ where: { id, [field]: previous }, data: { [field]: next } })).count === 1,
  };
}

function columnAccess(db: PrismaClient): Record<EncryptedColumn, ColumnAccess> {
  // Prisma's delegates are each typed for their own model; rotation only needs their common shape.
  const model = (delegate: unknown) => delegate as ModelWithCiphertext;
  return {
    smsBody: ciphertextColumn(model(db.smsMessage), "bodyCiphertext"),
    smsCode: ciphertextColumn(model(db.smsMessage), "codeCiphertext"),
    activationRouting: ciphertextColumn(model(db.activation), "routingCiphertext"),
    outboxAddress: ciphertextColumn(model(db.outboxEmail), "toAddressCiphertext"),
    outboxBody: ciphertextColumn(model(db.outboxEmail), "bodyCiphertext"),
    exportContent: ciphertextColumn(model(db.privacyExport), "contentCiphertext"),
    webhookSecret: ciphertextColumn(model(db.webhookEndpoint), "secretCiphertext", { required: true }),
    webhookPayload: ciphertextColumn(model(db.webhookDelivery), "payloadCiphertext"),
  };
}

export async function reencryptAll(
  db: PrismaClient,
  ring: KeyRing,
  options: { batchSize?: number; onBatch?: (column: EncryptedColumn, done: number) => void } = {},
): Promise<ReencryptionReport> {
  const batchSize = options.batchSize ?? 500;
  const prefix = encryptedValuePrefix(ring.activeKeyId);
  const access = columnAccess(db);
  const report: ReencryptionReport = {
    smsBody: 0,
    smsCode: 0,
    activationRouting: 0,
    outboxAddress: 0,
    outboxBody: 0,
    exportContent: 0,
    webhookSecret: 0,
    webhookPayload: 0,
  };
  for (const column of Object.keys(encryptedColumns) as EncryptedColumn[]) {
    const { context } = encryptedColumns[column];
    let afterId: string | null = null;
    for (;;) {
      const rows = await access[column].batchAfter(afterId, prefix, batchSize);
      if (rows.length === 0) break;
      for (const row of rows) {
        // Decrypting first proves the old value is intact and ours before it is replaced.
        // As bytes: a column may hold bytes that are not text (the access copy is compressed).
        const plaintext = decryptFieldBytes(ring, row.value, context(row.id));
        if (await access[column].replace(row.id, row.value, encryptField(ring, plaintext, context(row.id)))) report[column] += 1;
      }
      afterId = rows.at(-1)?.id ?? null;
      options.onBatch?.(column, report[column]);
    }
  }
  return report;
}

/** How many values of each column are not yet under the active key. */
export async function countNotUnderActiveKey(db: PrismaClient, ring: KeyRing): Promise<ReencryptionReport> {
  const prefix = encryptedValuePrefix(ring.activeKeyId);
  const [smsBody, smsCode, activationRouting, outboxAddress, outboxBody, exportContent, webhookSecret, webhookPayload] =
    await Promise.all([
      db.smsMessage.count({ where: { bodyCiphertext: { not: null }, NOT: { bodyCiphertext: { startsWith: prefix } } } }),
      db.smsMessage.count({ where: { codeCiphertext: { not: null }, NOT: { codeCiphertext: { startsWith: prefix } } } }),
      db.activation.count({ where: { routingCiphertext: { not: null }, NOT: { routingCiphertext: { startsWith: prefix } } } }),
      db.outboxEmail.count({
        where: { toAddressCiphertext: { not: null }, NOT: { toAddressCiphertext: { startsWith: prefix } } },
      }),
      db.outboxEmail.count({ where: { bodyCiphertext: { not: null }, NOT: { bodyCiphertext: { startsWith: prefix } } } }),
      db.privacyExport.count({
        where: { contentCiphertext: { not: null }, NOT: { contentCiphertext: { startsWith: prefix } } },
      }),
      db.webhookEndpoint.count({ where: { NOT: { secretCiphertext: { startsWith: prefix } } } }),
      db.webhookDelivery.count({
        where: { payloadCiphertext: { not: null }, NOT: { payloadCiphertext: { startsWith: prefix } } },
      }),
    ]);
  return { smsBody, smsCode, activationRouting, outboxAddress, outboxBody, exportContent, webhookSecret, webhookPayload };
}
