/**
 * The catalogue and the pool of numbers through the staff API (ADMIN,
 * `catalogue.manage`): countries, services with their code patterns, prices,
 * the pool's numbers (list, import, retire) and availability per service.
 */
import { HttpError } from "react-admin";
import type { ResourceQueries } from "./index.ts";
import { staffGraphql } from "./staffGraphql.ts";

export const numberStatuses = ["AVAILABLE", "ASSIGNED", "DISABLED", "RETIRED"] as const;
export type NumberStatus = (typeof numberStatuses)[number];

/** The currency balances are kept in, and so prices. */
export const priceCurrency = "USD";
/** Lines one import takes (the API refuses more). */
export const importBatchMaxLines = 1000;

export interface CountryRecord {
  id: string;
  code: string;
  name: string;
}

export interface ServiceRecord {
  id: string;
  code: string;
  name: string;
  codePattern: string | null;
}

export interface PriceRecord {
  /** COUNTRY/service, e.g. GB/telegram. */
  id: string;
  countryCode: string;
  serviceCode: string;
  amountMinor: number;
  currency: string;
}

export interface PoolNumberRecord {
  id: string;
  phoneNumber: string;
  countryCode: string;
  operatorRoute: string | null;
  status: NumberStatus;
  createdAt: string;
  retiredAt: string | null;
}

export type ImportOutcome =
  | "IMPORTED"
  | "NOT_E164"
  | "NOT_A_VALID_NUMBER"
  | "WRONG_COUNTRY"
  | "DUPLICATE_IN_BATCH"
  | "ALREADY_IN_POOL";

export interface NumberImportResult {
  countryCode: string;
  operatorRoute: string;
  imported: number;
  rejected: number;
  lines: Array<{ line: number; input: string; phoneNumber: string | null; outcome: ImportOutcome; message: string }>;
}

export interface AvailabilityRow {
  id: string;
  countryCode: string;
  serviceCode: string;
  offered: boolean;
  available: number;
  quarantined: number;
  inUse: number;
  retired: number;
  disabled: number;
}

interface ErrorResult {
  __typename: string;
  code: string;
  message: string;
  issues?: Array<{ field: string; message: string }>;
}

type Result<T> = { data?: T } & ErrorResult;

/**
 * A typed error becomes an HttpError with the API's message; a validation
 * error's issues (and a refused code pattern) are also given per form field,
 * which react-admin's forms show under each input.
 */
function dataOf<T>(result: Result<T>): T {
  if (result.data !== undefined) return result.data;
  const fieldErrors: Record<string, string> = Object.fromEntries(
    (result.issues ?? []).map((issue) => [issue.field, issue.message]),
  );
  if (result.code === "INVALID_CODE_PATTERN") fieldErrors.codePattern = result.message;
  const errors = Object.keys(fieldErrors).length ? { ...fieldErrors, root: { serverError: result.message } } : undefined;
  throw new HttpError(result.message, 400, { code: result.code, ...(errors ? { errors } : {}) });
}

const errorFields = "__typename ... on Error { code message }";
/** Only for results whose union has ValidationError: a fragment on a type outside the union is refused. */
const validationFields = `${errorFields} ... on ValidationError { issues { field message } }`;
const countryFields = "id code name";
const serviceFields = "id code name codePattern";
const priceFields = "id countryCode serviceCode amountMinor currency";
const numberFields = "id phoneNumber countryCode operatorRoute status createdAt retiredAt";

/** The catalogue's lists are whole (a few countries and services); react-admin's page and sort are applied here. */
function page<T extends object>(
  all: T[],
  params: { pagination?: { page: number; perPage: number }; sort?: { field: string; order: string } },
) {
  const { page: number = 1, perPage = 25 } = params.pagination ?? {};
  const { field, order } = params.sort ?? { field: "id", order: "ASC" };
  const value = (record: T) => String((record as Record<string, unknown>)[field] ?? "");
  const sorted = [...all].sort((a, b) => value(a).localeCompare(value(b), "en", { numeric: true }) * (order === "DESC" ? -1 : 1));
  return { data: sorted.slice((number - 1) * perPage, number * perPage) as never[], total: all.length };
}

// ---------------------------------------------------------------- countries

export async function listCountries(signal?: AbortSignal): Promise<CountryRecord[]> {
  const { catalogueCountries } = await staffGraphql<{ catalogueCountries: CountryRecord[] }>(
    `query CatalogueCountries { catalogueCountries { ${countryFields} } }`,
    {},
    signal,
  );
  return catalogueCountries;
}

export const countryQueries: ResourceQueries = {
  async getList(_resource, params) {
    return page(await listCountries(params.signal), params);
  },
  async getMany(_resource, params) {
    const ids = new Set(params.ids.map(String));
    return { data: (await listCountries(params.signal)).filter((country) => ids.has(country.id)) as never[] };
  },
  async getOne(_resource, params) {
    const country = (await listCountries(params.signal)).find((each) => each.id === String(params.id));
    if (!country) throw new HttpError(`The country ${params.id} was not found.`, 404);
    return { data: country as never };
  },
  async create(_resource, params) {
    const { code, name } = params.data as { code?: string; name?: string };
    const { createCountry } = await staffGraphql<{ createCountry: Result<CountryRecord> }>(
      `mutation CreateCountry($input: CreateCountryInput!) {
        createCountry(input: $input) { ${validationFields} ... on MutationCreateCountrySuccess { data { ${countryFields} } } }
      }`,
      { input: { code: code ?? "", name: name ?? "" } },
    );
    return { data: dataOf(createCountry) as never };
  },
  /** Renames only: a country's code is its identity. */
  async update(_resource, params) {
    const { name } = params.data as { name?: string };
    const { renameCountry } = await staffGraphql<{ renameCountry: Result<CountryRecord> }>(
      `mutation RenameCountry($code: String!, $name: String!) {
        renameCountry(code: $code, name: $name) { ${validationFields} ... on MutationRenameCountrySuccess { data { ${countryFields} } } }
      }`,
      { code: String(params.id), name: name ?? "" },
    );
    return { data: dataOf(renameCountry) as never };
  },
};

// ---------------------------------------------------------------- services

export async function listServices(signal?: AbortSignal): Promise<ServiceRecord[]> {
  const { catalogueServices } = await staffGraphql<{ catalogueServices: ServiceRecord[] }>(
    `query CatalogueServices { catalogueServices { ${serviceFields} } }`,
    {},
    signal,
  );
  return catalogueServices;
}

export const serviceQueries: ResourceQueries = {
  async getList(_resource, params) {
    return page(await listServices(params.signal), params);
  },
  async getMany(_resource, params) {
    const ids = new Set(params.ids.map(String));
    return { data: (await listServices(params.signal)).filter((service) => ids.has(service.id)) as never[] };
  },
  async getOne(_resource, params) {
    const service = (await listServices(params.signal)).find((each) => each.id === String(params.id));
    if (!service) throw new HttpError(`The service ${params.id} was not found.`, 404);
    return { data: service as never };
  },
  async create(_resource, params) {
    const { code, name, codePattern } = params.data as Partial<ServiceRecord>;
    const { createService } = await staffGraphql<{ createService: Result<ServiceRecord> }>(
      `mutation CreateService($input: CreateServiceInput!) {
        createService(input: $input) { ${validationFields} ... on MutationCreateServiceSuccess { data { ${serviceFields} } } }
      }`,
      { input: { code: code ?? "", name: name ?? "", codePattern: codePattern?.trim() || null } },
    );
    return { data: dataOf(createService) as never };
  },
  /** The name and the code pattern; an empty pattern goes back to the default. */
  async update(_resource, params) {
    const { name, codePattern } = params.data as Partial<ServiceRecord>;
    const { updateService } = await staffGraphql<{ updateService: Result<ServiceRecord> }>(
      `mutation UpdateService($code: String!, $input: UpdateServiceInput!) {
        updateService(code: $code, input: $input) { ${validationFields} ... on MutationUpdateServiceSuccess { data { ${serviceFields} } } }
      }`,
      { code: String(params.id), input: { name: name ?? "", codePattern: codePattern?.trim() || null } },
    );
    return { data: dataOf(updateService) as never };
  },
};

// ---------------------------------------------------------------- prices

async function listPrices(
  filter: { countryCode?: string | null; serviceCode?: string | null },
  signal?: AbortSignal,
): Promise<PriceRecord[]> {
  const { cataloguePrices } = await staffGraphql<{ cataloguePrices: PriceRecord[] }>(
    `query CataloguePrices($countryCode: String, $serviceCode: String) {
      cataloguePrices(countryCode: $countryCode, serviceCode: $serviceCode) { ${priceFields} }
    }`,
    { countryCode: filter.countryCode || null, serviceCode: filter.serviceCode || null },
    signal,
  );
  return cataloguePrices;
}

/** A price's id is COUNTRY/service. */
function pairOf(id: unknown): { countryCode: string; serviceCode: string } {
  const [countryCode = "", serviceCode = ""] = String(id).split("/");
  return { countryCode, serviceCode };
}

async function setPrice(input: { countryCode: string; serviceCode: string; amountMinor: unknown }): Promise<PriceRecord> {
  const { setPrice: result } = await staffGraphql<{ setPrice: Result<PriceRecord> }>(
    `mutation SetPrice($input: SetPriceInput!) {
      setPrice(input: $input) { ${validationFields} ... on MutationSetPriceSuccess { data { ${priceFields} } } }
    }`,
    {
      input: {
        countryCode: input.countryCode,
        serviceCode: input.serviceCode,
        // The form's number input gives a number (or null when empty); the API checks the range.
        amountMinor: Number.isSafeInteger(input.amountMinor) ? input.amountMinor : 0,
        currency: priceCurrency,
      },
    },
  );
  return dataOf(result);
}

export const priceQueries: ResourceQueries = {
  async getList(_resource, params) {
    const filter = params.filter as { countryCode?: string; serviceCode?: string } | undefined;
    return page(await listPrices(filter ?? {}, params.signal), params);
  },
  async getOne(_resource, params) {
    const [price] = await listPrices(pairOf(params.id), params.signal);
    if (!price) throw new HttpError(`There is no price ${params.id}.`, 404);
    return { data: price as never };
  },
  async create(_resource, params) {
    const data = params.data as Partial<PriceRecord>;
    return {
      data: (await setPrice({
        countryCode: data.countryCode ?? "",
        serviceCode: data.serviceCode ?? "",
        amountMinor: data.amountMinor,
      })) as never,
    };
  },
  async update(_resource, params) {
    const data = params.data as Partial<PriceRecord>;
    return { data: (await setPrice({ ...pairOf(params.id), amountMinor: data.amountMinor })) as never };
  },
  async delete(_resource, params) {
    const { removePrice } = await staffGraphql<{ removePrice: Result<PriceRecord> }>(
      `mutation RemovePrice($countryCode: String!, $serviceCode: String!) {
        removePrice(countryCode: $countryCode, serviceCode: $serviceCode) {
          ${errorFields} ... on MutationRemovePriceSuccess { data { ${priceFields} } }
        }
      }`,
      pairOf(params.id),
    );
    return { data: dataOf(removePrice) as never };
  },
};

// ---------------------------------------------------------------- the pool

interface PoolNumberPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: Array<{ node: PoolNumberRecord }>;
}

interface PoolFilter {
  countryCode?: string;
  status?: NumberStatus;
  operatorRoute?: string;
  search?: string;
}

/**
 * The pool is paged by cursor. react-admin asks for page N: the cursors of
 * earlier pages are not kept, so the page is reached by skipping ahead in
 * steps of at most 100 (the API's largest page); pool pages are read one
 * after another, so this costs a page's worth of requests only when jumping.
 */
export const poolNumberQueries: ResourceQueries = {
  async getList(_resource, params) {
    const { page: pageNumber = 1, perPage = 25 } = params.pagination ?? {};
    const raw = (params.filter ?? {}) as PoolFilter;
    const filter = {
      countryCode: raw.countryCode || null,
      status: raw.status || null,
      operatorRoute: raw.operatorRoute?.trim() || null,
      search: raw.search?.trim() || null,
    };
    let after: string | null = null;
    let toSkip = (pageNumber - 1) * perPage;
    for (;;) {
      const first: number = toSkip > 0 ? Math.min(toSkip, 100) : Math.min(perPage, 100);
      const { poolNumbers }: { poolNumbers: PoolNumberPage } = await staffGraphql<{ poolNumbers: PoolNumberPage }>(
        `query PoolNumbers($filter: PoolNumberFilter, $first: Int, $after: String) {
          poolNumbers(filter: $filter, first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { ${numberFields} } }
          }
        }`,
        { filter, first, after },
        params.signal,
      );
      if (toSkip <= 0 || !poolNumbers.pageInfo.hasNextPage) {
        const data = toSkip > 0 ? [] : poolNumbers.edges.map((edge) => edge.node);
        return { data: data as never[], total: poolNumbers.totalCount };
      }
      toSkip -= poolNumbers.edges.length;
      after = poolNumbers.pageInfo.endCursor;
    }
  },
};

/** The operator routes of the pool, for the list's filter. */
export async function listOperatorRoutes(signal?: AbortSignal): Promise<string[]> {
  const { operatorRoutes } = await staffGraphql<{ operatorRoutes: string[] }>(
    `query OperatorRoutes { operatorRoutes }`,
    {},
    signal,
  );
  return operatorRoutes;
}

export async function importNumbers(input: {
  countryCode: string;
  operatorRoute: string;
  lines: string[];
}): Promise<NumberImportResult> {
  const { importNumbers: result } = await staffGraphql<{ importNumbers: Result<NumberImportResult> }>(
    `mutation ImportNumbers($input: ImportNumbersInput!) {
      importNumbers(input: $input) {
        ${validationFields}
        ... on MutationImportNumbersSuccess {
          data { countryCode operatorRoute imported rejected lines { line input phoneNumber outcome message } }
        }
      }
    }`,
    { input },
  );
  return dataOf(result);
}

export async function retireNumber(id: string): Promise<PoolNumberRecord> {
  const { retireNumber: result } = await staffGraphql<{ retireNumber: Result<PoolNumberRecord> }>(
    `mutation RetireNumber($id: ID!) {
      retireNumber(id: $id) { ${errorFields} ... on MutationRetireNumberSuccess { data { ${numberFields} } } }
    }`,
    { id },
  );
  return dataOf(result);
}

export async function numberAvailability(countryCode: string | null, signal?: AbortSignal): Promise<AvailabilityRow[]> {
  const { numberAvailability: rows } = await staffGraphql<{ numberAvailability: AvailabilityRow[] }>(
    `query NumberAvailability($countryCode: String) {
      numberAvailability(countryCode: $countryCode) { id countryCode serviceCode offered available quarantined inUse retired disabled }
    }`,
    { countryCode },
    signal,
  );
  return rows;
}
