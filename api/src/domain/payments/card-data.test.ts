import { describe, expect, it } from "vitest";
import { bip39Sample, findCardOrWalletData, passesLuhn } from "./card-data.ts";

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
