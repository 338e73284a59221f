/**
 * The catalogue and the pool of numbers through the staff API (ADMIN,
 * `catalogue.manage`): countries, services with their code patterns, prices,
 * the pool's numbers (list, import, retire) and availability per service.
 */
import { HttpError } from "react-admin";
import { graphql } from "../generated/gql.ts";
import type {
  CatalogueCountryFieldsFragment,
  CataloguePriceFieldsFragment,
  CatalogueServiceFieldsFragment,
  ImportNumbersMutation,
  NumberAvailabilityQuery,
  NumberStatus,
  PoolNumberFieldsFragment,
  PoolNumbersQuery,
} from "../generated/graphql.ts";
import type { ResourceQueries } from "./index.ts";
import { type Succeeded, staffGraphql, succeeded } from "./staffGraphql.ts";

export type { NumberStatus };
export const numberStatuses = ["AVAILABLE", "ASSIGNED", "DISABLED", "RETIRED"] as const satisfies readonly NumberStatus[];

/** The currency balances are kept in, and so prices. */
export const priceCurrency = "USD";
/** Lines one import takes (the API refuses more). */
export const importBatchMaxLines = 1000;

graphql(`
  fragment CatalogueCountryFields on CatalogueCountry { id code name }
`);
graphql(`
  fragment CatalogueServiceFields on CatalogueService { id code name codePattern }
`);
graphql(`
  fragment CataloguePriceFields on CataloguePrice { id countryCode serviceCode amountMinor currency }
`);
graphql(`
  fragment PoolNumberFields on PoolNumber { id phoneNumber countryCode operatorRoute status createdAt retiredAt }
`);

export type CountryRecord = CatalogueCountryFieldsFragment;
export type ServiceRecord = CatalogueServiceFieldsFragment;
export type PoolNumberRecord = PoolNumberFieldsFragment;
export type NumberImportResult = Succeeded<ImportNumbersMutation["importNumbers"]>["data"];
export type AvailabilityRow = NumberAvailabilityQuery["numberAvailability"][number];

export interface PriceRecord extends Omit<CataloguePriceFieldsFragment, "amountMinor"> {
  /** COUNTRY/service, e.g. GB/telegram. */
  id: string;
  /** A price is far below 2^53 minor units, so a plain number (the API sends a larger BigInt as a string). */
  amountMinor: number;
}

function priceRecord(price: CataloguePriceFieldsFragment): PriceRecord {
  return { ...price, amountMinor: Number(price.amountMinor) };
}

interface ErrorResult {
  __typename: string;
  code: string;
  message: string;
  issues?: Array<{ field: string; message: string }>;
}

/**
 * A typed error becomes an HttpError with the API's message; a validation
 * error's issues (and a refused code pattern) are also given per form field,
 * which react-admin's forms show under each input.
 */
function failed(result: ErrorResult): never {
  const fieldErrors: Record<string, string> = Object.fromEntries(
    (result.issues ?? []).map((issue) => [issue.field, issue.message]),
  );
  if (result.code === "INVALID_CODE_PATTERN") fieldErrors.codePattern = result.message;
  const errors = Object.keys(fieldErrors).length ? { ...fieldErrors, root: { serverError: result.message } } : undefined;
  throw new HttpError(result.message, 400, { code: result.code, ...(errors ? { errors } : {}) });
}

function dataOf<Result>(result: Result): Succeeded<Result>["data"] {
  if (!succeeded(result)) failed(result as ErrorResult);
  return result.data;
}

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
  const { catalogueCountries } = await staffGraphql(
    graphql(`query CatalogueCountries { catalogueCountries { ...CatalogueCountryFields } }`),
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
    const { createCountry } = await staffGraphql(
      graphql(`mutation CreateCountry($input: CreateCountryInput!) {
        createCountry(input: $input) {
          __typename ... on Error { code message } ... on ValidationError { issues { field message } }
          ... on MutationCreateCountrySuccess { data { ...CatalogueCountryFields } }
        }
      }`),
      { input: { code: code ?? "", name: name ?? "" } },
    );
    return { data: dataOf(createCountry) as never };
  },
  /** Renames only: a country's code is its identity. */
  async update(_resource, params) {
    const { name } = params.data as { name?: string };
    const { renameCountry } = await staffGraphql(
      graphql(`mutation RenameCountry($code: String!, $name: String!) {
        renameCountry(code: $code, name: $name) {
          __typename ... on Error { code message } ... on ValidationError { issues { field message } }
          ... on MutationRenameCountrySuccess { data { ...CatalogueCountryFields } }
        }
      }`),
      { code: String(params.id), name: name ?? "" },
    );
    return { data: dataOf(renameCountry) as never };
  },
};

// ---------------------------------------------------------------- services

export async function listServices(signal?: AbortSignal): Promise<ServiceRecord[]> {
  const { catalogueServices } = await staffGraphql(
    graphql(`query CatalogueServices { catalogueServices { ...CatalogueServiceFields } }`),
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
    const { createService } = await staffGraphql(
      graphql(`mutation CreateService($input: CreateServiceInput!) {
        createService(input: $input) {
          __typename ... on Error { code message } ... on ValidationError { issues { field message } }
          ... on MutationCreateServiceSuccess { data { ...CatalogueServiceFields } }
        }
      }`),
      { input: { code: code ?? "", name: name ?? "", codePattern: codePattern?.trim() || null } },
    );
    return { data: dataOf(createService) as never };
  },
  /** The name and the code pattern; an empty pattern goes back to the default. */
  async update(_resource, params) {
    const { name, codePattern } = params.data as Partial<ServiceRecord>;
    const { updateService } = await staffGraphql(
      graphql(`mutation UpdateService($code: String!, $input: UpdateServiceInput!) {
        updateService(code: $code, input: $input) {
          __typename ... on Error { code message } ... on ValidationError { issues { field message } }
          ... on MutationUpdateServiceSuccess { data { ...CatalogueServiceFields } }
        }
      }`),
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
  const { cataloguePrices } = await staffGraphql(
    graphql(`query CataloguePrices($countryCode: String, $serviceCode: String) {
      cataloguePrices(countryCode: $countryCode, serviceCode: $serviceCode) { ...CataloguePriceFields }
    }`),
    { countryCode: filter.countryCode || null, serviceCode: filter.serviceCode || null },
    signal,
  );
  return cataloguePrices.map(priceRecord);
}

/** A price's id is COUNTRY/service. */
function pairOf(id: unknown): { countryCode: string; serviceCode: string } {
  const [countryCode = "", serviceCode = ""] = String(id).split("/");
  return { countryCode, serviceCode };
}

async function setPrice(input: { countryCode: string; serviceCode: string; amountMinor: unknown }): Promise<PriceRecord> {
  const { setPrice: result } = await staffGraphql(
    graphql(`mutation SetPrice($input: SetPriceInput!) {
      setPrice(input: $input) {
        __typename ... on Error { code message } ... on ValidationError { issues { field message } }
        ... on MutationSetPriceSuccess { data { ...CataloguePriceFields } }
      }
    }`),
    {
      input: {
        countryCode: input.countryCode,
        serviceCode: input.serviceCode,
        // The form's number input gives a number (or null when empty); the API checks the range.
        amountMinor: String(Number.isSafeInteger(input.amountMinor) ? input.amountMinor : 0),
        currency: priceCurrency,
      },
    },
  );
  return priceRecord(dataOf(result));
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
    const { removePrice } = await staffGraphql(
      graphql(`mutation RemovePrice($countryCode: String!, $serviceCode: String!) {
        removePrice(countryCode: $countryCode, serviceCode: $serviceCode) {
          __typename ... on Error { code message }
          ... on MutationRemovePriceSuccess { data { ...CataloguePriceFields } }
        }
      }`),
      pairOf(params.id),
    );
    return { data: priceRecord(dataOf(removePrice)) as never };
  },
};

// ---------------------------------------------------------------- the pool

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
      const { poolNumbers }: PoolNumbersQuery = await staffGraphql(
        graphql(`query PoolNumbers($filter: PoolNumberFilter, $first: Int, $after: String) {
          poolNumbers(filter: $filter, first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { ...PoolNumberFields } }
          }
        }`),
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
  const { operatorRoutes } = await staffGraphql(graphql(`query OperatorRoutes { operatorRoutes }`), {}, signal);
  return operatorRoutes;
}

export async function importNumbers(input: {
  countryCode: string;
  operatorRoute: string;
  lines: string[];
}): Promise<NumberImportResult> {
  const { importNumbers: result } = await staffGraphql(
    graphql(`mutation ImportNumbers($input: ImportNumbersInput!) {
      importNumbers(input: $input) {
        __typename ... on Error { code message } ... on ValidationError { issues { field message } }
        ... on MutationImportNumbersSuccess {
          data { countryCode operatorRoute imported rejected lines { line input phoneNumber outcome message } }
        }
      }
    }`),
    { input },
  );
  return dataOf(result);
}

export async function retireNumber(id: string): Promise<PoolNumberRecord> {
  const { retireNumber: result } = await staffGraphql(
    graphql(`mutation RetireNumber($id: ID!) {
      retireNumber(id: $id) {
        __typename ... on Error { code message }
        ... on MutationRetireNumberSuccess { data { ...PoolNumberFields } }
      }
    }`),
    { id },
  );
  return dataOf(result);
}

export async function numberAvailability(countryCode: string | null, signal?: AbortSignal): Promise<AvailabilityRow[]> {
  const { numberAvailability: rows } = await staffGraphql(
    graphql(`query NumberAvailability($countryCode: String) {
      numberAvailability(countryCode: $countryCode) { id countryCode serviceCode offered available quarantined inUse retired disabled }
    }`),
    { countryCode },
    signal,
  );
  return rows;
}
