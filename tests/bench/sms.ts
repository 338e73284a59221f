/**
 * `pnpm bench sms`: inbound SMS from the operator's signed webhook to the
 * subscribers' sockets, on a table of past activations. Three processes
 * besides this one: the service (tests/bench/sms/service-server.ts, a fresh
 * database seeded with set-based SQL), the subscribers
 * (tests/bench/sms/subscribers.ts, one WebSocket and one `smsReceived`
 * subscription per account) and, first, the bare graphql-yoga hello world as
 * the baseline. This process posts the webhooks with autocannon, each signed
 * as the operator signs, each to the next account's number, with its send
 * time in the text. Two measurements per database:
 *
 * - max: `--connections` webhook connections as fast as the service answers;
 *   delivered SMS/s counts the SMS whose webhook was answered 200 AND whose
 *   event reached its subscriber (sent within the run, arrived by 3 s after it);
 * - rate: `--rate` SMS/s evenly spaced (sms/paced-sender.ts: open loop, one
 *   webhook every 1/rate s), and the latency from the moment each webhook was
 *   due to the subscriber's receipt, p50 / p99 / max.
 *
 * See docs/benchmarks.md ("SMS webhook to subscribers") for the last results.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { testRateLimits, webhookSignature } from "@smsape/api/testing";
import autocannon from "autocannon";
import { summariseProfile } from "./http/profile.ts";
import { ServerProcess } from "./http/server-process.ts";
import { postgresSeconds, systemCpu } from "./http/system-cpu.ts";
import { pacedPosts } from "./sms/paced-sender.ts";

const { values: flags } = parseArgs({
  options: {
    accounts: { type: "string" },
    past: { type: "string" },
    rate: { type: "string", default: "500" },
    connections: { type: "string", default: "16" },
    duration: { type: "string" },
    warmup: { type: "string", default: "3" },
    database: { type: "string" },
    profile: { type: "string" },
    only: { type: "string" },
    quick: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});

if (flags.help) {
  console.log(`pnpm bench sms [options]
  --accounts N     accounts, each with a session, a live activation and one open subscription (default 10000; quick 1000)
  --past N         ended activations in the table (default 1000000; quick 100000)
  --rate R         SMS/s of the latency measurement (default 500)
  --connections N  webhook connections of the max measurement (default 16)
  --duration S     seconds per measurement (default 10; quick 5)
  --warmup S       seconds at the fixed rate before measuring, not counted (default 3)
  --database D     embedded or postgres only (default: postgres when DATABASE_URL is set, and embedded)
  --profile M      CPU profile of the server during measurement M (max or rate), summarised
  --only M         only measurement M (max or rate)
  --quick          the smaller defaults: a bounded run of about two minutes`);
  process.exit(0);
}

const whole = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    console.error(`--${name}: expected a whole number, got ${value}`);
    process.exit(2);
  }
  return number;
};
const quick = Boolean(flags.quick);
const accounts = whole("accounts", flags.accounts, quick ? 1_000 : 10_000);
const past = whole("past", flags.past, quick ? 100_000 : 1_000_000);
const rate = whole("rate", flags.rate, 500);
const connections = whole("connections", flags.connections, 16);
const duration = whole("duration", flags.duration, quick ? 5 : 10);
const warmup = whole("warmup", flags.warmup, 3);
/** How long after a run an event may still arrive and count. */
const drainSeconds = 3;
const settleSeconds = 3;
const secret = `bench-sms-secret-${randomBytes(8).toString("hex")}`;
const run = randomBytes(4).toString("hex");
const cores = availableParallelism();

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;
const uptime = () =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(", ");

/** The subscribers' process, driven over IPC. */
class Subscribers {
  private waiting: ((message: any) => void) | null = null;
  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message) => {
      const resolve = this.waiting;
      this.waiting = null;
      resolve?.(message);
    });
  }
  static async start(): Promise<Subscribers> {
    const child = fork(new URL("./sms/subscribers.ts", import.meta.url), [], {
      execArgv: ["--import", import.meta.resolve("tsx")],
      stdio: ["ignore", 2, 2, "ipc"],
    });
    const subscribers = new Subscribers(child);
    await subscribers.next();
    return subscribers;
  }
  private next(): Promise<any> {
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
  async open(url: string, tokens: string[]): Promise<number> {
    const answer = this.next();
    this.child.send({ type: "open", url, tokens, batch: 200 });
    return (await answer).sockets;
  }
  async collect(): Promise<{ arrivals: number[]; errors: number; firstError?: string; cpu: NodeJS.CpuUsage }> {
    const answer = this.next();
    this.child.send({ type: "collect" });
    return answer;
  }
  close() {
    if (this.child.connected) this.child.send({ type: "close" });
  }
}

interface Row {
  database: string;
  measurement: string;
  /** Webhooks answered 200 per second, and SMS both answered and received by the subscriber per second. */
  answered: number;
  delivered: number;
  webhookP50: number;
  webhookP99: number;
  /** Webhook send to subscriber receipt, ms; null when nothing arrived. */
  latency: { p50: number; p99: number; max: number } | null;
  lost: number;
  failures: number;
  firstFailure?: string;
  serverCores: number;
  subscriberCores: number;
  senderCores: number;
  postgresCores: number | null;
  otherCores: number | null;
  uptime: string;
  profiled: boolean;
}

const percentile = (sorted: number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0;

/** What a sending run gives back, the same for both senders. */
interface Sent {
  /** Webhooks answered 200. */
  answered: number;
  p50: number;
  p99: number;
  /** Requests that failed without an answer. */
  errors: number;
}

/** The signed webhook of SMS number i, with `sentAt` (epoch ms) in its text for the subscriber to measure against. */
function smsRequest(i: number, sentAt: number) {
  const body = JSON.stringify({
    messageId: `op-${run}-${i}`,
    to: `+447707${String(i % accounts).padStart(6, "0")}`,
    text: `Your code is 482913 sent=${sentAt}`,
    from: "Telegram",
    route: "uk-2",
  });
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-signature": webhookSignature(secret, body, Math.floor(Date.now() / 1000)),
    },
  };
}

/**
 * Posts signed SMS to the service: `sendRate` per second evenly spaced (paced-sender.ts), or, when 0, as fast
 * as `connections` connections are answered (autocannon). Ids start at `counter.next`.
 */
async function sendSms(
  url: string,
  seconds: number,
  sendRate: number,
  counter: { next: number; failures: number; example?: string },
): Promise<Sent> {
  if (sendRate > 0) {
    const first = counter.next;
    const result = await pacedPosts({
      url,
      path: "/webhooks/sms",
      rate: sendRate,
      seconds,
      sockets: Math.max(connections, 64),
      build: (i, dueAt) => smsRequest(first + i, dueAt),
    });
    counter.next += result.latencies.length + result.errors;
    const answered = result.statuses.get(200) ?? 0;
    counter.failures += result.latencies.length - answered;
    if (result.firstFailure) counter.example ??= result.firstFailure;
    return {
      answered,
      p50: percentile(result.latencies, 0.5),
      p99: percentile(result.latencies, 0.99),
      errors: result.errors,
    };
  }
  const request: autocannon.Request = {
    method: "POST",
    path: "/webhooks/sms",
    setupRequest: (req) => ({ ...req, ...smsRequest(counter.next++, Date.now()) }),
    onResponse: (status, body) => {
      if (status === 200) return;
      counter.failures++;
      counter.example ??= `${status} ${body.slice(0, 300)}`;
    },
  };
  const result = await autocannon({ url, connections, duration: seconds, requests: [request] });
  return {
    answered: result.statusCodeStats?.["200"]?.count ?? 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
  };
}

async function measure(
  server: ServerProcess,
  subscribers: Subscribers,
  database: string,
  measurement: "max" | "rate",
  profilePath?: string,
): Promise<Row> {
  // Each measurement sends message ids of its own: the operator's id of an SMS already stored (by the run
  // before) would be answered as a retry, stored nothing new and told no one.
  const counter = { next: measurement === "rate" ? 1_000_000 : 0, failures: 0, example: undefined as string | undefined };
  await subscribers.collect();
  if (profilePath) await server.startProfile();
  const before = { server: await server.cpuUsage(), self: process.cpuUsage(), system: systemCpu() };
  const subscriberBefore = (await subscribers.collect()).cpu;
  const startedAt = Date.now();
  const result = await sendSms(server.ready.url, duration, measurement === "rate" ? rate : 0, counter);
  const endedAt = Date.now();
  const after = { server: await server.cpuUsage(), self: process.cpuUsage(before.self), system: systemCpu() };
  if (profilePath) await server.stopProfile(profilePath);
  await sleep(drainSeconds * 1000);
  const collected = await subscribers.collect();
  const seconds = (endedAt - startedAt) / 1000;

  const latencies: number[] = [];
  for (let i = 0; i < collected.arrivals.length; i += 2) {
    const sent = collected.arrivals[i] ?? 0;
    const arrived = collected.arrivals[i + 1] ?? 0;
    if (sent >= startedAt && sent <= endedAt) latencies.push(arrived - sent);
  }
  latencies.sort((a, b) => a - b);
  const answered = result.answered;
  // The subscriber's process has used CPU since it started; its share of this run is the difference.
  const subscriberCores = (cpuSeconds(collected.cpu) - cpuSeconds(subscriberBefore)) / (seconds + drainSeconds);
  const serverCores = (cpuSeconds(after.server) - cpuSeconds(before.server)) / seconds;
  const senderCores = cpuSeconds(after.self) / seconds;
  const span = before.system && after.system ? (after.system.elapsed - before.system.elapsed) / cores : 0;
  const machineCores = before.system && after.system && span > 0 ? (after.system.machine - before.system.machine) / span : null;
  const postgresCores =
    before.system && after.system && span > 0 ? postgresSeconds(before.system.postgres, after.system.postgres) / span : null;
  return {
    database,
    measurement: measurement === "rate" ? `${rate} SMS/s` : `max (${connections} connections)`,
    answered: answered / seconds,
    delivered: Math.min(answered, latencies.length) / seconds,
    webhookP50: result.p50,
    webhookP99: result.p99,
    latency: latencies.length
      ? { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 }
      : null,
    lost: Math.max(0, answered - latencies.length),
    failures: counter.failures + result.errors + collected.errors,
    firstFailure: counter.example ?? collected.firstError,
    serverCores,
    subscriberCores,
    senderCores,
    postgresCores,
    otherCores:
      machineCores === null || postgresCores === null
        ? null
        : Math.max(0, machineCores - serverCores - senderCores - subscriberCores - postgresCores),
    uptime: uptime(),
    profiled: Boolean(profilePath),
  };
}

const running = new Set<{ stop(): unknown }>();
process.on("SIGINT", async () => {
  await Promise.all([...running].map((process) => process.stop()));
  process.exit(130);
});

const databases: Array<{ label: string; env: Record<string, string> }> = [];
if (process.env.DATABASE_URL) databases.push({ label: "PostgreSQL", env: { DATABASE_URL: process.env.DATABASE_URL } });
databases.push({ label: "embedded", env: { DATABASE_URL: "" } });
const onlyDatabase = flags.database?.toLowerCase();
const selected = databases.filter((database) => !onlyDatabase || database.label.toLowerCase().startsWith(onlyDatabase));
if (selected.length === 0) {
  console.error(`--database ${flags.database}: expected embedded, or postgres with DATABASE_URL set`);
  process.exit(2);
}
if (flags.only && !["max", "rate"].includes(flags.only)) {
  console.error(`--only ${flags.only}: expected max or rate`);
  process.exit(2);
}
if (flags.profile && !["max", "rate"].includes(flags.profile)) {
  console.error(`--profile ${flags.profile}: expected max or rate`);
  process.exit(2);
}

console.error(
  `Load average ${uptime()}. ${accounts} accounts and subscriptions, ${past} past activations, ${duration} s per measurement.`,
);

// The baseline: the bare Yoga server, as in the HTTP bench.
let baselineRate = 0;
let baselineCores = 0;
{
  const hello = await ServerProcess.start(new URL("./http/hello-server.ts", import.meta.url), process.env);
  running.add(hello);
  const before = await hello.cpuUsage();
  const result = await autocannon({
    url: hello.ready.url,
    connections: 8,
    duration,
    requests: [
      { method: "POST", path: "/graphql", headers: { "content-type": "application/json" }, body: '{"query":"{ hello }"}' },
    ],
  });
  baselineRate = result.requests.total / duration;
  baselineCores = (cpuSeconds(await hello.cpuUsage()) - cpuSeconds(before)) / duration;
  await hello.stop();
  running.delete(hello);
}

const rows: Row[] = [];
const descriptions: string[] = [];
const profiles: Array<{ database: string; path: string }> = [];
const rateLimits = testRateLimits.replace("webhook.network=100000/60", "webhook.network=100000000/60");
for (const database of selected) {
  const env = {
    ...process.env,
    ...database.env,
    NODE_ENV: "development",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    DEMO_DATA: "true",
    SIMULATOR: "false",
    SMS_WEBHOOK_SECRET: secret,
    RATE_LIMITS: rateLimits,
    BENCH_ACCOUNTS: String(accounts),
    BENCH_PAST: String(past),
    BENCH_RUN: run,
  };
  const seeding = Date.now();
  const server = await ServerProcess.start(new URL("./sms/service-server.ts", import.meta.url), env, 900_000);
  running.add(server);
  const subscribers = await Subscribers.start();
  running.add({ stop: () => subscribers.close() });
  try {
    descriptions.push(
      `${database.label}: ${server.ready.description} (ready after ${((Date.now() - seeding) / 1000).toFixed(0)} s)`,
    );
    const opening = Date.now();
    const tokens = Array.from({ length: accounts }, (_, i) => `ses_${run}_${i}`);
    const sockets = await subscribers.open(`${server.ready.url.replace(/^http/, "ws")}/graphql`, tokens);
    descriptions.push(
      `${database.label}: ${sockets} sockets and subscriptions open in ${((Date.now() - opening) / 1000).toFixed(1)} s`,
    );
    await sleep(settleSeconds * 1000);
    // Warm-up at the fixed rate: the subscriptions are live and the code paths compiled before anything counts.
    if (warmup > 0) await sendSms(server.ready.url, warmup, rate, { next: 10_000_000, failures: 0 });
    for (const measurement of (["max", "rate"] as const).filter((name) => !flags.only || name === flags.only)) {
      const profilePath =
        flags.profile === measurement
          ? join(tmpdir(), `smsape-bench-sms-${measurement}-${database.label.toLowerCase()}-${Date.now()}.cpuprofile`)
          : undefined;
      rows.push(await measure(server, subscribers, database.label, measurement, profilePath));
      if (profilePath) profiles.push({ database: database.label, path: profilePath });
      console.error(`${database.label} ${measurement}: done (load average ${uptime()})`);
    }
  } finally {
    subscribers.close();
    await sleep(1_000);
    await server.stop();
    running.delete(server);
  }
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);
const optional = (value: number | null) => (value === null ? "—" : fixed(value, 2));
const autocannonVersion = (createRequire(import.meta.url)("autocannon/package.json") as { version: string }).version;
console.log(`
Machine: ${cores} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, autocannon ${autocannonVersion}, loopback.
Baseline: bare graphql-yoga \`{ hello }\`, 8 connections: ${fixed(baselineRate)} requests/s, server ${fixed(baselineCores, 2)} cores.
${descriptions.map((line) => `- ${line}`).join("\n")}
Each measurement ${duration} s; an SMS counts as delivered when its webhook was answered 200 and its event reached the subscriber within ${drainSeconds} s of the run's end.
CPU columns: cores busy on average (1.00 = one core the whole run), of ${cores}; "sender" is the harness (autocannon for max, the paced sender for the rate).
Latencies of the rate measurement count from the moment each webhook was due (open loop), not from when it went out.

| database | measurement | webhooks answered/s | delivered SMS/s | × baseline | webhook p50 / p99 ms | to subscriber p50 / p99 / max ms | lost | CPU: server | subscribers | sender | PostgreSQL | rest | load average |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
for (const row of rows) {
  const flag = [row.profiled ? "profiled" : "", row.failures ? `${row.failures} failed` : ""].filter(Boolean);
  console.log(
    `| ${row.database} | ${row.measurement}${flag.length ? ` (${flag.join(", ")})` : ""} | ${fixed(row.answered)} | ` +
      `${fixed(row.delivered)} | ${fixed(row.delivered / baselineRate, 3)} | ${fixed(row.webhookP50, 1)} / ${fixed(row.webhookP99, 1)} | ` +
      `${row.latency ? `${fixed(row.latency.p50, 1)} / ${fixed(row.latency.p99, 1)} / ${fixed(row.latency.max)}` : "—"} | ` +
      `${row.lost} | ${fixed(row.serverCores, 2)} | ${fixed(row.subscriberCores, 2)} | ${fixed(row.senderCores, 2)} | ` +
      `${optional(row.postgresCores)} | ${optional(row.otherCores)} | ${row.uptime} |`,
  );
}
for (const row of rows) {
  console.log(
    `${row.database} ${row.measurement}: server CPU ${fixed((row.serverCores / Math.max(row.answered, 1)) * 1000, 2)} ms per SMS.`,
  );
}
for (const profile of profiles) {
  const summary = summariseProfile(profile.path, 25);
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  console.log(`\nCPU profile of the server, ${flags.profile} on ${profile.database}: ${profile.path}`);
  console.log(`${summary.samples} samples, idle ${percent(summary.idle)}. Self time by package:`);
  for (const entry of summary.packages) console.log(`  ${percent(entry.share).padStart(6)}  ${entry.name}`);
  console.log("Self time by function:");
  for (const entry of summary.functions) console.log(`  ${percent(entry.share).padStart(6)}  ${entry.name}`);
}
const failed = rows.filter((row) => row.failures > 0);
for (const row of failed)
  console.error(`\n${row.database} / ${row.measurement}: ${row.failures} failures; first: ${row.firstFailure}`);
process.exit(failed.length ? 1 : 0);
