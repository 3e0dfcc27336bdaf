// shopify.web.toml is read by `shopify app dev`, which cannot run here (no Shopify account, no network):
// what the CLI does with it is checked instead, as its web process runner does it (Shopify/cli
// packages/app/src/cli/services/dev/processes/web.ts: split on "&&", then on spaces, no shell).
import { existsSync, readFileSync } from "node:fs";
import { expect, test } from "vitest";

const toml = readFileSync(new URL("../../shopify.web.toml", import.meta.url), "utf8");
const scripts = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;
const value = (key: string) => new RegExp(`^${key}\\s*=\\s*(.+)$`, "m").exec(toml)?.[1];

test("the app is the frontend and the backend, with webhooks under /webhooks and Vite's HMR ping", () => {
  expect(value("roles")).toBe('["frontend", "backend"]');
  expect(value("webhooks_path")).toBe('"/webhooks"');
  expect(toml).toMatch(/^\[hmr_server\]\nhttp_paths = \["\/ping"\]$/m);
});

test("the dev command migrates the database, then starts remix vite:dev, each step runnable without a shell", () => {
  const dev = JSON.parse(value("dev") ?? "null") as string;
  const steps = dev.split("&&").map((step) => step.trim().split(" "));
  expect(steps).toEqual([
    ["npm", "run", "db:migrate"],
    ["npm", "exec", "remix", "vite:dev"],
  ]);
  // No shell syntax the CLI would pass through verbatim.
  expect(dev).not.toMatch(/["'$=|;<>]/);
  expect(scripts["db:migrate"]).toBe("node scripts/prisma.mjs migrate deploy");
  expect(existsSync(new URL("../../node_modules/.bin/remix", import.meta.url))).toBe(true);
  // With no DATABASE_URL, the migration step and the app pick the same SQLite file.
  expect(readFileSync(new URL("../../scripts/prisma.mjs", import.meta.url), "utf8")).toContain(
    'process.env.DATABASE_URL ?? "file:./prisma/dev.db"',
  );
});
