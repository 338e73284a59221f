/**
 * The catalogue: countries, services, the price of a number per country and
 * service, and how many numbers are free to serve a service right now.
 */
import type { Prisma, PrismaClient } from "@smsape/db";
import { DomainError } from "../errors.ts";

type Db = Prisma.TransactionClient | PrismaClient;

export class UnknownServiceError extends DomainError {
  readonly code = "UNKNOWN_SERVICE";
  constructor(readonly serviceCode: string) {
    super(`There is no service "${serviceCode}". The services query lists the codes.`);
  }
}

export class UnknownCountryError extends DomainError {
  readonly code = "UNKNOWN_COUNTRY";
  constructor(readonly countryCode: string) {
    super(`There is no country "${countryCode}". The countries query lists the codes.`);
  }
}

export class ServiceNotOfferedError extends DomainError {
  readonly code = "SERVICE_NOT_OFFERED";
  constructor(serviceCode: string, countryCode: string) {
    super(`Numbers for "${serviceCode}" are not offered in ${countryCode}.`);
  }
}

/**
 * The price of a number for a service in a country, or a typed error saying
 * which of the two is unknown or that the pair is not offered.
 */
export async function priceFor(db: Db, countryCode: string, serviceCode: string) {
  const price = await db.price.findUnique({ where: { countryCode_serviceCode: { countryCode, serviceCode } } });
  if (price) return price;
  const service = await db.service.findUnique({ where: { code: serviceCode }, select: { code: true } });
  const country = await db.country.findUnique({ where: { code: countryCode }, select: { code: true } });
  if (!service) throw new UnknownServiceError(serviceCode);
  if (!country) throw new UnknownCountryError(countryCode);
  throw new ServiceNotOfferedError(serviceCode, countryCode);
}

/**
 * How many numbers of a country could be assigned for a service now: those in
 * the pool (AVAILABLE) and not resting in quarantine for that service.
 */
export function availableNumberCount(db: Db, countryCode: string, serviceCode: string, now: Date): Promise<number> {
  return db.virtualNumber.count({
    where: {
      countryCode,
      status: "AVAILABLE",
      quarantines: { none: { serviceCode, until: { gt: now } } },
    },
  });
}

/** Prices by country and service, optionally of one country and/or one service, with their country and service. */
export function findPrices(db: Db, filter: { countryCode?: string | null; serviceCode?: string | null }) {
  return db.price.findMany({
    where: {
      ...(filter.countryCode ? { countryCode: filter.countryCode } : {}),
      ...(filter.serviceCode ? { serviceCode: filter.serviceCode } : {}),
    },
    include: { country: true, service: true },
    orderBy: [{ countryCode: "asc" }, { serviceCode: "asc" }],
  });
}

/** Every country of the catalogue, by code. */
export function findCountries(db: Db) {
  return db.country.findMany({ orderBy: { code: "asc" } });
}
