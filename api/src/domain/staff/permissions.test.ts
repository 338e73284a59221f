import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { staffPermissions } from "./permissions.ts";

const roles = ["SUPPORT", "COMPLIANCE", "ADMIN"] as const;

/** The rows of the "Staff roles" table in docs/privacy.md: permission and the roles marked "yes". */
function documentedTable(): Record<string, string[]> {
  const text = readFileSync(new URL("../../../../docs/privacy.md", import.meta.url), "utf8");
  const section = text.split(/^## /m).find((part) => part.startsWith("Staff roles")) ?? "";
  const rows = section.split("\n").filter((line) => /^\| `/.test(line));
  return Object.fromEntries(
    rows.map((line) => {
      const [permission = "", ...cells] = line
        .split("|")
        .slice(1)
        .map((cell) => cell.trim());
      return [permission.replaceAll("`", ""), roles.filter((_role, index) => cells[index] === "yes")];
    }),
  );
}

describe("the staff role table", () => {
  it("docs/privacy.md prints the same table as the code", () => {
    const inCode = Object.fromEntries(
      Object.entries(staffPermissions).map(([permission, holders]) => [
        permission,
        roles.filter((role) => (holders as readonly string[]).includes(role)),
      ]),
    );
    expect(documentedTable()).toEqual(inCode);
  });
});
