/**
 * The catalogue on the staff API: an ADMIN adds and renames countries, adds
 * services and changes their code patterns, sets and removes prices. Bad
 * input is refused with a typed error naming what is wrong, and nothing is
 * written; every change is audited in its own transaction; SUPPORT and
 * COMPLIANCE are refused. The customer API sees each change at once.
 */
import {
  createCustomer,
  createStaffMember,
  GraphqlClient,
  startTestApp,
  type TestApp,
  type TestCustomer,
  type TestStaffMember,
} from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
let admin: TestStaffMember;

beforeAll(async () => {
  app = await startTestApp();
  admin = await createStaffMember(app, { role: "ADMIN" });
});
afterAll(async () => {
  await app?.close();
});

const errorFields = "__typename ... on Error { code message }";
const validationFields = `${errorFields} ... on ValidationError { issues { field message } }`;

const operations = {
  createCountry: `mutation($input: CreateCountryInput!) {
    createCountry(input: $input) { ${validationFields} ... on MutationCreateCountrySuccess { data { code name } } }
  }`,
  renameCountry: `mutation($code: String!, $name: String!) {
    renameCountry(code: $code, name: $name) { ${validationFields} ... on MutationRenameCountrySuccess { data { code name } } }
  }`,
  createService: `mutation($input: CreateServiceInput!) {
    createService(input: $input) { ${validationFields} ... on CodePatternError { problem }
      ... on MutationCreateServiceSuccess { data { code name codePattern } } }
  }`,
  updateService: `mutation($code: String!, $input: UpdateServiceInput!) {
    updateService(code: $code, input: $input) { ${validationFields} ... on CodePatternError { problem }
      ... on MutationUpdateServiceSuccess { data { code name codePattern } } }
  }`,
  setPrice: `mutation($input: SetPriceInput!) {
    setPrice(input: $input) { ${validationFields} ... on MutationSetPriceSuccess { data { id countryCode serviceCode amountMinor currency } } }
  }`,
  removePrice: `mutation($countryCode: String!, $serviceCode: String!) {
    removePrice(countryCode: $countryCode, serviceCode: $serviceCode) { ${errorFields} ... on MutationRemovePriceSuccess { data { id } } }
  }`,
};

async function entriesAbout(subjectId: string) {
  return app.services.db.auditEntry.findMany({ where: { subjectId }, orderBy: { seq: "asc" } });
}

/** The codes the customer API found in an activation's SMS, sorted. */
async function codesOf(customer: TestCustomer, activationId: string): Promise<string[]> {
  const { activation } = await customer.client.data(
    `query($id: ID!) { activation(id: $id) { messages(first: 10) { edges { node { code } } } } }`,
    { id: activationId },
  );
  return activation.messages.edges.map((edge: { node: { code: string } }) => edge.node.code).sort();
}

const customerPrices = async (country: string) =>
  (
    await new GraphqlClient(app.url).data(
      `query($country: String) { prices(country: $country, first: 100) { edges { node { service { code } amountMinor } } } }`,
      { country },
    )
  ).prices.edges.map((edge: { node: { service: { code: string }; amountMinor: number } }) => [
    edge.node.service.code,
    edge.node.amountMinor,
  ]);

describe("countries", () => {
  it("an ADMIN adds a country by its ISO code and renames it; each change is audited with the member as actor", async () => {
    const { createCountry } = await admin.client.data(operations.createCountry, { input: { code: " fr ", name: "France" } });
    expect(createCountry).toEqual({ __typename: "MutationCreateCountrySuccess", data: { code: "FR", name: "France" } });
    const { renameCountry } = await admin.client.data(operations.renameCountry, { code: "FR", name: "République française" });
    expect(renameCountry.data).toEqual({ code: "FR", name: "République française" });

    const { catalogueCountries } = await admin.client.data(`{ catalogueCountries { code name } }`);
    expect(catalogueCountries).toContainEqual({ code: "FR", name: "République française" });
    expect((await entriesAbout("FR")).map((entry) => [entry.action, entry.actorId, entry.details])).toEqual([
      ["country.created", admin.staffUserId, {}],
      ["country.renamed", admin.staffUserId, { fields: ["name"] }],
    ]);
  });

  it("refuses a code that is not an ISO 3166-1 alpha-2 country with phone numbers, a blank name and a second GB, writing nothing", async () => {
    for (const code of ["ZZ", "GBR", "1A", ""]) {
      const { createCountry } = await admin.client.data(operations.createCountry, { input: { code, name: "Nowhere" } });
      expect(createCountry.__typename).toBe("ValidationError");
      expect(createCountry.issues).toEqual([{ field: "code", message: expect.stringContaining("ISO 3166-1 alpha-2") }]);
    }
    const blank = (await admin.client.data(operations.createCountry, { input: { code: "IT", name: "  " } })).createCountry;
    expect(blank.issues).toEqual([{ field: "name", message: "Give a name of 1 to 100 characters." }]);
    const again = (await admin.client.data(operations.createCountry, { input: { code: "GB", name: "Britain" } })).createCountry;
    expect(again).toMatchObject({ __typename: "ConflictError", code: "COUNTRY_EXISTS" });
    const unknown = (await admin.client.data(operations.renameCountry, { code: "IT", name: "Italy" })).renameCountry;
    expect(unknown).toMatchObject({ __typename: "NotFoundError", message: "The country IT was not found." });

    expect(await app.services.db.country.findMany({ where: { code: { in: ["ZZ", "IT"] } } })).toEqual([]);
    expect((await app.services.db.country.findUniqueOrThrow({ where: { code: "GB" } })).name).toBe("United Kingdom");
    expect(await entriesAbout("IT")).toEqual([]);
  });
});

describe("services and their code patterns", () => {
  it("an ADMIN adds a service with a code pattern and changes it; its SMS are read with its pattern, then with the default once cleared", async () => {
    const { createService } = await admin.client.data(operations.createService, {
      input: { code: "Signal", name: "Signal", codePattern: "SIGNAL code: (\\d{3}-\\d{3})" },
    });
    expect(createService.data).toEqual({ code: "signal", name: "Signal", codePattern: "SIGNAL code: (\\d{3}-\\d{3})" });
    // Offered in GB, the service's SMS are read with its pattern.
    await admin.client.data(operations.setPrice, { input: { countryCode: "GB", serviceCode: "signal", amountMinor: 10 } });
    const customer = await createCustomer(app, { balanceMinor: 100 });
    const activation = await customer.orderNumber({ service: "signal", country: "GB" });
    await activation.receiveSms("Your SIGNAL code: 123-456. Never share it; 999999 is not it.");
    expect(await codesOf(customer, activation.id)).toEqual(["123-456"]);

    const renamed = await admin.client.data(operations.updateService, {
      code: "signal",
      input: { name: "Signal Messenger", codePattern: "code (\\d{6})" },
    });
    expect(renamed.updateService.data).toEqual({ code: "signal", name: "Signal Messenger", codePattern: "code (\\d{6})" });
    // Null goes back to the default pattern; leaving the name out keeps it.
    const reset = await admin.client.data(operations.updateService, { code: "signal", input: { codePattern: null } });
    expect(reset.updateService.data).toEqual({ code: "signal", name: "Signal Messenger", codePattern: null });
    await activation.receiveSms("Your SIGNAL code: 654-321. Never share it; 999999 is not it.");
    expect(await codesOf(customer, activation.id)).toEqual(["123-456", "999999"]);

    expect((await entriesAbout("signal")).map((entry) => [entry.action, entry.details])).toEqual([
      ["service.created", { ownCodePattern: true }],
      ["service.updated", { fields: ["name", "codePattern"], ownCodePattern: true }],
      ["service.updated", { fields: ["codePattern"], ownCodePattern: false }],
    ]);
  });

  it.each([
    ["(\\d{6}", "DOES_NOT_COMPILE", /not a valid regular expression: unterminated group\.$/],
    ["code \\d{6}", "NO_CAPTURING_GROUP", /no capturing group/],
    ["(?:code) \\d{6}", "NO_CAPTURING_GROUP", /no capturing group/],
    ["((\\d+)+)$", "CATASTROPHIC_BACKTRACKING", /exponential time/],
    ["(a*)*b (\\d{4})", "CATASTROPHIC_BACKTRACKING", /exponential time/],
    [`(${"\\d".repeat(120)})`, "TOO_LONG", /longer than 200 characters/],
  ])("refuses the code pattern %s as %s, and keeps the service as it was", async (codePattern, problem, message) => {
    const created = await admin.client.data(operations.createService, {
      input: { code: `svc-${problem.toLowerCase().slice(0, 10)}`, name: "Refused", codePattern },
    });
    expect(created.createService).toMatchObject({ __typename: "CodePatternError", code: "INVALID_CODE_PATTERN", problem });
    expect(created.createService.message).toMatch(message);

    const updated = await admin.client.data(operations.updateService, {
      code: "telegram",
      input: { name: "Changed", codePattern },
    });
    expect(updated.updateService).toMatchObject({ __typename: "CodePatternError", problem });
    expect(await app.services.db.service.findUniqueOrThrow({ where: { code: "telegram" } })).toMatchObject({
      name: "Telegram",
      codePattern: null,
    });
    expect(await entriesAbout("telegram")).toEqual([]);
  });

  it("refuses a service code outside the allowed shape and an unknown service", async () => {
    const bad = await admin.client.data(operations.createService, { input: { code: "no spaces", name: "X" } });
    expect(bad.createService.issues).toEqual([{ field: "code", message: expect.stringContaining("lowercase letters") }]);
    const duplicate = await admin.client.data(operations.createService, { input: { code: "telegram", name: "Again" } });
    expect(duplicate.createService).toMatchObject({ __typename: "ConflictError", code: "SERVICE_EXISTS" });
    const unknown = await admin.client.data(operations.updateService, { code: "nothing", input: { name: "X" } });
    expect(unknown.updateService).toMatchObject({ __typename: "NotFoundError" });
  });
});

describe("prices", () => {
  it("an ADMIN sets a price (offering the pair) and changes and removes it; customers see each change", async () => {
    await admin.client.data(operations.createCountry, { input: { code: "NL", name: "Netherlands" } });
    expect(await customerPrices("NL")).toEqual([]);

    const set = await admin.client.data(operations.setPrice, {
      input: { countryCode: "nl", serviceCode: "telegram", amountMinor: 35 },
    });
    expect(set.setPrice.data).toEqual({
      id: "NL/telegram",
      countryCode: "NL",
      serviceCode: "telegram",
      amountMinor: 35,
      currency: "USD",
    });
    expect(await customerPrices("NL")).toEqual([["telegram", 35]]);
    await admin.client.data(operations.setPrice, { input: { countryCode: "NL", serviceCode: "telegram", amountMinor: 30 } });
    expect(await customerPrices("NL")).toEqual([["telegram", 30]]);

    const removed = await admin.client.data(operations.removePrice, { countryCode: "NL", serviceCode: "telegram" });
    expect(removed.removePrice.data).toEqual({ id: "NL/telegram" });
    expect(await customerPrices("NL")).toEqual([]);
    const again = await admin.client.data(operations.removePrice, { countryCode: "NL", serviceCode: "telegram" });
    expect(again.removePrice).toMatchObject({ __typename: "NotFoundError" });

    expect((await entriesAbout("NL/telegram")).map((entry) => [entry.action, entry.details])).toEqual([
      ["price.set", { countryCode: "NL", serviceCode: "telegram", fromAmountMinor: null, toAmountMinor: 35, currency: "USD" }],
      ["price.set", { countryCode: "NL", serviceCode: "telegram", fromAmountMinor: 35, toAmountMinor: 30, currency: "USD" }],
      ["price.removed", { countryCode: "NL", serviceCode: "telegram", fromAmountMinor: 30, currency: "USD" }],
    ]);
  });

  it("refuses a price of 0 or less, another currency than the balances', and an unknown country or service", async () => {
    const zero = await admin.client.data(operations.setPrice, {
      input: { countryCode: "GB", serviceCode: "telegram", amountMinor: 0, currency: "EUR" },
    });
    expect(zero.setPrice.issues).toEqual([
      { field: "amountMinor", message: "Use a whole number of minor units from 1 to 1000000000000." },
      { field: "currency", message: "Prices are in USD, the currency balances are kept in." },
    ]);
    const negative = await admin.client.data(operations.setPrice, {
      input: { countryCode: "GB", serviceCode: "telegram", amountMinor: -5 },
    });
    expect(negative.setPrice.__typename).toBe("ValidationError");
    const country = await admin.client.data(operations.setPrice, {
      input: { countryCode: "IT", serviceCode: "telegram", amountMinor: 10 },
    });
    expect(country.setPrice).toMatchObject({ __typename: "NotFoundError", message: "The country IT was not found." });
    const service = await admin.client.data(operations.setPrice, {
      input: { countryCode: "GB", serviceCode: "nothing", amountMinor: 10 },
    });
    expect(service.setPrice).toMatchObject({ __typename: "NotFoundError", message: "The service nothing was not found." });
    // The seeded price is untouched.
    expect(await customerPrices("GB")).toContainEqual(["telegram", 45]);
    expect(await entriesAbout("GB/telegram")).toEqual([]);
  });
});

describe("who may keep the catalogue", () => {
  it.each(["SUPPORT", "COMPLIANCE"] as const)("%s can neither read nor change the catalogue or the pool", async (role) => {
    const member = await createStaffMember(app, { role });
    const attempts = [
      [`{ catalogueCountries { code } }`, {}],
      [`{ catalogueServices { code codePattern } }`, {}],
      [`{ cataloguePrices { id } }`, {}],
      [`{ poolNumbers(first: 5) { totalCount edges { node { phoneNumber } } } }`, {}],
      [`{ numberAvailability(countryCode: "GB") { available } }`, {}],
      [`{ operatorRoutes }`, {}],
      [operations.createCountry, { input: { code: "ES", name: "Spain" } }],
      [operations.renameCountry, { code: "GB", name: "Renamed" }],
      [operations.createService, { input: { code: "viber", name: "Viber" } }],
      [operations.updateService, { code: "telegram", input: { codePattern: "(\\d+)" } }],
      [operations.setPrice, { input: { countryCode: "GB", serviceCode: "telegram", amountMinor: 1 } }],
      [operations.removePrice, { countryCode: "GB", serviceCode: "telegram" }],
      [
        `mutation($input: ImportNumbersInput!) { importNumbers(input: $input) { __typename } }`,
        { input: { countryCode: "GB", operatorRoute: "uk-1", lines: ["+447400123456"] } },
      ],
      [`mutation($id: ID!) { retireNumber(id: $id) { __typename } }`, { id: "00000000-0000-7000-8000-000000000000" }],
    ] as const;
    for (const [query, variables] of attempts) {
      const refused = await member.client.request(query, variables);
      expect(refused.errors?.[0]?.extensions?.code, query).toBe("NOT_AUTHORIZED");
    }
    expect(await app.services.db.country.findUnique({ where: { code: "ES" } })).toBeNull();
    expect(await app.services.db.virtualNumber.findUnique({ where: { phoneNumber: "+447400123456" } })).toBeNull();
    expect(
      await app.services.db.auditEntry.count({ where: { actorId: member.staffUserId, action: { startsWith: "price" } } }),
    ).toBe(0);
  });
});
