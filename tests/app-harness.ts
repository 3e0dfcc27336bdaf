// The app as the store owner's browser and Shopify's webhooks reach it: Remix's own request handler
// (route matching, the layout loaders that run next to the page's, `headers` exports, single fetch's
// `.data` encoding, entry.server.tsx), fed by a Vite dev server in middleware mode inside the test process,
// behind a real HTTP server, talking to the local Shopify Admin emulator, on a fresh database of the chosen
// engine. Only the network edge is replaced: shopify-api's fetch goes to the emulator. Nothing else is
// stubbed; tests drive it over HTTP as a browser and Shopify would.
import "@shopify/shopify-app-remix/adapters/node";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { shopifyApp } from "@shopify/shopify-app-remix/server";
import { decode } from "turbo-stream";
import { createServer as createViteServer, type Plugin, type ViteDevServer } from "vite";
import type { connectDb as ConnectDb, Engine } from "../app/db/connect.server";
import type { OfflineAdmin } from "../app/shopify/offline-admin.server";
import { emulatorFetch, hostParam, startEmulator, type ShopSeed } from "../tools/shopify-emulator";
import { createTestDb } from "./db";

const ROOT = new URL("..", import.meta.url).pathname;

// A browser's user agent: shopify-app-remix answers bots (undici's default user agent among them) with 410.
export const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36";

export const DEV_STORE = "dev-store.myshopify.com";
export const NORMAL_STORE = "normal-store.myshopify.com";

/**
 * vite.config.ts as `npm run dev` uses it, minus what only a browser needs: no client dependency
 * pre-bundling and no warm-up of client files (on a cold cache, test files starting at once would each
 * optimize into node_modules/.vite and break each other), no file watcher (files edited during a run must
 * not reload the app under a test). The cache directory is the harness's own for the same reason.
 */
function serverOnly(cacheDir: string): Plugin {
  return {
    name: "app-harness:server-only",
    enforce: "post",
    config(config) {
      config.cacheDir = cacheDir;
      config.optimizeDeps = { ...config.optimizeDeps, noDiscovery: true, include: [], entries: [] };
      config.server = { ...config.server, warmup: {}, watch: null, hmr: false, middlewareMode: true };
    },
    // A module of the app's own kind (transformed by Vite, not in node_modules) importing what the app does.
    resolveId: (id) => (id === PROBE ? PROBE_ID : undefined),
    load: (id) =>
      id === PROBE_ID
        ? `export { shopifyApp } from "@shopify/shopify-app-remix/server";
           export { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";`
        : undefined,
  };
}

const PROBE = "app-harness:shared-modules";
const PROBE_ID = join(ROOT, "app", "__app-harness-probe.ts");

async function startVite() {
  const cacheDir = mkdtempSync(join(tmpdir(), "app-harness-vite-"));
  const vite = await createViteServer({
    root: ROOT,
    configFile: join(ROOT, "vite.config.ts"),
    mode: "development",
    appType: "custom",
    logLevel: "warn",
    clearScreen: false,
    server: { middlewareMode: true, hmr: false },
    plugins: [serverOnly(cacheDir)],
  });
  return {
    vite,
    async close() {
      await vite.close();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/**
 * The app reaches the emulator only if its shopify-api is the instance this file configured. Vite's SSR
 * loads node_modules through Node's own loader (externals), as Vitest does for this file, so the instances
 * are shared; checked rather than trusted, or every Shopify call would go to the real myshopify.com: the
 * app's modules must not have pulled Shopify's packages into Vite's module graph, and a module Vite loads as
 * it loads the app's must get this file's instances.
 */
async function assertSharedShopifyModules(vite: ViteDevServer) {
  const inlined = [...vite.environments.ssr.moduleGraph.idToModuleMap.keys()].filter((id) =>
    /\/node_modules\/@shopify\/shopify-(api|app-remix)\//.test(id),
  );
  const probe = (await vite.ssrLoadModule(PROBE)) as Record<string, unknown>;
  if (
    inlined.length > 0 ||
    probe.shopifyApp !== shopifyApp ||
    probe.setAbstractFetchFunc !== setAbstractFetchFunc
  )
    throw new Error(
      `The app loaded by Vite has its own Shopify packages (${inlined[0] ?? "not Node's instances"}): ` +
        "the emulator fetch set here would not reach it",
    );
}

function toRequest(origin: string, req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(body),
    signal: controller.signal,
  });
}

async function send(res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  // Streamed as it comes: a document's shell first, deferred data after.
  const reader = response.body?.getReader();
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read())
    res.write(chunk.value);
  res.end();
}

/** What a route answered a single fetch request: its data, or what it threw (an ErrorResponse as below). */
export type RouteResult = { data: unknown } | { error: unknown };

/** A Response a route threw, as single fetch carries it to the browser (Remix's ErrorResponse). */
export interface ThrownResponse {
  status: number;
  statusText: string;
  data: unknown;
}

/** Decodes a single fetch (`.data`) body as Remix's client does (turbo-stream, with Remix's plugins). */
export async function decodeSingleFetch(response: Response): Promise<unknown> {
  if (!response.body) throw new Error(`no body to decode (${response.status})`);
  const decoded = await decode(response.body, {
    plugins: [
      (type, ...rest) => {
        if (type === "SanitizedError") {
          const [name, message, stack] = rest as [string, string, string | undefined];
          return { value: Object.assign(new Error(message), { name, stack }) };
        }
        if (type === "ErrorResponse") {
          const [data, status, statusText] = rest as [unknown, number, string];
          return { value: { status, statusText, data } satisfies ThrownResponse };
        }
        if (type === "SingleFetchRedirect") return { value: { redirect: rest[0] } };
        return undefined;
      },
      (type, value) => {
        if (type === "SingleFetchFallback") return { value: undefined };
        if (type === "SingleFetchClassInstance") return { value };
        return undefined;
      },
    ],
  });
  await decoded.done;
  return decoded.value;
}

export interface AppHarnessOptions {
  shops?: ShopSeed[];
  /** Settings for the app beyond the test defaults (AI_BASE_URL …), set before the app loads, undone on close. */
  env?: Record<string, string>;
}

export async function startAppHarness(engine: Engine, { shops, env = {} }: AppHarnessOptions = {}) {
  const started = performance.now();
  const t = await createTestDb(engine);
  let handle: (request: Request) => Promise<Response> = async () => new Response("Starting", { status: 503 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void handle(toRequest(appUrl, req, res, Buffer.concat(chunks)))
        .then((response) => send(res, response))
        .catch((error: unknown) => {
          console.error(error);
          if (!res.headersSent) res.statusCode = 500;
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const apiKey = process.env.SHOPIFY_API_KEY as string;
  const apiSecret = process.env.SHOPIFY_API_SECRET as string;
  const emulator = await startEmulator({ apiKey, apiSecret, appUrl, ...(shops ? { shops } : {}) });
  // Imported above, before the app: shopify-app-remix's /server set shopify-api's fetch on import, and the
  // app's imports of it reuse this instance (checked below), so this override is the one the app uses.
  const previousFetch = abstractFetch;
  setAbstractFetchFunc(emulatorFetch(emulator.url));

  const { vite, close: closeVite } = await startVite();
  // The app reads its settings when Vite first loads it, below; set after Vite started because the Remix
  // plugin copies any .env file into process.env when Vite reads its config.
  process.env.DATABASE_URL = t.url;
  process.env.SHOPIFY_APP_URL = appUrl;
  const previousEnv = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  // The app's database client, made by the app's own instance of connect.server.ts (the ledger keeps each
  // client's money driver in that module's WeakMap, so a client made by this file's instance, `t.db`, would
  // have none there); app/db.server.ts takes it from this global. `t.db` stays the test's own client on
  // the same database: a second instance, as far as the app can tell.
  const { connectDb } = (await vite.ssrLoadModule("/app/db/connect.server.ts")) as {
    connectDb: typeof ConnectDb;
  };
  const appDb = connectDb(t.url);
  globalThis.prismaGlobal = appDb;
  const build = () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  // Loaded once now, so the first test does not pay for transforming the app.
  await build();
  await assertSharedShopifyModules(vite);
  const handler = createRequestHandler(build, "development");
  handle = (request) => handler(request);
  const startMs = Math.round(performance.now() - started);

  /** A request from the embedded app in the store owner's browser (App Bridge adds the session token). */
  async function appFetch(shop: string, path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${emulator.sessionToken(shop)}`);
    headers.set("User-Agent", BROWSER);
    return fetch(`${appUrl}${path}`, { ...init, headers });
  }

  /** Where Remix's client sends single fetch requests for `path`: `<path>.data`, the query kept. */
  function dataUrl(path: string) {
    const url = new URL(path, appUrl);
    url.pathname = url.pathname === "/" ? "/_root.data" : `${url.pathname.replace(/\/$/, "")}.data`;
    return url;
  }

  /**
   * A client-side navigation to `path` (or a revalidation after an action): Remix's single fetch GET
   * `<path>.data`, which runs the loaders of every route matching `path` (the layout's with the page's).
   * Answers the response and each route's result by route id ("routes/app.billing._index").
   */
  async function navigate(shop: string, path: string) {
    const url = dataUrl(path);
    url.searchParams.delete("index"); // as Remix's client strips a bare ?index from loader requests
    const response = await appFetch(shop, `${url.pathname}${url.search}`, { redirect: "manual" });
    const results = response.status === 204 ? {} : ((await decodeSingleFetch(response)) as object);
    return { response, results: results as Record<string, RouteResult> };
  }

  /** The data route `routeId`'s loader gave for `path`; throws with what it threw instead, or a redirect. */
  async function loaderData<T = Record<string, unknown>>(shop: string, path: string, routeId: string) {
    const { response, results } = await navigate(shop, path);
    const result = results[routeId];
    if (response.status !== 200 || !result || !("data" in result))
      throw new Error(`GET ${path}.data → ${response.status}: ${JSON.stringify(results)}`);
    return result.data as T;
  }

  /**
   * Submits a form of the page at `path` (`?index` for an index route), as Remix's <Form method="post"> and
   * fetcher.submit do under single fetch (react's singleFetchActionStrategy): POST `<path>.data`, the fields
   * URL-encoded, from the app's origin, through App Bridge's fetch (session token). A string body goes as
   * it is, under `contentType`. The response is Remix's: status and headers as the browser gets them;
   * `actionResult(response)` decodes the body.
   */
  async function submitForm(
    shop: string,
    path: string,
    body: URLSearchParams | Record<string, string> | string,
    { contentType }: { contentType?: string } = {},
  ) {
    const url = dataUrl(path);
    return appFetch(shop, `${url.pathname}${url.search}`, {
      method: "POST",
      body: typeof body === "string" || body instanceof URLSearchParams ? body : new URLSearchParams(body),
      headers: { Origin: appUrl, ...(contentType ? { "Content-Type": contentType } : {}) },
      redirect: "manual",
    });
  }

  /** Submits a form of the Billing page (submitForm). */
  async function submitBilling(shop: string, fields: Record<string, string>) {
    return submitForm(shop, "/app/billing?index", fields);
  }

  /** An action's single fetch answer: `{ data }` it returned, or `{ error }` (a ThrownResponse) it threw. */
  async function actionResult(response: Response) {
    return (await decodeSingleFetch(response)) as RouteResult;
  }

  /** The charge a billing request created: its id, from the confirmation URL Shopify sent the browser to. */
  function chargeIdFrom(response: Response) {
    const confirmation = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
    if (response.status !== 401 || !confirmation)
      throw new Error(`expected a billing redirect, got ${response.status}`);
    const id = /\/(\d+)\/confirm/.exec(confirmation)?.[1];
    if (!id) throw new Error(`no charge id in ${confirmation}`);
    return id;
  }

  /**
   * A document request for an app page as the Shopify admin's iframe makes it: the admin adds
   * embedded=1, shop, host and a fresh session token to the query.
   */
  async function openDocument(shop: string, path: string) {
    const url = new URL(path, appUrl);
    url.searchParams.set("embedded", "1");
    url.searchParams.set("shop", shop);
    url.searchParams.set("host", hostParam(shop));
    url.searchParams.set("id_token", emulator.sessionToken(shop));
    return fetch(url, { redirect: "manual", headers: { "User-Agent": BROWSER } });
  }

  /**
   * The store owner comes back from the confirmation page: Shopify admin loads the return URL's app path
   * in its iframe, as a document request carrying a fresh session token.
   */
  async function returnFrom(shop: string, redirectUrl: string) {
    const back = new URL(redirectUrl);
    return openDocument(shop, `${back.pathname.replace(/^.*\/apps\/[^/]+/, "")}${back.search}`);
  }

  async function shopRow(domain: string) {
    return t.db.shop.findUniqueOrThrow({ where: { domain }, include: { subscriptions: true } });
  }

  async function close() {
    // The app's job queue runs on its db client (and the app's modules): its workers finish first.
    await globalThis.jobQueues?.get(appDb)?.stop();
    await emulator.webhooks.idle();
    await emulator.close();
    await new Promise((resolve) => server.close(resolve));
    await closeVite();
    // entry.server.tsx started the credit sweeper on this process's db client.
    clearInterval(globalThis.sweeperTimer);
    globalThis.sweeperTimer = undefined;
    globalThis.prismaGlobal = undefined;
    for (const [key, value] of Object.entries(previousEnv))
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    setAbstractFetchFunc(previousFetch);
    await appDb.$disconnect();
    await t.drop();
  }

  /** An offline Admin API client from the app's own shopify.server.ts (as Vite loaded it), as its job uses. */
  const offlineAdmin: OfflineAdmin = async (shop) => {
    const shopify = (await vite.ssrLoadModule("/app/shopify.server.ts")) as {
      unauthenticated: { admin: OfflineAdmin };
    };
    return shopify.unauthenticated.admin(shop);
  };

  /**
   * A store of the test's own, installed as a store owner installs it: the emulator knows it, and its first
   * request is the admin opening the app (a document request), which exchanges its token and grants Free.
   */
  async function installStore(prefix: string, seed: Partial<Omit<ShopSeed, "domain">> = {}) {
    const domain = `${prefix}-${randomUUID().slice(0, 8)}.myshopify.com`;
    emulator.addShop({ partnerDevelopment: false, ...seed, domain });
    const page = await openDocument(domain, "/app/billing");
    if (page.status !== 200)
      throw new Error(`installing ${domain}: the Billing page answered ${page.status}`);
    await page.text();
    return domain;
  }

  return {
    t,
    db: t.db,
    emulator,
    appUrl,
    appDb,
    vite,
    startMs,
    appFetch,
    navigate,
    loaderData,
    submitForm,
    submitBilling,
    actionResult,
    chargeIdFrom,
    openDocument,
    installStore,
    offlineAdmin,
    returnFrom,
    shopRow,
    close,
  };
}

export type AppHarness = Awaited<ReturnType<typeof startAppHarness>>;
