/**
 * `pnpm --filter @smsape/api build`: the service as one JavaScript file,
 * api/dist/main.js, for `pnpm start:prod` (node without a TypeScript loader).
 *
 * Everything is bundled but packages with native addons, which stay where
 * pnpm installed them. Modules that find their files next to themselves
 * (`new URL("…", import.meta.url)`: policy texts, migrations, the console's
 * build, PGlite's WebAssembly) would look next to the bundle instead, so each
 * module's `import.meta.url` is rewritten to its own file's place, relative to
 * the bundle: the bundle runs inside the checkout it was built from (or a copy
 * of it with node_modules), never on its own.
 */
import { readFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const apiDir = fileURLToPath(new URL("..", import.meta.url));
const outfile = `${apiDir}dist/main.js`;
const outDir = dirname(outfile);

/** Native addons (and what loads them) are loaded from node_modules at run time. */
const external = ["argon2"];

const ownImportMetaUrl = {
  name: "own-import-meta-url",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.(c|m)?(j|t)s$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const fromBundle = relative(outDir, args.path).split("\\").join("/");
      const loader = /\.ts$/.test(args.path) ? "ts" : "js";
      return {
        contents: source.replaceAll("import.meta.url", `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`),
        loader,
      };
    });
  },
};

await build({
  entryPoints: [`${apiDir}src/main.ts`],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: "linked",
  external,
  plugins: [ownImportMetaUrl],
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
  logLevel: "warning",
});
process.stdout.write(`built ${relative(process.cwd(), outfile)}\n`);
