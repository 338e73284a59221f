/**
 * `pnpm bench [suite] [options]`: runs the benchmark suite tests/bench/<suite>.ts
 * (`http` when no name is given) in a process of its own, passing the options on.
 * A new suite is a new file beside this one.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const folder = fileURLToPath(new URL(".", import.meta.url));
const suites = readdirSync(folder)
  .filter((file) => file.endsWith(".ts") && file !== "run.ts")
  .map((file) => file.slice(0, -".ts".length));

const [first, ...rest] = process.argv.slice(2);
const named = first !== undefined && !first.startsWith("-");
const suite = named ? first : "http";
const script = new URL(`./${suite}.ts`, import.meta.url);
if (!existsSync(script) || !suites.includes(suite)) {
  console.error(`No benchmark suite "${suite}". Suites: ${suites.join(", ")} (the .ts files in tests/bench/).`);
  process.exit(2);
}

const options = named ? rest : process.argv.slice(2);
const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), fileURLToPath(script), ...options], {
  stdio: "inherit",
});
// Ctrl-C reaches the suite too; it stops its servers and exits, and so do we, with its code.
process.on("SIGINT", () => {});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
