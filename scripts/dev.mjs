#!/usr/bin/env node
// `npm run dev`: the app on this machine, on SQLite, with no Shopify account (README "Run the app locally").
import { spawn } from "node:child_process";
import { join } from "node:path";
import { applyMigrations } from "./migrations.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);

const port = process.env.PORT ?? "3000";
const url = `http://localhost:${port}`;
process.env.PORT = port;
process.env.DATABASE_URL ??= "file:./prisma/dev.db";
// Stand-ins for what `shopify app dev` sets from the Partner Dashboard; app/env.server.ts requires them.
process.env.SHOPIFY_API_KEY ??= "dev-api-key";
process.env.SHOPIFY_API_SECRET ??= "dev-api-secret";
process.env.SHOPIFY_APP_URL ??= url;
process.env.SCOPES ??= "write_content";

const applied = await applyMigrations(process.env.DATABASE_URL);
console.log(`${process.env.DATABASE_URL}: ${applied.length} migration(s) applied`);

const server = spawn(join(root, "node_modules/.bin/remix"), ["vite:dev", "--port", port, "--strictPort"], {
  stdio: "inherit",
});
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
// Stopping this script stops the server, even when the signal reaches only this process.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));

// Announce the URL once the server answers, after Vite's own start-up lines.
while (
  !(await fetch(`${url}/auth/login`).then(
    (response) => response.ok,
    () => false,
  ))
) {
  await new Promise((resolve) => setTimeout(resolve, 250));
}
console.log(`\nOpen ${url}/ (the landing page and ${url}/auth/login).`);
console.log(
  "Note: the local Shopify Admin emulator, which gives a browser a store to click through, is being built\n" +
    "in the billing issue. Until then the embedded /app pages need a real Shopify Admin session; what works\n" +
    "here is the landing and login pages and the webhook routes (POST /webhooks/…, signed with\n" +
    `SHOPIFY_API_SECRET=${process.env.SHOPIFY_API_SECRET}).`,
);
