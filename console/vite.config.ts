import { readFileSync } from "node:fs";
import { babelOptimizerPlugin } from "@graphql-codegen/client-preset";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * The persisted-operations manifest (hash -> document) that graphql-codegen
 * wrote, copied into the build for the API server (api/src/http/persisted-operations.ts).
 * A dotfile: the server's static handler does not serve it, so the staff API's
 * operations are not published with the console's files.
 */
export const persistedOperationsFile = ".persisted-operations.json";

function persistedOperationsManifest(): Plugin {
  return {
    name: "smsape-persisted-operations",
    apply: "build",
    generateBundle() {
      const source = readFileSync(new URL("./src/generated/persisted-documents.json", import.meta.url), "utf8");
      this.emitFile({ type: "asset", fileName: persistedOperationsFile, source });
    },
  };
}

const chartsLibrary = /\/node_modules\/recharts\//;

/** Whether a library module is recharts or is imported only by recharts and such modules (not by the console or react-admin). */
function onlyUnderCharts(
  id: string,
  getModuleInfo: (id: string) => { importers: readonly string[]; dynamicImporters: readonly string[] } | null,
  seen = new Set<string>(),
): boolean {
  if (chartsLibrary.test(id)) return true;
  // A cycle back to a module being decided: its other importers decide.
  if (seen.has(id)) return true;
  if (!id.includes("/node_modules/")) return false;
  seen.add(id);
  const info = getModuleInfo(id);
  const importers = [...(info?.importers ?? []), ...(info?.dynamicImporters ?? [])];
  return importers.length > 0 && importers.every((importer) => onlyUnderCharts(importer, getModuleInfo, seen));
}

// The API server serves the built console under /console/ and the staff API at
// /admin/graphql on the same origin, so the session cookie needs no CORS.
export default defineConfig({
  base: "/console/",
  plugins: [
    react({
      // Each graphql(`...`) call becomes an import of its generated document, so the
      // source strings are not shipped (in a build, the documents hold only their hash).
      babel: { plugins: [[babelOptimizerPlugin, { artifactDirectory: "./src/generated", gqlTagName: "graphql" }]] },
    }),
    persistedOperationsManifest(),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Libraries change less often than the console: separate chunks stay cached across deploys.
        // Groups follow the dependency order (react <- mui <- react-admin <- vendor) so they never
        // import each other in a cycle. The charts, with the libraries only they use, are a chunk of
        // their own that only the lazily loaded dashboard imports, so the sign-in page does not load it.
        manualChunks(id, { getModuleInfo }) {
          if (!id.includes("/node_modules/")) return undefined;
          if (/\/node_modules\/(react|react-dom|scheduler)\//.test(id)) return "react";
          if (/\/node_modules\/(@mui|@emotion)\//.test(id)) return "mui";
          if (/\/node_modules\/(react-admin|ra-[a-z-]+)\//.test(id)) return "react-admin";
          if (onlyUnderCharts(id, getModuleInfo)) return "charts";
          return "vendor";
        },
      },
    },
  },
  server: {
    // `pnpm dev`: forward the staff API (HTTP and the live queue's WebSocket, with their cookies) to a
    // running API server, on its default port unless SMSAPE_API_URL names another.
    proxy: { "/admin/graphql": { target: process.env.SMSAPE_API_URL ?? "http://127.0.0.1:4000", ws: true } },
  },
});
