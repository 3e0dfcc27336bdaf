// The one module that sends Shopify Admin API queries: billing state read back (the truth a return visit,
// a webhook or the reconcile is checked against), the shop's own identity, its products and blogs, the
// articles drafts are saved as, and Shopify Flow triggers. Takes the Admin GraphQL function of an
// authenticated shop, so another shop's ids read as null.
import { BillingError, HttpThrottlingError } from "@shopify/shopify-api";
import type { StoreProduct } from "../ai/provider";
import type { PurchaseState } from "../billing/top-ups.server";
import type { SubscriptionState } from "../billing/subscriptions.server";

export type AdminGraphql = (
  query: string,
  options?: { variables?: Record<string, unknown> },
) => Promise<Response>;

/** The shop has not granted the app `scope` (it installed before the app asked for it). */
export class ShopifyAccessDenied extends Error {
  constructor(readonly scope: string) {
    super(`Shopify denied access: the store has not granted the app ${scope}`);
    this.name = "ShopifyAccessDenied";
  }
}

export interface ShopifyUserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

/** Shopify refused a mutation's input; `messages` say why, in Shopify's words. */
export class ShopifyUserErrors extends Error {
  readonly messages: string[];
  constructor(readonly errors: ShopifyUserError[]) {
    super(`Shopify refused it: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "ShopifyUserErrors";
    this.messages = errors.map((e) => e.message);
  }
}

/**
 * The shop's query cost bucket is empty (GraphQL THROTTLED, answered with HTTP 200). A retriable Shopify
 * error, so app/http/errors.server.ts answers it as every throttle: 503 with Retry-After.
 */
export class ShopifyThrottled extends HttpThrottlingError {
  constructor(retryAfterSeconds: number) {
    super({
      message: "Shopify is throttling this store's API requests",
      code: 200,
      statusText: "OK",
      retryAfter: retryAfterSeconds,
    });
    this.name = "ShopifyThrottled";
  }
}

interface GraphqlErrorEntry {
  message?: string;
  extensions?: { code?: string; requiredAccess?: string };
}

interface CostExtension {
  cost?: {
    requestedQueryCost?: number;
    throttleStatus?: { currentlyAvailable?: number; restoreRate?: number };
  };
}

// shopify-api throws GraphqlQueryError for any `errors` (its body holds them under errors.graphQLErrors);
// a plain fetch-based client answers them in the body. Both are read the same way here.
function typedError(errors: GraphqlErrorEntry[], extensions: CostExtension | undefined): Error | undefined {
  const denied = errors.find((e) => e.extensions?.code === "ACCESS_DENIED");
  if (denied) {
    const scope = /`([a-z_]+)`/.exec(denied.extensions?.requiredAccess ?? denied.message ?? "")?.[1];
    return new ShopifyAccessDenied(scope ?? "unknown");
  }
  if (errors.some((e) => e.extensions?.code === "THROTTLED")) {
    const cost = extensions?.cost;
    const missing = (cost?.requestedQueryCost ?? 0) - (cost?.throttleStatus?.currentlyAvailable ?? 0);
    const rate = cost?.throttleStatus?.restoreRate || 50;
    return new ShopifyThrottled(Math.max(1, Math.ceil(missing / rate)));
  }
  return undefined;
}

async function query<T>(
  graphql: AdminGraphql,
  text: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  let response: Response;
  try {
    response = await graphql(text, variables ? { variables } : undefined);
  } catch (error) {
    const body = (error as { body?: { errors?: { graphQLErrors?: unknown }; extensions?: CostExtension } })
      .body;
    const entries = body?.errors?.graphQLErrors;
    throw (Array.isArray(entries) && typedError(entries, body?.extensions)) || error;
  }
  const body = (await response.json()) as { data?: T; errors?: unknown; extensions?: CostExtension };
  if (Array.isArray(body.errors)) {
    const typed = typedError(body.errors, body.extensions);
    if (typed) throw typed;
  }
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

/** A one-time purchase Shopify created, and the confirmation page the store owner approves it on. */
export interface CreatedPurchase {
  purchase: PurchaseState;
  confirmationUrl: string | null;
}

/**
 * Creates a one-time purchase (appPurchaseOneTimeCreate, as shopify-api's billing.request sends it), for
 * the app to keep its id: billing.request keeps only the confirmation URL. Shopify's userErrors throw
 * shopify-api's BillingError, as billing.request's do.
 */
export async function createPurchase(
  graphql: AdminGraphql,
  input: { name: string; price: { amount: number; currencyCode: string }; returnUrl: string; test: boolean },
): Promise<CreatedPurchase> {
  const { appPurchaseOneTimeCreate: created } = await query<{
    appPurchaseOneTimeCreate: {
      appPurchaseOneTime: PurchaseState | null;
      confirmationUrl: string | null;
      userErrors: { field: string[] | null; message: string }[];
    };
  }>(
    graphql,
    `#graphql
    mutation purchaseCreate($name: String!, $price: MoneyInput!, $returnUrl: URL!, $test: Boolean) {
      appPurchaseOneTimeCreate(name: $name, price: $price, returnUrl: $returnUrl, test: $test) {
        appPurchaseOneTime { id name status test }
        confirmationUrl
        userErrors { field message }
      }
    }`,
    input,
  );
  if (created.userErrors.length || !created.appPurchaseOneTime)
    throw new BillingError({ message: "Error while billing the store", errorData: created.userErrors });
  return { purchase: created.appPurchaseOneTime, confirmationUrl: created.confirmationUrl };
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

/** The shop's IANA time zone (e.g. "America/New_York"), in which its ledger times are shown. */
export async function readShopTimezone(graphql: AdminGraphql): Promise<string> {
  const { shop } = await query<{ shop: { ianaTimezone: string } }>(
    graphql,
    `#graphql
    query shopTimezone { shop { ianaTimezone } }`,
  );
  return shop.ianaTimezone;
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

// ---- the content studio: products, blogs, articles ----

const DESCRIPTION_CHARS = 500;
const PRODUCT_PAGE_MAX = 50;
const PRODUCT_GID = /^gid:\/\/shopify\/Product\/\d+$/;

interface ProductNode {
  id: string;
  title: string;
  handle: string;
  description: string;
  onlineStoreUrl: string | null;
}

const PRODUCT_FIELDS = "id title handle description onlineStoreUrl";

// Plain text, whitespace collapsed, cut at a word boundary near DESCRIPTION_CHARS.
function shortDescription(text: string): string {
  const plain = text.replace(/\s+/g, " ").trim();
  if (plain.length <= DESCRIPTION_CHARS) return plain;
  const cut = plain.slice(0, DESCRIPTION_CHARS);
  const space = cut.lastIndexOf(" ");
  return `${(space > DESCRIPTION_CHARS * 0.8 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function storeProduct(node: ProductNode, primaryDomainUrl: string): StoreProduct {
  return {
    id: node.id,
    title: node.title,
    handle: node.handle,
    // A product not published to the online store has no onlineStoreUrl; its page would live here.
    url: node.onlineStoreUrl ?? `${primaryDomainUrl.replace(/\/$/, "")}/products/${node.handle}`,
    description: shortDescription(node.description),
  };
}

/** The store's active products, by title, optionally matching Shopify's product search `query`. */
export async function readProducts(
  graphql: AdminGraphql,
  { query: search, first = 20 }: { query?: string; first?: number } = {},
): Promise<StoreProduct[]> {
  const { shop, products } = await query<{
    shop: { primaryDomain: { url: string } };
    products: { nodes: ProductNode[] };
  }>(
    graphql,
    `#graphql
    query storeProducts($first: Int!, $query: String!) {
      shop { primaryDomain { url } }
      products(first: $first, query: $query, sortKey: TITLE) { nodes { ${PRODUCT_FIELDS} } }
    }`,
    {
      first: Math.min(PRODUCT_PAGE_MAX, Math.max(1, Math.trunc(first))),
      // Only products a reader can buy: drafts and archived ones have no storefront page.
      query: ["status:active", search?.trim()].filter(Boolean).join(" "),
    },
  );
  return products.nodes.map((node) => storeProduct(node, shop.primaryDomain.url));
}

/** The named products of this store, in the order given; unknown, foreign or malformed ids are dropped. */
export async function readProductsByIds(graphql: AdminGraphql, ids: string[]): Promise<StoreProduct[]> {
  const wanted = [...new Set(ids.filter((id) => PRODUCT_GID.test(id)))].slice(0, 250);
  if (!wanted.length) return [];
  const { shop, nodes } = await query<{
    shop: { primaryDomain: { url: string } };
    nodes: (Partial<ProductNode> | null)[];
  }>(
    graphql,
    `#graphql
    query storeProductsByIds($ids: [ID!]!) {
      shop { primaryDomain { url } }
      nodes(ids: $ids) { ... on Product { ${PRODUCT_FIELDS} } }
    }`,
    { ids: wanted },
  );
  return nodes
    .filter((node): node is ProductNode => typeof node?.id === "string")
    .map((node) => storeProduct(node, shop.primaryDomain.url));
}

export interface Blog {
  id: string;
  title: string;
  handle: string;
}

/** The store's blogs (a store has at least one, "News", unless the merchant deleted it). */
export async function readBlogs(graphql: AdminGraphql): Promise<Blog[]> {
  const { blogs } = await query<{ blogs: { nodes: Blog[] } }>(
    graphql,
    `#graphql
    query storeBlogs { blogs(first: 50) { nodes { id title handle } } }`,
  );
  return blogs.nodes;
}

/** What a draft is saved to Shopify as. */
export interface ArticleInput {
  blogId: string;
  title: string;
  bodyHtml: string;
  summary: string;
  tags: string[];
  author: string;
  handle: string;
  seoTitle: string;
  seoDescription: string;
  image: { url: string; altText: string } | null;
  /** When the article becomes visible in the online store; null keeps it hidden (a draft). */
  publishAt: Date | null;
}

// Shopify's ArticleCreateInput / ArticleUpdateInput. A hidden article sends isPublished: false (an article
// created without it is visible at once). A scheduled one sends publishDate alone: Shopify refuses
// isPublished: true with a future publishDate (INVALID_PUBLISH_DATE), and without isPublished the article
// becomes visible at its publishDate. The SEO title and description are the global title_tag and
// description_tag metafields, which the online store's theme renders; blank ones are left out.
function articleFields(input: ArticleInput) {
  const seo = [
    { key: "title_tag", value: input.seoTitle },
    { key: "description_tag", value: input.seoDescription },
  ]
    .filter((m) => m.value.trim())
    .map((m) => ({ namespace: "global", type: "single_line_text_field", ...m }));
  return {
    blogId: input.blogId,
    title: input.title,
    body: input.bodyHtml,
    summary: input.summary,
    tags: input.tags,
    author: { name: input.author },
    handle: input.handle,
    ...(input.publishAt ? { publishDate: input.publishAt.toISOString() } : { isPublished: false }),
    ...(input.image ? { image: { url: input.image.url, altText: input.image.altText } } : {}),
    ...(seo.length ? { metafields: seo } : {}),
  };
}

type ArticlePayload = { article: { id: string } | null; userErrors: ShopifyUserError[] };

export async function createArticle(
  graphql: AdminGraphql,
  input: ArticleInput,
): Promise<{ articleId: string }> {
  const { articleCreate } = await query<{ articleCreate: ArticlePayload }>(
    graphql,
    `#graphql
    mutation createArticle($article: ArticleCreateInput!) {
      articleCreate(article: $article) { article { id } userErrors { field message code } }
    }`,
    { article: articleFields(input) },
  );
  if (!articleCreate.article || articleCreate.userErrors.length)
    throw new ShopifyUserErrors(articleCreate.userErrors);
  return { articleId: articleCreate.article.id };
}

/**
 * Updates the article; null when Shopify has no such article any more (the merchant deleted it). A null
 * image keeps the article's current image.
 */
export async function updateArticle(
  graphql: AdminGraphql,
  articleId: string,
  input: ArticleInput,
): Promise<{ articleId: string } | null> {
  const { articleUpdate } = await query<{ articleUpdate: ArticlePayload }>(
    graphql,
    `#graphql
    mutation updateArticle($id: ID!, $article: ArticleUpdateInput!) {
      articleUpdate(id: $id, article: $article) { article { id } userErrors { field message code } }
    }`,
    { id: articleId, article: articleFields(input) },
  );
  const gone = articleUpdate.userErrors.some((e) => e.code === "NOT_FOUND" && e.field?.join(".") === "id");
  if (gone) return null;
  if (!articleUpdate.article || articleUpdate.userErrors.length)
    throw new ShopifyUserErrors(articleUpdate.userErrors);
  return { articleId: articleUpdate.article.id };
}

// ---- Shopify Flow ----

/**
 * What a Flow action request is checked against, in one round trip: the gid of the shop whose token reads
 * it (the signed body's shop_id must be its number) and its blogs (the action's blog must be one of them).
 */
export async function readFlowShop(graphql: AdminGraphql): Promise<{ shopGid: string; blogs: Blog[] }> {
  const { shop, blogs } = await query<{ shop: { id: string }; blogs: { nodes: Blog[] } }>(
    graphql,
    `#graphql
    query flowShop { shop { id } blogs(first: 50) { nodes { id title handle } } }`,
  );
  return { shopGid: shop.id, blogs: blogs.nodes };
}

/**
 * Starts the merchant's workflows that begin with the app's Flow trigger `handle` (an
 * extensions/<handle>/shopify.extension.toml); the payload's keys are the trigger's field keys.
 */
export async function sendFlowTrigger(
  graphql: AdminGraphql,
  handle: string,
  payload: Record<string, string | number | boolean>,
): Promise<void> {
  const { flowTriggerReceive } = await query<{
    flowTriggerReceive: { userErrors: { field: string[] | null; message: string }[] };
  }>(
    graphql,
    `#graphql
    mutation flowTrigger($handle: String!, $payload: JSON!) {
      flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } }
    }`,
    { handle, payload },
  );
  if (flowTriggerReceive.userErrors.length)
    throw new ShopifyUserErrors(flowTriggerReceive.userErrors.map((e) => ({ ...e, code: null })));
}

const storeHandle = (shopDomain: string) => shopDomain.replace(/\.myshopify\.com$/i, "");

/** The article's page in the Shopify admin. */
export function articleAdminUrl(shopDomain: string, articleGid: string): string {
  const id = articleGid.split("/").pop();
  return `https://admin.shopify.com/store/${storeHandle(shopDomain)}/content/articles/${id}`;
}

/**
 * Where the merchant approves the app's changed required scopes: Shopify's install URL, as
 * shopify-app-remix's login builds it for managed installation. Open it in the top window.
 */
export function scopeApprovalUrl(shopDomain: string, apiKey: string): string {
  return `https://admin.shopify.com/store/${storeHandle(shopDomain)}/oauth/install?client_id=${encodeURIComponent(apiKey)}`;
}
