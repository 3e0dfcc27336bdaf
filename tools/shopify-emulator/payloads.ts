// Webhook bodies in the shapes of Shopify's documented sample payloads (shopify.dev webhook reference):
// app_subscriptions/update, app_purchases_one_time/update, app/uninstalled (a REST Shop), app/scopes_update
// and the three compliance topics.

import {
  chargeGid,
  decimal,
  gid,
  recurringItem,
  scopeList,
  subscriptionInterval,
  type Purchase,
  type ShopRecord,
  shopTimezone,
  type Subscription,
} from "./state";

// Payload timestamps carry an explicit offset ("2021-12-31T19:00:00-05:00"); the emulator's shops live in UTC.
export function webhookTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

export function subscriptionPayload(sub: Subscription, shop: ShopRecord): unknown {
  const item = recurringItem(sub);
  const usage = sub.lineItems.find((li) => li.kind === "usage");
  return {
    app_subscription: {
      admin_graphql_api_id: chargeGid(sub),
      name: sub.name,
      status: sub.status,
      admin_graphql_api_shop_id: gid("Shop", shop.id),
      created_at: webhookTime(sub.createdAt),
      updated_at: webhookTime(sub.updatedAt),
      currency: (item?.price ?? usage?.cappedAmount)?.currencyCode ?? null,
      capped_amount: usage ? decimal(usage.cappedAmount.amount) : null,
      price: item ? Number(item.price.amount).toFixed(2) : null,
      interval: subscriptionInterval(sub).toLowerCase(),
      plan_handle: null,
    },
  };
}

export function purchasePayload(purchase: Purchase, shop: ShopRecord): unknown {
  return {
    app_purchase_one_time: {
      admin_graphql_api_id: chargeGid(purchase),
      name: purchase.name,
      status: purchase.status,
      admin_graphql_api_shop_id: gid("Shop", shop.id),
      created_at: webhookTime(purchase.createdAt),
      updated_at: webhookTime(purchase.updatedAt),
    },
  };
}

export function shopPayload(shop: ShopRecord): unknown {
  const planName = shop.partnerDevelopment ? "partner_test" : shop.shopifyPlus ? "enterprise" : "basic";
  return {
    id: shop.id,
    name: shop.name,
    email: shop.email,
    // The primary domain; the myshopify one is `myshopify_domain` (shopify.dev app/uninstalled, REST Shop).
    domain: shop.primaryDomain,
    myshopify_domain: shop.domain,
    country: "US",
    country_code: "US",
    currency: shop.currencyCode,
    customer_email: shop.email,
    iana_timezone: shopTimezone(shop),
    shop_owner: "Shop Owner",
    plan_name: planName,
    plan_display_name: shop.partnerDevelopment
      ? "Developer Preview"
      : shop.shopifyPlus
        ? "Shopify Plus"
        : "Basic",
    primary_locale: "en",
  };
}

// app/scopes_update: the scopes before the change and the store's granted scopes now.
export function scopesUpdatePayload(shop: ShopRecord, previous: string[], now: Date): unknown {
  return {
    id: shop.id,
    shop_id: gid("Shop", shop.id),
    previous,
    current: scopeList(shop.grantedScopes),
    updated_at: webhookTime(now),
  };
}

export interface CustomerRef {
  id: number;
  email: string;
  phone?: string | null;
}

// Default bodies for topics a test can send on demand (compliance requests, scope changes).
export function topicPayload(
  topic: string,
  shop: ShopRecord,
  customer?: CustomerRef,
  now = new Date(),
): unknown {
  const customerBody = customer ?? { id: 1, email: "customer@example.com", phone: null };
  switch (topic) {
    case "app/uninstalled":
      return shopPayload(shop);
    case "shop/redact":
      return { shop_id: shop.id, shop_domain: shop.domain };
    case "customers/redact":
      return { shop_id: shop.id, shop_domain: shop.domain, customer: customerBody, orders_to_redact: [] };
    case "customers/data_request":
      return {
        shop_id: shop.id,
        shop_domain: shop.domain,
        orders_requested: [],
        customer: customerBody,
        data_request: { id: now.getTime() },
      };
    case "app/scopes_update":
      return scopesUpdatePayload(shop, scopeList(shop.grantedScopes), now);
    default:
      throw new Error(`No default payload for topic ${topic}; pass one`);
  }
}
