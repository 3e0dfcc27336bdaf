import { beforeAll, expect, test, vi } from "vitest";

let providerFor: typeof import("./index.server").providerFor;
let parseEnv: typeof import("../env.server").parseEnv;
beforeAll(async () => {
  // The env module validates process.env when imported; give it a valid one.
  vi.stubEnv("DATABASE_URL", "file:./app.db");
  ({ providerFor } = await import("./index.server"));
  ({ parseEnv } = await import("../env.server"));
  vi.unstubAllEnvs();
});

const settings = (source: Record<string, string>) => {
  const parsed = parseEnv({
    DATABASE_URL: "file:./app.db",
    SHOPIFY_API_KEY: "key",
    SHOPIFY_API_SECRET: "secret",
    SHOPIFY_APP_URL: "https://app.example.com",
    SCOPES: "write_content",
    ...source,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.env;
};

test("no AI_API_KEY: the offline writer", () => {
  expect(providerFor(settings({}))).toMatchObject({ kind: "offline", label: "Offline writer" });
});

test("a key: the OpenAI-compatible provider, labelled with its model and host", () => {
  expect(providerFor(settings({ AI_API_KEY: "sk-test" }))).toMatchObject({
    kind: "openai-compatible",
    label: "gpt-4o-mini via api.openai.com, covers drawn offline",
  });
  expect(
    providerFor(
      settings({ AI_API_KEY: "x", AI_BASE_URL: "http://localhost:11434/v1", AI_TEXT_MODEL: "llama3.1" }),
    ).label,
  ).toBe("llama3.1 via localhost:11434, covers drawn offline");
});
