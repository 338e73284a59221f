/**
 * `pnpm --filter @smsape/api build`: the service as one JavaScript file,
 * api/dist/main.js, and the database commands as another, api/dist/db.js
 * (`node api/dist/db.js migrate`, the release step before a start), for
 * `pnpm start:prod` (node without a TypeScript loader; api/scripts/start-prod.sh).
 *
 * Everything is bundled but packages with native addons, which stay where
 * pnpm installed them. Modules that find their files next to themselves
 * (`new URL("…", import.meta.url)`: policy texts, migrations, the console's
 * build, PGlite's WebAssembly) would look next to the bundle instead, so each
 * module's `import.meta.url` is rewritten to its own file's place, relative to
 * the bundle: the bundle runs inside the checkout it was built from (or a copy
 * of it with node_modules), never on its own.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const apiDir = fileURLToPath(new URL("..", import.meta.url));
const outDir = `${apiDir}dist`;

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

/**
 * Prisma's query compiler is WebAssembly that the generated client imports as a module of base64 text
 * (`…_bg.postgresql.wasm-base64.mjs`, `export const wasm = "…"`) and decodes with `Buffer.from(wasm, "base64")`.
 * Bundled, that text stays in the heap for the life of the process twice over (the chunk's source and the
 * string literal, 2.2 MB each) after the module is compiled. Instead the build writes the binary beside the
 * bundle and the module reads it when the client first needs it: `wasm` is then a Buffer, which
 * `Buffer.from(wasm, "base64")` copies as it is (the encoding applies to strings only), and nothing of it
 * stays but the compiled module.
 */
const wasmAsFile = {
  name: "wasm-as-file",
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /_bg\.[a-z]+\.wasm-base64\.mjs$/ }, async (args) => {
      const { wasm } = await import(pathToFileURL(args.path).href);
      if (typeof wasm !== "string") throw new Error(`${args.path}: expected a module exporting the base64 text "wasm"`);
      const file = basename(args.path).replace(/\.wasm-base64\.mjs$/, ".wasm");
      mkdirSync(outDir, { recursive: true });
      writeFileSync(`${outDir}/${file}`, Buffer.from(wasm, "base64"));
      return {
        contents: `import { readFileSync } from "node:fs";\nexport const wasm = readFileSync(new URL(${JSON.stringify(`./${file}`)}, import.meta.url));\n`,
        loader: "js",
      };
    });
  },
};

// Chunks are named by their hash: old ones would pile up.
rmSync(outDir, { recursive: true, force: true });
await build({
  entryPoints: {
    main: `${apiDir}src/main.ts`,
    db: `${apiDir}src/cli/db.ts`,
    // The audit verification's worker threads load this file (domain/audit/streamed-check.ts).
    "audit-check-worker": `${apiDir}src/domain/audit/copy-check-worker.ts`,
  },
  // Tells the code it runs bundled: the worker threads then start from dist/, not from the TypeScript sources.
  define: { __SMSAPE_BUNDLE__: "true" },
  outdir: outDir,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Modules imported only when needed (import()) go into files of their own, read from disk only then:
  // PGlite for the embedded database, the schema engine's bindings, OpenTelemetry when tracing is on,
  // the QR encoder. Chunks sit beside the bundles, so the import.meta.url rewrite above holds for them.
  splitting: true,
  chunkNames: "[name]-[hash]",
  sourcemap: "linked",
  // V8 keeps every loaded script's source text in the heap for as long as the process runs, and a script with
  // one character outside Latin-1 (a comment's "–" or "±" in a bundled package) is held at two bytes a
  // character: main.js was 4.4 MB on disk and 8.3 MB in the heap. Without comments and whitespace (and
  // esbuild escaping what remains outside ASCII) the sources are one byte a character and a third smaller:
  // about 10 MB less at rest (docs/benchmarks.md "Memory"). Names are kept (no minifyIdentifiers), so stack
  // traces still read; the linked source maps map them back to the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none",
  external,
  plugins: [wasmAsFile, ownImportMetaUrl],
  // Bundled CommonJS packages call require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
  },
  logLevel: "warning",
});
for (const file of ["main.js", "db.js", "audit-check-worker.js"])
  process.stdout.write(`built ${relative(process.cwd(), `${outDir}/${file}`)}\n`);
