/**
 * `pnpm bench memory`: resident memory of the service at rest and around
 * 10,000 subscriptions, for the compiled build (`pnpm start:prod`, node on
 * api/dist/main.js) and through the TypeScript loader (`pnpm start`, tsx),
 * against a bare graphql-yoga + graphql-ws server measured in the same run
 * (tests/bench/memory/bare-yoga.mjs). Run it with
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench memory
 *
 * Builds api/dist first (so it measures the current source). The compiled
 * service is measured three ways: as `pnpm start:prod` starts it
 * (api/scripts/start-prod.sh: migrations applied first by a process of their
 * own, MALLOC_ARENA_MAX=2, --no-wasm-tier-up), the same without the two
 * runtime settings, and plain `node api/dist/main.js` migrating its fresh
 * database itself (the schema engine loaded in the service). Each service runs
 * on a fresh database of that server (created and dropped by the run), in
 * development mode with its demo data, simulator off, LOG_LEVEL warn. For each
 * process: RSS (VmRSS) at rest (median of 5 samples, 10 s after start); then
 * `--subscriptions` (10,000) subscriptions over `--sockets` (100) graphql-ws
 * connections, RSS once all are open (the service's own gauge says so), then
 * all closed and RSS 10 s later. For the services the V8 heap and external
 * memory come from their /metrics (prom-client's process metrics); at rest and
 * after the close they are also read after a forced full collection
 * (tests/bench/memory/collect-on-signal.mjs, preloaded; taken after the RSS
 * samples), which is what the process still reaches: a leak shows there.
 * Two rows run the service in production mode (NODE_ENV=production with bench values for the settings
 * production requires, no demo data): `pnpm start:prod` and the same without its runtime settings. With no
 * demo customer to subscribe as, they are measured at rest only: 10 s after the start as the others, and
 * again a minute after the start, once V8 has had the idle time to give back what the start used.
 * `--rounds N` opens and closes the subscriptions N times in the services, with the collected heap after
 * each round. `--only a,b` measures the targets whose names contain a or b (the baseline always runs).
 * Loopback only; bounded by the subscription count.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type AddressInfo, createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createTestDatabase, type TestDatabase } from "@smsape/db/testing";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

const { values: flags } = parseArgs({
  options: {
    subscriptions: { type: "string", default: "10000" },
    sockets: { type: "string", default: "100" },
    only: { type: "string" },
    rounds: { type: "string", default: "1" },
  },
});
const subscriptionCount = Number(flags.subscriptions);
const socketCount = Number(flags.sockets);
const rounds = Number(flags.rounds);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error("Set DATABASE_URL to a PostgreSQL server: the memory at rest is measured on PostgreSQL.");
  process.exit(2);
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const collector = fileURLToPath(new URL("./memory/collect-on-signal.mjs", import.meta.url));
const metricsToken = "memory-bench-metrics-token";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function restingRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(rssMb(pid));
    await sleep(1_000);
  }
  samples.sort((a, b) => a - b);
  return samples[2] ?? 0;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Target {
  name: string;
  /** What runs: node with these arguments, or a shell script (which ends by exec-ing node). */
  argv: string[];
  shell?: boolean;
  service: boolean;
  /** NODE_ENV=production with the settings production requires (no demo data, so no subscriptions: at rest only). */
  production?: boolean;
  env?: Record<string, string>;
}

/**
 * What production refuses to start without (api/src/config.ts): bench values. The SMTP relay is a closed port
 * on loopback: nothing is sent at rest.
 */
const productionSettings = {
  NODE_ENV: "production",
  PUBLIC_URL: "https://sms.example.test",
  ENCRYPTION_KEYS: `bench-1:${Buffer.alloc(32, 1).toString("base64")}`,
  PAYMENT_WEBHOOK_SECRET: "bench-payment-webhook-secret",
  SMS_WEBHOOK_SECRET: "bench-sms-webhook-secret",
  SMTP_URL: "smtp://127.0.0.1:9",
  AUDIT_SIGNING_KEY: Buffer.alloc(32, 2).toString("base64"),
};

const allTargets: Target[] = [
  {
    name: "bare graphql-yoga + graphql-ws (baseline)",
    argv: ["--import", collector, fileURLToPath(new URL("./memory/bare-yoga.mjs", import.meta.url))],
    service: false,
  },
  {
    name: "service, production mode, pnpm start:prod (at rest only)",
    argv: ["api/scripts/start-prod.sh"],
    shell: true,
    service: true,
    production: true,
    env: { NODE_OPTIONS: `--import ${collector}` },
  },
  {
    name: "service, production mode, compiled, no runtime settings (at rest only)",
    argv: ["-c", "cd api && node dist/db.js migrate && exec node dist/main.js"],
    shell: true,
    service: true,
    production: true,
    env: { NODE_OPTIONS: `--import ${collector}` },
  },
  {
    name: "service, pnpm start:prod (migrate step, MALLOC_ARENA_MAX=2, --no-wasm-tier-up)",
    argv: ["api/scripts/start-prod.sh"],
    shell: true,
    service: true,
    env: { NODE_OPTIONS: `--import ${collector}` },
  },
  {
    name: "service, compiled, migrate step, no runtime settings",
    argv: ["-c", "cd api && node dist/db.js migrate && exec node dist/main.js"],
    shell: true,
    service: true,
    env: { NODE_OPTIONS: `--import ${collector}` },
  },
  {
    name: "service, compiled, migrating its database itself (node api/dist/main.js)",
    argv: ["--import", collector, "api/dist/main.js"],
    service: true,
  },
  {
    name: "service, through tsx (node --import tsx api/src/main.ts)",
    argv: ["--import", collector, "--import", tsxLoader, "api/src/main.ts"],
    service: true,
  },
];
const only = flags.only?.split(",").filter(Boolean);
const targets = allTargets.filter((target, index) => index === 0 || !only || only.some((word) => target.name.includes(word)));

async function start(target: Target, port: number, database: TestDatabase | null): Promise<ChildProcess> {
  const child = spawn(target.shell ? "sh" : process.execPath, target.argv, {
    cwd: root,
    env: {
      ...target.env,
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "development",
      PORT: String(port),
      SIMULATOR: "false",
      LOG_LEVEL: "warn",
      METRICS_TOKEN: metricsToken,
      ...(database?.target.kind === "server" ? { DATABASE_URL: database.target.url } : {}),
      ...(target.production ? productionSettings : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("SMSAPE is running") || output.includes("listening ")) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.on("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`${target.name} exited with ${code}: ${output}`));
    });
  });
  return child;
}

async function scrape(url: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
  // A series not yet written reads as `absent`: the heap's are always there, a gauge's labels only once set.
  const value = (series: string, absent = Number.NaN) =>
    Number(
      text
        .split("\n")
        .find((line) => line.startsWith(`${series} `))
        ?.split(" ")[1] ?? absent,
    );
  return {
    heapUsed: value("nodejs_heap_size_used_bytes") / 2 ** 20,
    heapTotal: value("nodejs_heap_size_total_bytes") / 2 ** 20,
    external: value("nodejs_external_memory_bytes") / 2 ** 20,
    // No customer subscription yet since the start: none open.
    open: value('smsape_graphql_subscriptions_open{audience="customer"}', 0),
  };
}

/** The V8 heap once a full collection ran (SIGUSR2 to the preloaded collector). */
async function collectedHeap(pid: number, url: string): Promise<Record<string, number>> {
  process.kill(pid, "SIGUSR2");
  await sleep(2_000);
  return scrape(url);
}

async function demoToken(url: string): Promise<string> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `mutation($input: SignInInput!) { signIn(input: $input) { ... on SignInPayload { token } } }`,
      variables: { input: { email: "demo@smsape.test", password: "demo-customer-password" } },
    }),
  });
  return (await response.json()).data.signIn.token;
}

async function measure(target: Target) {
  const database = target.service ? await createTestDatabase(serverUrl) : null;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await start(target, port, database);
  const pid = child.pid ?? 0;
  try {
    const started = Date.now();
    await sleep(10_000);
    const rest = await restingRss(pid);
    const restHeap = target.service ? await scrape(url) : null;
    if (target.production) {
      // Left alone for a minute: V8 gives back the young generation the start grew (about 30 MB) once it sees the
      // process idle, which takes it about 40 s after the start. Read before the forced collection below.
      await sleep(60_000 - (Date.now() - started));
      const restMinute = await restingRss(pid);
      const restCollected = await collectedHeap(pid, url);
      const none = { peak: Number.NaN, peakHeap: null, after: Number.NaN, afterHeap: null, afterCollected: null };
      return {
        ...none,
        name: target.name,
        rest,
        restMinute,
        restHeap,
        restCollected,
        afterCollectedRss: Number.NaN,
        openSeconds: 0,
        laterRounds: [],
      };
    }
    const restCollected = target.service ? await collectedHeap(pid, url) : null;

    const token = target.service ? await demoToken(url) : null;
    const query = target.service ? "subscription { balanceChanged { availableMinor } }" : "subscription { tick }";
    const openAll = async () => {
      const clients: Client[] = [];
      for (let s = 0; s < socketCount; s++) {
        const client = createClient({
          url: `ws://127.0.0.1:${port}/graphql`,
          webSocketImpl: WebSocket,
          connectionParams: token ? { authorization: `Bearer ${token}` } : {},
          lazy: false,
          retryAttempts: 0,
          onNonLazyError: () => {},
        });
        clients.push(client);
        await new Promise<void>((resolve) => client.on("connected", () => resolve()));
        for (let i = 0; i < subscriptionCount / socketCount; i++)
          client.subscribe({ query }, { next: () => {}, error: () => {}, complete: () => {} });
      }
      if (target.service) {
        for (let waited = 0; ((await scrape(url)).open ?? 0) < subscriptionCount && waited < 300; waited++) await sleep(1_000);
      } else await sleep(5_000);
      return clients;
    };
    const opened = Date.now();
    const clients = await openAll();
    const openSeconds = (Date.now() - opened) / 1000;
    const peak = rssMb(pid);
    const peakHeap = target.service ? await scrape(url) : null;
    for (const client of clients) await client.dispose();
    await sleep(10_000);
    const after = rssMb(pid);
    const afterHeap = target.service ? await scrape(url) : null;
    const afterCollected = target.service ? await collectedHeap(pid, url) : null;
    const afterCollectedRss = rssMb(pid);
    // More rounds: a heap that keeps growing round after round holds something per subscription.
    const laterRounds: Array<{ rss: number; heap: Record<string, number> }> = [];
    for (let round = 2; target.service && round <= rounds; round++) {
      for (const client of await openAll()) await client.dispose();
      await sleep(10_000);
      laterRounds.push({ heap: await collectedHeap(pid, url), rss: rssMb(pid) });
    }
    return {
      laterRounds,
      name: target.name,
      rest,
      restMinute: Number.NaN,
      restHeap,
      restCollected,
      peak,
      peakHeap,
      after,
      afterHeap,
      afterCollected,
      afterCollectedRss,
      openSeconds,
    };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    await database?.drop();
  }
}

// The compiled build of the current source.
await new Promise<void>((resolve, reject) => {
  const builder = spawn(process.execPath, ["api/scripts/build.mjs"], { cwd: root, stdio: "inherit" });
  builder.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`build failed (${code})`))));
});

const results = [];
for (const target of targets) results.push(await measure(target));

console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? "?"}, Node ${process.version}`);
console.log(
  `load average: ${loadavg()
    .map((load) => load.toFixed(2))
    .join(" ")}`,
);
console.log(`${subscriptionCount} subscriptions over ${socketCount} graphql-ws connections; RSS in MB`);
const baseline = results[0]?.rest ?? 1;
const f = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? "-" : value.toFixed(1));
for (const result of results) {
  console.log(
    `${result.name}\n  at rest ${f(result.rest)} (${(result.rest / baseline).toFixed(2)}x baseline)` +
      (Number.isNaN(result.peak)
        ? `  | at rest a minute after the start ${f(result.restMinute)}`
        : `  | ${subscriptionCount} open ${f(result.peak)} (opened in ${result.openSeconds.toFixed(1)} s)  | all closed, 10 s later ${f(result.after)}`),
  );
  for (const [when, heap] of [
    ["rest", result.restHeap],
    ["rest, collected", result.restCollected],
    ["open", result.peakHeap],
    ["closed", result.afterHeap],
    ["closed, collected", result.afterCollected],
  ] as const) {
    if (heap)
      console.log(
        `    ${when.padEnd(17)} V8 heap used ${f(heap.heapUsed)} of ${f(heap.heapTotal)}, external ${f(heap.external)}, subscriptions open ${heap.open}`,
      );
  }
  if (result.afterCollected) console.log(`    RSS after the collection ${f(result.afterCollectedRss)}`);
  for (const [index, { heap, rss }] of result.laterRounds.entries())
    console.log(
      `    round ${index + 2}: opened and closed, collected: V8 heap used ${f(heap.heapUsed)} of ${f(heap.heapTotal)}, RSS ${f(rss)}, open ${heap.open}`,
    );
}
