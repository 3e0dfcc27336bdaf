import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, BillingInterval, shopifyApp } from "@shopify/shopify-app-remix/server";
import type { BillingConfig } from "@shopify/shopify-api";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { recordInstall } from "./billing/installation.server";
import { CURRENCY, PLANS, TOP_UP_PACKS } from "./billing/plans";
import prisma from "./db.server";
import { env } from "./env.server";

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

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: env.SCOPES.split(","),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(prisma),
  billing,
  hooks: {
    // Runs when a shop (re)installs and its token is exchanged: the shop's row, balance and cycle exist
    // before its first page renders.
    afterAuth: async ({ session }) => {
      await recordInstall(prisma, session.shop);
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

export default shopify;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
