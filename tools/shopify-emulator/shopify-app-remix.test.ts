// The app's own stack one level up: shopify-app-remix 4's authenticate.admin (token exchange strategy),
// admin.graphql and billing helpers, against the emulator with only the fetch override installed.

import "@shopify/shopify-app-remix/adapters/node";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import { ApiVersion, BillingInterval, shopifyApp, type Session } from "@shopify/shopify-app-remix/server";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emulatorFetch } from "./fetch";
import { API_KEY, API_SECRET, DEV_STORE, setUpEmulator } from "./test-setup";

class MemorySessionStorage implements SessionStorage {
  readonly sessions = new Map<string, Session>();
  async storeSession(session: Session) {
    this.sessions.set(session.id, session);
    return true;
  }
  async loadSession(id: string) {
    return this.sessions.get(id);
  }
  async deleteSession(id: string) {
    return this.sessions.delete(id);
  }
  async deleteSessions(ids: string[]) {
    ids.forEach((id) => this.sessions.delete(id));
    return true;
  }
  async findSessionsByShop(shop: string) {
    return [...this.sessions.values()].filter((s) => s.shop === shop);
  }
}

const APP_URL = "https://blog-credits.example";
let env: Awaited<ReturnType<typeof setUpEmulator>>;
const storage = new MemorySessionStorage();
let shopify: ReturnType<typeof makeApp>;

function makeApp() {
  return shopifyApp({
    apiKey: API_KEY,
    apiSecretKey: API_SECRET,
    appUrl: APP_URL,
    scopes: ["write_content", "read_products"],
    apiVersion: ApiVersion.October25,
    sessionStorage: storage,
    // 4.x only uses token exchange with this flag; without it authenticate.admin sends the app to /auth.
    future: { unstable_newEmbeddedAuthStrategy: true },
    billing: {
      Pro: { lineItems: [{ amount: 19, currencyCode: "USD", interval: BillingInterval.Every30Days }] },
    },
  });
}

// What App Bridge's fetch sends from inside the admin.
const appRequest = (path: string) =>
  new Request(`${APP_URL}${path}`, {
    headers: { Authorization: `Bearer ${env.emulator.sessionToken(DEV_STORE)}` },
  });

beforeAll(async () => {
  env = await setUpEmulator();
  setAbstractFetchFunc(emulatorFetch(env.emulator.url));
  shopify = makeApp();
});
afterAll(() => env.close());

describe("@shopify/shopify-app-remix 4 against the emulator", () => {
  it("authenticate.admin exchanges the session token and admin.graphql reaches the shop", async () => {
    const { admin, session } = await shopify.authenticate.admin(appRequest("/app"));
    expect(session).toMatchObject({ shop: DEV_STORE, isOnline: false });
    expect(storage.sessions.has(`offline_${DEV_STORE}`)).toBe(true);
    const response = await admin.graphql("query { shop { myshopifyDomain } }");
    expect(await response.json()).toMatchObject({ data: { shop: { myshopifyDomain: DEV_STORE } } });
  });

  it("billing.request answers a fetch request with the reauthorize header pointing at the confirmation page", async () => {
    const { billing } = await shopify.authenticate.admin(appRequest("/app/billing"));
    const thrown = await billing
      .request({ plan: "Pro", isTest: true, returnUrl: `${APP_URL}/app/billing/return` })
      .catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(Response);
    const confirmationUrl = (thrown as Response).headers.get(
      "X-Shopify-API-Request-Failure-Reauthorize-Url",
    )!;
    expect(confirmationUrl.startsWith(`${env.emulator.url}/admin/charges/${DEV_STORE}/subscription/`)).toBe(
      true,
    );

    env.emulator.approveCharge(Number(confirmationUrl.split("/").at(-2)));
    const { billing: after } = await shopify.authenticate.admin(appRequest("/app/billing/return"));
    const checked = await after.check({ plans: ["Pro"], isTest: true });
    expect(checked.hasActivePayment).toBe(true);
    expect(checked.appSubscriptions[0]).toMatchObject({ name: "Pro", status: "ACTIVE" });
  });

  it("authenticate.webhook accepts the emulator's deliveries", async () => {
    await env.emulator.webhooks.idle();
    const hook = env.receiver.received.find((h) => h.topic === "app_subscriptions/update")!;
    const request = new Request(`${APP_URL}${hook.path}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": hook.hmac,
        "X-Shopify-Topic": hook.topic,
        "X-Shopify-Shop-Domain": hook.shop,
        "X-Shopify-API-Version": hook.apiVersion,
        "X-Shopify-Webhook-Id": hook.webhookId,
      },
      body: hook.body,
    });
    const context = await shopify.authenticate.webhook(request);
    expect(context).toMatchObject({
      topic: "APP_SUBSCRIPTIONS_UPDATE",
      shop: DEV_STORE,
      webhookId: hook.webhookId,
    });
  });
});
