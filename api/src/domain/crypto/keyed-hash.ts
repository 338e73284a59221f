/**
 * Keyed hashes: a stable stand-in for a personal value (an email address) where
 * the service needs to recognise the value again but never to read it, e.g. to
 * count the emails sent to an address. HMAC-SHA-256 under a key derived (HKDF)
 * from the active field-encryption key and the hash's purpose, so a table of
 * hashes cannot be reversed by hashing guessed addresses without the key, and
 * hashes for one purpose do not match those for another.
 *
 * A new active key gives new hashes: what was counted under the old one is
 * forgotten, which is acceptable for short-lived counters.
 */
import { createHmac, hkdfSync } from "node:crypto";
import type { KeyRing } from "./field-encryption.ts";

export function keyedHash(ring: KeyRing, purpose: string, value: string): string {
  const key = ring.keys.get(ring.activeKeyId);
  if (!key) throw new Error(`No encryption key with id "${ring.activeKeyId}" is configured (ENCRYPTION_KEYS).`);
  const hashKey = Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), `keyed-hash:${purpose}`, 32));
  return createHmac("sha256", hashKey).update(value, "utf8").digest("base64url");
}
