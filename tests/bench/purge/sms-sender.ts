/**
 * The upstream operator, as the purge benchmark plays it: a process of its own
 * that POSTs signed SMS deliveries to /webhooks/sms at a steady rate (open
 * loop: a delivery is sent when its time comes, whether or not earlier ones
 * were answered, up to `maxInFlight` outstanding), and times each one from the
 * moment it was due. The harness says `start` with the target, then `stop`;
 * the sender answers with every delivery's timing and leaves.
 */
import { randomBytes } from "node:crypto";
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
// The signing helper alone, not the whole harness: this process should stay small.
import { webhookSignature } from "../../../api/src/testing/webhooks.ts";

export interface SenderStart {
  type: "start";
  url: string;
  secret: string;
  /** Numbers of live activations; deliveries go to them in turn. */
  numbers: string[];
  perSecond: number;
  maxInFlight: number;
}

/** One delivery: when it was due (epoch ms), how long until its answer (ms), and the answer. */
export interface Delivery {
  dueAt: number;
  ms: number;
  status: number;
  /** The webhook's `status` field ("delivered"), or the error when there was no answer. */
  outcome: string;
}

export interface SenderReport {
  type: "report";
  deliveries: Delivery[];
  /** Deliveries not sent because `maxInFlight` were outstanding (the service fell behind). */
  skipped: number;
  cpu: NodeJS.CpuUsage;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: URL, secret: string, body: string): Promise<{ status: number; outcome: string }> {
  const signature = webhookSignature(secret, body, Math.floor(Date.now() / 1000));
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-signature": signature },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          let outcome = "unreadable answer";
          try {
            outcome = String(JSON.parse(Buffer.concat(chunks).toString("utf8")).status);
          } catch {}
          resolve({ status: res.statusCode ?? 0, outcome });
        });
      },
    );
    req.on("error", (error) => resolve({ status: 0, outcome: error.message }));
    req.end(body);
  });
}

function run(start: SenderStart) {
  const url = new URL("/webhooks/sms", start.url);
  const deliveries: Delivery[] = [];
  const interval = 1000 / start.perSecond;
  const origin = performance.now();
  const prefix = `bench-${randomBytes(4).toString("hex")}`;
  let sent = 0;
  let skipped = 0;
  let inFlight = 0;
  let stopped = false;
  const outstanding = new Set<Promise<void>>();

  const tick = () => {
    if (stopped) return;
    // Catch up on every delivery that fell due since the last tick (timers run late on a busy machine).
    const now = performance.now();
    while (origin + sent * interval <= now) {
      const dueAt = origin + sent * interval;
      const n = sent++;
      if (inFlight >= start.maxInFlight) {
        skipped++;
        continue;
      }
      inFlight++;
      const body = JSON.stringify({
        messageId: `${prefix}-${n}`,
        to: start.numbers[n % start.numbers.length],
        text: `Your code is ${String(100_000 + (n % 900_000))}`,
      });
      const done = post(url, start.secret, body).then(({ status, outcome }) => {
        inFlight--;
        deliveries.push({ dueAt: performance.timeOrigin + dueAt, ms: performance.now() - dueAt, status, outcome });
      });
      outstanding.add(done);
      void done.finally(() => outstanding.delete(done));
    }
    setTimeout(tick, Math.max(0, origin + sent * interval - performance.now()));
  };
  tick();

  return async (): Promise<SenderReport> => {
    stopped = true;
    await Promise.all([...outstanding]);
    agent.destroy();
    return { type: "report", deliveries, skipped, cpu: process.cpuUsage() };
  };
}

let stop: (() => Promise<SenderReport>) | null = null;
process.on("message", async (message: SenderStart | { type: "stop" }) => {
  if (message.type === "start") {
    stop = run(message);
    process.send?.({ type: "started" });
  } else if (message.type === "stop" && stop) {
    process.send?.(await stop(), () => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));
// Ctrl-C reaches every process of the terminal: the harness decides when to stop.
process.on("SIGINT", () => {});
