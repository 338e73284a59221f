import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API server serves the built console under /console/ and the staff API at
// /admin/graphql on the same origin, so the session cookie needs no CORS.
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rollupOptions: {
      output: {
        // Libraries change less often than the console: separate chunks stay cached across deploys.
        manualChunks(id) {
          // Chunks follow the dependency order (react <- mui <- react-admin) so they never import each other in a cycle.
          if (!id.includes("/node_modules/")) return undefined;
          if (/\/node_modules\/(react|react-dom|scheduler)\//.test(id)) return "react";
          if (/\/node_modules\/(@mui|@emotion)\//.test(id)) return "mui";
          if (/\/node_modules\/(react-admin|ra-[a-z-]+)\//.test(id)) return "react-admin";
          return "vendor";
        },
      },
    },
  },
  server: {
    // `pnpm dev`: forward the staff API to the API server on its default port.
    proxy: { "/admin/graphql": "http://127.0.0.1:4000" },
  },
});
