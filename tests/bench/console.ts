/**
 * `pnpm bench console`: what the built staff console costs a browser. It
 * builds nothing: it measures console/dist as `pnpm --filter @smsape/console
 * build` left it. Reports every file's bytes (raw and gzip), the sign-in
 * page's first load (the files index.html loads before the form shows), and
 * the time until the sign-in form is on screen in headless Debian chromium
 * over loopback, median of N runs in fresh browser contexts (empty cache).
 * The baseline, measured in the same run and served by the same server, is a
 * static hello page: the floor of a browser fetching and painting a page here.
 * See docs/benchmarks.md for the last results.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { cpus, loadavg } from "node:os";
import { extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../support/browser.ts";

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: process.env.BENCH_RUNS ?? "15" },
    dist: { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});
if (flags.help) {
  console.log(`pnpm bench console [options]   (build the console first: pnpm --filter @smsape/console build)
  --runs N   page loads measured for the console and for the baseline, alternately (BENCH_RUNS, default 15)
  --dist D   another build of the console to measure (default console/dist)`);
  process.exit(0);
}
const runs = Number(flags.runs);
if (!Number.isInteger(runs) || runs <= 0) {
  console.error(`--runs: expected a whole number above 0, got ${flags.runs}`);
  process.exit(2);
}

const dist = flags.dist ? resolve(flags.dist) : fileURLToPath(new URL("../../console/dist", import.meta.url));
if (!existsSync(join(dist, "index.html"))) {
  console.error(`${dist} has no build: run \`pnpm --filter @smsape/console build\` first.`);
  process.exit(2);
}

// --- Bytes ---------------------------------------------------------------

interface FileSize {
  path: string;
  raw: number;
  gzip: number;
}

const sizeOf = (path: string): FileSize => {
  const content = readFileSync(join(dist, path));
  return { path, raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
};

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(dist, path)];
  });
}

/** What the browser is served: everything but the persisted-operations manifest (a dotfile the server keeps to itself). */
const served = filesUnder(dist)
  .filter((path) => !path.split("/").some((part) => part.startsWith(".")))
  .map(sizeOf);
const sum = (files: FileSize[]) => ({
  raw: files.reduce((total, file) => total + file.raw, 0),
  gzip: files.reduce((total, file) => total + file.gzip, 0),
});

/** index.html and what it loads before anything runs: its module script, the module preloads and stylesheets. */
const indexHtml = readFileSync(join(dist, "index.html"), "utf8");
const firstLoadPaths = [
  "index.html",
  ...[...indexHtml.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="\/console\/([^"]+)"/g)].map((match) => match[1]!),
];
const firstLoad = firstLoadPaths.map(sizeOf);

// --- Timing ----------------------------------------------------------------

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};
const helloPage = Buffer.from(
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hello</title></head><body><h1 id="hello">Hello</h1></body></html>',
);

/**
 * Files from memory, uncompressed, as the API server sends the console
 * (sirv without gzip). The staff API is not running: /admin/graphql answers
 * as it does to a browser without a session, so the console shows sign-in.
 */
function startServer(): Promise<{ server: Server; url: string }> {
  const cache = new Map(served.map((file) => [`/console/${file.path}`, readFileSync(join(dist, file.path))]));
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    if (path === "/admin/graphql") {
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end('{"data":{"staffViewer":null}}');
      return;
    }
    if (path === "/hello/") {
      res.writeHead(200, { "content-type": types[".html"]! }).end(helloPage);
      return;
    }
    const body = cache.get(path === "/console/" ? "/console/index.html" : path);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": types[extname(path) || ".html"] ?? "application/octet-stream" }).end(body);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` });
    }),
  );
}

interface Load {
  /** Milliseconds from navigation start until the page's content is on screen (in-page clock). */
  ms: number;
  requests: number;
  bytes: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ratio = (value: number, base: number) => (base > 0 ? `${(value / base).toFixed(1)}×` : "-");

async function main() {
  const loadBefore = loadavg();
  const { server, url } = await startServer();
  const browser = await launchChromium();

  /** One load in a fresh context (empty cache), until `ready` holds in the page. */
  async function load(path: string, ready: string): Promise<Load> {
    const context = await browser.newContext();
    const page = await context.newPage();
    let requests = 0;
    let bytes = 0;
    page.on("requestfinished", async (request) => {
      requests += 1;
      const sizes = await request.sizes().catch(() => null);
      if (sizes) bytes += sizes.responseBodySize;
    });
    await page.goto(`${url}${path}`, { waitUntil: "commit" });
    await page.waitForFunction(ready, undefined, { polling: "raf", timeout: 30_000 });
    const ms = await page.evaluate(() => performance.now());
    await context.close();
    return { ms, requests, bytes };
  }

  const signInReady = "document.querySelector('input[type=password]') !== null";
  const helloReady = "document.getElementById('hello') !== null";
  // One unmeasured load of each warms the browser process and the server.
  await load("/console/", signInReady);
  await load("/hello/", helloReady);
  const consoleLoads: Load[] = [];
  const helloLoads: Load[] = [];
  for (let run = 0; run < runs; run += 1) {
    helloLoads.push(await load("/hello/", helloReady));
    consoleLoads.push(await load("/console/", signInReady));
  }
  await browser.close();
  server.close();
  const loadAfter = loadavg();

  const total = sum(served);
  const first = sum(firstLoad);
  const helloBytes = { raw: helloPage.length, gzip: gzipSync(helloPage, { level: 9 }).length };
  const consoleMs = median(consoleLoads.map((entry) => entry.ms));
  const helloMs = median(helloLoads.map((entry) => entry.ms));
  const [lastConsole] = consoleLoads.slice(-1);

  console.log(`Staff console bundle (${dist})`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}; node ${process.version}`);
  console.log(
    `load average before: ${loadBefore.map((value) => value.toFixed(2)).join(" ")}; after: ${loadAfter.map((value) => value.toFixed(2)).join(" ")}`,
  );
  console.log("\nFiles served (raw / gzip -9):");
  for (const file of [...served].sort((a, b) => b.raw - a.raw)) {
    const mark = firstLoadPaths.includes(file.path) ? " *" : "";
    console.log(`  ${file.path.padEnd(44)} ${kb(file.raw).padStart(11)} ${kb(file.gzip).padStart(11)}${mark}`);
  }
  console.log(`  ${"total".padEnd(44)} ${kb(total.raw).padStart(11)} ${kb(total.gzip).padStart(11)}`);
  console.log(`  * the sign-in page's first load (index.html, its module and preloads)`);
  console.log(
    `\nSign-in first load: ${kb(first.raw)} raw, ${kb(first.gzip)} gzip (${((100 * first.raw) / total.raw).toFixed(0)}% of the bundle) in ${firstLoad.length} files`,
  );
  console.log(
    `Browser fetched for sign-in (last run): ${lastConsole?.requests ?? 0} requests, ${kb(lastConsole?.bytes ?? 0)} (bodies, uncompressed on the wire)`,
  );
  console.log(`\nTime to the sign-in form, ${runs} loads each, empty cache, loopback, headless chromium:`);
  const range = (loads: Load[]) =>
    `min ${Math.min(...loads.map((entry) => entry.ms)).toFixed(0)} / max ${Math.max(...loads.map((entry) => entry.ms)).toFixed(0)} ms`;
  console.log(`  baseline (static hello page, ${helloBytes.raw} B): median ${helloMs.toFixed(0)} ms (${range(helloLoads)})`);
  console.log(
    `  console sign-in page:                median ${consoleMs.toFixed(0)} ms (${range(consoleLoads)}); ${ratio(consoleMs, helloMs)} the baseline`,
  );
}

await main();
