/**
 * `pnpm bench` (or `pnpm bench http`): GraphQL over loopback HTTP, measured by
 * autocannon against servers in processes of their own. A bare graphql-yoga
 * hello world is measured first as the baseline, then the service on the
 * embedded database and, when DATABASE_URL is set, on a fresh PostgreSQL
 * database; every figure is also given as a ratio to the baseline, with the CPU
 * each process used so the reader can see what bounds it. See
 * docs/benchmarks.md for the options and the last results.
 */

import { createRequire } from "node:module";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { testRateLimits } from "@smsape/api/testing";
import autocannon from "autocannon";
import { summariseProfile } from "./http/profile.ts";
import { ServerProcess, type ServerReady } from "./http/server-process.ts";
import { postgresSeconds, systemCpu } from "./http/system-cpu.ts";

const { values: flags } = parseArgs({
  options: {
    connections: { type: "string", default: process.env.BENCH_CONNECTIONS ?? "8" },
    duration: { type: "string", default: process.env.BENCH_DURATION ?? "10" },
    warmup: { type: "string", default: process.env.BENCH_WARMUP ?? "3" },
    numbers: { type: "string", default: process.env.BENCH_NUMBERS ?? "2000" },
    "shared-orders": { type: "string", default: process.env.BENCH_SHARED_ORDERS ?? "500" },
    "shared-connections": { type: "string", default: process.env.BENCH_SHARED_CONNECTIONS ?? "32" },
    only: { type: "string" },
    database: { type: "string" },
    profile: { type: "string" },
    "node-flags": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (flags.help) {
  console.log(`pnpm bench [http] [options]
  --connections N   concurrent HTTP connections (BENCH_CONNECTIONS, default 8)
  --duration S      seconds measured per scenario (BENCH_DURATION, default 10)
  --warmup S        seconds of load before each measurement, not counted (BENCH_WARMUP, default 3)
  --numbers N       numbers in the pool for the order scenario (BENCH_NUMBERS, default 2000)
  --shared-orders N orders one shared balance pays for in order-one-balance (BENCH_SHARED_ORDERS, default 500)
  --shared-connections N  concurrent clients of order-one-balance (BENCH_SHARED_CONNECTIONS, default 32)
  --only a,b        scenarios to run: typename, balance, order-cancel, order-one-balance (the baseline always runs)
  --database D      embedded or postgres only (default: embedded, and postgres when DATABASE_URL is set)
  --profile S       take a CPU profile of the server during scenario S and summarise where its time went
  --node-flags F    node/V8 flags for the service's process (not the baseline's), e.g. "--no-wasm-tier-up"`);
  process.exit(0);
}

const positive = (name: string, value: string | undefined) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    console.error(`--${name}: expected a whole number above 0, got ${value}`);
    process.exit(2);
  }
  return number;
};
const connections = positive("connections", flags.connections);
const duration = positive("duration", flags.duration);
const warmup = Number(flags.warmup) || 0;
const numbers = positive("numbers", flags.numbers);
const serviceNodeFlags = flags["node-flags"]?.split(/\s+/).filter(Boolean) ?? [];
const sharedOrders = positive("shared-orders", flags["shared-orders"]);
const sharedConnections = positive("shared-connections", flags["shared-connections"]);

/** Start-up work of the service (job queue maintenance, schedules) settles before anything is measured. */
const settleSeconds = 3;
/** A process at or above this share of a core (or the machine of all its cores) is taken as the bound. */
const saturated = 0.85;

interface Failures {
  count: number;
  example?: string;
}

interface Scenario {
  name: string;
  title: string;
  /** The requests one connection sends, in a loop; `failures` counts answers that are not what the scenario expects. */
  requests(server: ServerReady, connection: number, failures: Failures): autocannon.Request[];
  /**
   * A scenario that uses something up (the shared balance) runs once, without
   * warm-up: this many requests over `connections` connections, then `after` checks the result.
   */
  once?: {
    requests: (server: ServerReady) => number;
    connections: number;
    after(server: ServerProcess, row: Row): Promise<{ report: string[]; failures: string[] }>;
  };
}

const graphql = (body: object, token?: string): autocannon.Request => ({
  method: "POST",
  path: "/graphql",
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

/** Counts an answer as failed unless `accept` finds what the scenario expects in its data. */
const expect =
  (failures: Failures, accept: (data: any) => boolean) =>
  (status: number, body: string): any => {
    let result: { data?: any; errors?: unknown } = {};
    try {
      result = JSON.parse(body);
    } catch {}
    if (status === 200 && !result.errors && result.data && accept(result.data)) return result.data;
    failures.count++;
    failures.example ??= `${status} ${body.slice(0, 300)}`;
    return null;
  };

const baseline: Scenario = {
  name: "baseline",
  title: "baseline: `{ hello }` on a bare Yoga server",
  requests: (_server, _connection, failures) => [
    { ...graphql({ query: "{ hello }" }), onResponse: expect(failures, (data) => data.hello === "world") },
  ],
};

const orderMutation = `mutation($input: OrderNumberInput!) { orderNumber(input: $input) {
  __typename ... on OrderNumberPayload { activation { id } } ... on Error { code } } }`;
const cancelMutation = `mutation($id: ID!) { cancelActivation(id: $id) { __typename ... on Error { code } } }`;

const scenarios: Scenario[] = [
  {
    name: "typename",
    title: "`{ __typename }`, anonymous",
    requests: (_server, _connection, failures) => [
      { ...graphql({ query: "{ __typename }" }), onResponse: expect(failures, (data) => data.__typename === "Query") },
    ],
  },
  {
    name: "balance",
    title: "`{ balance { availableMinor heldMinor } }`, bearer session",
    requests: (server, connection, failures) => [
      {
        ...graphql({ query: "{ balance { availableMinor heldMinor } }" }, server.tokens[connection % server.tokens.length]),
        onResponse: expect(failures, (data) => typeof data.balance?.availableMinor === "number"),
      },
    ],
  },
  {
    name: "order-cancel",
    title: "`orderNumber` then `cancelActivation` (2 requests), bearer session",
    requests: (server, connection, failures) => {
      const token = server.tokens[connection % server.tokens.length];
      let orders = connection;
      const acceptOrder = expect(failures, (data) => data.orderNumber?.__typename === "OrderNumberPayload");
      const acceptCancel = expect(failures, (data) => data.cancelActivation?.__typename === "CancelActivationPayload");
      const order: autocannon.Request = {
        ...graphql({}, token),
        // Services in turn: a cancelled number rests in quarantine for the service it served, not the others.
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({
            query: orderMutation,
            variables: { input: { service: server.services[orders++ % server.services.length], country: server.country } },
          }),
        }),
        onResponse: (status, body, context: { activationId?: string }) => {
          context.activationId = acceptOrder(status, body)?.orderNumber.activation.id;
        },
      };
      const cancel: autocannon.Request = {
        ...graphql({}, token),
        setupRequest: (request, context: { activationId?: string }) =>
          context.activationId
            ? { ...request, body: JSON.stringify({ query: cancelMutation, variables: { id: context.activationId } }) }
            : // Nothing to cancel: autocannon starts the sequence again with an order (counted in `resets`).
              (null as unknown as autocannon.Request),
        onResponse: (status, body) => void acceptCancel(status, body),
      };
      return [order, cancel];
    },
  },
  {
    name: "order-one-balance",
    title: "`orderNumber` by many clients on one balance until it runs out",
    requests: (server, _connection, failures) => {
      const shared = server.sharedAccount;
      if (!shared) throw new Error("the server made no shared account");
      const accept = expect(
        failures,
        (data) => data.orderNumber?.__typename === "OrderNumberPayload" || data.orderNumber?.code === "INSUFFICIENT_BALANCE",
      );
      return [
        {
          ...graphql(
            { query: orderMutation, variables: { input: { service: shared.service, country: sharedOrdersCountry } } },
            shared.token,
          ),
          onResponse: (status, body) => {
            if (accept(status, body)?.orderNumber.__typename === "OrderNumberPayload") {
              sharedRun.placed++;
              sharedRun.lastPlacedAt = performance.now();
            } else if (status === 200) sharedRun.refused++;
          },
        },
      ];
    },
    once: {
      // Every client keeps ordering after the money ran out, so the last orders race the first refusals.
      requests: () => sharedOrders + sharedConnections * 4,
      connections: sharedConnections,
      async after(server, row) {
        const shared = server.ready.sharedAccount;
        if (!shared) throw new Error("the server made no shared account");
        const books = await server.audit();
        const seconds = (sharedRun.lastPlacedAt - sharedRun.startedAt) / 1000;
        const failures: string[] = [];
        const check = (ok: boolean, what: string) => {
          if (!ok) failures.push(what);
        };
        // The books are the truth: an answer the client gave up waiting for (timeout) may still have placed its order.
        check(
          books.liveActivations === shared.orders,
          `${books.liveActivations} orders placed, expected exactly ${shared.orders}`,
        );
        check(sharedRun.placed <= books.liveActivations, `${sharedRun.placed} orders answered, more than the books hold`);
        check(books.lowestAvailableMinor >= 0, `the available balance went down to ${books.lowestAvailableMinor}`);
        check(books.availableMinor === shared.priceMinor - 1, `${books.availableMinor} left, expected ${shared.priceMinor - 1}`);
        check(books.heldMinor === shared.orders * shared.priceMinor, `${books.heldMinor} held for ${shared.orders} orders`);
        check(books.heldMinor === books.liveActivationPricesMinor, "the held balance is not the live activations' prices");
        check(
          books.holds === books.liveActivations && books.activationsWithoutOneHold === 0,
          "an activation without exactly one HOLD",
        );
        const ordersPerSecond = seconds > 0 ? sharedRun.placed / seconds : 0;
        return {
          report: [
            `${row.database}: ${sharedRun.placed} orders on one balance by ${sharedConnections} clients in ` +
              `${seconds.toFixed(2)} s = ${ordersPerSecond.toFixed(1)} orders/s (${books.liveActivations} in the books), ` +
              `then ${sharedRun.refused} refused ` +
              `(INSUFFICIENT_BALANCE). Books: available ${books.availableMinor} (lowest ever ${books.lowestAvailableMinor}), ` +
              `held ${books.heldMinor} = ${books.liveActivations} live activations' prices ${books.liveActivationPricesMinor}, ` +
              `${books.holds} HOLD entries.`,
          ],
          failures,
        };
      },
    },
  },
];

/** Orders of `order-one-balance` go to a country of their own (see service-server.ts). */
const sharedOrdersCountry = "ZB";
/** What `order-one-balance` has seen so far (one run per database; reset before each). */
const sharedRun = { placed: 0, refused: 0, startedAt: 0, lastPlacedAt: 0 };

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

interface Row {
  database: string;
  scenario: Scenario;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU used during the run, in cores (1 = one core busy the whole time). */
  serverCores: number;
  loadGeneratorCores: number;
  /** PostgreSQL's processes, and everything else on the machine (other work included); null without /proc. */
  postgresCores: number | null;
  otherCores: number | null;
  machineCores: number | null;
  failures: Failures;
  transportErrors: number;
  profiled: boolean;
}

async function measure(server: ServerProcess, database: string, scenario: Scenario, profilePath?: string): Promise<Row> {
  const run = (seconds: number, failures: Failures) => {
    let connection = 0;
    return autocannon({
      url: server.ready.url,
      ...(scenario.once
        ? { connections: scenario.once.connections, amount: scenario.once.requests(server.ready), timeout: 60 }
        : { connections, duration: seconds }),
      setupClient: (client) => client.setRequests(scenario.requests(server.ready, connection++, failures)),
    });
  };
  if (warmup > 0 && !scenario.once) await run(warmup, { count: 0 });
  Object.assign(sharedRun, { placed: 0, refused: 0, startedAt: performance.now(), lastPlacedAt: 0 });

  const failures: Failures = { count: 0 };
  if (profilePath) await server.startProfile();
  const [serverBefore, selfBefore, systemBefore] = [await server.cpuUsage(), process.cpuUsage(), systemCpu()];
  const result = await run(duration, failures);
  const [serverAfter, selfAfter, systemAfter] = [await server.cpuUsage(), process.cpuUsage(selfBefore), systemCpu()];
  if (profilePath) await server.stopProfile(profilePath);

  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  const serverCores = (cpuSeconds(serverAfter) - cpuSeconds(serverBefore)) / seconds;
  const loadGeneratorCores = cpuSeconds(selfAfter) / seconds;
  // /proc/stat counts every core's time: its elapsed total is `cores` times the wall time.
  const span = systemBefore && systemAfter ? (systemAfter.elapsed - systemBefore.elapsed) / availableParallelism() : 0;
  const machineCores = systemBefore && systemAfter && span > 0 ? (systemAfter.machine - systemBefore.machine) / span : null;
  const postgresCores =
    systemBefore && systemAfter && span > 0 ? postgresSeconds(systemBefore.postgres, systemAfter.postgres) / span : null;
  const row: Row = {
    database,
    scenario,
    requestsPerSecond: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    serverCores,
    loadGeneratorCores,
    postgresCores,
    otherCores:
      machineCores === null || postgresCores === null
        ? null
        : Math.max(0, machineCores - serverCores - loadGeneratorCores - postgresCores),
    machineCores,
    failures,
    transportErrors: result.errors + result.timeouts + result.non2xx,
    profiled: Boolean(profilePath),
  };
  if (scenario.once) {
    const checked = await scenario.once.after(server, row);
    reports.push(...checked.report);
    for (const failure of checked.failures) {
      failures.count++;
      failures.example ??= failure;
      reports.push(`${database}: NOT AS EXPECTED: ${failure}`);
    }
  }
  return row;
}

/** Lines a scenario adds below the table. */
const reports: string[] = [];

function boundBy(row: Row): string {
  if (row.serverCores >= saturated) return "server CPU";
  if (row.loadGeneratorCores >= saturated) return "load generator CPU";
  if (row.machineCores !== null && row.machineCores >= saturated * availableParallelism()) return "machine CPU";
  return "waiting (database, locks)";
}

const running = new Set<ServerProcess>();
process.on("SIGINT", async () => {
  await Promise.all([...running].map((server) => server.stop()));
  process.exit(130);
});

async function withServer<T>(
  script: string,
  env: Record<string, string | undefined>,
  use: (server: ServerProcess) => Promise<T>,
) {
  const server = await ServerProcess.start(
    new URL(script, import.meta.url),
    { ...process.env, ...env },
    undefined,
    script.includes("service-server") ? serviceNodeFlags : [],
  );
  running.add(server);
  try {
    return await use(server);
  } finally {
    // autocannon drops its connections at the end with requests in flight; the service closes its database
    // once the connections are gone, not when their handlers finish, so they would fail loudly in its log.
    await sleep(2_000);
    await server.stop();
    running.delete(server);
  }
}

const databases: Array<{ label: string; env: Record<string, string> }> = [{ label: "embedded", env: { DATABASE_URL: "" } }];
if (process.env.DATABASE_URL) databases.push({ label: "PostgreSQL", env: { DATABASE_URL: process.env.DATABASE_URL } });
const onlyDatabase = flags.database?.toLowerCase();
const selectedDatabases = databases.filter((database) => !onlyDatabase || database.label.toLowerCase().startsWith(onlyDatabase));
if (onlyDatabase && selectedDatabases.length === 0) {
  console.error(`--database ${flags.database}: expected embedded, or postgres with DATABASE_URL set`);
  process.exit(2);
}
const only = flags.only?.split(",").map((name) => name.trim());
const selectedScenarios = scenarios.filter((scenario) => !only || only.includes(scenario.name));
if (only && selectedScenarios.length !== only.length) {
  console.error(`--only ${flags.only}: expected names among ${scenarios.map((scenario) => scenario.name).join(", ")}`);
  process.exit(2);
}
if (flags.profile && !selectedScenarios.some((scenario) => scenario.name === flags.profile)) {
  console.error(`--profile ${flags.profile}: expected one of the scenarios that run`);
  process.exit(2);
}

const autocannonVersion = (createRequire(import.meta.url)("autocannon/package.json") as { version: string }).version;
const cores = availableParallelism();
const descriptions: string[] = [];
const profiles: Array<{ database: string; path: string }> = [];
const rows: Row[] = [];

console.error(`Measuring: ${connections} connections, ${duration} s per scenario after ${warmup} s of warm-up.`);
await withServer("./http/hello-server.ts", {}, async (server) => {
  descriptions.push(`baseline: ${server.ready.description}`);
  rows.push(await measure(server, "—", baseline));
});
for (const database of selectedDatabases) {
  const env = {
    ...database.env,
    NODE_ENV: "development",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    DEMO_DATA: "true",
    SIMULATOR: "false",
    ACTIVATION_CANCEL_LOCK_MINUTES: "0",
    // The limits still count every request; their numbers are raised so that none refuses the load.
    RATE_LIMITS: testRateLimits,
    BENCH_CUSTOMERS: String(connections),
    BENCH_NUMBERS: String(numbers),
    BENCH_SHARED_ORDERS: String(sharedOrders),
  };
  await withServer("./http/service-server.ts", env, async (server) => {
    descriptions.push(`${database.label}: ${server.ready.description}`);
    await sleep(settleSeconds * 1000);
    for (const scenario of selectedScenarios) {
      const profilePath =
        flags.profile === scenario.name
          ? join(tmpdir(), `smsape-bench-${scenario.name}-${database.label.toLowerCase()}-${Date.now()}.cpuprofile`)
          : undefined;
      rows.push(await measure(server, database.label, scenario, profilePath));
      if (profilePath) profiles.push({ database: database.label, path: profilePath });
    }
  });
}
// The baseline once more: how far the machine drifted during the run.
await withServer("./http/hello-server.ts", {}, async (server) => {
  rows.push(await measure(server, "—", { ...baseline, title: "baseline again, at the end (drift)" }));
});

const baselineRate = rows[0]?.requestsPerSecond ?? 1;
const fixed = (value: number, digits = 0) => value.toFixed(digits);
const optional = (value: number | null) => (value === null ? "—" : fixed(value, 2));
const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
console.log(`
Machine: ${cores} cores (${cpu}), Node ${process.version}, autocannon ${autocannonVersion}, loopback HTTP.
Load: ${connections} connections, ${duration} s per scenario after ${warmup} s of warm-up; servers in their own processes.
${descriptions.map((line) => `- ${line}`).join("\n")}

Server CPU ms/request: the server process's CPU time over the requests it answered (less disturbed by other work than requests/s).
CPU columns: cores busy on average during the measured run (1.00 = one core all the time), of ${cores}.

| database | scenario | requests/s | × baseline | p50 ms | p99 ms | server CPU ms/request | CPU: server | load generator | PostgreSQL | rest of machine | bound by |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
for (const row of rows) {
  const flag = [row.profiled ? "profiled" : "", row.failures.count ? `${row.failures.count} failed` : ""].filter(Boolean);
  console.log(
    `| ${row.database} | ${row.scenario.title}${flag.length ? ` (${flag.join(", ")})` : ""} | ${fixed(row.requestsPerSecond)} | ` +
      `${fixed(row.requestsPerSecond / baselineRate, 3)} | ${fixed(row.p50, 1)} | ${fixed(row.p99, 1)} | ` +
      `${fixed((row.serverCores / row.requestsPerSecond) * 1000, 2)} | ` +
      `${fixed(row.serverCores, 2)} | ${fixed(row.loadGeneratorCores, 2)} | ${optional(row.postgresCores)} | ` +
      `${optional(row.otherCores)} | ${boundBy(row)} |`,
  );
}
const busiest = Math.max(...rows.map((row) => row.otherCores ?? 0));
if (busiest > 0.25) {
  console.log(
    `\nOther work used up to ${fixed(busiest, 2)} cores during the runs ("rest of machine"): it competed with the ` +
      "servers, so these figures are low. Measure again on a quiet machine, and compare rows of one run only.",
  );
}
for (const row of rows.filter((row) => row.scenario.name === "order-cancel")) {
  console.log(`\n${row.database}: ${fixed(row.requestsPerSecond / 2)} order + cancel pairs/s.`);
}

if (reports.length) console.log(`\n${reports.join("\n")}`);

for (const profile of profiles) {
  const summary = summariseProfile(profile.path);
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  console.log(`\nCPU profile of the server, ${flags.profile} on ${profile.database}: ${profile.path}`);
  console.log(`${summary.samples} samples, idle ${percent(summary.idle)}. Self time by package:`);
  for (const entry of summary.packages) console.log(`  ${percent(entry.share).padStart(6)}  ${entry.name}`);
  console.log("Self time by function:");
  for (const entry of summary.functions) console.log(`  ${percent(entry.share).padStart(6)}  ${entry.name}`);
}

const failed = rows.filter((row) => row.failures.count > 0 || row.transportErrors > 0);
for (const row of failed) {
  console.error(
    `\n${row.database} / ${row.scenario.name}: ${row.failures.count} unexpected answers, ${row.transportErrors} ` +
      `errors, timeouts or non-2xx; first: ${row.failures.example ?? "none"}`,
  );
}
process.exit(failed.length ? 1 : 0);
