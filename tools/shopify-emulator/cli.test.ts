// The emulator's CLI: every option scripts/dev.mjs uses has a flag, flags win over the environment, and
// `node --import tsx cli.ts` serves, keeps its state file and stops cleanly on Ctrl-C.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError, USAGE, parseEmulatorArgs } from "./cli";
import { DEFAULT_SHOPS } from "./state";

const ENV = { SHOPIFY_APP_URL: "http://localhost:3000", SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s" };

describe("emulator CLI flags", () => {
  it("expresses everything scripts/dev.mjs starts the emulator with", () => {
    const parsed = parseEmulatorArgs(
      [
        "--port",
        "4100",
        "--host",
        "localhost",
        "--app-name",
        "AI blog content",
        "--admin-confirmation-urls",
        "--state-file",
        "prisma/dev.emulator.json",
      ],
      { ...ENV, SCOPES: "write_content" },
    );
    expect(parsed).toEqual({
      options: {
        port: 4100,
        host: "localhost",
        appUrl: "http://localhost:3000",
        apiKey: "k",
        apiSecret: "s",
        appName: "AI blog content",
        scopes: "write_content",
        shops: DEFAULT_SHOPS,
        adminConfirmationUrls: true,
      },
      holdWebhooks: false,
      stateFile: "prisma/dev.emulator.json",
    });
  });

  it("reads the rest of EmulatorOptions, flags over the environment", () => {
    const { options, holdWebhooks } = parseEmulatorArgs(
      [
        "--app-url",
        "http://127.0.0.1:9000",
        "--shop",
        "a.myshopify.com:dev",
        "--shop",
        "b.myshopify.com:plus",
        "--approval-timeout-ms",
        "1000",
        "--webhook-api-version",
        "2025-07",
        "--webhook-path",
        "app/uninstalled=/hooks/gone",
        "--deferred-approval",
        "accepted",
        "--shop",
        "c.myshopify.com:staff",
        "--timezone",
        "b.myshopify.com=America/New_York",
        "--hold-webhooks",
      ],
      { ...ENV, SHOPIFY_EMULATOR_PORT: "4999", SHOPIFY_EMULATOR_SHOPS: "ignored.myshopify.com" },
    );
    expect(options).toMatchObject({
      port: 4999,
      appUrl: "http://127.0.0.1:9000",
      shops: [
        { domain: "a.myshopify.com", partnerDevelopment: true, shopifyPlus: false },
        {
          domain: "b.myshopify.com",
          partnerDevelopment: false,
          shopifyPlus: true,
          timezone: "America/New_York",
        },
        { domain: "c.myshopify.com", partnerDevelopment: false, shopifyPlus: false, staffReview: true },
      ],
      deferredApproval: "accepted",
      approvalTimeoutMs: 1000,
      webhookApiVersion: "2025-07",
      webhookPaths: { "app/uninstalled": "/hooks/gone" },
      adminConfirmationUrls: false,
    });
    expect(holdWebhooks).toBe(true);
  });

  it("names what is missing or wrong", () => {
    const error = (argv: string[], env: Record<string, string> = ENV) => {
      try {
        parseEmulatorArgs(argv, env);
      } catch (caught) {
        expect(caught).toBeInstanceOf(UsageError);
        return (caught as Error).message;
      }
      throw new Error("no error");
    };
    expect(error([], {})).toBe("Missing --app-url or SHOPIFY_APP_URL");
    expect(error(["--port", "abc"])).toBe("--port must be a whole number, got abc");
    expect(error(["--shop", "a.myshopify.com:gold"])).toMatch(/^Bad --shop/);
    expect(error(["--webhook-path", "nope"])).toMatch(/^Bad --webhook-path/);
    expect(error(["--timezone", "Asia/Tokyo"])).toMatch(/^Bad --timezone/);
    expect(error(["--timezone", "x.myshopify.com=Asia/Tokyo"])).toBe(
      "--timezone names x.myshopify.com, which is not one of the stores",
    );
    expect(error(["--deferred-approval", "later"])).toMatch(
      /^--deferred-approval must be one of pending-until-cycle, /,
    );
    expect(error(["--colour"])).toMatch(/Unknown option '--colour'/);
    expect(error(["--help"])).toBe(USAGE);
  });
});

describe("emulator CLI process", () => {
  it("serves, writes its state file and exits 0 on SIGINT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emulator-cli-"));
    const stateFile = join(dir, "state.json");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tools/shopify-emulator/cli.ts", "--port", "0", "--state-file", stateFile],
      { env: { ...process.env, ...ENV }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, "exit");
    try {
      await expect.poll(() => output, { timeout: 20_000 }).toMatch(/^Controls: /m);
      const url = /^Shopify emulator on (\S+)$/m.exec(output)![1]!;
      const state = (await (await fetch(`${url}/_emulator/state`)).json()) as { shops: unknown[] };
      expect(state.shops).toHaveLength(2);
      child.kill("SIGINT");
      expect((await exited)[0]).toBe(0);
      const { readStateFile } = await import("./persist");
      expect(readStateFile(stateFile).ok).toBe(true);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
