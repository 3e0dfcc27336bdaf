import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { createTestDb, type TestDb } from "../tests/db";

const toml = readFileSync(new URL("../shopify.app.toml", import.meta.url), "utf8");
let testDb: TestDb;
let apiVersion: string;

beforeAll(async () => {
  // The session storage looks for its table as soon as the module loads.
  testDb = await createTestDb("sqlite");
  vi.stubEnv("DATABASE_URL", testDb.url);
  globalThis.prismaGlobal = testDb.db;
  ({ apiVersion } = await import("./shopify.server"));
});

afterAll(async () => {
  globalThis.prismaGlobal = undefined;
  vi.unstubAllEnvs();
  await testDb.drop();
});

test("shopify.app.toml declares webhooks at the app's one API version", () => {
  expect(toml).toMatch(new RegExp(`^api_version = "${apiVersion}"$`, "m"));
  expect(toml.match(/api_version/g)).toHaveLength(1);
});

test("every webhook subscription names the route file that serves its uri", () => {
  const subscriptions = [...toml.matchAll(/# Handled by: \/app\/routes\/(\S+)\n.*\n.*\n\s*uri = "\/(\S+)"/g)];

  expect(subscriptions).toHaveLength(toml.match(/\[\[webhooks\.subscriptions\]\]/g)?.length ?? 0);
  for (const [, file, uri] of subscriptions) expect(file).toBe(`${uri!.replaceAll("/", ".")}.tsx`);
});
