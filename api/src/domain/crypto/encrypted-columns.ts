/**
 * Every encrypted column, with the context its values are bound to. Code that
 * writes or reads one of these columns goes through these helpers, so the
 * context (the row's id and the column's purpose) is spelt in one place, and the
 * re-encryption command knows every column there is.
 */
import { decryptField, decryptFieldBytes, encryptField, type KeyRing } from "./field-encryption.ts";

export const encryptedColumns = {
  smsBody: { model: "smsMessage", column: "bodyCiphertext", context: (messageId: string) => `sms.body:${messageId}` },
  smsCode: { model: "smsMessage", column: "codeCiphertext", context: (messageId: string) => `sms.code:${messageId}` },
  activationRouting: {
    model: "activation",
    column: "routingCiphertext",
    context: (activationId: string) => `activation.routing:${activationId}`,
  },
  outboxAddress: {
    model: "outboxEmail",
    column: "toAddressCiphertext",
    context: (emailId: string) => `outbox.address:${emailId}`,
  },
  outboxBody: { model: "outboxEmail", column: "bodyCiphertext", context: (emailId: string) => `outbox.body:${emailId}` },
  exportContent: {
    model: "privacyExport",
    column: "contentCiphertext",
    context: (exportId: string) => `privacy.export:${exportId}`,
  },
  webhookSecret: {
    model: "webhookEndpoint",
    column: "secretCiphertext",
    context: (endpointId: string) => `webhook.secret:${endpointId}`,
  },
  webhookPayload: {
    model: "webhookDelivery",
    column: "payloadCiphertext",
    context: (deliveryId: string) => `webhook.payload:${deliveryId}`,
  },
} as const;

export type EncryptedColumn = keyof typeof encryptedColumns;

export function sealColumn(ring: KeyRing, column: EncryptedColumn, rowId: string, plaintext: string | Uint8Array): string {
  return encryptField(ring, plaintext, encryptedColumns[column].context(rowId));
}

export function openColumn(ring: KeyRing, column: EncryptedColumn, rowId: string, value: string): string {
  return decryptField(ring, value, encryptedColumns[column].context(rowId));
}

/** A column's opened value as UTF-8 bytes, for a large value served as it is (the access copy). */
export function openColumnBytes(ring: KeyRing, column: EncryptedColumn, rowId: string, value: string): Buffer {
  return decryptFieldBytes(ring, value, encryptedColumns[column].context(rowId));
}

/** Upstream routing details of an activation (which operator route served it), encrypted as JSON. */
export interface ActivationRouting {
  /** The upstream operator's route or channel id. */
  route: string | null;
  /** The sender id the first SMS came from (e.g. "Telegram"). */
  sender: string | null;
}

export function sealRouting(ring: KeyRing, activationId: string, routing: ActivationRouting): string {
  return sealColumn(ring, "activationRouting", activationId, JSON.stringify(routing));
}
