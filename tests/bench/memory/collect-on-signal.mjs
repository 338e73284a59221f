/**
 * Preloaded into a process measured by `pnpm bench memory` (node --import): on
 * SIGUSR2 it runs full garbage collections, so the harness can read the V8 heap
 * that is still reachable (through /metrics) rather than what awaits a
 * collection. Benchmarks only; the service has no such hook.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc");
process.on("SIGUSR2", () => {
  collect();
  collect();
});
