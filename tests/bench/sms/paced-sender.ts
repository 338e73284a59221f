/**
 * An open-loop sender: POSTs at evenly spaced moments, `rate` per second,
 * whatever the server's answers take, over a pool of kept-alive connections.
 *
 * autocannon's `overallRate` is a per-connection quota per second: each
 * connection sends as fast as it is answered until its share of the second is
 * used, then waits for the next second. Its "500 requests/s" is a burst at
 * full speed followed by silence, which measures the burst, not the rate.
 * Here request i is due at start + i / rate; its latency is counted from that
 * moment, not from when it went out, so a sender or server that falls behind
 * shows in the figures instead of hiding in a queue (no coordinated omission).
 */
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface PacedResult {
  /** Requests answered, by status code. */
  statuses: Map<number, number>;
  /** Requests that failed before an answer (connection errors). */
  errors: number;
  /** Due moment to answer, ms, sorted. */
  latencies: number[];
  firstFailure?: string;
}

export async function pacedPosts(options: {
  url: string;
  path: string;
  rate: number;
  seconds: number;
  /** Sockets at most; requests beyond them wait for one (their wait counts in their latency). */
  sockets: number;
  /** The request i, due at `dueAt` (epoch ms). */
  build(i: number, dueAt: number): { body: string; headers: Record<string, string> };
}): Promise<PacedResult> {
  const target = new URL(options.path, options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.sockets });
  const result: PacedResult = { statuses: new Map(), errors: 0, latencies: [] };
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const epochAt = (moment: number) => performance.timeOrigin + moment;

  const post = (i: number, due: number) => {
    const { body, headers } = options.build(i, Math.round(epochAt(due)));
    const done = new Promise<void>((resolve) => {
      const req = request(
        target,
        { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            result.latencies.push(performance.now() - due);
            result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
            if (status !== 200) result.firstFailure ??= `${status} ${Buffer.concat(chunks).toString().slice(0, 300)}`;
            resolve();
          });
        },
      );
      req.on("error", (error) => {
        result.errors++;
        result.firstFailure ??= error.message;
        resolve();
      });
      req.end(body);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };

  for (let i = 0; i < total; ) {
    const now = performance.now();
    // Every request due by now goes out; the timer then sleeps until the next one is due.
    while (i < total && start + i * interval <= now) {
      post(i, start + i * interval);
      i++;
    }
    const next = start + i * interval - performance.now();
    await sleep(Math.max(0, Math.floor(next)));
  }
  await Promise.all(pending);
  agent.destroy();
  result.latencies.sort((a, b) => a - b);
  return result;
}
