import { describe, expect, it } from "vitest";
import {
  bip39Sample,
  cardNumber,
  cardNumberLengths,
  formatCardNumber,
  processorEventIds,
  processorIdShapes,
} from "../../testing/payment-data.ts";
import { findCardOrWalletData, passesLuhn } from "./card-data.ts";
import { isPaymentEventId, paymentIdentifiers } from "./payment-event-id.ts";

describe("finding card and wallet data in a payment payload", () => {
  it("checks card numbers with Luhn", () => {
    expect(passesLuhn("4111111111111111")).toBe(true);
    expect(passesLuhn("4111111111111112")).toBe(false);
  });

  it("P10: finds Luhn-valid 13-19 digit runs, grouped or not, at any depth, in values and keys", () => {
    expect(findCardOrWalletData({ a: { b: ["x", "card 4111-1111-1111-1111 thanks"] } })).toBe("card number");
    expect(findCardOrWalletData({ "378282246310005": "amex as a key" })).toBe("card number");
    expect(findCardOrWalletData({ n: 4111111111111111 })).toBe("card number");
    expect(findCardOrWalletData({ pan: "x" })).toBe("card field");
    expect(findCardOrWalletData({ Card_Number: "x" })).toBe("card field");
    expect(findCardOrWalletData({ CVC: 1 })).toBe("card field");
  });

  it("P10: finds seed phrases of 12 or more lowercase words, and wallet key fields", () => {
    expect(findCardOrWalletData({ memo: bip39Sample.slice(0, 12).join(" ") })).toBe("seed phrase");
    expect(findCardOrWalletData({ memo: `  ${bip39Sample.slice(4, 19).join("\n")} ` })).toBe("seed phrase");
    expect(findCardOrWalletData({ mnemonic: "x" })).toBe("wallet key");
    expect(findCardOrWalletData({ private_key: "x" })).toBe("wallet key");
  });

  it("lets ordinary payload data through", () => {
    expect(
      findCardOrWalletData({
        id: "evt_1234567890",
        accountId: "01960000-1234-7123-8123-456789012345",
        amountMinor: 1500,
        at: "2026-11-25T10:00:00.000Z",
        phone: "+447700900123",
        note: "Thanks for the quick top-up, see you next month.",
        eleven: bip39Sample.slice(0, 11).join(" "),
        notLuhn: "4111111111111112",
        card: { brand: "visa", last4: "1111" },
      }),
    ).toBeNull();
  });
});

const accountId = "01960000-1234-7123-8123-456789012345";
const topUp = (fields: Record<string, unknown> = {}) => ({
  id: "evt_1NG8Du2eZvKYlo2CUI79vXWy",
  type: "topup.succeeded",
  accountId,
  amountMinor: 500,
  currency: "USD",
  ...fields,
});

describe("identifiers are held to their grammar instead of being scanned", () => {
  it("P10: accepts 10,000 generated processor event ids, which the scan alone would partly refuse", () => {
    const ids = [...processorEventIds(10_000), "evt_47c33c75-b7d1-4f96-9626-847461926424", "evt_1795646588313"];
    expect(ids.filter((id) => !isPaymentEventId(id))).toEqual([]);
    expect(ids.filter((id) => findCardOrWalletData(topUp({ id }), paymentIdentifiers) !== null)).toEqual([]);
    // Without the grammar these ids are refused: the test reaches the case it is about.
    const refusedByScanAlone = ids.filter((id) => findCardOrWalletData({ id }) !== null);
    expect(refusedByScanAlone).toContain("evt_47c33c75-b7d1-4f96-9626-847461926424");
    expect(refusedByScanAlone.length).toBeGreaterThan(100);
  });

  it("takes each shape processors use, and refuses card-shaped or malformed ids", () => {
    for (const make of Object.values(processorIdShapes)) expect(isPaymentEventId(make())).toBe(true);
    for (const id of [
      "evt_test_1",
      "evt_sim_01960000-1234-7123-8123-456789012345",
      "1795646588313",
      "123456789012",
      "01JQ3Z8X4Y5W6V7T8S9R0QPNMK",
    ])
      expect(isPaymentEventId(id), id).toBe(true);
    for (const id of [
      "4111111111111111",
      "evt_4111111111111111",
      "evt_4111 1111 1111 1111",
      "evt_4111-1111-1111-1111",
      "4222222222222", // 13 digits, but no timestamp of ours starts with 4
      "evt_",
      "evt_abc",
      "evt_abc def ghi",
      `evt_${"a".repeat(65)}`,
      "a_b_c_d_0123456789ab",
      "",
    ])
      expect(isPaymentEventId(id), id).toBe(false);
  });

  it("P10: finds card numbers of every length 13-19, plain, spaced and dashed, in every field but a well-formed id", () => {
    const places: Array<[string, (card: string) => Record<string, unknown>]> = [
      ["id, which then breaks its grammar", (card) => topUp({ id: `evt_${card}` })],
      ["bare id", (card) => topUp({ id: card })],
      ["accountId", (card) => topUp({ accountId: card })],
      ["type", (card) => topUp({ type: card })],
      ["currency", (card) => topUp({ currency: card })],
      ["amountMinor", (card) => topUp({ amountMinor: card })],
      ["an unknown field", (card) => topUp({ note: `paid with ${card}, thanks` })],
      ["a nested unknown field", (card) => topUp({ metadata: { customer: { note: card } } })],
      ["a list", (card) => topUp({ lines: [{ ref: "A1" }, { ref: card }] })],
      ["a key", (card) => topUp({ metadata: { [card]: true } })],
    ];
    const missed: string[] = [];
    for (const length of cardNumberLengths) {
      const digits = cardNumber(length);
      for (const format of ["plain", "spaced", "dashed"] as const) {
        const card = formatCardNumber(digits, format);
        for (const [place, build] of places)
          if (findCardOrWalletData(build(card), paymentIdentifiers) !== "card number")
            missed.push(`${length} ${format} in ${place}`);
      }
      if (findCardOrWalletData(topUp({ amountMinor: Number(digits) }), paymentIdentifiers) !== "card number")
        missed.push(`${length} as a JSON number`);
    }
    expect(missed).toEqual([]);
  });

  it("P10: still finds card and wallet field names anywhere, including beside a well-formed id", () => {
    expect(findCardOrWalletData(topUp({ metadata: [{ card: { cvv: "1" } }] }), paymentIdentifiers)).toBe("card field");
    expect(findCardOrWalletData(topUp({ pan: "x" }), paymentIdentifiers)).toBe("card field");
    expect(findCardOrWalletData(topUp({ wallet: { seed_phrase: "x" } }), paymentIdentifiers)).toBe("wallet key");
    expect(findCardOrWalletData(topUp({ memo: bip39Sample.slice(0, 12).join(" ") }), paymentIdentifiers)).toBe("seed phrase");
  });
});
