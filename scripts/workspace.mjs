#!/usr/bin/env node
/**
 * `npm start` / `npm test` on a fresh clone with only Node and npm: brings in
 * the pinned pnpm when it is missing, installs dependencies when the lockfile
 * changed, builds the console when its sources changed, then runs the command.
 * Under pnpm (`pnpm start`, `pnpm test`) it does the same.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const [command, ...given] = process.argv.slice(2);
// `npm test -- file` hands the script a leading `--`; vitest would take what follows it as
// extra options rather than file filters, and run every test.
const rest = given[0] === "--" ? given.slice(1) : given;
const pnpmVersion = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.split("@")[1];

function say(message) {
  process.stderr.write(`\u001b[2m[smsape] ${message}\u001b[0m\n`);
}

/** pnpm itself: the one on PATH when it is the pinned version, else the pinned one through npx. */
function pnpmCommand() {
  const onPath = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: process.platform === "win32" });
  if (onPath.status === 0 && onPath.stdout.trim() === pnpmVersion) return ["pnpm"];
  say(`using pnpm ${pnpmVersion} through npx (install it with \`npm install -g pnpm@${pnpmVersion}\` to skip this)`);
  return ["npx", "--yes", `pnpm@${pnpmVersion}`];
}

function run(argv, options = {}) {
  const [cmd, ...args] = argv;
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", shell: process.platform === "win32", ...options });
  if (result.status !== 0) {
    say(`\`${argv.join(" ")}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status ?? 1);
  }
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === "node_modules" || entry === "dist") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

const pnpm = pnpmCommand();

// Dependencies: install when there are none or the lockfile is newer than the install.
const installMarker = join(root, "node_modules", ".modules.yaml");
if (!existsSync(installMarker) || newestMtime(join(root, "pnpm-lock.yaml")) > newestMtime(installMarker)) {
  say("installing dependencies");
  run([...pnpm, "install", "--frozen-lockfile"]);
}

// The Prisma client is generated at install; generate again if the schema changed since.
const generated = join(root, "prisma", "src", "generated", "prisma", "client.ts");
if (newestMtime(join(root, "prisma", "schema.prisma")) > newestMtime(generated)) {
  say("generating the Prisma client");
  run([...pnpm, "--filter", "@smsape/db", "generate"]);
}

// The console is served from its build; rebuild when its sources are newer.
const consoleBuild = join(root, "console", "dist", "index.html");
if (newestMtime(join(root, "console")) > newestMtime(consoleBuild)) {
  say("building the console");
  run([...pnpm, "--filter", "@smsape/console", "build"]);
}

const commands = {
  start: [...pnpm, "--filter", "@smsape/api", "start", ...rest],
  test: [...pnpm, "exec", "vitest", "run", ...rest],
};
if (!commands[command]) {
  say(`unknown command ${command}; use start or test`);
  process.exit(2);
}
const [cmd, ...args] = commands[command];
const child = spawn(cmd, args, { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
