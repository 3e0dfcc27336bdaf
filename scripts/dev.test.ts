// `npm run dev` with a port already taken (a second run) says so in one line before starting anything.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { developerEnv, freePort } from "../tests/e2e/dev-server";

const ROOT = new URL("..", import.meta.url).pathname;
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function occupy(port: number): Promise<void> {
  const server = createServer();
  servers.push(server);
  server.listen(port, "localhost");
  await once(server, "listening");
}

async function runDev(env: Record<string, string>) {
  const child = spawn(process.execPath, ["scripts/dev.mjs"], {
    cwd: ROOT,
    env: developerEnv({ DATABASE_URL: "file:/nonexistent/never-created.db", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, "exit");
  return { code: code as number | null, stdout, stderr };
}

describe("npm run dev when a port is taken", () => {
  it("names the emulator's port and SHOPIFY_EMULATOR_PORT, in one line, and exits 1", async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    await occupy(emulatorPort);
    const result = await runDev({ PORT: String(port), SHOPIFY_EMULATOR_PORT: String(emulatorPort) });
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `Port ${emulatorPort} (the Shopify emulator) is already in use (another npm run dev?): stop what holds it, or pick another with SHOPIFY_EMULATOR_PORT=<port> npm run dev\n`,
    });
  });

  it("names the app's port and PORT; both when both are taken", async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    await occupy(port);
    const one = await runDev({ PORT: String(port), SHOPIFY_EMULATOR_PORT: String(emulatorPort) });
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(
      new RegExp(`^Port ${port} \\(the app\\) is already in use .* PORT=<port> npm run dev\\n$`),
    );
    await occupy(emulatorPort);
    const both = await runDev({ PORT: String(port), SHOPIFY_EMULATOR_PORT: String(emulatorPort) });
    expect(both.stderr.trim().split("\n")).toHaveLength(2);
    expect(both.stderr).not.toContain("EADDRINUSE");
  });

  it("refuses a port that is not a number", async () => {
    const result = await runDev({ PORT: "30x0" });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("PORT=30x0 is not a port number\n");
  });
});
