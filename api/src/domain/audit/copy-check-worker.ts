/**
 * A worker thread of the streamed check (streamed-check.ts): checks the parts
 * of the log it is sent, each on a COPY connection of its own, and posts back
 * what it found. The thread stays up between verifications; a part stops early
 * once the shared flags say an earlier part of the same verification broke.
 */
import { parentPort } from "node:worker_threads";
import { type ChainPart, type ChainScan, checkChainPart } from "./copy-check.ts";

export interface ChainPartTask {
  id: number;
  part: ChainPart;
  /** One flag per part of the verification, set when that part found a broken entry. */
  brokenParts: Int32Array;
  index: number;
}

export type ChainPartReply = { id: number; scan: ChainScan } | { id: number; error: string };

const port = parentPort;
if (!port) throw new Error("copy-check-worker.ts runs as a worker thread.");

port.on("message", async ({ id, part, brokenParts, index }: ChainPartTask) => {
  const stopped = () => {
    for (let earlier = 0; earlier < index; earlier += 1) if (Atomics.load(brokenParts, earlier) !== 0) return true;
    return false;
  };
  try {
    const scan = await checkChainPart(part, stopped);
    if (scan.broken) Atomics.store(brokenParts, index, 1);
    port.postMessage({ id, scan } satisfies ChainPartReply);
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies ChainPartReply);
  }
});
port.postMessage("ready");
