// The one module that sends Shopify Admin API queries: billing state read back (the truth a return visit,
// a webhook or the reconcile is checked against) and the shop's own identity. Takes the Admin GraphQL
// function of an authenticated shop, so another shop's ids read as null.
import type { PurchaseState } from "../billing/top-ups.server";
import type { SubscriptionState } from "../billing/subscriptions.server";

export type AdminGraphql = (
  query: string,
  options?: { variables?: Record<string, unknown> },
) => Promise<Response>;

async function query<T>(
  graphql: AdminGraphql,
  text: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const response = await graphql(text, variables ? { variables } : undefined);
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`Shopify Admin API: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function readSubscription(
  graphql: AdminGraphql,
  id: string,
  now = new Date(),
): Promise<SubscriptionState | null> {
  const { node } = await query<{
    node: { id: string; name: string; status: string; test: boolean; currentPeriodEnd: string | null } | null;
  }>(
    graphql,
    `#graphql
    query subscription($id: ID!) {
      node(id: $id) { ... on AppSubscription { id name status test currentPeriodEnd } }
    }`,
    { id },
  );
  if (!node?.id) return null;
  return {
    ...node,
    currentPeriodEnd: node.currentPeriodEnd ? new Date(node.currentPeriodEnd) : null,
    observedAt: now,
  };
}

export async function readPurchase(graphql: AdminGraphql, id: string): Promise<PurchaseState | null> {
  const { node } = await query<{ node: PurchaseState | null }>(
    graphql,
    `#graphql
    query purchase($id: ID!) {
      node(id: $id) { ... on AppPurchaseOneTime { id name status test } }
    }`,
    { id },
  );
  return node?.id ? node : null;
}

/** Development stores (and so App Store reviewers' stores) can only make test charges. */
export async function isDevelopmentStore(graphql: AdminGraphql): Promise<boolean> {
  const { shop } = await query<{ shop: { plan: { partnerDevelopment: boolean } } }>(
    graphql,
    `#graphql
    query shopPlan { shop { plan { partnerDevelopment } } }`,
  );
  return shop.plan.partnerDevelopment;
}

export type WebhookCharge =
  { kind: "subscription"; state: SubscriptionState } | { kind: "purchase"; state: PurchaseState } | null;

/**
 * A billing webhook's charge read back, and the gid of the shop whose token read it, in one round trip:
 * the webhook is that shop's only if its admin_graphql_api_shop_id is this gid.
 */
export async function readWebhookCharge(
  graphql: AdminGraphql,
  id: string,
  now = new Date(),
): Promise<{ shopGid: string; value: WebhookCharge }> {
  const { shop, node } = await query<{
    shop: { id: string };
    node: {
      __typename: string;
      id?: string;
      name: string;
      status: string;
      test: boolean;
      currentPeriodEnd?: string | null;
    } | null;
  }>(
    graphql,
    `#graphql
    query webhookCharge($id: ID!) {
      shop { id }
      node(id: $id) {
        __typename
        ... on AppSubscription { id name status test currentPeriodEnd }
        ... on AppPurchaseOneTime { id name status test }
      }
    }`,
    { id },
  );
  if (!node?.id) return { shopGid: shop.id, value: null };
  const { id: chargeId, name, status, test } = node;
  if (node.__typename === "AppSubscription") {
    const currentPeriodEnd = node.currentPeriodEnd ? new Date(node.currentPeriodEnd) : null;
    const state = { id: chargeId, name, status, test, currentPeriodEnd, observedAt: now };
    return { shopGid: shop.id, value: { kind: "subscription", state } };
  }
  if (node.__typename === "AppPurchaseOneTime")
    return { shopGid: shop.id, value: { kind: "purchase", state: { id: chargeId, name, status, test } } };
  return { shopGid: shop.id, value: null };
}

/** What Shopify holds for the shop now: its active subscriptions and its 50 newest one-time purchases. */
export interface InstallationBilling {
  subscriptions: SubscriptionState[];
  purchases: PurchaseState[];
}

/**
 * The shop's billing as Shopify reports it, for catching up on lost webhooks and return visits
 * (app/billing/reconcile.server.ts). `observedAt` is the read time, as for readSubscription.
 */
export async function readInstallationBilling(
  graphql: AdminGraphql,
  now = new Date(),
): Promise<InstallationBilling> {
  const { currentAppInstallation } = await query<{
    currentAppInstallation: {
      activeSubscriptions: {
        id: string;
        name: string;
        status: string;
        test: boolean;
        currentPeriodEnd: string | null;
      }[];
      oneTimePurchases: { nodes: PurchaseState[] };
    };
  }>(
    graphql,
    `#graphql
    query installationBilling {
      currentAppInstallation {
        activeSubscriptions { id name status test currentPeriodEnd }
        oneTimePurchases(first: 50, sortKey: CREATED_AT, reverse: true) { nodes { id name status test } }
      }
    }`,
  );
  return {
    subscriptions: currentAppInstallation.activeSubscriptions.map((s) => ({
      ...s,
      currentPeriodEnd: s.currentPeriodEnd ? new Date(s.currentPeriodEnd) : null,
      observedAt: now,
    })),
    purchases: currentAppInstallation.oneTimePurchases.nodes,
  };
}

/** The shop's own Admin API gid, which billing webhooks name in admin_graphql_api_shop_id. */
export async function readShopGid(graphql: AdminGraphql): Promise<string> {
  const response = await graphql(`
    #graphql
    query webhookShop {
      shop {
        id
      }
    }
  `);
  const { data } = (await response.json()) as { data?: { shop?: { id?: string } } };
  if (!data?.shop?.id) throw new Error("Shopify Admin API: no shop id");
  return data.shop.id;
}
