import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test, vi } from "vitest";

const run = promisify(execFile);

const VALID = {
  DATABASE_URL: "file:./app.db",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  SCOPES: "write_content,read_products",
};

const APP_TOML = readFileSync(new URL("../shopify.app.toml", import.meta.url), "utf8");

let parseEnv: typeof import("./env.server").parseEnv;
let tomlScopes: typeof import("./env.server").tomlScopes;
beforeAll(async () => {
  // The module validates process.env when imported; give it a valid one.
  vi.stubEnv("DATABASE_URL", VALID.DATABASE_URL);
  ({ parseEnv, tomlScopes } = await import("./env.server"));
  vi.unstubAllEnvs();
});

/** The one line parseEnv answers, or "ok". */
const verdict = (source: Record<string, string | undefined>, appToml?: string) => {
  const parsed = parseEnv(source, { appToml });
  return parsed.ok ? "ok" : parsed.message;
};

describe("NODE_ENV", () => {
  test("any value starts; values other than development and test are held to the production rules", () => {
    // Remix's request handler runs an unknown NODE_ENV as production; so does the app.
    for (const NODE_ENV of ["staging", "production", "preview"]) {
      const parsed = parseEnv({ ...VALID, NODE_ENV });
      expect(parsed).toMatchObject({ ok: true, env: { NODE_ENV, production: true } });
      expect(verdict({ ...VALID, NODE_ENV, APP_BRIDGE_URL: "https://cdn.example.com/a.js" })).toMatch(
        /APP_BRIDGE_URL: must not be set in production/,
      );
    }
    for (const NODE_ENV of ["development", "test", undefined])
      expect(parseEnv({ ...VALID, NODE_ENV })).toMatchObject({ ok: true, env: { production: false } });
  });
});

describe("SHOPIFY_APP_URL", () => {
  test("http:// is refused in production, with the reason", () => {
    expect(verdict({ ...VALID, NODE_ENV: "production", SHOPIFY_APP_URL: "http://app.example.com" })).toBe(
      "Invalid environment: SHOPIFY_APP_URL: must be https:// in production (http:// only outside production)",
    );
    expect(verdict({ ...VALID, NODE_ENV: "staging", SHOPIFY_APP_URL: "http://localhost:3000" })).toMatch(
      /SHOPIFY_APP_URL: must be https:\/\//,
    );
  });

  test("http:// is allowed outside production (localhost, the emulator, the test harness)", () => {
    for (const NODE_ENV of ["development", "test"])
      for (const SHOPIFY_APP_URL of ["http://localhost:3000", "http://127.0.0.1:41234"])
        expect(verdict({ ...VALID, NODE_ENV, SHOPIFY_APP_URL })).toBe("ok");
  });

  test("in development, shopify app dev's HOST stands in when SHOPIFY_APP_URL is unset", () => {
    const tunnel = "https://words-words.trycloudflare.com";
    const dev = { ...VALID, NODE_ENV: "development", SHOPIFY_APP_URL: undefined, HOST: tunnel };
    expect(parseEnv(dev)).toMatchObject({ ok: true, env: { SHOPIFY_APP_URL: tunnel } });
    expect(verdict({ ...dev, NODE_ENV: "production" })).toMatch(/SHOPIFY_APP_URL: Required/);
    expect(verdict({ ...dev, HOST: "0.0.0.0" })).toMatch(/SHOPIFY_APP_URL: Required/);
  });
});

describe("DATABASE_URL", () => {
  test("defaults to the SQLite dev database in development only, as npm run db:migrate does", () => {
    const unset = { ...VALID, DATABASE_URL: undefined };
    expect(parseEnv({ ...unset, NODE_ENV: "development" })).toMatchObject({
      ok: true,
      env: { DATABASE_URL: "file:./prisma/dev.db" },
    });
    expect(verdict({ ...unset, NODE_ENV: "production" })).toBe("Invalid environment: DATABASE_URL: Required");
    expect(verdict({ ...unset, NODE_ENV: "test" })).toBe("Invalid environment: DATABASE_URL: Required");
  });
});

describe("LOG_LEVEL", () => {
  test("defaults to info in development and tests, warning in production", () => {
    expect(parseEnv({ ...VALID, NODE_ENV: "development" })).toMatchObject({ env: { LOG_LEVEL: "info" } });
    expect(parseEnv({ ...VALID, NODE_ENV: "test" })).toMatchObject({ env: { LOG_LEVEL: "info" } });
    expect(parseEnv({ ...VALID, NODE_ENV: "production" })).toMatchObject({ env: { LOG_LEVEL: "warning" } });
    expect(parseEnv({ ...VALID, NODE_ENV: "staging" })).toMatchObject({ env: { LOG_LEVEL: "warning" } });
  });

  test("an operator sets it; anything but error, warning, info or debug is refused", () => {
    expect(parseEnv({ ...VALID, NODE_ENV: "production", LOG_LEVEL: "debug" })).toMatchObject({
      env: { LOG_LEVEL: "debug" },
    });
    expect(verdict({ ...VALID, LOG_LEVEL: "verbose" })).toMatch(
      /^Invalid environment: LOG_LEVEL: Invalid enum value\. Expected 'error' \| 'warning' \| 'info' \| 'debug', received 'verbose'$/,
    );
  });
});

describe("SCOPES against shopify.app.toml", () => {
  test("the repository's toml declares read_products and write_content", () => {
    expect(tomlScopes(APP_TOML)).toEqual(["read_products", "write_content"]);
  });

  test("equal sets pass, whatever the order and spacing", () => {
    const toml =
      '[access_scopes]\n# comment\nscopes = "write_content,read_products"\n\n[auth]\nscopes = "x"\n';
    expect(verdict({ ...VALID, SCOPES: "read_products, write_content" }, toml)).toBe("ok");
  });

  test("different scopes are refused, naming both lists", () => {
    expect(verdict({ ...VALID, SCOPES: "write_content" }, APP_TOML)).toBe(
      'Invalid environment: SCOPES: "write_content" differs from shopify.app.toml\'s access_scopes "read_products,write_content"',
    );
  });

  test("no toml, or a toml without access_scopes, checks nothing", () => {
    expect(verdict({ ...VALID, SCOPES: "anything" })).toBe("ok");
    expect(verdict({ ...VALID, SCOPES: "anything" }, "[auth]\nredirect_urls = []\n")).toBe("ok");
  });
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

describe("AI provider settings", () => {
  test("defaults: OpenAI's URL, no key (the offline writer), gpt-4o-mini, covers drawn offline, 60 s, 2 retries", () => {
    const parsed = parseEnv(VALID);
    expect(parsed).toMatchObject({
      ok: true,
      env: {
        AI_BASE_URL: "https://api.openai.com/v1",
        AI_TEXT_MODEL: "gpt-4o-mini",
        AI_TIMEOUT_MS: 60_000,
        AI_MAX_RETRIES: 2,
      },
    });
    expect(parsed.ok && [parsed.env.AI_API_KEY, parsed.env.AI_IMAGE_MODEL]).toEqual([undefined, undefined]);
    const blank = parseEnv({ ...VALID, AI_API_KEY: "  " });
    expect(blank.ok && blank.env.AI_API_KEY).toBeUndefined();
  });

  test("an operator points it at any OpenAI-compatible API, http:// included (Ollama on localhost)", () => {
    const ollama = {
      ...VALID,
      NODE_ENV: "production",
      AI_BASE_URL: "http://localhost:11434/v1",
      AI_API_KEY: "ollama",
      AI_TEXT_MODEL: "llama3.1",
      AI_IMAGE_MODEL: "gpt-image-1",
      AI_TIMEOUT_MS: "120000",
      AI_MAX_RETRIES: "0",
    };
    expect(parseEnv(ollama)).toMatchObject({
      ok: true,
      env: {
        AI_BASE_URL: ollama.AI_BASE_URL,
        AI_IMAGE_MODEL: "gpt-image-1",
        AI_TIMEOUT_MS: 120_000,
        AI_MAX_RETRIES: 0,
      },
    });
  });

  test("alert e-mail needs an smtp URL and a sender address", () => {
    expect(verdict({ ...VALID, SMTP_URL: "http://mail.example.com" })).toMatch(/SMTP_URL: must be smtp/);
    expect(verdict({ ...VALID, SMTP_URL: "smtp://mail.example.com:587" })).toMatch(
      /ALERT_EMAIL_FROM: set it/,
    );
    expect(
      verdict({ ...VALID, SMTP_URL: "smtps://u:p@mail.example.com", ALERT_EMAIL_FROM: "alerts@example.com" }),
    ).toBe("ok");
  });

  test("a URL that does not parse, another scheme, or numbers out of range are refused, each named", () => {
    expect(verdict({ ...VALID, AI_BASE_URL: "api.openai.com" })).toMatch(
      /^Invalid environment: AI_BASE_URL: must be an http:\/\/ or https:\/\/ URL$/,
    );
    expect(verdict({ ...VALID, AI_BASE_URL: "ftp://example.com/v1" })).toMatch(
      /AI_BASE_URL: must be an http/,
    );
    expect(verdict({ ...VALID, AI_TIMEOUT_MS: "500" })).toMatch(
      /AI_TIMEOUT_MS: Number must be greater than or equal to 1000/,
    );
    expect(verdict({ ...VALID, AI_TIMEOUT_MS: "soon" })).toMatch(/AI_TIMEOUT_MS: Expected number/);
    expect(verdict({ ...VALID, AI_MAX_RETRIES: "11" })).toMatch(
      /AI_MAX_RETRIES: Number must be less than or equal to 10/,
    );
    expect(verdict({ ...VALID, AI_MAX_RETRIES: "1.5" })).toMatch(/AI_MAX_RETRIES: Expected integer/);
    expect(verdict({ ...VALID, AI_TEXT_MODEL: " " })).toMatch(/AI_TEXT_MODEL/);
  });

  test("the key is never in the message, whatever else is wrong", () => {
    const message = verdict({
      ...VALID,
      AI_API_KEY: "sk-live-secret",
      AI_BASE_URL: "nope",
      AI_MAX_RETRIES: "x",
    });
    expect(message).toMatch(/AI_BASE_URL.*AI_MAX_RETRIES/);
    expect(message).not.toContain("sk-live-secret");
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

  test("NODE_ENV=staging boots", async () => {
    expect(await boot({ ...VALID, NODE_ENV: "staging" })).toEqual({ code: 0, stderr: "" });
  });

  test("every problem at once is one line: no ZodError, no stack", async () => {
    const { code, stderr } = await boot({
      ...VALID,
      NODE_ENV: "production",
      SHOPIFY_APP_URL: "http://app.example.com",
      SCOPES: "read_products",
    });
    expect(code).toBe(1);
    expect(stderr.trimEnd().split("\n")).toEqual([
      "Invalid environment: SHOPIFY_APP_URL: must be https:// in production (http:// only outside production); " +
        'SCOPES: "read_products" differs from shopify.app.toml\'s access_scopes "read_products,write_content"',
    ]);
  });
});
