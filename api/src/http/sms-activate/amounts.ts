/**
 * Money in the sms-activate protocol is a decimal string of the currency's
 * major unit (`"0.45"`); ours is a bigint of minor units (45n). Converted with
 * integer arithmetic only: a float would round some amounts.
 */

/** Fraction digits of the ledger's currency (USD). */
const fractionDigits = 2;
const scale = 10n ** BigInt(fractionDigits);

/** 45n -> "0.45", 1234n -> "12.34", -5n -> "-0.05". */
export function decimalFromMinor(amountMinor: bigint): string {
  const sign = amountMinor < 0n ? "-" : "";
  const absolute = amountMinor < 0n ? -amountMinor : amountMinor;
  const whole = absolute / scale;
  const fraction = (absolute % scale).toString().padStart(fractionDigits, "0");
  return `${sign}${whole}.${fraction}`;
}

/**
 * "0.45" -> 45n, "12" -> 1200n, "0.5" -> 50n; null for anything else (a sign,
 * an exponent, more fraction digits than the currency has, an empty string).
 */
export function minorFromDecimal(value: string): bigint | null {
  const match = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) return null;
  const whole = BigInt(match[1] ?? "0");
  const fraction = BigInt((match[2] ?? "").padEnd(fractionDigits, "0"));
  return whole * scale + fraction;
}
