/**
 * Numbers and countries as the pool accepts them, checked against the
 * numbering plans of libphonenumber-js (its full metadata, so a number is
 * valid only if its country actually issues numbers of that shape).
 */
import { getCountries, parsePhoneNumberFromString } from "libphonenumber-js/max";

const countriesWithNumbers: ReadonlySet<string> = new Set(getCountries());

/**
 * Whether `code` is an ISO 3166-1 alpha-2 code of a country with a telephone
 * numbering plan: the only countries whose numbers the pool can check.
 */
export function isCountryWithNumbers(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && countriesWithNumbers.has(code);
}

export type PhoneNumberProblem = "NOT_E164" | "NOT_A_VALID_NUMBER" | "WRONG_COUNTRY";

/**
 * A pasted line as the pool stores it (E.164: "+", the country calling code
 * and the national number, spaces removed), or what is wrong with it.
 */
export function checkPoolNumber(
  line: string,
  countryCode: string,
): { phoneNumber: string; problem: null } | { phoneNumber: null; problem: PhoneNumberProblem; country?: string } {
  const compact = line.replace(/\s+/g, "");
  if (!/^\+[1-9]\d{1,14}$/.test(compact)) return { phoneNumber: null, problem: "NOT_E164" };
  const parsed = parsePhoneNumberFromString(compact);
  if (!parsed?.isValid()) return { phoneNumber: null, problem: "NOT_A_VALID_NUMBER" };
  // A calling code is shared by several countries (+1, +44, +7): the number's own country must be the batch's.
  if (parsed.country !== countryCode) {
    return { phoneNumber: null, problem: "WRONG_COUNTRY", ...(parsed.country ? { country: parsed.country } : {}) };
  }
  return { phoneNumber: parsed.number, problem: null };
}
