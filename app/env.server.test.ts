import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test, vi } from "vitest";

const run = promisify(execFile);

const VALID = {
  DATABASE_URL: "file:./app.db",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  SCOPES: "write_content",
};

let parseEnv: typeof import("./env.server").parseEnv;
beforeAll(async () => {
  // The module validates process.env when imported; give it a valid one.
  vi.stubEnv("DATABASE_URL", VALID.DATABASE_URL);
  ({ parseEnv } = await import("./env.server"));
  vi.unstubAllEnvs();
});

describe("APP_BRIDGE_URL", () => {
  const emulator = { APP_BRIDGE_URL: "http://localhost:4100/app-bridge.js" };

  test("is refused in production: the merchant's browser would load App Bridge from it", () => {
    expect(parseEnv({ ...VALID, ...emulator, NODE_ENV: "production" })).toEqual({
      ok: false,
      message:
        "Invalid environment: APP_BRIDGE_URL: must not be set in production (App Bridge loads from Shopify's CDN)",
    });
  });

  test("is allowed in development and tests (the Shopify Admin emulator serves its own)", () => {
    for (const NODE_ENV of ["development", "test", undefined])
      expect(parseEnv({ ...VALID, ...emulator, NODE_ENV })).toMatchObject({
        ok: true,
        env: { APP_BRIDGE_URL: emulator.APP_BRIDGE_URL },
      });
  });

  test("unset in production means Shopify's CDN", () => {
    const parsed = parseEnv({ ...VALID, NODE_ENV: "production" });
    expect(parsed.ok).toBe(true);
    expect(parsed.ok && parsed.env.APP_BRIDGE_URL).toBeUndefined();
  });
});

test("every wrong setting is named on one line", () => {
  const parsed = parseEnv({ ...VALID, SHOPIFY_API_KEY: undefined, SHOPIFY_APP_URL: "not a url" });
  expect(parsed.ok).toBe(false);
  expect(parsed).toMatchObject({
    message: expect.stringMatching(/^Invalid environment: .*SHOPIFY_API_KEY.*SHOPIFY_APP_URL/),
  });
  expect((parsed as { message: string }).message).not.toContain("\n");
});

describe("at boot", () => {
  // The module as the server loads it, in its own process, with only the variables given.
  const boot = (variables: Record<string, string>) =>
    run("node", ["--import", "tsx", "app/env.server.ts"], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "development", ...variables },
    }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  test("a production start with APP_BRIDGE_URL fails with one readable line", async () => {
    const { code, stderr } = await boot({
      ...VALID,
      NODE_ENV: "production",
      APP_BRIDGE_URL: "https://evil.example.com/app-bridge.js",
    });
    expect(code).toBe(1);
    expect(stderr.trimEnd().split("\n")).toEqual([
      "Invalid environment: APP_BRIDGE_URL: must not be set in production (App Bridge loads from Shopify's CDN)",
    ]);
  });

  test("a production start without it boots", async () => {
    expect(await boot({ ...VALID, NODE_ENV: "production" })).toEqual({ code: 0, stderr: "" });
  });
});
