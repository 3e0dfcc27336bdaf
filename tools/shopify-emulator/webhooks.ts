// Webhook delivery to the app, signed like Shopify's, with a holdable queue so tests can reproduce what
// Shopify does in production: retries with the same webhook id, duplicates, out-of-order and forged deliveries.

import { createHmac, randomUUID } from "node:crypto";
import type { Clock } from "./state";

// Where it always was, for callers outside the emulator (bench/webhook-burst.ts).
export { appWebhookApiVersion } from "./app-toml";

export const DEFAULT_WEBHOOK_PATHS: Readonly<Record<string, string>> = {
  "app/uninstalled": "/webhooks/app/uninstalled",
  "app/scopes_update": "/webhooks/app/scopes_update",
  "app_subscriptions/update": "/webhooks/app_subscriptions/update",
  "app_purchases_one_time/update": "/webhooks/app_purchases_one_time/update",
  "customers/data_request": "/webhooks/customers/data_request",
  "customers/redact": "/webhooks/customers/redact",
  "shop/redact": "/webhooks/shop/redact",
};

export type DeliveryMode = "auto" | "hold";

export interface Webhook {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  body: string;
  apiVersion: string;
  triggeredAt: string;
}

export interface DeliveryAttempt {
  attempt: number;
  webhookId: string;
  topic: string;
  shop: string;
  url: string;
  forged: boolean;
  sentAt: string;
  // null until the app answers, and stays null when the request failed (then `error` says why).
  status: number | null;
  error?: string;
  responseBody?: string;
}

export interface WebhookOptions {
  appUrl: string;
  apiSecret: string;
  apiVersion: string;
  paths: Record<string, string>;
  clock: Clock;
}

export function signWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export class WebhookDispatcher {
  mode: DeliveryMode = "auto";
  private readonly all = new Map<string, Webhook>();
  private queue: string[] = [];
  private readonly attempts: DeliveryAttempt[] = [];
  private readonly inFlight = new Set<Promise<DeliveryAttempt>>();

  constructor(private readonly options: WebhookOptions) {}

  // Creates a webhook for an event; sends it now in auto mode, holds it otherwise.
  emit(shop: string, topic: string, payload: unknown): Webhook {
    const webhook: Webhook = {
      webhookId: randomUUID(),
      eventId: randomUUID(),
      topic,
      shop,
      body: JSON.stringify(payload),
      apiVersion: this.options.apiVersion,
      triggeredAt: this.options.clock.now().toISOString(),
    };
    this.all.set(webhook.webhookId, webhook);
    this.dispatch(webhook.webhookId);
    return webhook;
  }

  webhooks(filter: { shop?: string; topic?: string } = {}): Webhook[] {
    return [...this.all.values()].filter(
      (w) => (!filter.shop || w.shop === filter.shop) && (!filter.topic || w.topic === filter.topic),
    );
  }

  get(webhookId: string): Webhook {
    const webhook = this.all.get(webhookId);
    if (!webhook) throw new Error(`Unknown webhook ${webhookId}`);
    return webhook;
  }

  held(): Webhook[] {
    return this.queue.map((id) => this.get(id));
  }

  deliveries(filter: { webhookId?: string; topic?: string; shop?: string } = {}): DeliveryAttempt[] {
    return this.attempts.filter(
      (a) =>
        (!filter.webhookId || a.webhookId === filter.webhookId) &&
        (!filter.topic || a.topic === filter.topic) &&
        (!filter.shop || a.shop === filter.shop),
    );
  }

  // Sends the held queue in its current order, one after another, and empties it.
  async release(): Promise<DeliveryAttempt[]> {
    const ids = this.queue;
    this.queue = [];
    const results: DeliveryAttempt[] = [];
    for (const id of ids) results.push(await this.send(id, false));
    return results;
  }

  // Shopify's retry: the same webhook (same id, body and signature) sent again now.
  redeliver(webhookId: string): Promise<DeliveryAttempt> {
    return this.send(webhookId, false);
  }

  // Another delivery of the same webhook, queued (hold mode) or sent now (auto mode).
  duplicate(webhookId: string): void {
    this.get(webhookId);
    this.dispatch(webhookId);
  }

  forge(webhookId: string): Promise<DeliveryAttempt> {
    return this.send(webhookId, true);
  }

  reverse(): void {
    this.queue.reverse();
  }

  // New order for the held queue; must name exactly the held entries (a duplicated id as often as it is held).
  reorder(webhookIds: string[]): void {
    const sorted = (ids: string[]) => [...ids].sort().join(",");
    if (sorted(webhookIds) !== sorted(this.queue))
      throw new Error("reorder must list exactly the held webhook ids");
    this.queue = [...webhookIds];
  }

  // Loses a held webhook, as Shopify may after its retries run out.
  drop(webhookId: string): void {
    const index = this.queue.indexOf(webhookId);
    if (index < 0) throw new Error(`Webhook ${webhookId} is not held`);
    this.queue.splice(index, 1);
  }

  // Resolves once every delivery started so far has been answered.
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private dispatch(webhookId: string): void {
    if (this.mode === "hold") this.queue.push(webhookId);
    else void this.send(webhookId, false);
  }

  private send(webhookId: string, forged: boolean): Promise<DeliveryAttempt> {
    const webhook = this.get(webhookId);
    const path = this.options.paths[webhook.topic];
    if (!path) throw new Error(`No webhook path configured for topic ${webhook.topic}`);
    const attempt: DeliveryAttempt = {
      attempt: this.attempts.length + 1,
      webhookId,
      topic: webhook.topic,
      shop: webhook.shop,
      url: this.options.appUrl.replace(/\/$/, "") + path,
      forged,
      sentAt: new Date().toISOString(),
      status: null,
    };
    this.attempts.push(attempt);
    const secret = forged ? `${this.options.apiSecret}-forged` : this.options.apiSecret;
    const promise = fetch(attempt.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Shopify-Hmac-Sha256": signWebhook(webhook.body, secret),
        "X-Shopify-Topic": webhook.topic,
        "X-Shopify-Shop-Domain": webhook.shop,
        "X-Shopify-Webhook-Id": webhook.webhookId,
        "X-Shopify-API-Version": webhook.apiVersion,
        "X-Shopify-Triggered-At": webhook.triggeredAt,
        "X-Shopify-Event-Id": webhook.eventId,
      },
      body: webhook.body,
    })
      .then(async (response) => {
        attempt.status = response.status;
        attempt.responseBody = (await response.text()).slice(0, 2000);
        return attempt;
      })
      .catch((error: unknown) => {
        attempt.error = error instanceof Error ? String(error.cause ?? error.message) : String(error);
        return attempt;
      })
      .finally(() => this.inFlight.delete(promise));
    this.inFlight.add(promise);
    return promise;
  }
}
