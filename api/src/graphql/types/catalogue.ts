/**
 * The catalogue: public, no sign-in needed. Top-level lists are Relay
 * connections like every list of the API; the catalogue is small, so a client
 * can ask for `first: 100` and get it whole.
 */
import {
  availableNumberCount,
  ServiceNotOfferedError,
  UnknownCountryError,
  UnknownServiceError,
} from "../../domain/catalogue/catalogue.ts";
import { builder } from "../builder.ts";
import { registerErrorType } from "./errors.ts";

registerErrorType(UnknownServiceError, "UnknownServiceError", ["customer"]);
registerErrorType(UnknownCountryError, "UnknownCountryError", ["customer"]);
registerErrorType(ServiceNotOfferedError, "ServiceNotOfferedError", ["customer"]);

builder.prismaObject("Country", {
  subGraphs: ["customer"],
  description: "A country numbers are offered in.",
  fields: (t) => ({
    code: t.exposeString("code", { description: "ISO 3166-1 alpha-2 code, e.g. GB." }),
    name: t.exposeString("name"),
  }),
});

builder.prismaObject("Service", {
  subGraphs: ["customer"],
  description: "A service numbers receive verification codes for (telegram, whatsapp, ...).",
  fields: (t) => ({
    code: t.exposeString("code"),
    name: t.exposeString("name"),
  }),
});

builder.prismaObject("Price", {
  subGraphs: ["customer"],
  description: "What a number for a service in a country costs, and how many are free right now.",
  fields: (t) => ({
    country: t.relation("country"),
    service: t.relation("service"),
    amountMinor: t.expose("amountMinor", { type: "BigInt", description: "In minor units of `currency` (cents)." }),
    currency: t.exposeString("currency"),
    availableNumbers: t.int({
      description: "Numbers of the country in the pool and not resting in quarantine for the service.",
      resolve: (price, _args, { services }) =>
        availableNumberCount(services.db, price.countryCode, price.serviceCode, services.now()),
    }),
  }),
});

builder.queryFields((t) => ({
  countries: t.prismaConnection({
    type: "Country",
    cursor: "code",
    subGraphs: ["customer"],
    description: "Countries numbers are offered in, by code.",
    resolve: (query, _root, _args, { services }) => services.db.country.findMany({ ...query, orderBy: { code: "asc" } }),
  }),
  services: t.prismaConnection({
    type: "Service",
    cursor: "code",
    subGraphs: ["customer"],
    description: "Services numbers are offered for, by code.",
    resolve: (query, _root, _args, { services }) => services.db.service.findMany({ ...query, orderBy: { code: "asc" } }),
  }),
  prices: t.prismaConnection({
    type: "Price",
    cursor: "countryCode_serviceCode",
    subGraphs: ["customer"],
    description: "Prices per country and service; narrow them to one country and/or one service.",
    args: {
      country: t.arg.string({ required: false, description: "A country code, e.g. GB." }),
      service: t.arg.string({ required: false, description: "A service code, e.g. telegram." }),
    },
    resolve: (query, _root, args, { services }) =>
      services.db.price.findMany({
        ...query,
        where: {
          ...(args.country ? { countryCode: args.country.trim().toUpperCase() } : {}),
          ...(args.service ? { serviceCode: args.service.trim().toLowerCase() } : {}),
        },
        orderBy: [{ countryCode: "asc" }, { serviceCode: "asc" }],
      }),
  }),
}));
