/**
 * Staff keep the catalogue (ADMIN, `catalogue.manage`): countries, services
 * with their code patterns, and the price of a number per country and
 * service. Each change and its audit entry are one transaction; bad input is
 * a ValidationError (or CodePatternError) naming the field, and nothing is
 * written.
 */
import type { Country, Price, Service } from "@smsape/db";
import type { Services } from "../../services/index.ts";
import type { Actor } from "../actors.ts";
import { appendAuditEntry } from "../audit/audit-log.ts";
import { ConflictError, type FieldIssue, NotFoundError, ValidationError } from "../errors.ts";
import { balanceCeilingMinor, ledgerCurrency } from "../ledger/ledger.ts";
import { authorize } from "../staff/permissions.ts";
import { checkCodePattern } from "./code-patterns.ts";
import { isCountryWithNumbers } from "./phone-numbers.ts";

const nameMaxLength = 100;
const serviceCodeShape = /^[a-z0-9][a-z0-9_-]{0,31}$/;

function checkName(name: string, issues: FieldIssue[]): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > nameMaxLength) {
    issues.push({ field: "name", message: `Give a name of 1 to ${nameMaxLength} characters.` });
  }
  return trimmed;
}

function countryCodeOf(code: string): string {
  return code.trim().toUpperCase();
}

function serviceCodeOf(code: string): string {
  return code.trim().toLowerCase();
}

// ---------------------------------------------------------------- countries

export async function listCatalogueCountries(services: Services, actor: Actor): Promise<Country[]> {
  authorize(actor, "catalogue.manage");
  return services.db.country.findMany({ orderBy: { code: "asc" } });
}

export async function createCountry(services: Services, actor: Actor, input: { code: string; name: string }): Promise<Country> {
  authorize(actor, "catalogue.manage");
  const issues: FieldIssue[] = [];
  const code = countryCodeOf(input.code);
  if (!isCountryWithNumbers(code)) {
    issues.push({ field: "code", message: "Use an ISO 3166-1 alpha-2 code of a country with phone numbers, e.g. GB." });
  }
  const name = checkName(input.name, issues);
  if (issues.length) throw new ValidationError(issues);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    if (await tx.country.findUnique({ where: { code } })) {
      throw new ConflictError("COUNTRY_EXISTS", `The catalogue already has ${code}; rename it instead.`);
    }
    const country = await tx.country.create({ data: { code, name } });
    await appendAuditEntry(tx, actor, { action: "country.created", subjectType: "Country", subjectId: code, details: {} }, now);
    return country;
  });
}

export async function renameCountry(services: Services, actor: Actor, code: string, input: { name: string }): Promise<Country> {
  authorize(actor, "catalogue.manage");
  const issues: FieldIssue[] = [];
  const name = checkName(input.name, issues);
  if (issues.length) throw new ValidationError(issues);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const country = await tx.country.findUnique({ where: { code: countryCodeOf(code) } });
    if (!country) throw new NotFoundError(`The country ${countryCodeOf(code)}`);
    const renamed = await tx.country.update({ where: { code: country.code }, data: { name } });
    await appendAuditEntry(
      tx,
      actor,
      { action: "country.renamed", subjectType: "Country", subjectId: country.code, details: { fields: ["name"] } },
      now,
    );
    return renamed;
  });
}

// ---------------------------------------------------------------- services

export async function listCatalogueServices(services: Services, actor: Actor): Promise<Service[]> {
  authorize(actor, "catalogue.manage");
  return services.db.service.findMany({ orderBy: { code: "asc" } });
}

export async function createService(
  services: Services,
  actor: Actor,
  input: { code: string; name: string; codePattern?: string | null },
): Promise<Service> {
  authorize(actor, "catalogue.manage");
  const issues: FieldIssue[] = [];
  const code = serviceCodeOf(input.code);
  if (!serviceCodeShape.test(code)) {
    issues.push({
      field: "code",
      message: "Use 1 to 32 lowercase letters, digits, - or _, starting with a letter or digit, e.g. telegram.",
    });
  }
  const name = checkName(input.name, issues);
  if (issues.length) throw new ValidationError(issues);
  const codePattern = checkCodePattern(input.codePattern);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    if (await tx.service.findUnique({ where: { code } })) {
      throw new ConflictError("SERVICE_EXISTS", `The catalogue already has the service ${code}; edit it instead.`);
    }
    const service = await tx.service.create({ data: { code, name, codePattern } });
    await appendAuditEntry(
      tx,
      actor,
      { action: "service.created", subjectType: "Service", subjectId: code, details: { ownCodePattern: codePattern !== null } },
      now,
    );
    return service;
  });
}

/**
 * Changes a service's name and/or code pattern: a field left out stays as it
 * is; a code pattern given as null or empty goes back to the default pattern.
 */
export async function updateService(
  services: Services,
  actor: Actor,
  code: string,
  input: { name?: string | null; codePattern?: string | null },
): Promise<Service> {
  authorize(actor, "catalogue.manage");
  const issues: FieldIssue[] = [];
  const name = input.name === undefined || input.name === null ? undefined : checkName(input.name, issues);
  if (issues.length) throw new ValidationError(issues);
  const codePattern = input.codePattern === undefined ? undefined : checkCodePattern(input.codePattern);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const service = await tx.service.findUnique({ where: { code: serviceCodeOf(code) } });
    if (!service) throw new NotFoundError(`The service ${serviceCodeOf(code)}`);
    const fields = [
      ...(name !== undefined && name !== service.name ? ["name"] : []),
      ...(codePattern !== undefined && codePattern !== service.codePattern ? ["codePattern"] : []),
    ];
    if (fields.length === 0) return service;
    const updated = await tx.service.update({
      where: { code: service.code },
      data: { ...(name !== undefined ? { name } : {}), ...(codePattern !== undefined ? { codePattern } : {}) },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "service.updated",
        subjectType: "Service",
        subjectId: service.code,
        details: { fields, ownCodePattern: updated.codePattern !== null },
      },
      now,
    );
    return updated;
  });
}

// ---------------------------------------------------------------- prices

export async function listCataloguePrices(
  services: Services,
  actor: Actor,
  filter: { countryCode?: string | null; serviceCode?: string | null } = {},
): Promise<Price[]> {
  authorize(actor, "catalogue.manage");
  return services.db.price.findMany({
    where: {
      ...(filter.countryCode ? { countryCode: countryCodeOf(filter.countryCode) } : {}),
      ...(filter.serviceCode ? { serviceCode: serviceCodeOf(filter.serviceCode) } : {}),
    },
    orderBy: [{ countryCode: "asc" }, { serviceCode: "asc" }],
  });
}

/** What a price's audit entry calls it: the country and the service. */
const priceId = (price: Pick<Price, "countryCode" | "serviceCode">) => `${price.countryCode}/${price.serviceCode}`;

/**
 * Sets what a number for the service in the country costs (offering the pair
 * if it was not). Balances are kept in one currency, so prices are too.
 */
export async function setPrice(
  services: Services,
  actor: Actor,
  input: { countryCode: string; serviceCode: string; amountMinor: bigint; currency?: string | null },
): Promise<Price> {
  authorize(actor, "catalogue.manage");
  const countryCode = countryCodeOf(input.countryCode);
  const serviceCode = serviceCodeOf(input.serviceCode);
  const currency = (input.currency ?? ledgerCurrency).trim().toUpperCase();
  const issues: FieldIssue[] = [];
  if (input.amountMinor <= 0n || input.amountMinor > balanceCeilingMinor) {
    issues.push({ field: "amountMinor", message: `Use a whole number of minor units from 1 to ${balanceCeilingMinor}.` });
  }
  if (currency !== ledgerCurrency) {
    issues.push({ field: "currency", message: `Prices are in ${ledgerCurrency}, the currency balances are kept in.` });
  }
  if (issues.length) throw new ValidationError(issues);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    if (!(await tx.country.findUnique({ where: { code: countryCode } }))) throw new NotFoundError(`The country ${countryCode}`);
    if (!(await tx.service.findUnique({ where: { code: serviceCode } }))) throw new NotFoundError(`The service ${serviceCode}`);
    const key = { countryCode_serviceCode: { countryCode, serviceCode } };
    const before = await tx.price.findUnique({ where: key });
    const price = await tx.price.upsert({
      where: key,
      create: { countryCode, serviceCode, amountMinor: input.amountMinor, currency },
      update: { amountMinor: input.amountMinor, currency },
    });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "price.set",
        subjectType: "Price",
        subjectId: priceId(price),
        details: {
          countryCode,
          serviceCode,
          // Below the balance ceiling (10^12), so exact as JSON numbers.
          fromAmountMinor: before ? Number(before.amountMinor) : null,
          toAmountMinor: Number(price.amountMinor),
          currency,
        },
      },
      now,
    );
    return price;
  });
}

/**
 * Stops offering numbers for the service in the country: orders are then
 * refused with SERVICE_NOT_OFFERED. Activations already ordered keep their price.
 */
export async function removePrice(
  services: Services,
  actor: Actor,
  input: { countryCode: string; serviceCode: string },
): Promise<Price> {
  authorize(actor, "catalogue.manage");
  const countryCode = countryCodeOf(input.countryCode);
  const serviceCode = serviceCodeOf(input.serviceCode);
  const now = services.now();
  return services.db.$transaction(async (tx) => {
    const key = { countryCode_serviceCode: { countryCode, serviceCode } };
    const price = await tx.price.findUnique({ where: key });
    if (!price) throw new NotFoundError(`The price of ${serviceCode} in ${countryCode}`);
    await tx.price.delete({ where: key });
    await appendAuditEntry(
      tx,
      actor,
      {
        action: "price.removed",
        subjectType: "Price",
        subjectId: priceId(price),
        details: { countryCode, serviceCode, fromAmountMinor: Number(price.amountMinor), currency: price.currency },
      },
      now,
    );
    return price;
  });
}
