import { readFileSync } from "node:fs";
import { printSchemas, schemaFiles } from "@smsape/api/sdl";
import { describe, expect, it } from "vitest";

describe("the printed SDL in schema/", () => {
  const printed = printSchemas();
  for (const [name, path] of Object.entries(schemaFiles)) {
    it(`matches the ${name} schema (run \`pnpm schema:print\` after changing it)`, () => {
      expect(readFileSync(path, "utf8")).toBe(printed[name as keyof typeof printed]);
    });
  }
});
