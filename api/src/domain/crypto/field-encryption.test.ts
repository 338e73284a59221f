import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptField, encryptField, FieldDecryptionError, UnknownEncryptionKeyError } from "./field-encryption.ts";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const ringA = { keys: new Map([["a", keyA]]), activeKeyId: "a" };
const ringAB = {
  keys: new Map([
    ["a", keyA],
    ["b", keyB],
  ]),
  activeKeyId: "b",
};
const context = "sms.body:0190a0b2-0000-7000-8000-000000000001";

/** The id of the key a stored value names: `v1.<keyId>.<iv>.<tag>.<ciphertext>`. */
const keyIdOf = (value: string) => value.split(".")[1];

/** The value with one byte of one of its base64url parts changed. */
function alter(value: string, part: 2 | 3 | 4): string {
  const parts = value.split(".");
  const bytes = Buffer.from(parts[part] ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("field encryption (P20)", () => {
  it("P20: seals a value under the active key with AES-256-GCM and opens it again", () => {
    const sealed = encryptField(ringA, "Your code is 482913", context);
    expect(sealed).toMatch(/^v1\.a\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(sealed).not.toContain("482913");
    expect(decryptField(ringA, sealed, context)).toBe("Your code is 482913");
    expect(keyIdOf(sealed)).toBe("a");
  });

  it("uses a fresh IV for every value, so equal texts give different ciphertexts", () => {
    const first = encryptField(ringA, "same text", context);
    const second = encryptField(ringA, "same text", context);
    expect(first).not.toBe(second);
    expect(first.split(".")[2]).not.toBe(second.split(".")[2]);
  });

  it("P20: detects a changed ciphertext, tag or IV", () => {
    const sealed = encryptField(ringA, "Your code is 482913", context);
    for (const part of [2, 3, 4] as const) {
      expect(() => decryptField(ringA, alter(sealed, part), context)).toThrow(FieldDecryptionError);
    }
  });

  it("P20: refuses to open a value in another context (moved to another row or column)", () => {
    const sealed = encryptField(ringA, "Your code is 482913", context);
    expect(() => decryptField(ringA, sealed, "sms.body:0190a0b2-0000-7000-8000-000000000002")).toThrow(FieldDecryptionError);
    expect(() => decryptField(ringA, sealed, context.replace("sms.body", "sms.code"))).toThrow(FieldDecryptionError);
  });

  it("opens values under any key of the ring, by the key id they carry", () => {
    const underA = encryptField(ringA, "old", context);
    const underB = encryptField(ringAB, "new", context);
    expect(keyIdOf(underB)).toBe("b");
    expect(decryptField(ringAB, underA, context)).toBe("old");
    expect(decryptField(ringAB, underB, context)).toBe("new");
  });

  it("says clearly which key is missing when a value's key is not configured", () => {
    const underB = encryptField(ringAB, "new", context);
    expect(() => decryptField(ringA, underB, context)).toThrow(UnknownEncryptionKeyError);
    expect(() => decryptField(ringA, underB, context)).toThrow(/No encryption key with id "b" is configured \(ENCRYPTION_KEYS\)/);
  });

  it("refuses values that are not in its format", () => {
    expect(() => decryptField(ringA, "plain text", context)).toThrow(FieldDecryptionError);
    expect(() => decryptField(ringA, "v2.a.x.y.z", context)).toThrow(FieldDecryptionError);
  });
});
