// The app's real request handlers behind a real HTTP server, talking to the local Shopify Admin emulator:
// what the store owner's browser and Shopify's webhooks reach. Only the network edge is replaced (the
// fetch override that routes https://<shop>.myshopify.com to the emulator); the code under test is the
// production code, on a fresh database of the chosen engine. Import it before anything imports the app.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ActionFunction, LoaderFunction } from "@remix-run/node";
import type { Engine } from "../app/db/connect.server";
import { emulatorFetch, startEmulator, type ShopSeed } from "../tools/shopify-emulator";
import { createTestDb } from "./db";

interface RouteModule {
  loader?: LoaderFunction;
  action?: ActionFunction;
}

const ROUTES: Record<string, () => Promise<RouteModule>> = {
  "/app/billing": () => import("../app/routes/app.billing._index"),
  "/app/billing/return": () => import("../app/routes/app.billing.return"),
  "/webhooks/app_subscriptions/update": () => import("../app/routes/webhooks.app_subscriptions.update"),
  "/webhooks/app_purchases_one_time/update": () =>
    import("../app/routes/webhooks.app_purchases_one_time.update"),
  "/webhooks/app/uninstalled": () => import("../app/routes/webhooks.app.uninstalled"),
  "/webhooks/shop/redact": () => import("../app/routes/webhooks.shop.redact"),
  "/webhooks/customers/redact": () => import("../app/routes/webhooks.customers.redact"),
  "/webhooks/customers/data_request": () => import("../app/routes/webhooks.customers.data_request"),
};

async function toRequest(origin: string, req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (typeof value === "string") headers.set(name, value);
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
  });
}

/** A route's answer as Remix would send it: a returned or thrown Response, or data as JSON. */
async function respond(route: RouteModule | undefined, request: Request): Promise<Response> {
  const handler = request.method === "GET" ? route?.loader : route?.action;
  if (!handler) return new Response("Not found", { status: 404 });
  try {
    const result = await handler({ request, params: {}, context: {} });
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    console.error(thrown);
    return new Response("Internal error", { status: 500 });
  }
}

async function send(res: ServerResponse, response: Response) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

// shopify-app-remix answers bots (undici's default user agent among them) with 410.
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36";

export const DEV_STORE = "dev-store.myshopify.com";
export const NORMAL_STORE = "normal-store.myshopify.com";

export async function startAppHarness(engine: Engine, { shops }: { shops?: ShopSeed[] } = {}) {
  const t = await createTestDb(engine);
  const server = createServer((req, res) => {
    void toRequest(appUrl, req)
      .then(async (request) => respond(await ROUTES[new URL(request.url).pathname]?.(), request))
      .then((response) => send(res, response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // The app reads its settings and database when first imported.
  process.env.DATABASE_URL = t.url;
  process.env.SHOPIFY_APP_URL = appUrl;
  globalThis.prismaGlobal = t.db;
  const apiKey = process.env.SHOPIFY_API_KEY as string;
  const apiSecret = process.env.SHOPIFY_API_SECRET as string;
  const emulator = await startEmulator({ apiKey, apiSecret, appUrl, ...(shops ? { shops } : {}) });
  // shopify-api's node adapter captures globalThis.fetch when the app first imports it, which is after this
  // line (nothing above imports the app). Vitest can hand the app its own instance of shopify-api, so
  // setAbstractFetchFunc from here might not reach it; the global does.
  const realFetch = globalThis.fetch;
  globalThis.fetch = emulatorFetch(emulator.url, realFetch);

  /** A request from the embedded app in the store owner's browser (App Bridge adds the session token). */
  async function appFetch(shop: string, path: string, init: RequestInit = {}) {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${emulator.sessionToken(shop)}`);
    headers.set("User-Agent", BROWSER);
    return fetch(`${appUrl}${path}`, { ...init, headers });
  }

  /** Submits a form of the Billing page, as Remix's fetch-based <Form> does. */
  async function submitBilling(shop: string, fields: Record<string, string>) {
    return appFetch(shop, "/app/billing?index", {
      method: "POST",
      body: new URLSearchParams(fields),
      redirect: "manual",
    });
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
   * The store owner comes back from the confirmation page: Shopify admin loads the return URL's app path
   * in its iframe, as a document request carrying a fresh session token.
   */
  async function returnFrom(shop: string, redirectUrl: string) {
    const back = new URL(redirectUrl);
    const path = back.pathname.replace(/^.*\/apps\/[^/]+/, "");
    const query = new URLSearchParams(back.search);
    query.set("embedded", "1");
    query.set("shop", shop);
    query.set(
      "host",
      Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url"),
    );
    query.set("id_token", emulator.sessionToken(shop));
    return fetch(`${appUrl}${path}?${query}`, { redirect: "manual", headers: { "User-Agent": BROWSER } });
  }

  async function shopRow(domain: string) {
    return t.db.shop.findUniqueOrThrow({ where: { domain }, include: { subscriptions: true } });
  }

  async function close() {
    await emulator.webhooks.idle();
    await emulator.close();
    globalThis.fetch = realFetch;
    await new Promise((resolve) => server.close(resolve));
    await t.drop();
  }

  return { t, db: t.db, emulator, appUrl, appFetch, submitBilling, chargeIdFrom, returnFrom, shopRow, close };
}

export type AppHarness = Awaited<ReturnType<typeof startAppHarness>>;
