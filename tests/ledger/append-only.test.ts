import { randomUUID } from "node:crypto";
import { balance, createCustomer, postPaymentEvent, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** A customer topped up through the payment webhook who then ordered a number: a TOP_UP and a HOLD entry. */
async function customerWithEntries() {
  const customer = await createCustomer(app);
  const paymentEventId = `evt_${randomUUID()}`;
  const paid = await postPaymentEvent(app, {
    id: paymentEventId,
    type: "topup.succeeded",
    accountId: customer.accountId,
    amountMinor: 500,
    currency: "USD",
  });
  expect(paid.status).toBe(200);
  const activation = await customer.orderNumber({ service: "telegram", country: "US" });
  const topUp = await app.services.db.ledgerEntry.findUniqueOrThrow({ where: { paymentEventId } });
  const hold = await app.services.db.ledgerEntry.findFirstOrThrow({ where: { activationId: activation.id } });
  return { customer, activationId: activation.id, paymentEventId, topUpId: topUp.id, holdId: hold.id };
}

/** An entry as the database holds it, whatever its columns' types: compared before and after a refused change. */
async function storedEntry(id: string): Promise<string> {
  const [row] = await app.services.db.$queryRaw<Array<{ entry: string }>>`
    SELECT row_to_json(e)::text AS entry FROM "LedgerEntry" e WHERE e."id" = ${id}::uuid`;
  if (!row) throw new Error(`No ledger entry ${id}`);
  return row.entry;
}

/** One UPDATE on one entry, in plain SQL, as anyone with a database connection could run it. */
const updateEntry = (id: string, assignment: string, ...values: unknown[]) =>
  app.services.db.$executeRawUnsafe(`UPDATE "LedgerEntry" SET ${assignment} WHERE "id" = $1::uuid`, id, ...values);

describe("the ledger", () => {
  describe("P9: the database refuses to change an entry", () => {
    let entries: Awaited<ReturnType<typeof customerWithEntries>>;
    let other: Awaited<ReturnType<typeof customerWithEntries>>;
    let unusedPaymentEventId: string;
    beforeAll(async () => {
      entries = await customerWithEntries();
      other = await customerWithEntries();
      unusedPaymentEventId = `evt_${randomUUID()}`;
      await app.services.db.paymentEvent.create({
        data: { id: unusedPaymentEventId, kind: "topup.succeeded", amountMinor: 100, currency: "USD" },
      });
    });

    const forbidden: Array<[string, "topUp" | "hold", string, () => unknown[]]> = [
      ["its available amount", "topUp", `"availableDelta" = "availableDelta" + 1`, () => []],
      ["its held amount", "hold", `"heldDelta" = "heldDelta" + 1`, () => []],
      ["its currency", "topUp", `"currency" = 'EUR'`, () => []],
      ["its kind", "topUp", `"kind" = 'ADJUSTMENT'`, () => []],
      ["its accounting reference", "topUp", `"accountRef" = 'someone-else'`, () => []],
      ["its time", "topUp", `"createdAt" = "createdAt" - interval '1 day'`, () => []],
      ["its id", "topUp", `"id" = gen_random_uuid()`, () => []],
      ["its payment event, by clearing it", "topUp", `"paymentEventId" = NULL`, () => []],
      ["its payment event, for another", "topUp", `"paymentEventId" = $2`, () => [unusedPaymentEventId]],
      ["its account, for another account", "topUp", `"accountId" = $2::uuid`, () => [other.customer.accountId]],
      ["its activation, for another activation", "hold", `"activationId" = $2::uuid`, () => [other.activationId]],
      ["its missing activation, for an activation", "topUp", `"activationId" = $2::uuid`, () => [entries.activationId]],
    ];

    it.each(forbidden)("%s", async (_what, which, assignment, values) => {
      const id = which === "topUp" ? entries.topUpId : entries.holdId;
      const before = await storedEntry(id);
      await expect(updateEntry(id, assignment, ...values())).rejects.toThrow(/append-only/);
      expect(await storedEntry(id)).toBe(before);
    });
  });

  it("P9: the database refuses to change an entry through Prisma too", async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    const [entry] = await app.services.db.ledgerEntry.findMany({ where: { accountId: customer.accountId } });
    await expect(app.services.db.ledgerEntry.update({ where: { id: entry?.id }, data: { kind: "ADJUSTMENT" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(
      app.services.db.ledgerEntry.update({ where: { id: entry?.id }, data: { accountRef: "someone-else" } }),
    ).rejects.toThrow(/append-only/);
    expect(await balance(customer.client)).toEqual({ availableMinor: 500, heldMinor: 0, currency: "USD" });
  });

  it("P9: the database refuses to remove entries", async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    await expect(app.services.db.ledgerEntry.deleteMany({ where: { accountId: customer.accountId } })).rejects.toThrow(
      /append-only/,
    );
    await expect(app.services.db.$executeRawUnsafe(`TRUNCATE "LedgerEntry" CASCADE`)).rejects.toThrow(/append-only/);
    expect(await balance(customer.client)).toEqual({ availableMinor: 500, heldMinor: 0, currency: "USD" });
  });

  it("P9: lets erasure clear an entry's account and activation links, and nothing else, and never re-link it", async () => {
    const { holdId, topUpId } = await customerWithEntries();
    const other = await customerWithEntries();
    const withoutLinks = (entry: string) => ({ ...JSON.parse(entry), accountId: null, activationId: null });
    const hold = await storedEntry(holdId);
    const topUp = await storedEntry(topUpId);

    expect(await updateEntry(holdId, `"activationId" = NULL`)).toBe(1);
    expect(await updateEntry(holdId, `"accountId" = NULL`)).toBe(1);
    expect(await updateEntry(topUpId, `"accountId" = NULL, "activationId" = NULL`)).toBe(1);
    expect(JSON.parse(await storedEntry(holdId))).toEqual(withoutLinks(hold));
    expect(JSON.parse(await storedEntry(topUpId))).toEqual(withoutLinks(topUp));

    // Once cleared, a link cannot be pointed at someone else's account or activation.
    await expect(updateEntry(holdId, `"accountId" = $2::uuid`, other.customer.accountId)).rejects.toThrow(/append-only/);
    await expect(updateEntry(holdId, `"activationId" = $2::uuid`, other.activationId)).rejects.toThrow(/append-only/);
    // Clearing a link does not open the rest of the entry.
    await expect(updateEntry(holdId, `"accountId" = NULL, "heldDelta" = 0`)).rejects.toThrow(/append-only/);
    expect(JSON.parse(await storedEntry(holdId))).toEqual(withoutLinks(hold));
  });

  it("P9: keeps an erased account's entries for accounting, under their pseudonymous reference", async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    await customer.orderNumber({ service: "telegram", country: "US" });
    await app.services.db.account.delete({ where: { id: customer.accountId } });

    const kept = await app.services.db.ledgerEntry.findMany({
      where: { accountRef: customer.accountId },
      orderBy: { createdAt: "asc" },
    });
    expect(kept.map((entry) => [entry.kind, entry.accountId, Number(entry.availableDelta), Number(entry.heldDelta)])).toEqual([
      ["TOP_UP", null, 500, 0],
      ["HOLD", null, -25, 25],
    ]);
    // Clearing the link is the only change allowed; setting it to another account is not.
    const other = await createCustomer(app);
    await expect(
      app.services.db.ledgerEntry.updateMany({ where: { accountRef: customer.accountId }, data: { accountId: other.accountId } }),
    ).rejects.toThrow(/append-only/);
  });

  it("derives the balance from the entries and lists them newest first with cursors", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    await customer.orderNumber({ service: "telegram", country: "US" });
    await customer.orderNumber({ service: "whatsapp", country: "US" });
    const page = async (after?: string) =>
      (
        await customer.client.data(
          `query($after: String) { ledgerEntries(first: 2, after: $after) { edges { cursor node { kind availableDelta heldDelta currency } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        )
      ).ledgerEntries;
    const first = await page();
    expect(first.edges.map((edge: { node: { kind: string } }) => edge.node.kind)).toEqual(["HOLD", "HOLD"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.edges.map((edge: { node: { kind: string } }) => edge.node.kind)).toEqual(["TOP_UP"]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(await balance(customer.client)).toEqual({ availableMinor: 50, heldMinor: 50, currency: "USD" });
  });
});
