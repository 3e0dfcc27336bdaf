// The HTTP face of the emulator: the Shopify endpoints the app calls (token exchange, Admin GraphQL), the
// admin frame that embeds the app and the stand-in App Bridge script, the charge confirmation pages a store
// owner clicks through, and the JSON control routes under /_emulator.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isIP, type AddressInfo } from "node:net";
import { adminFramePage, browserScripts } from "./admin-frame";
import { adminSchema } from "./admin-schema";
import { shopDomain } from "./admin-urls";
import { awaitingAnswer, needsPlanUpgrade } from "./billing";
import { controlRoute } from "./control";
import { ShopifyEmulator, type EmulatorOptions } from "./emulator";
import { EMULATOR_SHOP_HEADER } from "./fetch";
import { execute } from "./gql-executor";
import { articlePage, confirmationPage, grantPage, messagePage, UPGRADE_MESSAGE } from "./pages";
import type { ShopRecord } from "./state";

export interface HttpResult {
  status: number;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const json = (status: number, body: unknown): HttpResult => ({
  status,
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json; charset=utf-8" },
});

const html = (status: number, body: string): HttpResult => ({
  status,
  body,
  headers: { "Content-Type": "text/html; charset=utf-8" },
});

const script = (body: string): HttpResult => ({
  status: 200,
  body,
  headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" },
});

const INVALID_TOKEN = json(401, {
  errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
});

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

// Shopify's endpoints take JSON or form-encoded bodies.
function parseParams(body: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (!body) return {};
  if (contentType?.includes("application/x-www-form-urlencoded"))
    return Object.fromEntries(new URLSearchParams(body));
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function requestShop(emulator: ShopifyEmulator, req: IncomingMessage): ShopRecord | HttpResult {
  const header = req.headers[EMULATOR_SHOP_HEADER.toLowerCase()];
  if (typeof header !== "string" || !header) {
    return json(400, {
      errors: `Missing ${EMULATOR_SHOP_HEADER} header: send Shopify requests through emulatorFetch()`,
    });
  }
  return emulator.state.shops.get(header.toLowerCase()) ?? json(404, { errors: "Not Found" });
}

function tokenExchange(
  emulator: ShopifyEmulator,
  shop: ShopRecord,
  params: Record<string, unknown>,
): HttpResult {
  const strings = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, v == null ? undefined : String(v)]),
  );
  const result = emulator.tokens.handle(shop.domain, strings);
  return json(result.status, result.body);
}

async function graphql(
  emulator: ShopifyEmulator,
  shop: ShopRecord,
  req: IncomingMessage,
  params: Record<string, unknown>,
): Promise<HttpResult> {
  const token = req.headers["x-shopify-access-token"];
  const record = typeof token === "string" ? emulator.state.accessTokens.get(token) : undefined;
  // A token only opens its own shop: another shop's token is as unknown as a made-up one.
  if (
    !record ||
    record.shop !== shop.domain ||
    !shop.installed ||
    (record.expiresAt !== undefined && record.expiresAt <= Date.now())
  ) {
    return INVALID_TOKEN;
  }
  if (typeof params.query !== "string")
    return json(400, { errors: { query: "Required parameter missing or invalid" } });
  const variables = params.variables ?? {};
  if (typeof variables !== "object" || Array.isArray(variables))
    return json(400, { errors: "variables must be an object" });
  const resolvers = emulator.resolversFor(shop.domain);
  const result = await execute(adminSchema, {
    query: params.query,
    variables: variables as Record<string, unknown>,
    operationName: typeof params.operationName === "string" ? params.operationName : undefined,
    roots: { query: () => resolvers.query(), mutation: () => resolvers.mutation() },
    budget: emulator.costBucket(shop.domain),
  });
  return json(200, result);
}

// Served at /admin/charges/<shop>/… and, for admin.shopify.com-style confirmation URLs mapped to the
// emulator, at /store/<handle>/charges/…; the forms post back to the path the page was reached on.
function chargePage(emulator: ShopifyEmulator, method: string, match: RegExpExecArray): HttpResult {
  const [, base, domain, handle, kind, id, action] = match;
  const charge = emulator.state.charges.get(Number(id));
  if (!charge || charge.shop !== (domain ?? shopDomain(handle!)) || charge.kind !== kind) {
    return html(404, messagePage("Charge not found", "There is no such charge for this store."));
  }
  const shopName = emulator.state.requireShop(charge.shop).name;
  if (method === "GET" && action === "confirm") {
    const upgrade =
      awaitingAnswer(charge) && needsPlanUpgrade(charge, emulator.state.requireShop(charge.shop));
    return html(200, confirmationPage(charge, shopName, `${base}/${kind}/${id}`, upgrade));
  }
  if (method === "POST" && (action === "approve" || action === "decline")) {
    if (!awaitingAnswer(charge)) {
      return html(409, messagePage("Charge already answered", `This charge is ${charge.status}.`));
    }
    if (action === "approve" && needsPlanUpgrade(charge, emulator.state.requireShop(charge.shop))) {
      return html(402, messagePage("Upgrade your plan", UPGRADE_MESSAGE));
    }
    const decision =
      action === "approve" ? emulator.approveCharge(charge.id) : emulator.declineCharge(charge.id);
    return { status: 302, body: "", headers: { Location: decision.redirectUrl } };
  }
  return html(405, messagePage("Method not allowed", `${method} is not allowed here.`));
}

function adminFrame(emulator: ShopifyEmulator, match: RegExpExecArray, query: URLSearchParams): HttpResult {
  const [, handle, apiKey, appPath] = match;
  const shop = emulator.state.shops.get(shopDomain(handle!));
  if (!shop) return html(404, messagePage("Store not found", `There is no store ${handle} in the emulator.`));
  if (decodeURIComponent(apiKey!) !== emulator.options.apiKey) {
    return html(404, messagePage("App not found", `This store has no app with the API key ${apiKey}.`));
  }
  // Shopify's managed install: the merchant approves the app's changed required scopes before it opens.
  if (emulator.missingScopes(shop.domain).length) {
    const back = `${match[0]}${query.size ? `?${query}` : ""}`;
    return redirect(
      `/store/${handle}/oauth/install?${new URLSearchParams({ client_id: apiKey!, return_to: back })}`,
    );
  }
  return html(
    200,
    adminFramePage({
      appUrl: emulator.options.appUrl,
      appName: emulator.options.appName ?? "App",
      apiKey: emulator.options.apiKey,
      shop,
      appPath: appPath ?? "",
      query,
      sessionToken: emulator.sessionToken(shop.domain),
    }),
  );
}

const redirect = (location: string): HttpResult => ({
  status: 302,
  body: "",
  headers: { Location: location },
});

// GET/POST /store/<handle>/oauth/install?client_id=…: where an app sends the merchant to approve its
// changed required scopes (shopify-app-remix's login and redirectToInstallPage build this URL on
// admin.shopify.com). Nothing to approve: straight into the app.
function installPage(
  emulator: ShopifyEmulator,
  method: string,
  handle: string,
  query: URLSearchParams,
): HttpResult {
  const shop = emulator.state.shops.get(shopDomain(handle));
  if (!shop) return html(404, messagePage("Store not found", `There is no store ${handle} in the emulator.`));
  const apiKey = emulator.options.apiKey;
  if (query.get("client_id") !== apiKey)
    return html(404, messagePage("App not found", "This app does not exist or was removed."));
  const returnTo = query.get("return_to");
  const appHome = returnTo?.startsWith(`/store/${handle}/apps/`)
    ? returnTo
    : `/store/${handle}/apps/${apiKey}`;
  const missing = emulator.missingScopes(shop.domain);
  if (method === "POST") {
    emulator.grantScopes(shop.domain);
    return redirect(appHome);
  }
  if (method !== "GET") return html(405, messagePage("Method not allowed", `${method} is not allowed here.`));
  if (!missing.length) return redirect(appHome);
  const action = `/store/${handle}/oauth/install?${query}`;
  return html(200, grantPage(shop.name, emulator.options.appName ?? "App", missing, action));
}

// The admin's page for one article (https://admin.shopify.com/store/<handle>/content/articles/<n>).
function adminArticle(emulator: ShopifyEmulator, handle: string, id: string): HttpResult {
  const shop = emulator.state.shops.get(shopDomain(handle));
  const blog = shop?.blogs.find((b) => b.articles.some((a) => a.id === Number(id)));
  const article = blog?.articles.find((a) => a.id === Number(id));
  if (!shop || !blog || !article)
    return html(404, messagePage("Blog post not found", "This blog post does not exist or was deleted."));
  return html(200, articlePage(shop.name, article, blog.title, emulator.now()));
}

async function route(emulator: ShopifyEmulator, req: IncomingMessage): Promise<HttpResult> {
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", emulator.url);
  const path = url.pathname;
  const body = await readBody(req);

  if (path.startsWith("/_emulator/")) {
    const params = parseParams(body, req.headers["content-type"]);
    if (!params) return json(400, { error: "Body must be a JSON object" });
    const result = await controlRoute(emulator, method, path.slice("/_emulator".length), params);
    return json(result.status, result.body);
  }

  const charge =
    /^(\/admin\/charges\/([^/]+)|\/store\/([^/]+)\/charges)\/(subscription|purchase)\/(\d+)\/(confirm|approve|decline)$/.exec(
      path,
    );
  if (charge) return chargePage(emulator, method, charge);

  if (method === "GET" && (path === "/app-bridge.js" || path === "/admin-frame.js"))
    return script(browserScripts[path]);

  // Where Shopify sends a store owner who declines a charge: the admin's Apps page.
  const apps = /^\/store\/([^/]+)\/settings\/apps$/.exec(path);
  if (apps && method === "GET") {
    const shop = emulator.state.shops.get(shopDomain(apps[1]!));
    if (!shop)
      return html(404, messagePage("Store not found", `There is no store ${apps[1]} in the emulator.`));
    return html(
      200,
      messagePage(`Apps · ${shop.name}`, `${emulator.options.appName ?? "App"} is installed.`),
    );
  }

  const install = /^\/store\/([^/]+)\/oauth\/install$/.exec(path);
  if (install) return installPage(emulator, method, install[1]!, url.searchParams);

  const article = /^\/store\/([^/]+)\/content\/articles\/(\d+)$/.exec(path);
  if (article && method === "GET") return adminArticle(emulator, article[1]!, article[2]!);

  // Shopify's CDN copy of a downloaded article image.
  const cdn = /^\/cdn\/files\/(\d+)\.[a-z]+$/.exec(path);
  if (cdn && method === "GET") {
    const image = emulator.images.read(Number(cdn[1]));
    if (!image) return json(404, { errors: "Not Found" });
    return { status: 200, body: image.bytes, headers: { "Content-Type": image.contentType } };
  }

  const frame = /^\/store\/([^/]+)\/apps\/([^/]+)(\/.*)?$/.exec(path);
  if (frame && method === "GET") return adminFrame(emulator, frame, url.searchParams);

  const isOAuth = path === "/admin/oauth/access_token";
  const isGraphql = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/.test(path);
  if ((isOAuth || isGraphql) && method === "POST") {
    const shop = requestShop(emulator, req);
    if (!("domain" in shop)) return shop;
    const params = parseParams(body, req.headers["content-type"]);
    if (!params) return json(400, { errors: "Body is not valid JSON" });
    return isOAuth ? tokenExchange(emulator, shop, params) : graphql(emulator, shop, req, params);
  }
  return json(404, { errors: "Not Found" });
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

export async function startEmulator(options: EmulatorOptions): Promise<ShopifyEmulator> {
  const host = options.host ?? "127.0.0.1";
  // The emulator needs the listening URL, and the server needs the emulator: fill this in after listen().
  const ready: { emulator?: ShopifyEmulator } = {};
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const emulator = ready.emulator;
    (emulator ? route(emulator, req) : Promise.resolve(json(503, { errors: "Starting" })))
      .catch((error: unknown) =>
        json(500, { errors: error instanceof Error ? error.message : String(error) }),
      )
      .then((result) => {
        res.writeHead(result.status, result.headers);
        res.end(result.body);
      });
  });
  const address = await listen(server, options.port ?? 0, host);
  // A host name stays in the URL: "localhost" makes the admin frame same-site with an app on localhost,
  // which browsers that block third-party storage require for the app's sessionStorage in the iframe.
  const hostPart =
    isIP(host) === 0 ? host : address.family === "IPv6" ? `[${address.address}]` : address.address;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  ready.emulator = new ShopifyEmulator(options, `http://${hostPart}:${address.port}`, close);
  return ready.emulator;
}
