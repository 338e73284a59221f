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
import { decryptField, encryptedValuePrefix, encryptField, type KeyRing } from "./field-encryption.ts";

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

function columnAccess(db: PrismaClient): Record<EncryptedColumn, ColumnAccess> {
  return {
    smsBody: {
      batchAfter: async (afterId, notPrefix, take) =>
        (
          await db.smsMessage.findMany({
            where: {
              bodyCiphertext: { not: null },
              NOT: { bodyCiphertext: { startsWith: notPrefix } },
              ...(afterId ? { id: { gt: afterId } } : {}),
            },
            select: { id: true, bodyCiphertext: true },
            orderBy: { id: "asc" },
            take,
          })
        ).map((row) => ({ id: row.id, value: row.bodyCiphertext as string })),
      replace: async (id, previous, next) =>
        (await db.smsMessage.updateMany({ where: { id, bodyCiphertext: previous }, data: { bodyCiphertext: next } })).count === 1,
    },
    smsCode: {
      batchAfter: async (afterId, notPrefix, take) =>
        (
          await db.smsMessage.findMany({
            where: {
              codeCiphertext: { not: null },
              NOT: { codeCiphertext: { startsWith: notPrefix } },
              ...(afterId ? { id: { gt: afterId } } : {}),
            },
            select: { id: true, codeCiphertext: true },
            orderBy: { id: "asc" },
            take,
          })
        ).map((row) => ({ id: row.id, value: row.codeCiphertext as string })),
      replace: async (id, previous, next) =>
        (await db.smsMessage.updateMany({ where: { id, codeCiphertext: previous }, data: { codeCiphertext: next } })).count === 1,
    },
    activationRouting: {
      batchAfter: async (afterId, notPrefix, take) =>
        (
          await db.activation.findMany({
            where: {
              routingCiphertext: { not: null },
              NOT: { routingCiphertext: { startsWith: notPrefix } },
              ...(afterId ? { id: { gt: afterId } } : {}),
            },
            select: { id: true, routingCiphertext: true },
            orderBy: { id: "asc" },
            take,
          })
        ).map((row) => ({ id: row.id, value: row.routingCiphertext as string })),
      replace: async (id, previous, next) =>
        (await db.activation.updateMany({ where: { id, routingCiphertext: previous }, data: { routingCiphertext: next } }))
          .count === 1,
    },
    outboxAddress: {
      batchAfter: async (afterId, notPrefix, take) =>
        (
          await db.outboxEmail.findMany({
            where: {
              toAddressCiphertext: { not: null },
              NOT: { toAddressCiphertext: { startsWith: notPrefix } },
              ...(afterId ? { id: { gt: afterId } } : {}),
            },
            select: { id: true, toAddressCiphertext: true },
            orderBy: { id: "asc" },
            take,
          })
        ).map((row) => ({ id: row.id, value: row.toAddressCiphertext as string })),
      replace: async (id, previous, next) =>
        (await db.outboxEmail.updateMany({ where: { id, toAddressCiphertext: previous }, data: { toAddressCiphertext: next } }))
          .count === 1,
    },
    outboxBody: {
      batchAfter: async (afterId, notPrefix, take) =>
        (
          await db.outboxEmail.findMany({
            where: {
              bodyCiphertext: { not: null },
              NOT: { bodyCiphertext: { startsWith: notPrefix } },
              ...(afterId ? { id: { gt: afterId } } : {}),
            },
            select: { id: true, bodyCiphertext: true },
            orderBy: { id: "asc" },
            take,
          })
        ).map((row) => ({ id: row.id, value: row.bodyCiphertext as string })),
      replace: async (id, previous, next) =>
        (await db.outboxEmail.updateMany({ where: { id, bodyCiphertext: previous }, data: { bodyCiphertext: next } })).count ===
        1,
    },
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
  const report: ReencryptionReport = { smsBody: 0, smsCode: 0, activationRouting: 0, outboxAddress: 0, outboxBody: 0 };
  for (const column of Object.keys(encryptedColumns) as EncryptedColumn[]) {
    const { context } = encryptedColumns[column];
    let afterId: string | null = null;
    for (;;) {
      const rows = await access[column].batchAfter(afterId, prefix, batchSize);
      if (rows.length === 0) break;
      for (const row of rows) {
        // Decrypting first proves the old value is intact and ours before it is replaced.
        const plaintext = decryptField(ring, row.value, context(row.id));
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
  const [smsBody, smsCode, activationRouting, outboxAddress, outboxBody] = await Promise.all([
    db.smsMessage.count({ where: { bodyCiphertext: { not: null }, NOT: { bodyCiphertext: { startsWith: prefix } } } }),
    db.smsMessage.count({ where: { codeCiphertext: { not: null }, NOT: { codeCiphertext: { startsWith: prefix } } } }),
    db.activation.count({ where: { routingCiphertext: { not: null }, NOT: { routingCiphertext: { startsWith: prefix } } } }),
    db.outboxEmail.count({
      where: { toAddressCiphertext: { not: null }, NOT: { toAddressCiphertext: { startsWith: prefix } } },
    }),
    db.outboxEmail.count({ where: { bodyCiphertext: { not: null }, NOT: { bodyCiphertext: { startsWith: prefix } } } }),
  ]);
  return { smsBody, smsCode, activationRouting, outboxAddress, outboxBody };
}
