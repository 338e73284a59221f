import { describe, expect, it } from "vitest";
import { extractCode, InvalidCodePatternError } from "./code-extraction.ts";

describe("extracting the code from an SMS", () => {
  it("finds 4 to 8 digits by default", () => {
    expect(extractCode("Your Telegram code is 482913. Do not share it.", null)).toBe("482913");
    expect(extractCode("Code: 1234", null)).toBe("1234");
    expect(extractCode("G-12345678 is your code", null)).toBe("12345678");
  });

  it("ignores shorter or longer digit runs", () => {
    expect(extractCode("Call 123 or 1234567890123", null)).toBeNull();
  });

  it("uses the first capture group of a service's own pattern", () => {
    expect(extractCode("WhatsApp code 123-456. 9999 is not it", "(\\d{3}-\\d{3})")).toBe("123-456");
    expect(extractCode("Your code: AB12CD", "code: ([A-Z0-9]{6})")).toBe("AB12CD");
  });

  it("returns no code when the service's pattern does not match", () => {
    expect(extractCode("Welcome to the service", "code (\\d+)")).toBeNull();
  });

  it("refuses an invalid service pattern with a clear error", () => {
    expect(() => extractCode("x", "(unclosed")).toThrow(InvalidCodePatternError);
  });
});
