/**
 * Generated payment data for tests of the card-data check (P10): event ids of
 * the shapes processors send, and Luhn-valid card numbers of every length a
 * card number has, written the ways people write them.
 */
import { randomInt, randomUUID } from "node:crypto";

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const randomString = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join("");

/** A millisecond timestamp from 2001-09-09 to 2096: 13 digits, like the card numbers of that length. */
const randomMillis = () => 1_000_000_000_000 + randomInt(3_000_000_000_000);

function ulid(): string {
  let time = randomMillis();
  let encoded = "";
  for (let index = 0; index < 10; index += 1) {
    encoded = crockford[time % 32] + encoded;
    time = Math.floor(time / 32);
  }
  return encoded + randomString(crockford, 16);
}

function uuidV7(): string {
  const hex = randomMillis().toString(16).padStart(12, "0") + randomUUID().replace(/-/g, "").slice(12);
  const bytes = hex.split("");
  bytes[12] = "7";
  bytes[16] = "89ab"[randomInt(4)] ?? "8";
  const text = bytes.join("");
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20, 32)}`;
}

export const processorIdShapes = {
  "UUID v4": () => randomUUID(),
  "UUID v7": uuidV7,
  ULID: ulid,
  "millisecond timestamp": () => String(randomMillis()),
  "evt_ + 24 base62": () => `evt_${randomString(base62, 24)}`,
  "evt_<uuid>": () => `evt_${randomUUID()}`,
  "evt_<millisecond timestamp>": () => `evt_${randomMillis()}`,
} as const;

/** `count` ids, the shapes taking turns. */
export function processorEventIds(count: number): string[] {
  const shapes = Object.values(processorIdShapes);
  return Array.from({ length: count }, (_, index) => shapes[index % shapes.length]?.() ?? "");
}

/** Issuer prefixes of real card ranges for each length a card number has. */
const issuerPrefixes: Record<number, string[]> = {
  13: ["4"],
  14: ["36", "38"],
  15: ["34", "37"],
  16: ["4", "51", "55", "2221", "6011", "35"],
  17: ["62", "50"],
  18: ["62", "67"],
  19: ["4", "62", "6011"],
};

export const cardNumberLengths = [13, 14, 15, 16, 17, 18, 19] as const;

function luhnCheckDigit(payload: string): string {
  let sum = 0;
  for (let index = 0; index < payload.length; index += 1) {
    let digit = Number(payload[payload.length - 1 - index]);
    if (index % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A Luhn-valid card number of `length` digits in a real issuer range (a test number, not anyone's card). */
export function cardNumber(length: number): string {
  const prefixes = issuerPrefixes[length] ?? ["4"];
  const prefix = prefixes[randomInt(prefixes.length)] ?? "4";
  const payload = prefix + randomString("0123456789", length - prefix.length - 1);
  return payload + luhnCheckDigit(payload);
}

export type CardNumberFormat = "plain" | "spaced" | "dashed";

/** As typed on a form: digits alone, or in groups of four separated by spaces or dashes. */
export function formatCardNumber(digits: string, format: CardNumberFormat): string {
  if (format === "plain") return digits;
  return (digits.match(/.{1,4}/g) ?? []).join(format === "spaced" ? " " : "-");
}

/** Words of the BIP-39 English list, for seed phrases the card-data check must find. */
export const bip39Sample = [
  "abandon",
  "ability",
  "able",
  "about",
  "above",
  "absent",
  "absorb",
  "abstract",
  "absurd",
  "abuse",
  "access",
  "accident",
  "zebra",
  "zero",
  "zone",
  "zoo",
  "wagon",
  "wait",
  "walk",
  "wall",
  "walnut",
  "want",
  "warfare",
  "warm",
] as const;
