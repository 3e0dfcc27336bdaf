#!/usr/bin/env node
// `npm run dev`: the app on this machine, on SQLite, inside a local Shopify Admin emulator — no Shopify
// account, no network (README "Run the app locally"). Prints one URL: the dev store's admin with the app.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { bundleEmulatorRegister } from "./emulator-register.mjs";
import { pipeRedacted, redact } from "./redact-log.mjs";
import { applyMigrations, sqliteFilePath } from "./migrations.mjs";
import { portsInUse } from "./ports.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);
const log = (line) => console.log(redact(line));
const fail = (line) => {
  console.error(redact(line));
  process.exit(1);
};

const port = process.env.PORT ?? "3000";
const emulatorPort = process.env.SHOPIFY_EMULATOR_PORT ?? "4100";
for (const [value, name] of [
  [port, "PORT"],
  [emulatorPort, "SHOPIFY_EMULATOR_PORT"],
]) {
  if (!/^\d+$/.test(value) || Number(value) > 65535) fail(`${name}=${value} is not a port number`);
}
// Both servers listen on localhost; a taken port is one line here, not an EADDRINUSE stack later.
const taken = await portsInUse([
  { port: Number(port), name: "the app", variable: "PORT" },
  { port: Number(emulatorPort), name: "the Shopify emulator", variable: "SHOPIFY_EMULATOR_PORT" },
]);
if (taken.length) fail(taken.join("\n"));

// Ctrl-C (or SIGTERM) stops the app server, then the emulator (saving its state), and exits 0. The
// terminal sends SIGINT to the whole process group; the server is signalled here too, in case only this
// process got it. A second signal while stopping kills the server outright.
let server;
let emulator;
let stopping = false;
const shutdown = async (code) => {
  await emulator?.close().catch((error) => console.error(`Emulator did not stop cleanly: ${error.message}`));
  process.exit(code);
};
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    const running = server && server.exitCode === null && server.signalCode === null;
    if (stopping && running) server.kill("SIGKILL");
    else if (running) server.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
    else if (!stopping) void shutdown(0);
    stopping = true;
  });
}

const url = `http://localhost:${port}`;
process.env.PORT = port;
process.env.DATABASE_URL ??= "file:./prisma/dev.db";
// Stand-ins for what `shopify app dev` sets from the Partner Dashboard; app/env.server.ts requires them.
// The emulator is configured with the same key and secret, so its session tokens verify in the app.
process.env.SHOPIFY_API_KEY ??= "dev-api-key";
process.env.SHOPIFY_API_SECRET ??= "dev-api-secret";
process.env.SHOPIFY_APP_URL ??= url;
process.env.SCOPES ??= "write_content,read_products";

// The emulator's world (charges, tokens) is kept beside the app's database: prisma/dev.db and
// prisma/dev.emulator.json. The two are kept or reset together, so the app never shows a plan or holds a
// token the emulator does not know.
const databaseUrl = process.env.DATABASE_URL;
const dbFile = databaseUrl.startsWith("file:") ? sqliteFilePath(databaseUrl) : undefined;
const stateFile =
  process.env.SHOPIFY_EMULATOR_STATE ??
  (dbFile ? dbFile.replace(/(\.db|\.sqlite3?)?$/, ".emulator.json") : join(root, "prisma/dev.emulator.json"));
const show = (path) => (path.startsWith(root) ? relative(root, path) : path);
const { readStateFile } = await tsImport("../tools/shopify-emulator/persist.ts", import.meta.url);
const saved = readStateFile(stateFile);
const savedProblem = saved.ok ? undefined : saved.missing ? "is missing" : `cannot be read (${saved.reason})`;
if (dbFile && existsSync(dbFile) && savedProblem) {
  log(`${show(stateFile)} ${savedProblem}: resetting ${show(dbFile)} with it (the emulator starts fresh)`);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${dbFile}${suffix}`, { force: true });
  rmSync(stateFile, { force: true });
} else if (dbFile && !existsSync(dbFile) && existsSync(stateFile)) {
  log(`${show(dbFile)} is new: resetting ${show(stateFile)} with it (the emulator starts fresh)`);
  rmSync(stateFile, { force: true });
} else if (!dbFile && savedProblem && !saved.missing) {
  log(`${show(stateFile)} ${savedProblem}: the emulator starts fresh; reset ${databaseUrl} yourself`);
}

const applied = await applyMigrations(databaseUrl);
log(`${databaseUrl}: ${applied.length} migration(s) applied`);

// Started exactly as `tools/shopify-emulator/cli.ts` with these flags would start it (the secret, key,
// app URL and scopes come from the environment above, as the CLI reads them).
const { startFromArgs } = await tsImport("../tools/shopify-emulator/cli.ts", import.meta.url);
const { adminFrameUrl } = await tsImport("../tools/shopify-emulator/admin-urls.ts", import.meta.url);
const appName = /^name\s*=\s*"(.*)"/m.exec(readFileSync("shopify.app.toml", "utf8"))?.[1];
try {
  emulator = await startFromArgs(
    [
      ["--port", emulatorPort],
      // Same site as the app on localhost, so the browser gives the framed app its storage (sessionStorage).
      ["--host", "localhost"],
      appName ? ["--app-name", appName] : [],
      // A browser follows billing to the confirmation page through App Bridge, which needs https URLs.
      ["--admin-confirmation-urls"],
      ["--state-file", stateFile],
    ].flat(),
    { env: process.env, log, announce: false },
  );
} catch (error) {
  if (error?.code === "EADDRINUSE")
    fail(
      `Port ${emulatorPort} (the Shopify emulator) is already in use: pick another with SHOPIFY_EMULATOR_PORT=<port> npm run dev`,
    );
  throw error;
}
if (stopping) await shutdown(0);

// The app reaches the emulator through a fetch override loaded before it (tools/shopify-emulator/
// register.ts, bundled by scripts/emulator-register.mjs next to node_modules, so its imports resolve), and
// loads the emulator's stand-in App Bridge instead of Shopify's CDN.
const register = bundleEmulatorRegister(join(root, "node_modules/.cache/shopify-emulator/register.mjs"));
// The server's output goes through redact() (scripts/redact-log.mjs): no session tokens in the dev log.
server = spawn(join(root, "node_modules/.bin/remix"), ["vite:dev", "--port", port, "--strictPort"], {
  stdio: ["inherit", "pipe", "pipe"],
  env: {
    ...process.env,
    ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: "1" } : {}),
    SHOPIFY_EMULATOR_URL: emulator.emulator.url,
    APP_BRIDGE_URL: `${emulator.emulator.url}/app-bridge.js`,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${pathToFileURL(register).href}`.trim(),
  },
});
pipeRedacted(server.stdout, process.stdout);
pipeRedacted(server.stderr, process.stderr);
// "close": after the server's last output. A clean stop (asked for, and the server ended by its signal or
// with 0/130/143) exits 0; the server ending on its own passes its code on.
server.on("close", (code, signal) => {
  const clean =
    stopping && (code === 0 || code === 130 || code === 143 || signal === "SIGINT" || signal === "SIGTERM");
  void shutdown(clean ? 0 : (code ?? 1));
});

// Announce the URL once the app answers, after Vite's own start-up lines.
while (
  !stopping &&
  !(await fetch(`${url}/auth/login`).then(
    (response) => response.ok,
    () => false,
  ))
) {
  await new Promise((resolve) => setTimeout(resolve, 250));
}
if (!stopping) {
  const shop = "dev-store.myshopify.com";
  const stores = [...emulator.emulator.state.shops.keys()].join(", ");
  log(`\nShopify emulator on ${emulator.emulator.url} (stores: ${stores})`);
  log(`Open ${adminFrameUrl(emulator.emulator.url, shop, process.env.SHOPIFY_API_KEY)}`);
}
