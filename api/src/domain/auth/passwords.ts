import argon2 from "argon2";

/**
 * argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane). Hashes
 * made with weaker parameters are replaced at the next successful sign-in (P4).
 */
export const passwordHashing = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, passwordHashing);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export function passwordNeedsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, passwordHashing);
}

/**
 * A hash to verify against when no account matches, so that a sign-in for an
 * unknown email takes as long as one with a wrong password.
 */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword("no account has this password");
  return decoyHash;
}
