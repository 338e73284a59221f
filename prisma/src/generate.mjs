// Runs `prisma generate` offline. Generation itself runs on WebAssembly, but the
// CLI first looks for the native schema engine and tries to download it when it
// is missing; pointing it at any existing file skips that download.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, "..");
const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");

const result = spawnSync(process.execPath, [prismaCli, "generate", "--schema", join(packageDir, "schema.prisma")], {
  cwd: packageDir,
  stdio: "inherit",
  env: {
    ...process.env,
    // the pothos types generator is found on PATH
    PATH: [join(packageDir, "node_modules", ".bin"), process.env.PATH].join(delimiter),
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  },
});
process.exit(result.status ?? 1);
