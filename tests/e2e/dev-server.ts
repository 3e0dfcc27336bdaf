// `npm run dev` (scripts/dev.mjs) as a test fixture: the README's run command on free ports and a
// throw-away SQLite database, with the one URL it prints to open.

import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;
const STARTUP_TIMEOUT_MS = 90_000;

export interface DevServer {
  // The run's folder: dev.db (DATABASE_URL) and dev.emulator.json (the emulator's state) beside it.
  dir: string;
  port: number;
  emulatorPort: number;
  adminUrl: string;
  appUrl: string;
  emulatorUrl: string;
  output: () => string;
  // Ctrl-C, as a developer would stop it; resolves with the exit code. `keep` leaves the folder for a
  // restart on it.
  stop(options?: { keep?: boolean }): Promise<number | null>;
}

export interface DevServerOptions {
  // Restart on a previous run's folder and ports (its dev.db and dev.emulator.json).
  dir?: string;
  port?: number;
  emulatorPort?: number;
  // Settings beyond a developer's defaults (AUTOMATION_TICK_MS …).
  env?: Record<string, string>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

// A developer's environment, not the test runner's (vitest sets NODE_ENV=test, SHOPIFY_* and its own).
export function developerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => key !== "NODE_ENV" && !key.startsWith("VITEST") && !key.startsWith("SHOPIFY_"),
    ),
  );
  return { ...env, NODE_ENV: "development", ...extra };
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "e2e-dev-")));
  const port = options.port ?? (await freePort());
  const emulatorPort = options.emulatorPort ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "scripts/dev.mjs")], {
    cwd: ROOT,
    env: developerEnv({
      PORT: String(port),
      SHOPIFY_EMULATOR_PORT: String(emulatorPort),
      DATABASE_URL: `file:${join(dir, "dev.db")}`,
      ...options.env,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => code as number | null);

  const stop = async ({ keep = false } = {}) => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    const code = await exited;
    if (!keep) await rm(dir, { recursive: true, force: true });
    return code;
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let match: RegExpExecArray | null = null;
  while (!(match = /^Open (\S+)$/m.exec(output))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm run dev did not print a URL to open:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    dir,
    port,
    emulatorPort,
    adminUrl: match[1]!,
    appUrl: `http://localhost:${port}`,
    emulatorUrl: `http://localhost:${emulatorPort}`,
    output: () => output,
    stop,
  };
}
