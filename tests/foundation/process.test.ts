import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { demoCustomer } from "@smsape/api/demo";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
// tsx as a loader of this node process (not tsx's CLI, which relays signals through a
// parent that kills the service 30 ms after passing one on): signals reach the service itself.
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const dataDirs: string[] = [];

function freshDataDir() {
  const dir = mkdtempSync(join(tmpdir(), "smsape-process-"));
  dataDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `pnpm start`'s entry point as its own process, as an operator would. */
function startService(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", tsxLoader, "api/src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "development",
      SIMULATOR: "false",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const output = () => ({ stdout, stderr });
  const running = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (stdout.includes("SMSAPE is running")) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`exited with ${code}: ${stderr}`));
    });
  });
  running.catch(() => {});
  return { child, exited, output, running };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function stop(child: ChildProcess) {
  if (child.exitCode === null) child.kill("SIGKILL");
}

describe("the service process", () => {
  it("refuses a bad setting with one line naming the variable", async () => {
    const service = startService({ PORT: "not-a-port", DATA_DIR: freshDataDir() });
    expect(await service.exited).toBe(1);
    expect(service.output().stderr.trim()).toBe("Cannot start: PORT: expected a port number");
  });

  it("exits non-zero with a clear message when the port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const service = startService({ PORT: String(port), DATA_DIR: freshDataDir() });
      expect(await service.exited).toBe(1);
      expect(service.output().stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it("exits non-zero with a clear message when the database is unreachable", async () => {
    const port = await freePort();
    const service = startService({ PORT: "0", DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/nowhere` });
    expect(await service.exited).toBe(1);
    const { stderr } = service.output();
    expect(stderr).toContain(`Cannot reach the database at 127.0.0.1:${port}/nowhere (DATABASE_URL)`);
    expect(stderr).toContain("unset it to use the embedded database");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("keeps embedded data in DATA_DIR across restarts and shuts down gracefully on SIGTERM", async () => {
    const dataDir = freshDataDir();
    const port = await freePort();
    const first = startService({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "info" });
    try {
      await first.running;
      expect(first.output().stdout).toContain(`data in ${join(dataDir, "postgres")}`);
      expect(first.output().stdout).toContain('"msg":"database migrated"');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      // The demo customer printed at start can sign in; the emails sent are readable in development.
      expect(first.output().stdout).toContain(`${demoCustomer.email} / ${demoCustomer.password}`);
      const signIn = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `mutation($input: SignInInput!) { signIn(input: $input) { __typename } }`,
          variables: { input: { email: demoCustomer.email, password: demoCustomer.password } },
        }),
      });
      expect((await signIn.json()).data.signIn.__typename).toBe("SignInPayload");
      expect(first.output().stdout).toContain(`dev mailbox    http://127.0.0.1:${port}/dev/mailbox`);

      // A second process on the same data folder would corrupt it: it is refused.
      const intruder = startService({ PORT: "0", DATA_DIR: dataDir });
      expect(await intruder.exited).toBe(1);
      expect(intruder.output().stderr).toMatch(/is open in process \d+\. Stop that process first/);
      const mailbox = await fetch(`http://127.0.0.1:${port}/dev/mailbox`);
      expect(mailbox.status).toBe(200);
      expect(Array.isArray((await mailbox.json()).messages)).toBe(true);

      first.child.kill("SIGTERM");
      expect(await first.exited).toBe(0);
      expect(first.output().stdout).toContain('"msg":"stopped"');
    } finally {
      stop(first.child);
    }

    const second = startService({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: "info" });
    try {
      await second.running;
      // Nothing left to migrate: the first run's database is still there.
      expect(second.output().stdout).not.toContain('"msg":"database migrated"');
      second.child.kill("SIGINT");
      expect(await second.exited).toBe(0);
    } finally {
      stop(second.child);
    }
  }, 180_000);

  it("without MIGRATE_ON_START (production's default) refuses a database lacking migrations, and starts once `pnpm db migrate` applied them in its own process", async () => {
    const dataDir = freshDataDir();
    const refused = startService({ PORT: "0", DATA_DIR: dataDir, MIGRATE_ON_START: "false" });
    expect(await refused.exited).toBe(1);
    expect(refused.output().stderr).toMatch(/^Cannot start: The database lacks \d+ migrations \(\d+_init, /);
    expect(refused.output().stderr).toContain("Run `pnpm db migrate`");

    // The release step: the migrations are applied by a short-lived process of their own.
    const migrate = spawn(process.execPath, ["--import", tsxLoader, "api/src/cli/db.ts", "migrate"], {
      cwd: root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "development", DATA_DIR: dataDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let migrateOutput = "";
    migrate.stdout.on("data", (chunk) => (migrateOutput += chunk));
    expect(await new Promise((resolve) => migrate.on("exit", resolve))).toBe(0);
    expect(migrateOutput).toMatch(/^Applied: \d+_init, /);

    const service = startService({ PORT: "0", DATA_DIR: dataDir, MIGRATE_ON_START: "false", LOG_LEVEL: "info" });
    try {
      await service.running;
      expect(service.output().stdout).not.toContain('"msg":"database migrated"');
      service.child.kill("SIGTERM");
      expect(await service.exited).toBe(0);
    } finally {
      stop(service.child);
    }
  }, 180_000);
});
