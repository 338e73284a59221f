import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
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

/** Every module a file imports or re-exports, statically or with `import()`. */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const staticImports = [...text.matchAll(/^\s*(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map((m) => m[1] ?? "");
  const dynamicImports = [...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? "");
  return [...staticImports, ...dynamicImports];
}

/** The layers, outermost last: each may import those before it, never one after it. */
const layers = ["platform", "domain", "graphql", "http"];

function layerOf(path: string): number {
  return layers.indexOf(relative(api, path).split(sep)[0] ?? "");
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

  it("dependencies point one way, http → graphql → domain → platform: no layer imports one outside it", () => {
    const offenders = sources(api).flatMap((file) => {
      const layer = layerOf(file);
      if (layer < 0) return [];
      return imports(file)
        .filter((spec) => spec.startsWith("."))
        .filter((spec) => layerOf(resolve(dirname(file), spec)) > layer)
        .map((spec) => `${relative(api, file)} imports ${spec}`);
    });
    expect(offenders).toEqual([]);
  });

  it("only config.ts reads the process environment", () => {
    const readers = sources(api)
      .filter((file) => /process\.env/.test(readFileSync(file, "utf8")))
      .map((file) => relative(api, file));
    expect(readers).toEqual(["config.ts"]);
  });
});
