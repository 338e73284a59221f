import { defineConfig } from "vitest/config";

// One run for every package: unit tests sit next to the code, cross-package
// tests (HTTP, WebSocket, browser) in tests/. Each test file starts its own
// service over its own database, so files run in parallel safely.
export default defineConfig({
  resolve: {
    // Pothos loads graphql as CommonJS; so must everything else, or two copies
    // of graphql's classes meet in one schema.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["api/src/**/*.test.ts", "prisma/src/**/*.test.ts", "tests/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default"],
  },
});
