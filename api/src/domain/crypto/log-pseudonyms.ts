/**
 * A keyed hash that stands in a log line for a value that must not appear
 * there (an id that may hold card data, P10). The same value gives the same
 * pseudonym under the same key, so log lines can be matched with each other
 * and, by whoever holds the key, with a value they already have; without the
 * key the pseudonym cannot be turned back into the value, even where the
 * value's space is small enough to try every candidate (card numbers).
 *
 *   <keyId>:<first 128 bits of HMAC-SHA256, hex>
 *
 * The HMAC key is derived (HKDF) from the active encryption key, so no key
 * encrypts and hashes at once; rotating the encryption key changes pseudonyms,
 * and the key id says under which key one was made.
 */
import { createHmac, hkdfSync } from "node:crypto";
import type { KeyRing } from "./field-encryption.ts";

const purpose = "smsape log pseudonyms v1";

export function logPseudonym(ring: KeyRing, value: string): string {
  const key = ring.keys.get(ring.activeKeyId);
  if (!key) throw new Error(`No encryption key with id "${ring.activeKeyId}" is configured (ENCRYPTION_KEYS).`);
  const hmacKey = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), purpose, 32));
  return `${ring.activeKeyId}:${createHmac("sha256", hmacKey).update(value, "utf8").digest("hex").slice(0, 32)}`;
}
