/**
 * CPU time of the whole machine and of PostgreSQL's processes, from /proc
 * (Linux), for the benchmarks' CPU columns.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

/**
 * CPU seconds used so far by the whole machine and by each of PostgreSQL's
 * processes, from /proc (Linux); null elsewhere. The rest of the machine is
 * whatever else runs on it, other work included.
 */
export function systemCpu(): { machine: number; elapsed: number; postgres: Map<string, number> } | null {
  try {
    const ticks = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1, 9).map(Number);
    const elapsed = ticks.reduce((sum, value) => sum + value, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const postgres = new Map<string, number>();
    for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        if (!stat.includes("(postgres)")) continue;
        // After the command name (in parentheses, may hold spaces), utime and stime are the 12th and 13th fields.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        postgres.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
      } catch {}
    }
    return { machine: (elapsed - idle) / ticksPerSecond, elapsed: elapsed / ticksPerSecond, postgres };
  } catch {
    return null;
  }
}

/** CPU seconds PostgreSQL's processes used between two readings (a process that ended in between is left out). */
export function postgresSeconds(before: Map<string, number>, after: Map<string, number>) {
  let seconds = 0;
  for (const [pid, total] of after) seconds += total - (before.get(pid) ?? 0);
  return seconds;
}
