/**
 * A server under test runs in a process of its own, so the load generator never
 * shares its event loop. This file holds both ends of the conversation between
 * the harness and that process (Node IPC): the server announces where it
 * listens, and answers for its CPU time and, on request, a CPU profile.
 */
import { type ChildProcess, fork } from "node:child_process";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/** What a server process tells the harness once it listens. */
export interface ServerReady {
  type: "ready";
  url: string;
  /** Bearer session tokens of customers made for the run, one per connection. */
  tokens: string[];
  /** Service codes that can be ordered in `country`. */
  services: string[];
  country: string;
  /** One more customer, whose balance every connection of `order-one-balance` orders against. */
  sharedAccount?: { token: string; service: string; priceMinor: number; orders: number };
  /** How the server is set up, for the report. */
  description: string;
}

type Question = { type: "cpu" } | { type: "profile-start" } | { type: "profile-stop"; path: string } | { type: "audit" };
type Request = Question & { id: number };
type Reply = { id: number; cpu?: NodeJS.CpuUsage; audit?: BalanceAudit };

/** The shared account's books after `order-one-balance`, read from the database by the server process. */
export interface BalanceAudit {
  availableMinor: number;
  heldMinor: number;
  /** The lowest available balance after any entry, in the order the entries were written. */
  lowestAvailableMinor: number;
  /** Activations of the account still holding their price, and the sum of those prices. */
  liveActivations: number;
  liveActivationPricesMinor: number;
  /** HOLD entries, and activations whose HOLD entries are not exactly one of their price. */
  holds: number;
  activationsWithoutOneHold: number;
}

/** The server side: announce `ready`, then answer the harness until it says stop or goes away. */
export function serveHarness(ready: Omit<ServerReady, "type">, close: () => Promise<void>, audit?: () => Promise<BalanceAudit>) {
  let profiler: Session | null = null;
  let closing: Promise<void> | null = null;
  const stop = () => {
    closing ??= close().finally(() => process.exit(0));
    return closing;
  };
  process.on("message", async (message: Request | { type: "stop" }) => {
    if (message.type === "stop") return stop();
    const reply: Reply = { id: message.id };
    if (message.type === "cpu") reply.cpu = process.cpuUsage();
    if (message.type === "audit") reply.audit = await audit?.();
    if (message.type === "profile-start") {
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    if (message.type === "profile-stop" && profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(message.path, JSON.stringify(profile));
      profiler.disconnect();
      profiler = null;
    }
    process.send?.(reply);
  });
  // Ctrl-C reaches every process of the terminal: the harness decides when to stop, and drops the database.
  process.on("SIGINT", () => {});
  process.on("disconnect", () => void stop());
  process.send?.({ type: "ready", ...ready } satisfies ServerReady);
}

/** The harness side: a running server process. */
export class ServerProcess {
  private nextId = 1;
  private pending = new Map<number, (reply: Reply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: ServerReady,
  ) {
    child.on("message", (reply: Reply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  /**
   * Starts `script` with tsx (and `nodeFlags`, e.g. V8 options) and waits until it listens. Its log goes to
   * stderr, away from the report.
   */
  static start(
    script: URL,
    env: Record<string, string | undefined>,
    timeoutMs = 180_000,
    nodeFlags: string[] = [],
  ): Promise<ServerProcess> {
    const child = fork(script, [], {
      env,
      execArgv: [...nodeFlags, "--import", import.meta.resolve("tsx")],
      stdio: ["ignore", 2, 2, "ipc"],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`${script.pathname} did not start within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${script.pathname} exited with code ${code} before it was ready`));
      });
      child.once("message", (message: ServerReady) => {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve(new ServerProcess(child, message));
      });
    });
  }

  get pid() {
    return this.child.pid ?? 0;
  }

  private ask(question: Question): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.send({ ...question, id } satisfies Request);
    });
  }

  /** CPU time the server process has used so far (all its threads: HTTP, GraphQL, an embedded database). */
  async cpuUsage(): Promise<NodeJS.CpuUsage> {
    const reply = await this.ask({ type: "cpu" });
    if (!reply.cpu) throw new Error("the server did not report its CPU usage");
    return reply.cpu;
  }

  /** The shared account's books, as the database has them. */
  async audit(): Promise<BalanceAudit> {
    const reply = await this.ask({ type: "audit" });
    if (!reply.audit) throw new Error("the server did not report the shared account's books");
    return reply.audit;
  }

  async startProfile() {
    await this.ask({ type: "profile-start" });
  }

  /** Writes the CPU profile taken since `startProfile` to `path` (a .cpuprofile, readable in Chrome DevTools). */
  async stopProfile(path: string) {
    await this.ask({ type: "profile-stop", path });
  }

  /** Asks the server to close (it drops its database), and kills it if it has not gone within 30 s. */
  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.send({ type: "stop" });
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
