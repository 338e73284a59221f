/**
 * P10: we never see card numbers or wallet secrets. A payment payload is
 * scanned, every key and every value at any depth, before anything of it is
 * stored; when something looks like such data the whole payload is refused.
 * Identifiers (the processor's event id, our account id) are the exception:
 * machines assign them, nobody types card data into them, and random ids hold
 * card-like digit runs often enough to refuse genuine top-ups. The caller names
 * them with their grammar; a value that follows its grammar is not scanned,
 * one that does not is scanned like any other (and then refused as invalid).
 * The scan reports only what kind of data it found, never the data itself, so
 * the reason can be logged and returned safely.
 *
 * Heuristics (deliberately on the cautious side: a refused top-up is retried
 * or handled by hand; a stored card number cannot be unseen):
 * - card number: a run of 13-19 digits, optionally grouped by single spaces or
 *   dashes, whose digits pass the Luhn check. Runs of another length are not
 *   card numbers; a value that is a whole UUID is skipped. A number too large
 *   to hold its digits exactly (over 2^53) cannot be checked and counts as one.
 * - card field: a key that names card data (card_number, pan, cvv, cvc, ...),
 *   compared without case, spaces, dashes or underscores.
 * - seed phrase: 12 or more consecutive whitespace-separated words of 3 to 8
 *   lowercase letters (the shape of BIP-39 words, which seed phrases of 12, 15,
 *   18, 21 or 24 words are made of); ordinary prose almost always breaks such a
 *   run with a short word, a capital, punctuation or a longer word. A key
 *   naming a seed or private key (mnemonic, seed_phrase, private_key, ...)
 *   and extended private keys (xprv...) count too.
 */

import { isUuid } from "../ids.ts";

export type SensitiveDataKind = "card number" | "card field" | "seed phrase" | "wallet key" | "nesting too deep to inspect";

const cardFieldNames = new Set([
  "cardnumber",
  "cardno",
  "cardnum",
  "pan",
  "primaryaccountnumber",
  "cvv",
  "cvv2",
  "cvc",
  "cvc2",
  "cid",
  "securitycode",
  "cardsecuritycode",
  "cardverificationvalue",
]);

const walletFieldNames = new Set([
  "mnemonic",
  "seed",
  "seedphrase",
  "seedwords",
  "recoveryphrase",
  "secretrecoveryphrase",
  "privatekey",
  "walletprivatekey",
  "xprv",
  "wif",
]);

const digitRun = /\d(?:[ -]?\d)*/g;
const seedWord = /^[a-z]{3,8}$/;
const extendedPrivateKey = /\b[xyzt]prv[1-9A-HJ-NP-Za-km-z]{100,}/;

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(digitRun)) {
    const digits = match[0].replace(/[ -]/g, "");
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) return true;
  }
  return false;
}

function containsSeedPhrase(text: string): boolean {
  let run = 0;
  for (const word of text.split(/\s+/)) {
    run = seedWord.test(word) ? run + 1 : 0;
    if (run >= 12) return true;
  }
  return false;
}

function inspectText(text: string): SensitiveDataKind | null {
  if (isUuid(text)) return null;
  if (containsCardNumber(text)) return "card number";
  if (containsSeedPhrase(text)) return "seed phrase";
  if (extendedPrivateKey.test(text)) return "wallet key";
  return null;
}

function inspectKey(key: string): SensitiveDataKind | null {
  const name = key.toLowerCase().replace(/[\s_-]/g, "");
  if (cardFieldNames.has(name)) return "card field";
  if (walletFieldNames.has(name)) return "wallet key";
  return inspectText(key);
}

function inspectNumber(value: number): SensitiveDataKind | null {
  if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < 1e19) return "card number";
  return inspectText(String(value));
}

/** Top-level fields that hold identifiers, each with the grammar its values follow. */
export type IdentifierGrammars = Record<string, (value: unknown) => boolean>;

/**
 * What kind of card or wallet data the value holds anywhere, or null when it
 * holds none. Numbers are checked as their digits; keys as names and as text;
 * the values of `identifiers` only when they break their grammar.
 */
export function findCardOrWalletData(value: unknown, identifiers: IdentifierGrammars = {}): SensitiveDataKind | null {
  return inspectValue(value, 0, identifiers);
}

function inspectValue(value: unknown, depth: number, identifiers: IdentifierGrammars): SensitiveDataKind | null {
  if (depth > 32) return "nesting too deep to inspect";
  if (typeof value === "string") return inspectText(value);
  if (typeof value === "number") return inspectNumber(value);
  if (typeof value === "bigint") return inspectText(String(value));
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = inspectValue(item, depth + 1, {});
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const isIdentifier = Object.hasOwn(identifiers, key) && identifiers[key]?.(item) === true;
      const found = inspectKey(key) ?? (isIdentifier ? null : inspectValue(item, depth + 1, {}));
      if (found) return found;
    }
  }
  return null;
}
