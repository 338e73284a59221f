import { describe, expect, it } from "vitest";
import { decimalFromMinor, minorFromDecimal } from "./amounts.ts";

describe("protocol amounts", () => {
  it("writes minor units as exact decimal strings", () => {
    expect(decimalFromMinor(0n)).toBe("0.00");
    expect(decimalFromMinor(5n)).toBe("0.05");
    expect(decimalFromMinor(45n)).toBe("0.45");
    expect(decimalFromMinor(1234n)).toBe("12.34");
    expect(decimalFromMinor(-5n)).toBe("-0.05");
    // Beyond 2^53 a float would have rounded.
    expect(decimalFromMinor(9_007_199_254_740_993n)).toBe("90071992547409.93");
  });

  it("reads decimal strings into minor units, refusing what would need rounding or is not a plain amount", () => {
    expect(minorFromDecimal("0.45")).toBe(45n);
    expect(minorFromDecimal("0.5")).toBe(50n);
    expect(minorFromDecimal("12")).toBe(1200n);
    expect(minorFromDecimal(" 1.10 ")).toBe(110n);
    expect(minorFromDecimal("90071992547409.93")).toBe(9_007_199_254_740_993n);
    for (const bad of ["", ".5", "0.455", "-1", "+1", "1e3", "1,50", "0x10", "1.", "NaN"]) {
      expect(minorFromDecimal(bad)).toBeNull();
    }
  });
});
