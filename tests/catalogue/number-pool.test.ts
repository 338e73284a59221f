/**
 * The pool of numbers on the staff API: an ADMIN imports a batch for a
 * country and an operator route, each line reported (invalid, of another
 * country, repeated, already in the pool) rather than failing the batch;
 * retires numbers, which ordering through the customer API then never hands
 * out, while an activation already on one runs to its end; lists the pool
 * without ever saying which account holds a number; and reads availability
 * per service, counted against the seeded pool.
 */
import {
  createCustomer,
  createStaffMember,
  minutes,
  order,
  startTestApp,
  step,
  type TestApp,
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

const validationFields = "__typename ... on Error { code message } ... on ValidationError { issues { field message } }";

async function importNumbers(input: { countryCode: string; operatorRoute: string; lines: string[] }) {
  const { importNumbers: result } = await admin.client.data(
    `mutation($input: ImportNumbersInput!) { importNumbers(input: $input) { ${validationFields}
      ... on MutationImportNumbersSuccess { data { countryCode operatorRoute imported rejected
        lines { line input phoneNumber outcome message } } } } }`,
    { input },
  );
  return result;
}

async function retire(id: string) {
  const { retireNumber } = await admin.client.data(
    `mutation($id: ID!) { retireNumber(id: $id) { __typename ... on Error { code message }
      ... on MutationRetireNumberSuccess { data { id phoneNumber status retiredAt } } } }`,
    { id },
  );
  return retireNumber;
}

async function poolNumbers(filter: Record<string, unknown>, page: { first?: number; after?: string } = {}) {
  const { poolNumbers } = await admin.client.data(
    `query($filter: PoolNumberFilter, $first: Int, $after: String) {
      poolNumbers(filter: $filter, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { id phoneNumber countryCode operatorRoute status retiredAt } }
      }
    }`,
    { filter, ...page },
  );
  return {
    totalCount: poolNumbers.totalCount as number,
    pageInfo: poolNumbers.pageInfo as { hasNextPage: boolean; endCursor: string },
    numbers: poolNumbers.edges.map((edge: { node: Record<string, unknown> }) => edge.node) as Array<{
      id: string;
      phoneNumber: string;
      status: string;
      operatorRoute: string | null;
    }>,
  };
}

async function availability(countryCode: string) {
  const { numberAvailability } = await admin.client.data(
    `query($countryCode: String) { numberAvailability(countryCode: $countryCode) {
      countryCode serviceCode offered available quarantined inUse retired disabled } }`,
    { countryCode },
  );
  return numberAvailability as Array<Record<string, unknown> & { serviceCode: string }>;
}

/** A country of its own for a test, priced for telegram and whatsapp, through the staff API. */
async function pricedCountry(code: string, name: string) {
  await admin.client.data(`mutation($input: CreateCountryInput!) { createCountry(input: $input) { __typename } }`, {
    input: { code, name },
  });
  for (const serviceCode of ["telegram", "whatsapp"]) {
    await admin.client.data(`mutation($input: SetPriceInput!) { setPrice(input: $input) { __typename } }`, {
      input: { countryCode: code, serviceCode, amountMinor: 20 },
    });
  }
}

describe("importing numbers", () => {
  it("imports the good lines of a batch and reports every other line by its number, in one audited transaction", async () => {
    const result = await importNumbers({
      countryCode: "gb",
      operatorRoute: "UK-Mobile-1",
      lines: [
        "+447400100001",
        "+44 7400 100002",
        "",
        "07400100003",
        "+4474001",
        "+4915112345678",
        "+447400100001",
        "  +447400100004  ",
      ],
    });
    expect(result.__typename).toBe("MutationImportNumbersSuccess");
    expect(result.data).toMatchObject({ countryCode: "GB", operatorRoute: "uk-mobile-1", imported: 3, rejected: 4 });
    expect(
      result.data.lines.map((line: { line: number; phoneNumber: string | null; outcome: string }) => [
        line.line,
        line.phoneNumber,
        line.outcome,
      ]),
    ).toEqual([
      [1, "+447400100001", "IMPORTED"],
      [2, "+447400100002", "IMPORTED"],
      [4, null, "NOT_E164"],
      [5, null, "NOT_A_VALID_NUMBER"],
      [6, null, "WRONG_COUNTRY"],
      [7, "+447400100001", "DUPLICATE_IN_BATCH"],
      [8, "+447400100004", "IMPORTED"],
    ]);
    expect(result.data.lines[4].message).toBe("A number of DE, not of GB.");

    // Importing again: every number is reported as already in the pool, and nothing is written twice.
    const again = await importNumbers({
      countryCode: "GB",
      operatorRoute: "uk-mobile-2",
      lines: ["+447400100002\n+447400100005"],
    });
    expect(again.data.lines.map((line: { outcome: string }) => line.outcome)).toEqual(["ALREADY_IN_POOL", "IMPORTED"]);
    expect(again.data.lines[0].message).toBe("Already in the pool.");

    const imported = await app.services.db.virtualNumber.findMany({
      where: { operatorRoute: { in: ["uk-mobile-1", "uk-mobile-2"] } },
      orderBy: { phoneNumber: "asc" },
    });
    expect(imported.map((number) => [number.phoneNumber, number.operatorRoute, number.status])).toEqual([
      ["+447400100001", "uk-mobile-1", "AVAILABLE"],
      ["+447400100002", "uk-mobile-1", "AVAILABLE"],
      ["+447400100004", "uk-mobile-1", "AVAILABLE"],
      ["+447400100005", "uk-mobile-2", "AVAILABLE"],
    ]);
    const entries = await app.services.db.auditEntry.findMany({
      where: { action: "virtual_numbers.imported" },
      orderBy: { seq: "asc" },
    });
    expect(entries.map((entry) => [entry.subjectType, entry.subjectId, entry.actorId, entry.details])).toEqual([
      [
        "OperatorRoute",
        "GB/uk-mobile-1",
        admin.staffUserId,
        { countryCode: "GB", lines: 7, imported: 3, invalid: 3, duplicateInBatch: 1, alreadyInPool: 0 },
      ],
      [
        "OperatorRoute",
        "GB/uk-mobile-2",
        admin.staffUserId,
        { countryCode: "GB", lines: 2, imported: 1, invalid: 0, duplicateInBatch: 0, alreadyInPool: 1 },
      ],
    ]);
  });

  it("refuses a batch over 1,000 lines, a bad route, no lines and an unknown country, writing nothing", async () => {
    const many = Array.from({ length: 1001 }, (_, index) => `+4474002${String(index).padStart(5, "0")}`);
    const tooMany = await importNumbers({ countryCode: "GB", operatorRoute: "uk-bulk", lines: many });
    expect(tooMany.issues).toEqual([{ field: "lines", message: "Import at most 1000 numbers at once; split the list." }]);
    const badRoute = await importNumbers({ countryCode: "GB", operatorRoute: "no spaces here", lines: ["+447400200001"] });
    expect(badRoute.issues).toEqual([{ field: "operatorRoute", message: expect.stringContaining("Name the route") }]);
    const empty = await importNumbers({ countryCode: "GB", operatorRoute: "uk-bulk", lines: ["", "  "] });
    expect(empty.issues).toEqual([{ field: "lines", message: "Paste at least one number." }]);
    const unknown = await importNumbers({ countryCode: "IT", operatorRoute: "it-1", lines: ["+393123456789"] });
    expect(unknown).toMatchObject({ __typename: "NotFoundError", message: "The country IT was not found." });
    expect(await app.services.db.virtualNumber.count({ where: { phoneNumber: { startsWith: "+4474002" } } })).toBe(0);
    expect(await app.services.db.virtualNumber.count({ where: { operatorRoute: "it-1" } })).toBe(0);
  });

  it("imports a full batch of 1,000 numbers at once", async () => {
    const lines = Array.from({ length: 1000 }, (_, index) => `+4474003${String(index).padStart(5, "0")}`);
    const result = await importNumbers({ countryCode: "GB", operatorRoute: "uk-bulk", lines });
    expect(result.data).toMatchObject({ imported: 1000, rejected: 0 });
    expect((await poolNumbers({ operatorRoute: "uk-bulk" }, { first: 1 })).totalCount).toBe(1000);
  });
});

describe("retiring numbers", () => {
  it("a retired number is never handed out by ordering: the country's other number is, then none is left", async () => {
    await pricedCountry("IE", "Ireland");
    const imported = await importNumbers({ countryCode: "IE", operatorRoute: "ie-1", lines: ["+353861000001", "+353861000002"] });
    expect(imported.data.imported).toBe(2);
    const [first, second] = (await poolNumbers({ countryCode: "IE" })).numbers;
    if (!first || !second) throw new Error("The two numbers were not imported.");

    const retired = await retire(first.id);
    expect(retired.data).toMatchObject({ id: first.id, phoneNumber: "+353861000001", status: "RETIRED" });
    expect(retired.data.retiredAt).not.toBeNull();

    const customer = await createCustomer(app, { balanceMinor: 500 });
    const ordered = await order(customer.client, { service: "telegram", country: "IE" });
    expect(ordered.activation.phoneNumber).toBe("+353861000002");
    const refused = await order(customer.client, { service: "telegram", country: "IE" });
    expect(refused).toMatchObject({ __typename: "NoNumbersAvailableError", code: "NO_NUMBERS_AVAILABLE" });
    // Once the other activation ends, its number serves another service; the retired one still serves none.
    app.clock.advance(minutes(3));
    expect((await step(customer.client, "cancelActivation", ordered.activation.id)).__typename).toBe("CancelActivationPayload");
    const next = await order(customer.client, { service: "whatsapp", country: "IE" });
    expect(next.activation.phoneNumber).toBe("+353861000002");
    expect((await order(customer.client, { service: "whatsapp", country: "IE" })).code).toBe("NO_NUMBERS_AVAILABLE");
    expect(await app.services.db.activation.count({ where: { numberId: first.id } })).toBe(0);

    const again = await retire(first.id);
    expect(again).toMatchObject({ __typename: "ConflictError", code: "NUMBER_ALREADY_RETIRED" });
    const unknown = await retire("00000000-0000-7000-8000-000000000000");
    expect(unknown).toMatchObject({ __typename: "NotFoundError", message: "The number was not found." });

    const entries = await app.services.db.auditEntry.findMany({
      where: { action: "virtual_number.retired", subjectId: first.id },
    });
    expect(entries.map((entry) => [entry.actorId, entry.details])).toEqual([
      [admin.staffUserId, { countryCode: "IE", fromStatus: "AVAILABLE", liveActivations: 0 }],
    ]);
  });

  it("retiring a number in use leaves its activation running to the end (its SMS still arrives), and the number stays retired", async () => {
    await pricedCountry("PT", "Portugal");
    await importNumbers({ countryCode: "PT", operatorRoute: "pt-1", lines: ["+351912000001"] });
    const customer = await createCustomer(app, { balanceMinor: 500 });
    const activation = await customer.orderNumber({ service: "telegram", country: "PT" });
    const [number] = (await poolNumbers({ countryCode: "PT" })).numbers;
    expect(number).toMatchObject({ phoneNumber: "+351912000001", status: "ASSIGNED" });

    const retired = await retire(number?.id ?? "");
    expect(retired.data.status).toBe("RETIRED");
    await activation.receiveSms("Your code is 246810");
    const finished = await step(customer.client, "finishActivation", activation.id);
    expect(finished.activation.status).toBe("COMPLETED");

    expect(await app.services.db.virtualNumber.findUniqueOrThrow({ where: { phoneNumber: "+351912000001" } })).toMatchObject({
      status: "RETIRED",
    });
    const refused = await order(customer.client, { service: "whatsapp", country: "PT" });
    expect(refused.code).toBe("NO_NUMBERS_AVAILABLE");
    const entry = await app.services.db.auditEntry.findFirstOrThrow({
      where: { action: "virtual_number.retired", subjectId: number?.id },
    });
    expect(entry.details).toEqual({ countryCode: "PT", fromStatus: "ASSIGNED", liveActivations: 1 });
  });
});

describe("the pool's listing and availability", () => {
  it("lists the pool filtered by country, status and route, a page at a time, and never names who holds a number", async () => {
    const firstPage = await poolNumbers({ countryCode: "DE" }, { first: 7 });
    expect(firstPage.totalCount).toBe(20);
    expect(firstPage.numbers).toHaveLength(7);
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const rest = await poolNumbers({ countryCode: "DE" }, { first: 100, after: firstPage.pageInfo.endCursor });
    const all = [...firstPage.numbers, ...rest.numbers].map((number) => number.phoneNumber);
    expect(all).toHaveLength(20);
    expect(new Set(all).size).toBe(20);
    expect([...all].sort()).toEqual(all);
    expect(firstPage.numbers.every((number) => number.operatorRoute === "demo-simulator")).toBe(true);

    await admin.client.data(`mutation { createCountry(input: { code: "BE", name: "Belgium" }) { __typename } }`);
    await importNumbers({ countryCode: "BE", operatorRoute: "be-1", lines: ["+32470123451", "+32470123452"] });
    await importNumbers({ countryCode: "BE", operatorRoute: "be-2", lines: ["+32470123453"] });
    const [toRetire] = (await poolNumbers({ countryCode: "BE" })).numbers;
    await retire(toRetire?.id ?? "");
    const phones = async (filter: Record<string, unknown>) =>
      (await poolNumbers(filter)).numbers.map((number) => number.phoneNumber);
    expect(await phones({ countryCode: "BE" })).toEqual(["+32470123451", "+32470123452", "+32470123453"]);
    expect(await phones({ countryCode: "BE", status: "RETIRED" })).toEqual(["+32470123451"]);
    expect(await phones({ countryCode: "BE", status: "AVAILABLE", operatorRoute: "be-1" })).toEqual(["+32470123452"]);
    expect(await phones({ operatorRoute: "BE-2" })).toEqual(["+32470123453"]);
    expect(await phones({ search: "0123452" })).toEqual(["+32470123452"]);

    // The staff schema's pool number has no way to an activation or an account.
    const asked = await admin.client.request(`{ poolNumbers(first: 1) { edges { node { activations { id } } } } }`);
    expect(asked.errors?.[0]?.message).toMatch(/Cannot query field "activations"/);
    const { operatorRoutes } = await admin.client.data(`{ operatorRoutes }`);
    expect(operatorRoutes).toEqual(expect.arrayContaining(["be-1", "be-2", "demo-simulator"]));
  });

  it("counts, per service, the seeded numbers available, quarantined for that service, in use and retired", async () => {
    // The seed gives DE 20 numbers, each service priced.
    const before = await availability("DE");
    expect(before.map((row) => row.serviceCode)).toEqual(["nosms", "other", "telegram", "whatsapp"]);
    for (const row of before) {
      expect(row).toMatchObject({
        countryCode: "DE",
        offered: true,
        available: 20,
        quarantined: 0,
        inUse: 0,
        retired: 0,
        disabled: 0,
      });
    }

    // One number in use (whatsapp); one that served telegram, now resting from it; one retired.
    const customer = await createCustomer(app, { balanceMinor: 500 });
    await order(customer.client, { service: "whatsapp", country: "DE" });
    const ended = await order(customer.client, { service: "telegram", country: "DE" });
    app.clock.advance(minutes(3));
    expect((await step(customer.client, "cancelActivation", ended.activation.id)).__typename).toBe("CancelActivationPayload");
    const free = (await poolNumbers({ countryCode: "DE", status: "AVAILABLE" }, { first: 5 })).numbers.find(
      (number) => number.phoneNumber !== ended.activation.phoneNumber,
    );
    expect((await retire(free?.id ?? "")).data.status).toBe("RETIRED");

    const after = Object.fromEntries((await availability("DE")).map((row) => [row.serviceCode, row]));
    // 20 numbers: 1 in use, 1 retired, 18 free, of which the one that served telegram rests from telegram only.
    expect(after.telegram).toMatchObject({ available: 17, quarantined: 1, inUse: 1, retired: 1 });
    expect(after.whatsapp).toMatchObject({ available: 18, quarantined: 0, inUse: 1, retired: 1 });
    expect(after.other).toMatchObject({ available: 18, quarantined: 0, inUse: 1, retired: 1 });

    // The customer API's count for the pair agrees with the staff one.
    const { prices } = await customer.client.data(
      `{ prices(country: "DE", service: "telegram", first: 1) { edges { node { availableNumbers } } } }`,
    );
    expect(prices.edges[0].node.availableNumbers).toBe(17);
  });

  it("says when a pair is not offered: a country without prices shows its numbers but offered false", async () => {
    await admin.client.data(`mutation { createCountry(input: { code: "AT", name: "Austria" }) { __typename } }`);
    await importNumbers({ countryCode: "AT", operatorRoute: "at-1", lines: ["+436641234567"] });
    const rows = await availability("AT");
    expect(rows.find((row) => row.serviceCode === "telegram")).toMatchObject({ offered: false, available: 1 });
  });
});
