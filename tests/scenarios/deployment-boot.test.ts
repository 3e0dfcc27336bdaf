// A production start as an operator runs it: `npm run build`, then `npm start` (scripts/serve.mjs) with
// NODE_ENV=production, as child processes. Built once, in a copy of the repository (the working tree's own
// build/ stays untouched), on SQLite: a database the server cannot use stops the start with one line and a
// non-zero exit; a usable one serves /healthz.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { applyMigrations } from "../../scripts/migrations.mjs";
import { buildInCopy, freePort, type ProductionBuild } from "../production-build";

let build: ProductionBuild;
let dir: string;

beforeAll(async () => {
  build = await buildInCopy("deployment-boot");
  dir = build.dir;
}, 180_000);

afterAll(() => build?.remove());

/** `npm start` with these settings: resolves when it exits, or once `ready` answers true. */
async function start(
  databaseUrl: string,
  ready?: (url: string) => Promise<boolean>,
  extraEnv: Record<string, string> = {},
) {
  const port = await freePort();
  const child = spawn("npm", ["start"], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SHOPIFY_API_KEY: "boot-api-key",
      SHOPIFY_API_SECRET: "boot-api-secret",
      SHOPIFY_APP_URL: "https://app.example.com",
      SCOPES: "write_content,read_products",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const started = performance.now();
  const url = `http://127.0.0.1:${port}`;
  let served = false;
  if (ready)
    while (!served && performance.now() - started < 30_000) {
      const done = await Promise.race([
        exited.then(() => true),
        new Promise((r) => setTimeout(r, 200, false)),
      ]);
      if (done) break;
      served = await ready(url).catch(() => false);
    }
  const code = served ? null : await exited;
  const ms = Math.round(performance.now() - started);
  return {
    code,
    ms,
    url,
    stdout: () => stdout,
    /** The app's lines on stderr (npm's own "npm error" lines aside). */
    lines: () => stderr.split("\n").filter((line) => line.trim() && !/^npm (error|ERR!|warn)/.test(line)),
    async stop() {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
      await exited;
    },
  };
}

describe("npm start in production", () => {
  test.each([
    [
      "a database in a directory that does not exist",
      "file:/nonexistent-directory/app.db",
      /database unreachable/,
    ],
    ["an unmigrated database", "EMPTY", /database not migrated: .*_prisma_migrations.*npm run db:migrate/],
  ])("refuses %s with one line and exit code 1", async (_, databaseUrl, line) => {
    const url = databaseUrl === "EMPTY" ? `file:${join(dir, "empty.db")}` : databaseUrl;
    const run = await start(url);
    expect(run.code).toBe(1);
    expect(run.lines()).toEqual([expect.stringMatching(new RegExp(`^Cannot start: ${line.source}`))]);
    // It never listened.
    expect(run.stdout()).not.toContain("[serve]");
    console.log(`refused in ${run.ms} ms: ${run.lines()[0]}`);
  });

  test("a migrated database starts and serves /healthz", async () => {
    const url = `file:${join(dir, "app.db")}`;
    await applyMigrations(url);
    const run = await start(url, async (base) => (await fetch(`${base}/healthz`)).status === 200);
    try {
      expect(run.code).toBeNull();
      const health = await fetch(`${run.url}/healthz`);
      expect(await health.json()).toEqual({ status: "ok" });
      // The production build's document headers: https app URL, so HSTS.
      const page = await fetch(`${run.url}/no-such-page`, { headers: { "User-Agent": "Mozilla/5.0" } });
      expect(page.status).toBe(404);
      expect(page.headers.get("strict-transport-security")).toBe("max-age=31536000");
      expect(page.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
      const body = await page.text();
      expect(body).toContain("Page not found");
      expect(body).not.toMatch(/\n\s+at /);
      expect(run.lines()).toEqual([]);
      console.log(`served /healthz ${run.ms} ms after npm start`);
    } finally {
      await run.stop();
    }
  });

  test("at LOG_LEVEL=info each request is one access-log line, with its session token redacted", async () => {
    const url = `file:${join(dir, "logged.db")}`;
    await applyMigrations(url);
    const run = await start(url, async (base) => (await fetch(`${base}/healthz`)).status === 200, {
      LOG_LEVEL: "info",
    });
    try {
      const token = "eyJhbGciOiJIUzI1NiJ9.eyJkZXN0IjoiaHR0cHM6Ly94In0.c2lnbmF0dXJl";
      await fetch(`${run.url}/no-such-page?embedded=1&id_token=${token}&shop=a.myshopify.com`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = run
        .stdout()
        .split("\n")
        .filter((line) => line.includes("/no-such-page"));
      expect(lines).toEqual([
        expect.stringMatching(
          /^GET \/no-such-page\?embedded=1&id_token=\[redacted\]&shop=a\.myshopify\.com 404 /,
        ),
      ]);
      expect(run.stdout()).not.toContain(token);
    } finally {
      await run.stop();
    }
  });
});
