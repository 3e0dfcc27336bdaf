// Shopify's CLI (3.x, the last major that runs on Node 20) accepts the project as an app: shopify.app.toml,
// shopify.web.toml and extensions/ are read and built offline, as `shopify app deploy` would first do.
// It writes only its .shopify/ cache (git-ignored).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const root = new URL("..", import.meta.url).pathname;

test("shopify app build accepts the project", async () => {
  const { stderr } = await promisify(execFile)(
    `${root}node_modules/.bin/shopify`,
    ["app", "build", "--path", root],
    { env: { ...process.env, CI: "1", SHOPIFY_CLI_NO_ANALYTICS: "1" }, timeout: 120_000 },
  );
  // The CLI writes its report to stderr.
  expect(stderr).toMatch(/ai-blog-content built!/);
}, 150_000);
