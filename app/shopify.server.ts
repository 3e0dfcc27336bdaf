import "@shopify/shopify-app-remix/adapters/node";
import { AsyncLocalStorage } from "node:async_hooks";
import {
  ApiVersion,
  AppDistribution,
  BillingInterval,
  LogSeverity,
  shopifyApp,
} from "@shopify/shopify-app-remix/server";
import type { BillingConfig } from "@shopify/shopify-api";
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { recordInstall } from "./shops/life-cycle.server";
import { CURRENCY, PLANS, TOP_UP_PACKS } from "./billing/plans";
import prisma from "./db.server";
import { env, type LogLevel } from "./env.server";
import { adminAuthFailure, type TokenExchangeOutcome } from "./http/admin-auth.server";
import { toHttpError } from "./http/errors.server";

// The one API version: shopify.app.toml's [webhooks] api_version must equal it (shopify.server.test.ts).
export const apiVersion = ApiVersion.July26;

// Every paid plan and top-up pack of the catalog, under the name Shopify shows the store owner.
const billing: BillingConfig = Object.fromEntries([
  ...PLANS.filter((plan) => plan.price > 0).map((plan) => [
    plan.name,
    { lineItems: [{ amount: plan.price, currencyCode: CURRENCY, interval: BillingInterval.Every30Days }] },
  ]),
  ...TOP_UP_PACKS.map((pack) => [
    pack.name,
    { amount: pack.price, currencyCode: CURRENCY, interval: BillingInterval.OneTime },
  ]),
]);

const LOG_SEVERITY: Record<LogLevel, LogSeverity> = {
  error: LogSeverity.Error,
  warning: LogSeverity.Warning,
  info: LogSeverity.Info,
  debug: LogSeverity.Debug,
};

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: env.SCOPES.split(","),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  billing,
  // LOG_LEVEL (app/env.server.ts): an operator setting, warning by default in production.
  logger: { level: LOG_SEVERITY[env.LOG_LEVEL] },
  hooks: {
    // Runs when a shop (re)installs and its token is exchanged: the shop's row, balance and cycle exist
    // before its first page renders.
    afterAuth: async ({ session }) => {
      // A Response passes through authenticate.admin; any other throw there becomes a bare 500.
      await recordInstall(prisma, session.shop).catch((error: unknown) => {
        throw toHttpError(error) ?? error;
      });
    },
  },
  distribution: AppDistribution.AppStore,
  future: {
    // Token exchange instead of OAuth redirects: Shopify installs the app from shopify.app.toml's scopes.
    unstable_newEmbeddedAuthStrategy: true,
    // Offline tokens expire and are refreshed here (Session.refreshToken); Shopify's direction for new apps.
    expiringOfflineAccessTokens: true,
  },
  ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
});

const OBSERVER = Symbol.for("app.tokenExchangeObserver");
type ObservedFetch = typeof abstractFetch & { [OBSERVER]?: AsyncLocalStorage<TokenExchangeOutcome> };

/**
 * Records the HTTP status of the token exchange authenticate.admin makes for the request it runs for:
 * shopify-app-remix answers every failed exchange with the same bare 500, and only the status says
 * whether Shopify refused (permanent: 403) or did not answer (transient: 503). Wraps shopify-api's fetch
 * in place (the emulator's, when one is wired in), once: a dev-server reload finds its wrapper. If
 * something replaces the fetch afterwards, nothing is recorded and the library's 500 stands.
 */
function observeTokenExchanges(): AsyncLocalStorage<TokenExchangeOutcome> {
  const current = abstractFetch as ObservedFetch;
  const existing = current[OBSERVER];
  if (existing) return existing;
  const exchanges = new AsyncLocalStorage<TokenExchangeOutcome>();
  const observed: ObservedFetch = async (input, init) => {
    const outcome = exchanges.getStore();
    const url = input instanceof Request ? input.url : String(input);
    if (!outcome || !url.endsWith("/admin/oauth/access_token")) return current(input, init);
    try {
      const response = await current(input, init);
      outcome.status = response.status;
      return response;
    } catch (error) {
      outcome.status = 0;
      throw error;
    }
  };
  observed[OBSERVER] = exchanges;
  setAbstractFetchFunc(observed);
  return exchanges;
}
const tokenExchanges = observeTokenExchanges();

/** shopify-app-remix's authenticate.admin, with permanent bad input answered 4xx (app/http/admin-auth.server.ts). */
const authenticateAdmin: typeof shopify.authenticate.admin = async (request) => {
  const outcome: TokenExchangeOutcome = {};
  try {
    return await tokenExchanges.run(outcome, () => shopify.authenticate.admin(request));
  } catch (error) {
    throw adminAuthFailure(error, outcome, request);
  }
};

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = { ...shopify.authenticate, admin: authenticateAdmin };
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
