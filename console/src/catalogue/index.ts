import { CountryCreate, CountryEdit, CountryList } from "./CountryPages.tsx";
import { PriceCreate, PriceEdit, PriceList } from "./PricePages.tsx";
import { ServiceCreate, ServiceEdit, ServiceList } from "./ServicePages.tsx";

/** The catalogue (ADMIN, `catalogue.manage`): countries, services with their code patterns, prices. */
export const catalogueCountries = {
  list: CountryList,
  create: CountryCreate,
  edit: CountryEdit,
  options: { label: "smsape.catalogue.countries" },
  recordRepresentation: "code",
};

export const catalogueServices = {
  list: ServiceList,
  create: ServiceCreate,
  edit: ServiceEdit,
  options: { label: "smsape.catalogue.services" },
  recordRepresentation: "code",
};

export const cataloguePrices = {
  list: PriceList,
  create: PriceCreate,
  edit: PriceEdit,
  options: { label: "smsape.catalogue.prices" },
  recordRepresentation: "id",
};
