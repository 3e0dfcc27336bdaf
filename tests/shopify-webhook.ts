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

/**
 * The headers Shopify sends with a webhook: an HMAC-SHA256 of the raw body with the app's secret (another
 * secret forges it), and the unsigned topic, shop, id, API version and time.
 */
export function webhookHeaders({
  topic,
  shop,
  raw,
  secret = process.env.SHOPIFY_API_SECRET ?? "",
  webhookId = randomUUID(),
  apiVersion = "2026-07",
}: {
  topic: string;
  shop: string;
  raw: string;
  secret?: string;
  webhookId?: string;
  apiVersion?: string;
}): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(raw).digest("base64"),
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": shop,
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-API-Version": apiVersion,
    "X-Shopify-Triggered-At": new Date().toISOString(),
  };
}

export async function webhookRequest({ topic, shop, body = {}, secret, webhookId }: Delivery) {
  // Imported late: the app validates its settings on import, after the test has pointed DATABASE_URL.
  const { apiVersion } = await import("../app/shopify.server");
  const raw = JSON.stringify(body);
  return new Request(`http://localhost:3000/webhooks/${topic}`, {
    method: "POST",
    body: raw,
    headers: webhookHeaders({ topic, shop, raw, secret, webhookId, apiVersion }),
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
