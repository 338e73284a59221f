import { describe, expect, it } from "vitest";
import { checkPoolNumber } from "../domain/catalogue/phone-numbers.ts";
import { demoCatalogue, demoNumbers } from "./demo.ts";

describe("demo data", () => {
  it("puts only numbers the pool itself would accept in the demo pool: valid for their country's plan", () => {
    for (const country of demoCatalogue.countries) {
      const numbers = demoNumbers(country);
      expect(numbers).toHaveLength(demoCatalogue.numbersPerCountry);
      for (const number of numbers)
        expect(checkPoolNumber(number, country.code), number).toEqual({ phoneNumber: number, problem: null });
    }
  });
});
