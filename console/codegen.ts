/**
 * Types every staff API operation of the console against the staff SDL
 * (schema/staff.graphql) and writes the persisted-operations manifest
 * (hash -> document) the API accepts in production. `graphql-codegen` runs
 * before `tsc` and `vite build`, so a schema change that breaks an operation
 * fails the typecheck and the build. Output: src/generated/ (not committed).
 */
import type { CodegenConfig } from "@graphql-codegen/cli";
import type { DocumentNode } from "graphql";

const config: CodegenConfig = {
  schema: "../schema/staff.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/generated/**"],
  // A console without operations is a mistake, not an empty build.
  ignoreNoDocuments: false,
  errorsOnly: true,
  generates: {
    "src/generated/": {
      preset: "client",
      presetConfig: {
        // Documents are sent as strings; the screens read plain result objects.
        fragmentMasking: false,
        // Each document also carries its operation's name, sent with the hash (logs, tests, the browser's network panel).
        onExecutableDocumentNode: (document: DocumentNode) => ({
          operationName: document.definitions.find((definition) => definition.kind === "OperationDefinition")?.name?.value,
        }),
        persistedDocuments: {
          hashAlgorithm: "sha256",
          mode: process.env.STAFF_OPERATIONS_BY_HASH_ONLY ? "replaceDocumentWithHash" : "embedHashInDocument",
        },
      },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTime: "string", BigInt: "string" },
        // The console imports with explicit extensions (allowImportingTsExtensions).
        emitLegacyCommonJSImports: false,
      },
    },
  },
};

export default config;
