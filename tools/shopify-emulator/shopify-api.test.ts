// Proves the real @shopify/shopify-api 13 runs unmodified against the emulator: token exchange, billing
// request/check/cancel/subscriptions and the GraphQL client, with only the fetch override installed.

import "@shopify/shopify-api/adapters/node";
import {
  ApiVersion,
  BillingInterval,
  BillingReplacementBehavior,
  GraphqlQueryError,
  HttpResponseError,
  LogSeverity,
  RequestedTokenType,
  Session,
  shopifyApi,
} from "@shopify/shopify-api";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import type { IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorFetch } from "./fetch";
import { API_KEY, API_SECRET, DEV_STORE, NORMAL_STORE, setUpEmulator } from "./test-setup";

let env: Awaited<ReturnType<typeof setUpEmulator>>;
let shopify: ReturnType<typeof makeApi>;
let session: Session;

function makeApi() {
  return shopifyApi({
    apiKey: API_KEY,
    apiSecretKey: API_SECRET,
    scopes: ["write_content", "read_products"],
    hostName: "blog-credits.example",
    hostScheme: "https",
    apiVersion: ApiVersion.October25,
    isEmbeddedApp: true,
    logger: { level: LogSeverity.Error },
    billing: {
      Pro: {
        replacementBehavior: BillingReplacementBehavior.ApplyImmediately,
        lineItems: [
          {
            amount: 19,
            currencyCode: "USD",
            interval: BillingInterval.Every30Days,
            discount: { durationLimitInIntervals: 3, value: { percentage: 0.1 } },
          },
        ],
      },
      "100 credits": { amount: 5, currencyCode: "USD", interval: BillingInterval.OneTime },
    },
  });
}

async function approveOnPage(confirmationUrl: string): Promise<URL> {
  const html = await (await fetch(confirmationUrl)).text();
  const action = /action="([^"]+\/approve)"/.exec(html)![1]!;
  const response = await fetch(new URL(action, confirmationUrl), { method: "POST", redirect: "manual" });
  return new URL(response.headers.get("location")!);
}

beforeAll(async () => {
  env = await setUpEmulator();
  setAbstractFetchFunc(emulatorFetch(env.emulator.url));
  shopify = makeApi();
  ({ session } = await shopify.auth.tokenExchange({
    shop: DEV_STORE,
    sessionToken: env.emulator.sessionToken(DEV_STORE),
    requestedTokenType: RequestedTokenType.OfflineAccessToken,
  }));
});
afterAll(() => env.close());

describe("@shopify/shopify-api 13 against the emulator", () => {
  it("auth.tokenExchange yields offline and online sessions", async () => {
    expect(session).toMatchObject({
      shop: DEV_STORE,
      isOnline: false,
      scope: "write_content,read_products",
      id: `offline_${DEV_STORE}`,
    });
    expect(session.accessToken).toMatch(/^shpat_/);
    const online = await shopify.auth.tokenExchange({
      shop: DEV_STORE,
      sessionToken: env.emulator.sessionToken(DEV_STORE, { userId: 77 }),
      requestedTokenType: RequestedTokenType.OnlineAccessToken,
    });
    expect(online.session.isOnline).toBe(true);
    expect(online.session.onlineAccessInfo?.associated_user.id).toBe(77);
    expect(online.session.expires!.getTime()).toBeGreaterThan(Date.now());
  });

  it("the GraphQL client reads the shop and surfaces unknown fields as GraphqlQueryError", async () => {
    const client = new shopify.clients.Graphql({ session });
    const response = await client.request<{ shop: { name: string; plan: { partnerDevelopment: boolean } } }>(
      "query { shop { name plan { partnerDevelopment } } }",
    );
    expect(response.data?.shop).toEqual({ name: "Dev Store", plan: { partnerDevelopment: true } });
    await expect(client.request("query { shop { nonsense } }")).rejects.toBeInstanceOf(GraphqlQueryError);
  });

  it("registerWebhooks runs (no API-registered subscriptions, like an app declaring them in shopify.app.toml)", async () => {
    expect(await shopify.webhooks.register({ session })).toEqual({});
  });

  it("a session of one shop cannot be used on another (401 from the emulator)", async () => {
    const client = new shopify.clients.Graphql({
      session: new Session({ ...session.toObject(), shop: NORMAL_STORE }),
    });
    await expect(client.request("query { shop { name } }")).rejects.toBeInstanceOf(HttpResponseError);
  });

  it("billing.request → approve → billing.check → billing.cancel for a subscription", async () => {
    const requested = await shopify.billing.request({
      session,
      plan: "Pro",
      isTest: true,
      returnObject: true,
      returnUrl: "https://blog-credits.example/billing/return",
    });
    const subscriptionId = requested.appSubscription!.id;
    expect(requested.appSubscription).toMatchObject({ name: "Pro", test: true });
    const returned = await approveOnPage(requested.confirmationUrl);
    expect(returned.searchParams.get("charge_id")).toBe(subscriptionId.split("/").pop());

    const checked = await shopify.billing.check({
      session,
      plans: ["Pro"],
      isTest: true,
      returnObject: true,
    });
    expect(checked.hasActivePayment).toBe(true);
    const [sub] = checked.appSubscriptions;
    expect(sub).toMatchObject({ id: subscriptionId, name: "Pro", status: "ACTIVE", test: true });
    expect(sub!.lineItems![0]!.plan.pricingDetails).toMatchObject({
      price: { amount: 19, currencyCode: "USD" },
      interval: "EVERY_30_DAYS",
      discount: {
        durationLimitInIntervals: 3,
        priceAfterDiscount: { amount: 17.1 },
        value: { percentage: 0.1 },
      },
    });
    const { activeSubscriptions } = await shopify.billing.subscriptions({ session });
    expect(activeSubscriptions.map((s) => s.id)).toEqual([subscriptionId]);

    const cancelled = await shopify.billing.cancel({ session, subscriptionId, prorate: true });
    expect(cancelled.status).toBe("CANCELLED");
    expect(await shopify.billing.check({ session, plans: ["Pro"], isTest: true })).toBe(false);
  });

  it("billing.request → approve → billing.check for a one-time purchase", async () => {
    const confirmationUrl = await shopify.billing.request({ session, plan: "100 credits", isTest: true });
    expect(await shopify.billing.check({ session, plans: ["100 credits"], isTest: true })).toBe(false);
    await approveOnPage(confirmationUrl);
    const checked = await shopify.billing.check({
      session,
      plans: ["100 credits"],
      isTest: true,
      returnObject: true,
    });
    expect(checked.oneTimePurchases).toEqual([
      expect.objectContaining({ name: "100 credits", status: "ACTIVE", test: true }),
    ]);
  });

  it("billing.request with isTest:false on a development store gets a charge Shopify will not let the owner approve", async () => {
    const confirmationUrl = await shopify.billing.request({ session, plan: "Pro", isTest: false });
    const id = /\/subscription\/(\d+)\/confirm$/.exec(confirmationUrl)![1]!;
    expect(env.emulator.charge(id)).toMatchObject({ status: "PENDING", test: false });
    expect(await (await fetch(confirmationUrl)).text()).toContain("upgrade your plan");
  });

  it("the emulator saw each billing change as an app_subscriptions/update webhook with a valid HMAC", async () => {
    await env.emulator.webhooks.idle();
    const subscriptionHooks = env.receiver.received.filter((h) => h.topic === "app_subscriptions/update");
    expect(
      subscriptionHooks.map(
        (h) => (h.payload as { app_subscription: { status: string } }).app_subscription.status,
      ),
    ).toEqual(["ACTIVE", "CANCELLED"]);
    expect(subscriptionHooks.every((h) => h.hmacValid)).toBe(true);
  });

  it("shopify-api's own webhook validation accepts the emulator's signed deliveries", async () => {
    const [hook] = env.receiver.received;
    const result = await shopify.webhooks.validate({
      rawBody: hook!.body,
      rawRequest: {
        headers: {
          "x-shopify-hmac-sha256": hook!.hmac,
          "x-shopify-topic": hook!.topic,
          "x-shopify-shop-domain": hook!.shop,
          "x-shopify-api-version": hook!.apiVersion,
          "x-shopify-webhook-id": hook!.webhookId,
        },
        // The node adapter only reads headers from the request when validating a webhook.
      } as unknown as IncomingMessage,
    });
    expect(result).toMatchObject({
      valid: true,
      topic: "APP_SUBSCRIPTIONS_UPDATE",
      domain: DEV_STORE,
      webhookId: hook!.webhookId,
    });
  });
});
