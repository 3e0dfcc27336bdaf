// The emulator's programmatic surface: what tests (and the HTTP control routes) use to play the store
// owner and Shopify itself — approve charges, move the clock, uninstall, send and manipulate webhooks.

import { AdminResolvers } from "./admin-resolvers";
import { Billing, DEFAULT_APPROVAL_TIMEOUT_MS, type Decision } from "./billing";
import { FlowHost, type FlowActionCall } from "./flow";
import { ImageHost } from "./images";
import { scopesUpdatePayload, topicPayload, type CustomerRef } from "./payloads";
import {
  Clock,
  DEFAULT_SHOPS,
  EmulatorState,
  parseId,
  scopeList,
  DEFERRED_APPROVALS,
  type Charge,
  type DeferredApproval,
  type ShopRecord,
  type ShopSeed,
  type Subscription,
} from "./state";
import { LeakyBucket, PLUS_BUCKET, STANDARD_BUCKET } from "./throttle";
import { TokenIssuer, sessionToken } from "./token-exchange";
import { appTomlScopes, appWebhookApiVersion } from "./app-toml";
import { DEFAULT_WEBHOOK_PATHS, WebhookDispatcher, type Webhook } from "./webhooks";

export interface EmulatorOptions {
  port?: number;
  host?: string;
  apiKey: string;
  apiSecret: string;
  // Where webhooks go (appUrl + webhookPaths[topic]) and what the admin frame loads in its iframe.
  appUrl: string;
  // Shown in the admin frame's nav and title until the app sets a <ui-title-bar>.
  appName?: string;
  webhookPaths?: Record<string, string>;
  shops?: ShopSeed[];
  // Billing clock (charge timestamps, expiry, renewals). Tokens always follow the wall clock, like the app.
  now?: () => Date;
  approvalTimeoutMs?: number;
  // The app's required scopes (shopify.app.toml), comma-separated like Shopify's `scope` field: what every
  // store has granted unless its seed's `grantedScopes` says otherwise. Default: shopify.app.toml's
  // `[access_scopes] scopes` in the working directory (else write_content).
  scopes?: string;
  // Sent as X-Shopify-API-Version on webhooks: the version the app subscribed with. Default: the
  // `[webhooks] api_version` of the shopify.app.toml in the working directory (else 2025-10).
  webhookApiVersion?: string;
  // What an approved APPLY_ON_NEXT_BILLING_CYCLE subscription reads as until the next cycle (see
  // DeferredApproval); a shop's own `deferredApproval` wins. Default "pending-until-cycle".
  deferredApproval?: DeferredApproval;
  // confirmationUrl on https://admin.shopify.com, like Shopify's, instead of the emulator's own origin.
  // shopify-app-remix only exits the iframe to https URLs, so a browser session needs this; the admin
  // frame's stand-in App Bridge maps admin.shopify.com back to the emulator. Tests that fetch the
  // confirmation page directly keep the default (false).
  adminConfirmationUrls?: boolean;
  // Where the app's Flow extensions are (<dir>/*/shopify.extension.toml): the triggers flowTriggerReceive
  // accepts and the actions invokeFlowAction runs. Default: extensions/ in the working directory.
  extensionsDir?: string;
}

export interface ClockStep {
  now: Date;
  expired: Charge[];
  renewed: Subscription[];
}

export class ShopifyEmulator {
  readonly state: EmulatorState;
  readonly webhooks: WebhookDispatcher;
  readonly billing: Billing;
  readonly tokens: TokenIssuer;
  readonly scopes: string;
  readonly images: ImageHost;
  // Shopify Flow: triggers received, actions invoked (in memory only, like webhook history).
  readonly flow: FlowHost;
  // The GraphQL cost bucket of each store (app and store), in memory only.
  private readonly buckets = new Map<string, LeakyBucket>();

  constructor(
    readonly options: EmulatorOptions,
    readonly url: string,
    private readonly closeServer: () => Promise<void>,
  ) {
    const clock = new Clock(options.now);
    this.scopes = options.scopes ?? appTomlScopes() ?? "write_content";
    this.state = new EmulatorState(clock, options.shops ?? DEFAULT_SHOPS, this.scopes);
    this.images = new ImageHost(this.state, () => this.url);
    this.webhooks = new WebhookDispatcher({
      appUrl: options.appUrl,
      apiSecret: options.apiSecret,
      apiVersion: options.webhookApiVersion ?? appWebhookApiVersion() ?? "2025-10",
      paths: { ...DEFAULT_WEBHOOK_PATHS, ...options.webhookPaths },
      clock,
    });
    this.billing = new Billing(this.state, this.webhooks, {
      baseUrl: () => this.url,
      approvalTimeoutMs: options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
      adminConfirmationUrls: options.adminConfirmationUrls ?? false,
      deferredApproval: options.deferredApproval ?? "pending-until-cycle",
    });
    this.tokens = new TokenIssuer(this.state, { apiKey: options.apiKey, apiSecret: options.apiSecret });
    this.flow = new FlowHost({
      appUrl: options.appUrl,
      apiSecret: options.apiSecret,
      extensionsDir: options.extensionsDir,
      now: () => clock.now(),
    });
  }

  close(): Promise<void> {
    return this.closeServer();
  }

  now(): Date {
    return this.state.clock.now();
  }

  addShop(seed: ShopSeed): ShopRecord {
    return this.state.addShop(seed);
  }

  // Read access to one shop's world, for assertions.
  shop(domain: string) {
    const record = this.state.requireShop(domain);
    const state = this.state;
    const webhooks = this.webhooks;
    const flow = this.flow;
    return {
      record,
      get installed() {
        return record.installed;
      },
      charges: () => state.chargesOf(record.domain),
      subscriptions: () => state.subscriptionsOf(record.domain),
      purchases: () => state.purchasesOf(record.domain),
      activeSubscription: () => state.subscriptionsOf(record.domain).find((s) => s.status === "ACTIVE"),
      articles: () => record.blogs.flatMap((b) => b.articles),
      accessTokens: () =>
        [...state.accessTokens.values()].filter((t) => t.shop === record.domain).map((t) => t.token),
      webhooks: (topic?: string) => webhooks.webhooks({ shop: record.domain, topic }),
      deliveries: (topic?: string) => webhooks.deliveries({ shop: record.domain, topic }),
      flowTriggers: (handle?: string) => flow.triggersOf(record.domain, handle),
    };
  }

  charge(id: number | string): Charge {
    return this.billing.find(this.chargeId(id));
  }

  // What App Bridge's `shopify.idToken()` would return for this shop.
  sessionToken(shop: string, options: { userId?: number } = {}): string {
    return sessionToken(this.state.requireShop(shop).domain, {
      apiKey: this.options.apiKey,
      apiSecret: this.options.apiSecret,
      userId: options.userId,
    });
  }

  // An offline access token without going through token exchange, for tests that don't exercise auth.
  grantOfflineToken(shop: string): string {
    return this.tokens.grantOffline(this.state.requireShop(shop).domain);
  }

  // Used by the GraphQL endpoint for each authenticated request.
  resolversFor(shop: string): AdminResolvers {
    return new AdminResolvers(this.state, this.billing, shop, this.images, this.flow);
  }

  // The store's GraphQL Admin API bucket: 1000 points restoring 100/s (throttle.ts).
  costBucket(shop: string): LeakyBucket {
    const record = this.state.requireShop(shop);
    let bucket = this.buckets.get(record.domain);
    if (!bucket) {
      bucket = new LeakyBucket(record.shopifyPlus ? PLUS_BUCKET : STANDARD_BUCKET);
      this.buckets.set(record.domain, bucket);
    }
    return bucket;
  }

  // The app's required scopes this store has not granted yet (it installed before the app asked).
  missingScopes(shop: string): string[] {
    const granted = new Set(scopeList(this.state.requireShop(shop).grantedScopes));
    return scopeList(this.scopes).filter((scope) => !granted.has(scope));
  }

  // The merchant approves the app's changed scopes on the grant page: the installation (and so every
  // token of the store) now holds the app's scopes, and app/scopes_update tells the app.
  grantScopes(shop: string): Webhook | undefined {
    const record = this.state.requireShop(shop);
    const previous = scopeList(record.grantedScopes);
    if (!this.missingScopes(record.domain).length) return undefined;
    record.grantedScopes = this.scopes;
    for (const token of this.state.accessTokens.values())
      if (token.shop === record.domain) token.scope = record.grantedScopes;
    return this.webhooks.emit(
      record.domain,
      "app/scopes_update",
      scopesUpdatePayload(record, previous, this.now()),
    );
  }

  // Shopify Flow runs the app's flow_action `handle` in a workflow of this shop: a signed POST to the
  // app, answered with what the app said. The same actionRunId again is Flow's retry of that run.
  invokeFlowAction(
    shop: string,
    handle: string,
    properties: Record<string, unknown>,
    options: { actionRunId?: string; secret?: string } = {},
  ): Promise<FlowActionCall> {
    return this.flow.invokeAction({ shop: this.state.requireShop(shop), handle, properties, ...options });
  }

  approveCharge(id: number | string): Decision {
    return this.billing.approve(this.chargeId(id));
  }

  declineCharge(id: number | string): Decision {
    return this.billing.decline(this.chargeId(id));
  }

  expireStaleCharges(): Charge[] {
    return this.billing.expireStaleCharges();
  }

  renewDueSubscriptions(): Subscription[] {
    return this.billing.renewDueSubscriptions();
  }

  // Moves billing time forward and applies what Shopify would have done meanwhile.
  advanceTime(ms: number): ClockStep {
    const now = this.state.clock.advance(ms);
    return { now, expired: this.expireStaleCharges(), renewed: this.renewDueSubscriptions() };
  }

  // The store owner's payments fail from now on (or work again): approved purchases stay PENDING.
  failPayments(shop: string, fail = true): void {
    this.state.requireShop(shop).paymentsFail = fail;
  }

  // What this shop's approved, deferred subscriptions read as until the next cycle.
  setDeferredApproval(shop: string, variant: DeferredApproval): void {
    if (!DEFERRED_APPROVALS.includes(variant)) throw new Error(`Unknown deferredApproval ${variant}`);
    this.state.requireShop(shop).deferredApproval = variant;
  }

  freezeSubscription(id: number | string): Subscription {
    return this.billing.freeze(this.chargeId(id));
  }

  unfreezeSubscription(id: number | string): Subscription {
    return this.billing.unfreeze(this.chargeId(id));
  }

  // The merchant removes the app: tokens die, the subscription is cancelled, app/uninstalled is sent.
  uninstallApp(domain: string): void {
    const shop = this.state.requireShop(domain);
    if (!shop.installed) throw new Error(`The app is not installed on ${shop.domain}`);
    shop.installed = false;
    this.state.revokeTokens(shop.domain);
    this.billing.cancelAllFor(shop.domain);
    this.webhooks.emit(shop.domain, "app/uninstalled", topicPayload("app/uninstalled", shop));
  }

  // Shopify sends shop/redact 48 hours after uninstall; tests trigger it directly.
  redactShop(domain: string): Webhook {
    return this.deliverWebhook({ shop: domain, topic: "shop/redact" });
  }

  // Sends any topic; without a payload, the documented sample shape for that topic is used.
  deliverWebhook(params: {
    shop: string;
    topic: string;
    payload?: unknown;
    customer?: CustomerRef;
  }): Webhook {
    const shop = this.state.requireShop(params.shop);
    const payload = params.payload ?? topicPayload(params.topic, shop, params.customer, this.now());
    return this.webhooks.emit(shop.domain, params.topic, payload);
  }

  private chargeId(id: number | string): number {
    const parsed = parseId(id);
    if (parsed === undefined) throw new Error(`Not a charge id: ${id}`);
    return parsed;
  }
}
