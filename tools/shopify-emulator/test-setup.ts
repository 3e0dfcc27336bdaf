// Shared set-up for the emulator's own tests: an emulator whose webhooks go to a recording receiver, and
// a GraphQL helper that goes through emulatorFetch exactly as the app will.

import { startEmulator } from "./server";
import type { EmulatorOptions } from "./emulator";
import { emulatorFetch } from "./fetch";
import { startWebhookReceiver } from "./webhook-receiver";

export const API_KEY = "emulator-test-key";
export const API_SECRET = "emulator-test-secret";
export const DEV_STORE = "dev-store.myshopify.com";
export const NORMAL_STORE = "normal-store.myshopify.com";

export async function setUpEmulator(options: Partial<EmulatorOptions> = {}) {
  const receiver = await startWebhookReceiver(API_SECRET);
  const emulator = await startEmulator({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    appUrl: receiver.url,
    ...options,
  });
  const fetch = emulatorFetch(emulator.url);

  async function gql(shop: string, token: string, query: string, variables?: Record<string, unknown>) {
    const response = await fetch(`https://${shop}/admin/api/2025-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query, variables }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index into arbitrary GraphQL shapes
    return { status: response.status, body: (await response.json()) as any };
  }

  async function close() {
    await emulator.webhooks.idle();
    await emulator.close();
    await receiver.close();
  }

  return { emulator, receiver, fetch, gql, close };
}

export const CREATE_SUBSCRIPTION = `
  mutation Create($name: String!, $returnUrl: URL!, $test: Boolean, $behavior: AppSubscriptionReplacementBehavior, $amount: Decimal!) {
    appSubscriptionCreate(
      name: $name
      returnUrl: $returnUrl
      test: $test
      replacementBehavior: $behavior
      lineItems: [{ plan: { appRecurringPricingDetails: { price: { amount: $amount, currencyCode: USD }, interval: EVERY_30_DAYS } } }]
    ) {
      appSubscription { id status test }
      confirmationUrl
      userErrors { field message }
    }
  }`;
