/**
 * The catalogue and the pool of numbers on the staff API (ADMIN,
 * `catalogue.manage`): countries, services with their code patterns, prices,
 * importing and retiring numbers, the pool's listing and its availability per
 * service. Who may do what, and what is audited, is decided in
 * domain/catalogue/; these are staff-only types, apart from the customer
 * API's Country, Service and Price. A pool number never names the account
 * holding it.
 */
import {
  createCountry,
  createService,
  listCatalogueCountries,
  listCataloguePrices,
  listCatalogueServices,
  removePrice,
  renameCountry,
  setPrice,
  updateService,
} from "../../domain/catalogue/catalogue-administration.ts";
import { CodePatternError, type CodePatternProblem } from "../../domain/catalogue/code-patterns.ts";
import {
  countPoolNumbers,
  type ImportLine,
  type ImportLineOutcome,
  importBatchMaxLines,
  importNumbers,
  listOperatorRoutes,
  listPoolNumbers,
  type NumberAvailability,
  type NumberImport,
  numberAvailability,
  type PoolFilter,
  retireNumber,
} from "../../domain/catalogue/number-pool.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { builder } from "../builder.ts";
import { signedInStaff } from "../viewer.ts";
import { ErrorInterface } from "./errors.ts";

const staff = ["staff"] as Array<"staff">;
const manage = { staffCan: "catalogue.manage" } as const;

// ---------------------------------------------------------------- types

const CodePatternProblemEnum = builder.enumType("CodePatternProblem", {
  subGraphs: staff,
  values: {
    TOO_LONG: { description: "Longer than 200 characters." },
    DOES_NOT_COMPILE: { description: "Not a valid JavaScript regular expression." },
    NO_CAPTURING_GROUP: { description: "No group to read the code from." },
    CATASTROPHIC_BACKTRACKING: { description: "A repetition inside a repeated group: exponential time on some texts." },
  } satisfies Record<CodePatternProblem, { description: string }>,
});

builder.objectType(CodePatternError, {
  name: "CodePatternError",
  subGraphs: staff,
  interfaces: [ErrorInterface] as never,
  description: "A service's code pattern was refused; nothing was saved.",
  isTypeOf: (value) => value instanceof CodePatternError,
  fields: (t) => ({
    code: t.exposeString("code"),
    message: t.exposeString("message"),
    problem: t.field({ type: CodePatternProblemEnum, resolve: (error) => error.problem }),
  }),
});

const CatalogueCountry = builder.prismaObject("Country", {
  variant: "CatalogueCountry",
  subGraphs: staff,
  description: "A country of the catalogue, as staff keep it.",
  fields: (t) => ({
    id: t.exposeID("code", { description: "The country's code." }),
    code: t.exposeString("code", { description: "ISO 3166-1 alpha-2 code, e.g. GB." }),
    name: t.exposeString("name"),
  }),
});

const CatalogueService = builder.prismaObject("Service", {
  variant: "CatalogueService",
  subGraphs: staff,
  description: "A service of the catalogue, with the pattern that finds the code in its SMS.",
  fields: (t) => ({
    id: t.exposeID("code", { description: "The service's code." }),
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    codePattern: t.exposeString("codePattern", {
      nullable: true,
      description: "A regular expression whose first group is the code; null means the default, 4 to 8 digits.",
    }),
  }),
});

const CataloguePrice = builder.prismaObject("Price", {
  variant: "CataloguePrice",
  subGraphs: staff,
  description: "What a number for a service in a country costs. Without a price, the pair is not offered.",
  fields: (t) => ({
    id: t.string({
      description: "COUNTRY/service, e.g. GB/telegram.",
      resolve: (price) => `${price.countryCode}/${price.serviceCode}`,
    }),
    countryCode: t.exposeString("countryCode"),
    serviceCode: t.exposeString("serviceCode"),
    amountMinor: t.expose("amountMinor", { type: "BigInt", description: "In minor units of `currency` (cents)." }),
    currency: t.exposeString("currency"),
  }),
});

const NumberStatusEnum = builder.enumType("NumberStatus", {
  subGraphs: staff,
  values: {
    AVAILABLE: { description: "In the pool: can be ordered (unless resting from the service)." },
    ASSIGNED: { description: "Serving an activation." },
    DISABLED: { description: "Out of the pool for now." },
    RETIRED: { description: "Out of the pool for good; never handed out again." },
  } as const,
});

const PoolNumber = builder.prismaObject("VirtualNumber", {
  variant: "PoolNumber",
  subGraphs: staff,
  description: "A number of the service's own pool. Whether it is in use shows in its status, never by which account.",
  fields: (t) => ({
    id: t.exposeID("id"),
    phoneNumber: t.exposeString("phoneNumber", { description: "E.164." }),
    countryCode: t.exposeString("countryCode"),
    operatorRoute: t.exposeString("operatorRoute", {
      nullable: true,
      description: "The upstream operator's route; null for numbers added before routes were recorded.",
    }),
    status: t.expose("status", { type: NumberStatusEnum }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    retiredAt: t.expose("retiredAt", { type: "DateTime", nullable: true }),
  }),
});

const ImportLineOutcomeEnum = builder.enumType("NumberImportOutcome", {
  subGraphs: staff,
  values: {
    IMPORTED: { description: "Added to the pool." },
    NOT_E164: { description: "Not written as + and up to 15 digits." },
    NOT_A_VALID_NUMBER: { description: "Not a number its country's numbering plan issues." },
    WRONG_COUNTRY: { description: "A number of another country than the batch's." },
    DUPLICATE_IN_BATCH: { description: "The same number appears earlier in the batch." },
    ALREADY_IN_POOL: { description: "The pool already has the number." },
  } satisfies Record<ImportLineOutcome, { description: string }>,
});

const NumberImportLine = builder.objectRef<ImportLine>("NumberImportLine").implement({
  subGraphs: staff,
  fields: (t) => ({
    line: t.exposeInt("line", { description: "The line's number in the pasted text, from 1." }),
    input: t.exposeString("input", { description: "The line as pasted, trimmed." }),
    phoneNumber: t.exposeString("phoneNumber", { nullable: true, description: "In E.164, when the line parsed." }),
    outcome: t.expose("outcome", { type: ImportLineOutcomeEnum }),
    message: t.exposeString("message"),
  }),
});

const NumberImportType = builder.objectRef<NumberImport>("NumberImport").implement({
  subGraphs: staff,
  description: "What an import did, line by line. Lines not imported were skipped; the rest was written in one transaction.",
  fields: (t) => ({
    countryCode: t.exposeString("countryCode"),
    operatorRoute: t.exposeString("operatorRoute"),
    imported: t.exposeInt("imported"),
    rejected: t.exposeInt("rejected"),
    lines: t.field({ type: [NumberImportLine], resolve: (result) => result.lines }),
  }),
});

const NumberAvailabilityType = builder.objectRef<NumberAvailability>("NumberAvailability").implement({
  subGraphs: staff,
  description:
    "How a country's numbers stand for one service. available + quarantined + inUse + retired + disabled = the country's numbers.",
  fields: (t) => ({
    id: t.string({ description: "COUNTRY/service.", resolve: (row) => `${row.countryCode}/${row.serviceCode}` }),
    countryCode: t.exposeString("countryCode"),
    serviceCode: t.exposeString("serviceCode"),
    offered: t.exposeBoolean("offered", { description: "Whether the pair has a price: without one, no order is taken." }),
    available: t.exposeInt("available", { description: "Free and not resting from the service: can be ordered for it now." }),
    quarantined: t.exposeInt("quarantined", { description: "Free, but resting from the service after serving it." }),
    inUse: t.exposeInt("inUse", { description: "Serving an activation (for any service)." }),
    retired: t.exposeInt("retired"),
    disabled: t.exposeInt("disabled"),
  }),
});

// ---------------------------------------------------------------- inputs

const CreateCountryInput = builder.inputType("CreateCountryInput", {
  subGraphs: staff,
  fields: (t) => ({
    code: t.string({ required: true, description: "ISO 3166-1 alpha-2 code of a country with phone numbers, e.g. GB." }),
    name: t.string({ required: true }),
  }),
});

const CreateServiceInput = builder.inputType("CreateServiceInput", {
  subGraphs: staff,
  fields: (t) => ({
    code: t.string({ required: true, description: "Lowercase letters, digits, - and _, e.g. telegram." }),
    name: t.string({ required: true }),
    codePattern: t.string({
      required: false,
      description: "A regular expression whose first group is the code; none for the default.",
    }),
  }),
});

const UpdateServiceInput = builder.inputType("UpdateServiceInput", {
  subGraphs: staff,
  fields: (t) => ({
    name: t.string({ required: false, description: "Left out: unchanged." }),
    codePattern: t.string({
      required: false,
      description: "Left out: unchanged. Null or empty: back to the default pattern (4 to 8 digits).",
    }),
  }),
});

const SetPriceInput = builder.inputType("SetPriceInput", {
  subGraphs: staff,
  fields: (t) => ({
    countryCode: t.string({ required: true }),
    serviceCode: t.string({ required: true }),
    amountMinor: t.field({ type: "BigInt", required: true, description: "Greater than 0, in minor units (cents)." }),
    currency: t.string({ required: false, description: "USD, the currency balances are kept in (the default)." }),
  }),
});

const ImportNumbersInput = builder.inputType("ImportNumbersInput", {
  subGraphs: staff,
  fields: (t) => ({
    countryCode: t.string({ required: true }),
    operatorRoute: t.string({ required: true, description: "The upstream operator's route, e.g. uk-mobile-1." }),
    lines: t.stringList({
      required: true,
      description: `One number per line in E.164 (a string may hold several lines); at most ${importBatchMaxLines}.`,
    }),
  }),
});

const PoolFilterInput = builder.inputType("PoolNumberFilter", {
  subGraphs: staff,
  fields: (t) => ({
    countryCode: t.string({ required: false }),
    status: t.field({ type: NumberStatusEnum, required: false }),
    operatorRoute: t.string({ required: false }),
    search: t.string({ required: false, description: "Digits anywhere in the number, e.g. its last four." }),
  }),
});

const filterOf = (filter: PoolFilter | null | undefined): PoolFilter => filter ?? {};

// ---------------------------------------------------------------- queries

builder.queryFields((t) => ({
  catalogueCountries: t.field({
    type: [CatalogueCountry],
    subGraphs: staff,
    authScopes: manage,
    description: "Every country of the catalogue, by code.",
    resolve: (_root, _args, { services, viewer }) => listCatalogueCountries(services, signedInStaff(viewer)),
  }),
  catalogueServices: t.field({
    type: [CatalogueService],
    subGraphs: staff,
    authScopes: manage,
    description: "Every service of the catalogue, by code.",
    resolve: (_root, _args, { services, viewer }) => listCatalogueServices(services, signedInStaff(viewer)),
  }),
  cataloguePrices: t.field({
    type: [CataloguePrice],
    subGraphs: staff,
    authScopes: manage,
    description: "Prices by country then service; narrow them to a country and/or a service.",
    args: { countryCode: t.arg.string({ required: false }), serviceCode: t.arg.string({ required: false }) },
    resolve: (_root, args, { services, viewer }) => listCataloguePrices(services, signedInStaff(viewer), args),
  }),
  poolNumbers: t.prismaConnection(
    {
      type: PoolNumber,
      cursor: "phoneNumber",
      subGraphs: staff,
      authScopes: manage,
      description: "The pool's numbers by number, filtered.",
      args: { filter: t.arg({ type: PoolFilterInput, required: false }) },
      totalCount: (_connection, { filter }, { services, viewer }) =>
        countPoolNumbers(services, signedInStaff(viewer), filterOf(filter)),
      resolve: (query, _root, { filter }, { services, viewer }) =>
        listPoolNumbers(services, signedInStaff(viewer), filterOf(filter), query),
    },
    { name: "PoolNumberConnection", subGraphs: staff },
    { name: "PoolNumberEdge", subGraphs: staff },
  ),
  operatorRoutes: t.stringList({
    subGraphs: staff,
    authScopes: manage,
    description: "The operator routes the pool's numbers are reached through.",
    resolve: (_root, _args, { services, viewer }) => listOperatorRoutes(services, signedInStaff(viewer)),
  }),
  numberAvailability: t.field({
    type: [NumberAvailabilityType],
    subGraphs: staff,
    authScopes: manage,
    description: "For each country (or the one given) and service: numbers available, quarantined, in use, retired.",
    args: { countryCode: t.arg.string({ required: false }) },
    resolve: (_root, args, { services, viewer }) => numberAvailability(services, signedInStaff(viewer), args),
  }),
}));

// ---------------------------------------------------------------- mutations

builder.mutationFields((t) => ({
  createCountry: t.field({
    type: CatalogueCountry,
    subGraphs: staff,
    authScopes: manage,
    args: { input: t.arg({ type: CreateCountryInput, required: true }) },
    errors: { types: [ValidationError, ConflictError], union: { name: "CreateCountryResult", subGraphs: staff } },
    resolve: (_root, { input }, { services, viewer }) => createCountry(services, signedInStaff(viewer), input),
  }),
  renameCountry: t.field({
    type: CatalogueCountry,
    subGraphs: staff,
    authScopes: manage,
    args: { code: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    errors: { types: [ValidationError, NotFoundError], union: { name: "RenameCountryResult", subGraphs: staff } },
    resolve: (_root, { code, name }, { services, viewer }) => renameCountry(services, signedInStaff(viewer), code, { name }),
  }),
  createService: t.field({
    type: CatalogueService,
    subGraphs: staff,
    authScopes: manage,
    args: { input: t.arg({ type: CreateServiceInput, required: true }) },
    errors: {
      types: [ValidationError, CodePatternError, ConflictError],
      union: { name: "CreateServiceResult", subGraphs: staff },
    },
    resolve: (_root, { input }, { services, viewer }) => createService(services, signedInStaff(viewer), input),
  }),
  updateService: t.field({
    type: CatalogueService,
    subGraphs: staff,
    authScopes: manage,
    args: { code: t.arg.string({ required: true }), input: t.arg({ type: UpdateServiceInput, required: true }) },
    errors: {
      types: [ValidationError, CodePatternError, NotFoundError],
      union: { name: "UpdateServiceResult", subGraphs: staff },
    },
    resolve: (_root, { code, input }, { services, viewer }) => updateService(services, signedInStaff(viewer), code, input),
  }),
  setPrice: t.field({
    type: CataloguePrice,
    subGraphs: staff,
    authScopes: manage,
    description: "Sets the price of a number for the service in the country; a pair without a price becomes offered.",
    args: { input: t.arg({ type: SetPriceInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError], union: { name: "SetPriceResult", subGraphs: staff } },
    resolve: (_root, { input }, { services, viewer }) => setPrice(services, signedInStaff(viewer), input),
  }),
  removePrice: t.field({
    type: CataloguePrice,
    subGraphs: staff,
    authScopes: manage,
    description: "Stops offering the service in the country; returns the price removed.",
    args: { countryCode: t.arg.string({ required: true }), serviceCode: t.arg.string({ required: true }) },
    errors: { types: [NotFoundError], union: { name: "RemovePriceResult", subGraphs: staff } },
    resolve: (_root, args, { services, viewer }) => removePrice(services, signedInStaff(viewer), args),
  }),
  importNumbers: t.field({
    type: NumberImportType,
    subGraphs: staff,
    authScopes: manage,
    description: "Imports numbers into the pool of a country for an operator route, reporting each line's outcome.",
    args: { input: t.arg({ type: ImportNumbersInput, required: true }) },
    errors: { types: [ValidationError, NotFoundError], union: { name: "ImportNumbersResult", subGraphs: staff } },
    resolve: (_root, { input }, { services, viewer }) => importNumbers(services, signedInStaff(viewer), input),
  }),
  retireNumber: t.field({
    type: PoolNumber,
    subGraphs: staff,
    authScopes: manage,
    description: "Takes a number out of the pool for good; an activation running on it is left to finish.",
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], union: { name: "RetireNumberResult", subGraphs: staff } },
    resolve: (_root, { id }, { services, viewer }) => retireNumber(services, signedInStaff(viewer), String(id)),
  }),
}));
