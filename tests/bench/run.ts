/**
 * `pnpm bench`: request latency and throughput of the service over loopback
 * HTTP, on the embedded database and (when DATABASE_URL is set) on PostgreSQL,
 * in one run so the numbers compare. Bounded: a fixed number of requests per
 * scenario. Results are written up in docs/benchmarks.md.
 */
import { performance } from "node:perf_hooks";
import { createCustomer, type GraphqlClient, startTestApp, type TestApp } from "@smsape/api/testing";

const requestsPerScenario = 300;
const concurrency = 4;

interface Scenario {
  name: string;
  /** One unit of work; returns when its requests are done. */
  run(client: GraphqlClient, index: number): Promise<void>;
  requestsPerRun: number;
}

const scenarios: Scenario[] = [
  {
    name: "privacyPolicy query (anonymous, baseline)",
    requestsPerRun: 1,
    run: async (client) => {
      await client.data(`{ privacyPolicy { version } }`);
    },
  },
  {
    name: "balance query (session lookup + ledger sum)",
    requestsPerRun: 1,
    run: async (client) => {
      await client.data(`{ balance { availableMinor heldMinor } }`);
    },
  },
  {
    name: "orderNumber + cancelActivation (two transactions with row locks)",
    requestsPerRun: 2,
    run: async (client, index) => {
      const { orderNumber } = await client.data(
        `mutation($input: OrderNumberInput!) { orderNumber(input: $input) { __typename ... on OrderNumberPayload { activation { id } } ... on Error { code } } }`,
        { input: { service: index % 2 ? "telegram" : "whatsapp", country: "GB" } },
      );
      if (orderNumber.__typename !== "OrderNumberPayload") throw new Error(`order failed: ${orderNumber.code}`);
      const { cancelActivation } = await client.data(`mutation($id: ID!) { cancelActivation(id: $id) { __typename } }`, {
        id: orderNumber.activation.id,
      });
      if (cancelActivation.__typename !== "CancelActivationPayload")
        throw new Error(`cancel failed: ${cancelActivation.__typename}`);
    },
  },
];

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(app: TestApp, scenario: Scenario) {
  const customer = await createCustomer(app, { balanceMinor: 1_000_000 });
  const runs = Math.ceil(requestsPerScenario / scenario.requestsPerRun);
  for (let i = 0; i < 20; i++) await scenario.run(customer.client, i); // warm-up
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < runs) {
        const index = next++;
        const t0 = performance.now();
        await scenario.run(customer.client, index);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    runs,
    perSecond: (runs * scenario.requestsPerRun) / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
  };
}

async function bench(label: string, env: Record<string, string>) {
  const app = await startTestApp({ LOG_LEVEL: "warn", ACTIVATION_CANCEL_LOCK_MINUTES: "0", ...env });
  try {
    // Enough numbers that quarantine never runs the pool dry during the run.
    await app.services.db.virtualNumber.createMany({
      data: Array.from({ length: 400 }, (_, i) => ({ phoneNumber: `+44770100${String(i).padStart(4, "0")}`, countryCode: "GB" })),
    });
    // Let start-up work (job queue maintenance, schedules) settle before measuring.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const rows = [];
    for (const scenario of scenarios) rows.push(await measure(app, scenario));
    return rows.map((row) => ({ database: label, ...row }));
  } finally {
    await app.close();
  }
}

const databases: Array<[string, Record<string, string>]> = [["embedded (PGlite)", { DATABASE_URL: "" }]];
const serverUrl = (await import("@smsape/api/config")).loadConfig().database;
if (serverUrl.kind === "server") databases.push(["PostgreSQL server", {}]);

const results = [];
for (const [label, env] of databases) results.push(...(await bench(label, env)));

console.log(`\n${requestsPerScenario} requests per scenario, ${concurrency} concurrent clients, loopback HTTP\n`);
console.log("| database | scenario | requests/s | p50 ms (per run) | p95 ms (per run) |");
console.log("| --- | --- | ---: | ---: | ---: |");
for (const row of results) {
  console.log(
    `| ${row.database} | ${row.scenario} | ${row.perSecond.toFixed(0)} | ${row.p50.toFixed(1)} | ${row.p95.toFixed(1)} |`,
  );
}
