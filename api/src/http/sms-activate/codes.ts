/**
 * The one table between the sms-activate protocol's codes and our catalogue's
 * (docs/compat.md shows it). Its clients name a country by a number from the
 * protocol's own list and a service by a short code (`tg`); our catalogue uses
 * ISO 3166-1 alpha-2 countries (`GB`) and word codes (`telegram`).
 *
 * Services the table does not list pass through under our own code, so a
 * service staff add to the catalogue is orderable at once (`service=nosms`).
 * Countries must be in the table: the protocol's clients only know numbers.
 */

/** Protocol country number -> our country code. Numbers as the protocol's public country list has them. */
const countries: ReadonlyArray<readonly [number, string]> = [
  [1, "UA"],
  [2, "KZ"],
  [4, "PH"],
  [6, "ID"],
  [7, "MY"],
  [8, "KE"],
  [10, "VN"],
  [13, "IL"],
  [14, "HK"],
  [15, "PL"],
  [16, "GB"],
  [19, "NG"],
  [21, "EG"],
  [22, "IN"],
  [23, "IE"],
  [31, "ZA"],
  [32, "RO"],
  [33, "CO"],
  [34, "EE"],
  [36, "CA"],
  [37, "MA"],
  [39, "AR"],
  [43, "DE"],
  [44, "LT"],
  [45, "HR"],
  [46, "SE"],
  [48, "NL"],
  [49, "LV"],
  [50, "AT"],
  [52, "TH"],
  [54, "MX"],
  [56, "ES"],
  [59, "SI"],
  [62, "TR"],
  [63, "CZ"],
  [65, "PE"],
  [66, "PK"],
  [67, "NZ"],
  [73, "BR"],
  [77, "CY"],
  [78, "FR"],
  [82, "BE"],
  [83, "BG"],
  [84, "HU"],
  [86, "IT"],
  [117, "PT"],
  [187, "US"],
];

/** Protocol service code -> our service code. */
const services: ReadonlyArray<readonly [string, string]> = [
  ["tg", "telegram"],
  ["wa", "whatsapp"],
  ["ot", "other"],
  ["vi", "viber"],
  ["go", "google"],
  ["fb", "facebook"],
  ["ig", "instagram"],
  ["tw", "twitter"],
  ["ds", "discord"],
  ["wb", "wechat"],
  ["mm", "microsoft"],
  ["am", "amazon"],
  ["dr", "openai"],
  ["lf", "tiktok"],
  ["ub", "uber"],
];

const countryByNumber = new Map(countries);
const numberByCountry = new Map(countries.map(([number, code]) => [code, number]));
const serviceByProtocolCode = new Map(services);
const protocolCodeByService = new Map(services.map(([protocol, ours]) => [ours, protocol]));

/** The table, for the documentation test: every row as the docs show it. */
export const protocolCodeTable = { countries, services };

/** Our country code for a protocol country number (`"16"` -> `GB`), or null when the table has none. */
export function countryFromProtocol(value: string): string | null {
  if (!/^\d{1,4}$/.test(value)) return null;
  return countryByNumber.get(Number(value)) ?? null;
}

/** The protocol's number for one of our countries, or null when the table has none (not offered through the protocol). */
export function countryToProtocol(code: string): number | null {
  return numberByCountry.get(code) ?? null;
}

/** Our service code for a protocol service code: the table's, else the code itself (our own codes pass through). */
export function serviceFromProtocol(value: string): string {
  const code = value.trim().toLowerCase();
  return serviceByProtocolCode.get(code) ?? code;
}

/** The protocol's code for one of our services: the table's, else our own. */
export function serviceToProtocol(code: string): string {
  return protocolCodeByService.get(code) ?? code;
}
