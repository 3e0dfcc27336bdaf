// A webhook delivery as Shopify sends it: the raw body signed with the app's secret (HMAC-SHA256, base64).
import { createHmac, randomUUID } from "node:crypto";
import type { ActionFunction } from "@remix-run/node";

/** Every topic the app subscribes to in shopify.app.toml, each with its route /webhooks/<topic>. */
export const WEBHOOK_TOPICS = [
  "app/uninstalled",
  "app/scopes_update",
  "app_subscriptions/update",
  "app_purchases_one_time/update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

export interface Delivery {
  topic: string;
  shop: string;
  body?: unknown;
  /** Another secret forges the signature. */
  secret?: string;
  webhookId?: string;
}

export async function webhookRequest({ topic, shop, body = {}, secret, webhookId }: Delivery) {
  // Imported late: the app validates its settings on import, after the test has pointed DATABASE_URL.
  const { apiVersion } = await import("../app/shopify.server");
  const raw = JSON.stringify(body);
  const key = secret ?? process.env.SHOPIFY_API_SECRET ?? "";
  return new Request(`http://localhost:3000/webhooks/${topic}`, {
    method: "POST",
    body: raw,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": createHmac("sha256", key).update(raw).digest("base64"),
      "X-Shopify-Topic": topic,
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Webhook-Id": webhookId ?? randomUUID(),
      "X-Shopify-API-Version": apiVersion,
    },
  });
}

/** The route's status, whether it returns its Response or throws it (authenticate.webhook throws a 401). */
export async function deliver(action: ActionFunction, delivery: Delivery) {
  const request = await webhookRequest(delivery);
  try {
    const response = await action({ request, params: {}, context: {} });
    if (!(response instanceof Response))
      throw new Error(`${delivery.topic}: the action must return a Response`);
    return response.status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}
