/** Writes both schemas' SDL into schema/: `pnpm schema:print`. A test fails when they are stale. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { printSchemas, schemaFiles } from "./sdl.ts";

const sdl = printSchemas();
for (const [name, path] of Object.entries(schemaFiles)) writeFileSync(path, sdl[name as keyof typeof sdl]);
console.log(
  `Wrote ${Object.values(schemaFiles)
    .map((path) => join("schema", path.split("/").at(-1) ?? ""))
    .join(", ")}`,
);
