/**
 * `pnpm bench export`: the access export (P14) of an account with a long
 * history, end to end as its holder gets it. On the embedded database and,
 * when DATABASE_URL is set, on a fresh database of that PostgreSQL server, a
 * customer is made with the test factory, then given `--activations` ended
 * activations (each with its status history, its HOLD and CHARGE ledger
 * entries, and one SMS whose body and code are sealed as ingest seals them),
 * written with set-based SQL. Then, `--runs` times: the customer files an
 * ACCESS request, support prepares the copy (`prepareAccessExport`, what the
 * staff mutation calls), and the customer downloads it over HTTP with the
 * emailed link and their session. Prepare and download are timed apart and
 * together (the target: under 1 s).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm bench export [--activations N] [--runs N] [--quick]
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { Session } from "node:inspector/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs, promisify } from "node:util";
import { gunzip } from "node:zlib";
import { loadConfig } from "@smsape/api/config";
import { createCustomer, createStaffMember, startTestApp, type TestApp } from "@smsape/api/testing";
import type { StaffActor } from "../../api/src/domain/actors.ts";
import { sealColumn } from "../../api/src/domain/crypto/encrypted-columns.ts";
import { newRecordId } from "../../api/src/domain/ids.ts";
import { prepareAccessExport } from "../../api/src/domain/privacy/access-export.ts";
import { summariseProfile } from "./http/profile.ts";

const { values: flags } = parseArgs({
  options: {
    activations: { type: "string" },
    runs: { type: "string" },
    database: { type: "string" },
    quick: { type: "boolean" },
    profile: { type: "boolean" },
  },
});
const activations = Number(flags.activations ?? (flags.quick ? 2_000 : 10_000));
const runs = Number(flags.runs ?? (flags.quick ? 2 : 5));
const batch = 1_000;
const uptime = () =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(", ");

interface Result {
  database: string;
  seedSeconds: number;
  prepare: number[];
  download: number[];
  total: number[];
  bytes: number;
  cpuMsPerRun: number;
  uptime: string;
  profile?: string;
}

const gunzipped = promisify(gunzip);

/**
 * The download as a browser makes it: a GET that accepts gzip, the body
 * received whole and decompressed (zlib, at native speed, as a browser's
 * decoder), then read as UTF-8. Not `fetch`: its decompression runs through
 * web streams chunk by chunk and cost this process 200–300 ms of its own for
 * a 21 MB copy, which measured the client rather than the service.
 */
function download(url: URL, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { headers: { authorization: `Bearer ${token}`, "accept-encoding": "gzip" } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const received = Buffer.concat(chunks);
        const body = response.headers["content-encoding"] === "gzip" ? gunzipped(received) : Promise.resolve(received);
        body.then((bytes) => resolve({ status: response.statusCode ?? 0, body: bytes.toString("utf8") }), reject);
      });
    });
    sent.on("error", reject);
    sent.end();
  });
}

/** Writes the account's history in batches, each table one INSERT … SELECT FROM unnest(…) per batch. */
async function seedHistory(app: TestApp, accountId: string) {
  const { db } = app.services;
  const ring = app.services.config.encryption;
  const day = 24 * 60 * 60_000;
  const start = Date.now() - 90 * day;
  const number = await db.virtualNumber.findFirstOrThrow({ select: { id: true, phoneNumber: true } });
  for (let from = 0; from < activations; from += batch) {
    const count = Math.min(batch, activations - from);
    const ids: string[] = [];
    const created: string[] = [];
    const messageIds: string[] = [];
    const bodies: string[] = [];
    const codes: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = newRecordId();
      const messageId = newRecordId();
      ids.push(id);
      messageIds.push(messageId);
      created.push(new Date(start + ((from + i) * 89 * day) / activations).toISOString());
      const code = String(100_000 + ((from + i) % 900_000));
      bodies.push(sealColumn(ring, "smsBody", messageId, `Your Telegram code is ${code}`));
      codes.push(sealColumn(ring, "smsCode", messageId, code));
    }
    await db.$executeRaw`
      INSERT INTO "Activation" (id, "accountId", "serviceCode", "countryCode", "numberId", "phoneNumber", "priceMinor",
                                currency, status, "createdAt", "expiresAt", "cancelableAt", "endedAt", "updatedAt")
      SELECT a.id, ${accountId}::uuid, 'telegram', 'GB', ${number.id}::uuid, ${number.phoneNumber}, 50, 'USD', 'COMPLETED',
             a.t, a.t + interval '20 minutes', a.t, a.t + interval '3 minutes', a.t + interval '3 minutes'
      FROM unnest(${ids}::uuid[], ${created}::timestamp[]) AS a(id, t)`;
    await db.$executeRaw`
      INSERT INTO "ActivationStatusChange" (id, "activationId", "fromStatus", "toStatus", reason, at)
      SELECT gen_random_uuid(), a.id, s."from"::"ActivationStatus", s."to"::"ActivationStatus", s.reason, a.t + s.after
      FROM unnest(${ids}::uuid[], ${created}::timestamp[]) AS a(id, t)
      CROSS JOIN (VALUES (NULL, 'WAITING_SMS', 'number ordered', interval '0'),
                         ('WAITING_SMS', 'SMS_RECEIVED', 'SMS received', interval '1 minute'),
                         ('SMS_RECEIVED', 'COMPLETED', 'completed by the customer', interval '3 minutes')) AS s("from", "to", reason, after)`;
    await db.$executeRaw`
      INSERT INTO "LedgerEntry" (id, "accountId", "accountRef", kind, "availableDelta", "heldDelta", currency, "activationId", "createdAt")
      SELECT gen_random_uuid(), ${accountId}::uuid, ${accountId}, e.kind::"LedgerEntryKind", e.available, e.held, 'USD', a.id, a.t + e.after
      FROM unnest(${ids}::uuid[], ${created}::timestamp[]) AS a(id, t)
      CROSS JOIN (VALUES ('HOLD', -50, 50, interval '0'), ('CHARGE', 0, -50, interval '3 minutes')) AS e(kind, available, held, after)`;
    await db.$executeRaw`
      INSERT INTO "SmsMessage" (id, "activationId", "upstreamMessageId", "bodyCiphertext", "codeCiphertext", "receivedAt")
      SELECT m.id, m.activation, 'op-' || m.id, m.body, m.code, m.t + interval '1 minute'
      FROM unnest(${messageIds}::uuid[], ${ids}::uuid[], ${bodies}::text[], ${codes}::text[], ${created}::timestamp[])
           AS m(id, activation, body, code, t)`;
  }
  await db.$executeRawUnsafe(`ANALYZE`);
}

async function bench(label: string, env: Record<string, string>): Promise<Result> {
  const app = await startTestApp({ LOG_LEVEL: "warn", ...env });
  try {
    const member = await createStaffMember(app, { role: "SUPPORT" });
    const support: StaffActor = { kind: "staff", staffUserId: member.staffUserId, role: "SUPPORT", sessionId: randomUUID() };
    const customer = await createCustomer(app, { balanceMinor: 1_000_000 });
    const seeding = performance.now();
    await seedHistory(app, customer.accountId);
    const seedSeconds = (performance.now() - seeding) / 1000;
    const result: Result = {
      database: label,
      seedSeconds,
      prepare: [],
      download: [],
      total: [],
      bytes: 0,
      cpuMsPerRun: 0,
      uptime: "",
    };
    let cpu = 0;
    // One more run than counted: the first compiles the code paths.
    for (let run = 0; run <= runs; run++) {
      const request = await customer.requestPrivacy({ kind: "ACCESS" });
      // --profile: a CPU profile of the last run (service and client share this process).
      const profiler = flags.profile && run === runs ? new Session() : null;
      if (profiler) {
        profiler.connect();
        await profiler.post("Profiler.enable");
        await profiler.post("Profiler.start");
      }
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await prepareAccessExport(app.services, support, request.id);
      const prepared = performance.now();
      const email = await app.mailbox.latest(customer.email, "Your copy of your data is ready");
      const link = email.body.match(/https?:\/\/\S+\/privacy\/export\/exp_[A-Za-z0-9_-]+/)?.[0];
      if (!link) throw new Error("No download link in the email");
      const linked = performance.now();
      const response = await download(new URL(new URL(link).pathname, app.url), customer.token);
      const text = response.body;
      const downloaded = performance.now();
      const used = process.cpuUsage(cpuBefore);
      if (profiler) {
        const { profile } = await profiler.post("Profiler.stop");
        profiler.disconnect();
        result.profile = join(tmpdir(), `smsape-bench-export-${Date.now()}.cpuprofile`);
        writeFileSync(result.profile, JSON.stringify(profile));
      }
      if (response.status !== 200) throw new Error(`download answered ${response.status}: ${text.slice(0, 300)}`);
      const copy = JSON.parse(text);
      const got = copy.data.records.SmsMessage?.length ?? 0;
      if (got !== activations + 0) throw new Error(`the copy holds ${got} SMS, expected ${activations}`);
      // The request stays open after the copy is sent (staff close it); closed here so the next run can file one.
      await app.services.db.privacyRequest.update({ where: { id: request.id }, data: { status: "COMPLETED" } });
      if (run === 0) continue;
      result.prepare.push(prepared - started);
      result.download.push(downloaded - linked);
      result.total.push(prepared - started + (downloaded - linked));
      result.bytes = text.length;
      cpu += (used.user + used.system) / 1000;
    }
    result.cpuMsPerRun = cpu / runs;
    result.uptime = uptime();
    return result;
  } finally {
    await app.close();
  }
}

const databases: Array<[string, Record<string, string>]> = [];
if (loadConfig().database.kind === "server") databases.push(["PostgreSQL server", {}]);
databases.push(["embedded (PGlite)", { DATABASE_URL: "" }]);
const selected = databases.filter(([label]) => !flags.database || label.toLowerCase().startsWith(flags.database.toLowerCase()));

console.error(`Load average ${uptime()}; ${activations} activations with SMS, ${runs} timed runs per database.`);
const results: Result[] = [];
for (const [label, env] of selected) {
  results.push(await bench(label, env));
  console.error(`${label}: done (load average ${uptime()})`);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const ms = (value: number) => `${value.toFixed(0)} ms`;
console.log(`\nMachine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}.`);
console.log(
  `Account: ${activations.toLocaleString("en")} activations, each with 3 status changes, 2 ledger entries and 1 SMS (sealed).`,
);
console.log(
  "Prepare: prepareAccessExport (as the staff mutation runs it); download: GET of the emailed link with the customer's session.",
);
console.log(
  "\n| database | seeded in | prepare median (min–max) | download median | total median (min–max) | copy size | CPU per run (one process) | load average |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
for (const r of results) {
  console.log(
    `| ${r.database} | ${r.seedSeconds.toFixed(1)} s | ${ms(median(r.prepare))} (${ms(Math.min(...r.prepare))}–${ms(Math.max(...r.prepare))}) | ` +
      `${ms(median(r.download))} | ${ms(median(r.total))} (${ms(Math.min(...r.total))}–${ms(Math.max(...r.total))}) | ` +
      `${(r.bytes / 1e6).toFixed(1)} MB | ${ms(r.cpuMsPerRun)} | ${r.uptime} |`,
  );
}
for (const r of results.filter((r) => r.profile)) {
  const summary = summariseProfile(r.profile ?? "", 25);
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  console.log(
    `\nCPU profile of one run on ${r.database} (${r.profile}): ${summary.samples} samples, idle ${percent(summary.idle)}.`,
  );
  for (const entry of summary.packages) console.log(`  ${percent(entry.share).padStart(6)}  ${entry.name}`);
  for (const entry of summary.functions) console.log(`  ${percent(entry.share).padStart(6)}  ${entry.name}`);
}
process.exit(0);
