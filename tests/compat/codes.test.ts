import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  countryFromProtocol,
  countryToProtocol,
  protocolCodeTable,
  serviceFromProtocol,
  serviceToProtocol,
} from "../../api/src/http/sms-activate/codes.ts";

const docs = readFileSync(new URL("../../docs/compat.md", import.meta.url), "utf8");

/** The rows `| a | b |` of the table under the paragraph that starts with `heading`. */
function tableAfter(heading: string): Array<[string, string]> {
  const start = docs.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: Array<[string, string]> = [];
  for (const line of docs.slice(start).split("\n").slice(1)) {
    if (rows.length > 0 && !line.startsWith("|")) break;
    const cells = line.split("|").map((cell) => cell.trim());
    if (cells.length !== 4 || !cells[1] || !cells[2] || /^-+:?$/.test(cells[1]) || cells[1] === "protocol") continue;
    rows.push([cells[1], cells[2]]);
  }
  return rows;
}

describe("the sms-activate code table", () => {
  it("is the table docs/compat.md shows, row for row", () => {
    expect(tableAfter("Countries (only these")).toEqual(protocolCodeTable.countries.map(([n, code]) => [String(n), code]));
    expect(tableAfter("Services (a code not in this table")).toEqual(protocolCodeTable.services.map((row) => [...row]));
  });

  it("maps each way one to one", () => {
    for (const [number, code] of protocolCodeTable.countries) {
      expect(countryFromProtocol(String(number))).toBe(code);
      expect(countryToProtocol(code)).toBe(number);
    }
    for (const [protocol, ours] of protocolCodeTable.services) {
      expect(serviceFromProtocol(protocol)).toBe(ours);
      expect(serviceToProtocol(ours)).toBe(protocol);
    }
    expect(new Set(protocolCodeTable.countries.map(([, code]) => code)).size).toBe(protocolCodeTable.countries.length);
    expect(new Set(protocolCodeTable.services.map(([, code]) => code)).size).toBe(protocolCodeTable.services.length);
  });

  it("passes services outside the table through under their own code, and refuses countries outside it", () => {
    expect(serviceFromProtocol(" NoSms ")).toBe("nosms");
    expect(serviceToProtocol("nosms")).toBe("nosms");
    expect(countryFromProtocol("0")).toBeNull();
    expect(countryFromProtocol("GB")).toBeNull();
    expect(countryFromProtocol("16.0")).toBeNull();
    expect(countryToProtocol("RU")).toBeNull();
  });
});
