import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const api = fileURLToPath(new URL("../../api/src", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map((m) => m[1] ?? "");
}

describe("package boundaries", () => {
  it("the domain knows nothing of GraphQL or HTTP: it takes services and returns results", () => {
    const domain = join(api, "domain");
    const offenders = sources(domain).flatMap((file) =>
      imports(file)
        .filter((spec) => /^(graphql|graphql-yoga|graphql-ws|@pothos\/)|\/(graphql|http|simulators)\//.test(spec))
        .map((spec) => `${relative(api, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("only config.ts reads the process environment", () => {
    const readers = sources(api)
      .filter((file) => /process\.env/.test(readFileSync(file, "utf8")))
      .map((file) => relative(api, file));
    expect(readers).toEqual(["config.ts"]);
  });
});
