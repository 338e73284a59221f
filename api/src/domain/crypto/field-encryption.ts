/**
 * Field encryption at rest (P20): SMS bodies, codes and routing details, and
 * the address and body of each email waiting in the outbox, are stored as
 * AES-256-GCM ciphertexts, one random 12-byte IV per value, in a compact
 * string that names the key it was sealed under:
 *
 *   v1.<keyId>.<iv b64url>.<tag b64url>.<ciphertext b64url>
 *
 * Keys rotate by adding a key, making it active and re-encrypting (see
 * reencrypt.ts); values under older keys stay readable while their key is in
 * the ring. Each value is bound to where it belongs by additional
 * authenticated data (e.g. "sms.body:<messageId>"), so a ciphertext copied to
 * another row or column does not decrypt.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface KeyRing {
  keys: Map<string, Buffer>;
  activeKeyId: string;
}

const version = "v1";
const algorithm = "aes-256-gcm";
const ivBytes = 12;
const tagBytes = 16;

/** The value names a key the ring does not hold (removed too early, or a foreign value). */
export class UnknownEncryptionKeyError extends Error {
  override name = "UnknownEncryptionKeyError";
  constructor(readonly keyId: string) {
    super(`No encryption key with id "${keyId}" is configured (ENCRYPTION_KEYS); it is needed to decrypt this value.`);
  }
}

/** The value is not one of ours, was altered, or belongs to another place (wrong context). */
export class FieldDecryptionError extends Error {
  override name = "FieldDecryptionError";
}

/** Seals a string (as UTF-8) or bytes as they are. */
export function encryptField(ring: KeyRing, plaintext: string | Uint8Array, context: string): string {
  const keyId = ring.activeKeyId;
  if (keyId.includes(".")) throw new Error(`Encryption key id "${keyId}" must not contain a dot.`);
  const key = keyFor(ring, keyId);
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv(algorithm, key, iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = typeof plaintext === "string" ? cipher.update(plaintext, "utf8") : cipher.update(plaintext);
  const ciphertext = Buffer.concat([body, cipher.final()]);
  const tag = cipher.getAuthTag();
  return [version, keyId, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function decryptField(ring: KeyRing, value: string, context: string): string {
  return decryptFieldBytes(ring, value, context).toString("utf8");
}

/** The plaintext's UTF-8 bytes, for a large value handed on as it is (no string made of it). */
export function decryptFieldBytes(ring: KeyRing, value: string, context: string): Buffer {
  const { keyId, iv, tag, ciphertext } = parseValue(value);
  const key = keyFor(ring, keyId);
  const decipher = createDecipheriv(algorithm, key, iv, { authTagLength: tagBytes });
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new FieldDecryptionError("An encrypted value failed its integrity check: it was altered or belongs elsewhere.");
  }
}

/** The prefix every value sealed under `keyId` starts with (for finding values under other keys). */
export function encryptedValuePrefix(keyId: string): string {
  return `${version}.${keyId}.`;
}

function keyFor(ring: KeyRing, keyId: string): Buffer {
  const key = ring.keys.get(keyId);
  if (!key) throw new UnknownEncryptionKeyError(keyId);
  return key;
}

function parseValue(value: string) {
  const parts = value.split(".");
  if (parts.length !== 5 || parts[0] !== version) {
    throw new FieldDecryptionError(`An encrypted value is not in the ${version} format.`);
  }
  const [, keyId = "", iv = "", tag = "", ciphertext = ""] = parts;
  const decoded = {
    keyId,
    iv: Buffer.from(iv, "base64url"),
    tag: Buffer.from(tag, "base64url"),
    ciphertext: Buffer.from(ciphertext, "base64url"),
  };
  if (!keyId || decoded.iv.length !== ivBytes || decoded.tag.length !== tagBytes) {
    throw new FieldDecryptionError(`An encrypted value is not in the ${version} format.`);
  }
  return decoded;
}
