#!/usr/bin/env node
// `npm run dev`: the app on this machine, on SQLite, inside a local Shopify Admin emulator — no Shopify
// account, no network (README "Run the app locally"). Prints one URL: the dev store's admin with the app.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { tsImport } from "tsx/esm/api";
import { applyMigrations } from "./migrations.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);

const port = process.env.PORT ?? "3000";
const emulatorPort = Number(process.env.SHOPIFY_EMULATOR_PORT ?? 4100);
const url = `http://localhost:${port}`;
process.env.PORT = port;
process.env.DATABASE_URL ??= "file:./prisma/dev.db";
// Stand-ins for what `shopify app dev` sets from the Partner Dashboard; app/env.server.ts requires them.
// The emulator is configured with the same key and secret, so its session tokens verify in the app.
process.env.SHOPIFY_API_KEY ??= "dev-api-key";
process.env.SHOPIFY_API_SECRET ??= "dev-api-secret";
process.env.SHOPIFY_APP_URL ??= url;
process.env.SCOPES ??= "write_content";

const applied = await applyMigrations(process.env.DATABASE_URL);
console.log(`${process.env.DATABASE_URL}: ${applied.length} migration(s) applied`);

const { startEmulator, adminFrameUrl } = await tsImport(
  "../tools/shopify-emulator/index.ts",
  import.meta.url,
);
const appName = /^name\s*=\s*"(.*)"/m.exec(readFileSync("shopify.app.toml", "utf8"))?.[1];
const emulator = await startEmulator({
  port: emulatorPort,
  // Same site as the app on localhost, so the browser gives the framed app its storage (sessionStorage).
  host: "localhost",
  apiKey: process.env.SHOPIFY_API_KEY,
  apiSecret: process.env.SHOPIFY_API_SECRET,
  appUrl: process.env.SHOPIFY_APP_URL,
  appName,
  scopes: process.env.SCOPES,
  // A browser follows billing to the confirmation page through App Bridge, which needs https URLs.
  adminConfirmationUrls: true,
});

// The app reaches the emulator through a fetch override loaded before it (tools/shopify-emulator/
// register.ts), and loads the emulator's stand-in App Bridge instead of Shopify's CDN. The override is
// bundled to plain JavaScript first: loading TypeScript through tsx's hooks into the Remix CLI hung on a
// cold tsx cache (Node 20), which is every fresh clone. Next to node_modules, so its imports resolve.
const register = join(root, "node_modules/.cache/shopify-emulator/register.mjs");
buildSync({
  entryPoints: [join(root, "tools/shopify-emulator/register.ts")],
  outfile: register,
  bundle: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node20",
});
const server = spawn(join(root, "node_modules/.bin/remix"), ["vite:dev", "--port", port, "--strictPort"], {
  stdio: "inherit",
  env: {
    ...process.env,
    SHOPIFY_EMULATOR_URL: emulator.url,
    APP_BRIDGE_URL: `${emulator.url}/app-bridge.js`,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${pathToFileURL(register).href}`.trim(),
  },
});
server.on("exit", (code, signal) => {
  void emulator.close().finally(() => process.exit(code ?? (signal ? 1 : 0)));
});
// Stopping this script stops the server (and then the emulator), even when only this process gets the signal.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));

// Announce the URL once the app answers, after Vite's own start-up lines.
while (
  !(await fetch(`${url}/auth/login`).then(
    (response) => response.ok,
    () => false,
  ))
) {
  await new Promise((resolve) => setTimeout(resolve, 250));
}
const shop = "dev-store.myshopify.com";
console.log(`\nShopify emulator on ${emulator.url} (stores: ${[...emulator.state.shops.keys()].join(", ")})`);
console.log(`Open ${adminFrameUrl(emulator.url, shop, process.env.SHOPIFY_API_KEY)}`);
