import { createCustomer, startTestApp, type TestApp } from "@smsape/api/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balance, order } from "../activations/support.ts";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe("the ledger", () => {
  it("P9: the database refuses to change the amount of an entry", async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    const [entry] = await app.services.db.ledgerEntry.findMany({ where: { accountId: customer.accountId } });
    await expect(
      app.services.db.$executeRaw`UPDATE "LedgerEntry" SET "availableDelta" = 50000 WHERE "id" = ${entry?.id}::uuid`,
    ).rejects.toThrow(/append-only/);
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

  it("P9: keeps an erased account's entries for accounting, under their pseudonymous reference", async () => {
    const customer = await createCustomer(app, { balanceMinor: 500 });
    await order(customer.client, { service: "telegram", country: "US" });
    await app.services.db.account.delete({ where: { id: customer.accountId } });

    const kept = await app.services.db.ledgerEntry.findMany({
      where: { accountRef: customer.accountId },
      orderBy: { createdAt: "asc" },
    });
    expect(kept.map((entry) => [entry.kind, entry.accountId, entry.availableDelta, entry.heldDelta])).toEqual([
      ["TOP_UP", null, 500n, 0n],
      ["HOLD", null, -25n, 25n],
    ]);
    // Clearing the link is the only change allowed; setting it to another account is not.
    const other = await createCustomer(app);
    await expect(
      app.services.db.ledgerEntry.updateMany({ where: { accountRef: customer.accountId }, data: { accountId: other.accountId } }),
    ).rejects.toThrow(/append-only/);
  });

  it("derives the balance from the entries and lists them newest first with cursors", async () => {
    const customer = await createCustomer(app, { balanceMinor: 100 });
    await order(customer.client, { service: "telegram", country: "US" });
    await order(customer.client, { service: "whatsapp", country: "US" });
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
