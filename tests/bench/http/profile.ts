/**
 * Where a server's time went: a V8 CPU profile (.cpuprofile) summarised as
 * self time per function and per package, in shares of the samples.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
}

export interface ProfileSummary {
  samples: number;
  /** Share of samples in which the process had nothing to do. */
  idle: number;
  functions: Array<{ name: string; share: number }>;
  packages: Array<{ name: string; share: number }>;
}

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** Where a frame's code comes from: a package, our own workspace packages, Node, V8. */
function origin(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(V8 and native code)";
  if (url.startsWith("wasm://")) return "(WebAssembly)";
  if (url.startsWith("node:")) return "(Node.js internals)";
  const inPackage = url.match(/node_modules\/(?!\.pnpm\/)((?:@[^/]+\/)?[^/]+)\//g)?.at(-1);
  if (inPackage) return inPackage.replace(/^node_modules\//, "").replace(/\/$/, "");
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const relative = path.startsWith(repositoryRoot) ? path.slice(repositoryRoot.length) : path;
  return relative.split("/").slice(0, 2).join("/");
}

function location(url: string): string {
  if (!url) return "";
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const inPackage = path.lastIndexOf("node_modules/");
  if (inPackage >= 0) return path.slice(inPackage + "node_modules/".length);
  return path.startsWith(repositoryRoot) ? path.slice(repositoryRoot.length) : path;
}

export function summariseProfile(path: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let idle = 0;
  for (const id of profile.samples) {
    const frame = nodes.get(id);
    if (!frame) continue;
    if (frame.functionName === "(idle)") {
      idle++;
      continue;
    }
    const where = location(frame.url);
    const name = `${frame.functionName || "(anonymous)"}${where ? ` ${where}:${frame.lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + 1);
    const from = origin(frame.url, frame.functionName);
    byPackage.set(from, (byPackage.get(from) ?? 0) + 1);
  }
  const total = profile.samples.length || 1;
  const ranked = (counts: Map<string, number>) =>
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, count]) => ({ name, share: count / total }));
  return { samples: profile.samples.length, idle: idle / total, functions: ranked(byFunction), packages: ranked(byPackage) };
}
