// Resolvers for the Admin API slice: turn the emulator's records into GraphQL objects for one shop. Every
// lookup is scoped to the requesting shop, so another shop's ids resolve to null like on Shopify.

import { discountFor, type Billing, type UserError } from "./billing";
import type { FlowHost } from "./flow";
import { GqlFieldError, type Args, type GqlObject } from "./gql-executor";
import type { ImageHost } from "./images";
import {
  decimal,
  gid,
  isoSeconds,
  isVisible,
  parseId,
  scopeList,
  slug,
  type Article,
  type Blog,
  type EmulatorState,
  type HostedImage,
  type Metafield,
  type Money,
  type PricingDetails,
  type Product,
  type Purchase,
  type ShopRecord,
  shopTimezone,
  type Subscription,
} from "./state";

// ---- input coercion: the checks Shopify's type system makes on arguments and input objects ----

function invalid(message: string): never {
  throw new GqlFieldError(message, { code: "INVALID_VARIABLE" });
}

function inputObject(value: unknown, typeName: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    invalid(`Expected ${typeName} to be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      invalid(`${typeName} doesn't accept the field '${key}' (not supported by the emulator or by Shopify)`);
  }
  return value as Record<string, unknown>;
}

function requiredString(value: unknown, name: string): string {
  if (typeof value !== "string") invalid(`Argument '${name}' must be a String and is required`);
  return value;
}

function optional<T>(value: unknown, name: string, type: "boolean" | "number" | "string"): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== type) invalid(`Argument '${name}' must be a ${type}`);
  return value as T;
}

function moneyInput(value: unknown, name: string): Money {
  const money = inputObject(value, "MoneyInput", ["amount", "currencyCode"]);
  const amount = money.amount;
  if ((typeof amount !== "number" && typeof amount !== "string") || !Number.isFinite(Number(amount))) {
    invalid(`${name}.amount must be a Decimal`);
  }
  return {
    amount: decimal(amount),
    currencyCode: requiredString(money.currencyCode, `${name}.currencyCode`),
  };
}

function enumValue<T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (!allowed.includes(value as T)) invalid(`Argument '${name}' must be one of ${allowed.join(", ")}`);
  return value as T;
}

function lineItemInput(value: unknown): PricingDetails {
  const item = inputObject(value, "AppSubscriptionLineItemInput", ["plan"]);
  const plan = inputObject(item.plan, "AppPlanInput", [
    "appRecurringPricingDetails",
    "appUsagePricingDetails",
  ]);
  if (plan.appRecurringPricingDetails && plan.appUsagePricingDetails)
    invalid("A plan has either recurring or usage pricing details");
  if (plan.appRecurringPricingDetails) {
    // planHandle is an output field of AppRecurringPricing only (shopify.dev AppRecurringPricingInput).
    const details = inputObject(plan.appRecurringPricingDetails, "AppRecurringPricingInput", [
      "price",
      "interval",
      "discount",
    ]);
    const price = moneyInput(details.price, "price");
    let discount = null;
    if (details.discount != null) {
      const d = inputObject(details.discount, "AppSubscriptionDiscountInput", [
        "durationLimitInIntervals",
        "value",
      ]);
      const v = inputObject(d.value, "AppSubscriptionDiscountValueInput", ["amount", "percentage"]);
      discount = discountFor(price, {
        durationLimitInIntervals:
          optional<number>(d.durationLimitInIntervals, "durationLimitInIntervals", "number") ?? null,
        value: {
          amount: v.amount as number | string | null,
          percentage: optional<number>(v.percentage, "percentage", "number") ?? null,
        },
      });
    }
    const interval =
      enumValue(details.interval, "interval", ["EVERY_30_DAYS", "ANNUAL"] as const) ?? "EVERY_30_DAYS";
    return { kind: "recurring", price, interval, discount };
  }
  if (plan.appUsagePricingDetails) {
    // Only cappedAmount and terms (shopify.dev AppUsagePricingInput); usage is billed every 30 days.
    const details = inputObject(plan.appUsagePricingDetails, "AppUsagePricingInput", [
      "terms",
      "cappedAmount",
    ]);
    const cappedAmount = moneyInput(details.cappedAmount, "cappedAmount");
    return {
      kind: "usage",
      terms: requiredString(details.terms, "terms"),
      cappedAmount,
      balanceUsed: { amount: "0.0", currencyCode: cappedAmount.currencyCode },
      interval: "EVERY_30_DAYS",
    };
  }
  return invalid("A plan needs appRecurringPricingDetails or appUsagePricingDetails");
}

// ---- views ----

const money = (m: Money): GqlObject => ({
  __typename: "MoneyV2",
  amount: m.amount,
  currencyCode: m.currencyCode,
});

function pricingView(details: PricingDetails): GqlObject {
  if (details.kind === "usage") {
    return {
      __typename: "AppUsagePricing",
      balanceUsed: money(details.balanceUsed),
      cappedAmount: money(details.cappedAmount),
      terms: details.terms,
      interval: details.interval,
    };
  }
  const d = details.discount;
  return {
    __typename: "AppRecurringPricing",
    price: money(details.price),
    interval: details.interval,
    planHandle: null,
    discount: d && {
      __typename: "AppSubscriptionDiscount",
      durationLimitInIntervals: d.durationLimitInIntervals,
      remainingDurationInIntervals: d.remainingDurationInIntervals,
      priceAfterDiscount: money(d.priceAfterDiscount),
      value:
        "percentage" in d.value
          ? { __typename: "AppSubscriptionDiscountPercentage", percentage: d.value.percentage }
          : { __typename: "AppSubscriptionDiscountAmount", amount: money(d.value.amount) },
    },
  };
}

function subscriptionView(sub: Subscription): GqlObject {
  return {
    __typename: "AppSubscription",
    id: gid("AppSubscription", sub.id),
    name: sub.name,
    status: sub.status,
    test: sub.test,
    trialDays: sub.trialDays,
    createdAt: isoSeconds(sub.createdAt),
    // Shopify only reports a period end while the subscription runs.
    currentPeriodEnd:
      (sub.status === "ACTIVE" || sub.status === "FROZEN") && sub.currentPeriodEnd
        ? isoSeconds(sub.currentPeriodEnd)
        : null,
    returnUrl: sub.returnUrl,
    lineItems: sub.lineItems.map((li, index) => ({
      __typename: "AppSubscriptionLineItem",
      id: `gid://shopify/AppSubscriptionLineItem/${sub.id}?v=1&index=${index}`,
      plan: { __typename: "AppPlanV2", pricingDetails: pricingView(li) },
    })),
  };
}

function purchaseView(p: Purchase): GqlObject {
  return {
    __typename: "AppPurchaseOneTime",
    id: gid("AppPurchaseOneTime", p.id),
    name: p.name,
    status: p.status,
    test: p.test,
    createdAt: isoSeconds(p.createdAt),
    price: money(p.price),
  };
}

const userErrors = (errors: UserError[]): GqlObject[] =>
  errors.map((e) => ({ __typename: "UserError", field: e.field, message: e.message }));

// Relay-style pagination over items sorted by id (creation order), like Shopify's default sort keys, or
// by `order` first; cursors name an item by id.
function connection<T extends { id: number }>(
  typeName: string,
  items: T[],
  args: Args,
  view: (item: T) => GqlObject,
  order?: (a: T, b: T) => number,
): GqlObject {
  const first = optional<number>(args.first, "first", "number");
  const last = optional<number>(args.last, "last", "number");
  if (first === undefined && last === undefined)
    throw new GqlFieldError("you must provide one of first or last");
  if ((first ?? 0) > 250 || (last ?? 0) > 250) throw new GqlFieldError("The maximum page size is 250");
  const decode = (cursor: unknown) =>
    Number(JSON.parse(Buffer.from(String(cursor), "base64").toString()).last_id);
  let list = [...items].sort((a, b) => (order ? order(a, b) : 0) || a.id - b.id);
  if (args.reverse === true) list.reverse();
  if (args.after != null) {
    const index = list.findIndex((i) => i.id === decode(args.after));
    list = list.slice(index + 1);
  }
  if (args.before != null) {
    const index = list.findIndex((i) => i.id === decode(args.before));
    list = list.slice(0, index < 0 ? list.length : index);
  }
  const total = list.length;
  if (first !== undefined) list = list.slice(0, first);
  if (last !== undefined) list = list.slice(Math.max(0, list.length - last));
  const cursor = (item: T) => Buffer.from(JSON.stringify({ last_id: item.id })).toString("base64");
  return {
    __typename: `${typeName}Connection`,
    edges: list.map((item) => ({ __typename: `${typeName}Edge`, cursor: cursor(item), node: view(item) })),
    nodes: list.map(view),
    pageInfo: {
      __typename: "PageInfo",
      hasNextPage: first !== undefined && total > first,
      hasPreviousPage: last !== undefined && total > last,
      startCursor: list[0] ? cursor(list[0]) : null,
      endCursor: list.length ? cursor(list[list.length - 1]!) : null,
    },
  };
}

// ---- products ----

const PRODUCT_SORT_KEYS = [
  "ID",
  "TITLE",
  "CREATED_AT",
  "UPDATED_AT",
  "INVENTORY_TOTAL",
  "PRODUCT_TYPE",
  "VENDOR",
  "RELEVANCE",
] as const;

function productOrder(sortKey: (typeof PRODUCT_SORT_KEYS)[number] | undefined) {
  const text = (f: (p: Product) => string) => (a: Product, b: Product) => f(a).localeCompare(f(b));
  switch (sortKey) {
    case "TITLE":
      return text((p) => p.title);
    case "PRODUCT_TYPE":
      return text((p) => p.productType);
    case "VENDOR":
      return text((p) => p.vendor);
    case "CREATED_AT":
      return (a: Product, b: Product) => a.createdAt.getTime() - b.createdAt.getTime();
    case "UPDATED_AT":
      return (a: Product, b: Product) => a.updatedAt.getTime() - b.updatedAt.getTime();
    case "INVENTORY_TOTAL":
      return (a: Product, b: Product) => a.totalInventory - b.totalInventory;
    default:
      return undefined;
  }
}

// Plain text of a product's HTML description, as Product.description returns it.
export function plainText(html: string): string {
  return html
    .replace(/<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article)\b[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

// A slice of Shopify's search syntax: terms are ANDed; `field:value` for title, handle, status, vendor,
// product_type and tag (a trailing * is a prefix match); a bare term matches title, description,
// vendor, product type or tags. Case-insensitive.
function matchesQuery(product: Product, query: string): boolean {
  const terms = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  return terms.every((raw) => {
    if (raw.toUpperCase() === "AND") return true;
    const term = raw.replace(/"/g, "").toLowerCase();
    const [field, ...rest] = term.includes(":") ? term.split(":") : [undefined, term];
    const value = rest.join(":");
    const like = (text: string) =>
      value.endsWith("*")
        ? text.toLowerCase().startsWith(value.slice(0, -1))
        : text.toLowerCase().includes(value);
    const exact = (text: string) =>
      value.endsWith("*") ? text.toLowerCase().startsWith(value.slice(0, -1)) : text.toLowerCase() === value;
    switch (field) {
      case undefined:
        return [
          product.title,
          plainText(product.descriptionHtml),
          product.vendor,
          product.productType,
          ...product.tags,
        ].some(like);
      case "title":
        return like(product.title);
      case "handle":
        return exact(product.handle);
      case "status":
        return value.split(",").some((s) => s === product.status.toLowerCase());
      case "vendor":
        return exact(product.vendor);
      case "product_type":
        return exact(product.productType);
      case "tag":
        return product.tags.some(exact);
      default:
        // Shopify ignores fields it cannot search; so does the emulator.
        return true;
    }
  });
}

// ---- article input ----

// The metafield types an article's SEO fields and simple app data use (shopify.dev metafield types).
const METAFIELD_TYPES = [
  "single_line_text_field",
  "multi_line_text_field",
  "rich_text_field",
  "boolean",
  "number_integer",
  "number_decimal",
  "json",
  "url",
  "date",
  "date_time",
  "color",
];

interface ArticleError {
  field: string[];
  message: string;
  code: string;
}

type MetafieldInput = Omit<Metafield, "id" | "type"> & { type: string | undefined };

const ARTICLE_INPUT_FIELDS = [
  "author",
  "blogId",
  "body",
  "handle",
  "image",
  "isPublished",
  "metafields",
  "publishDate",
  "summary",
  "tags",
  "templateSuffix",
  "title",
];

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.some((t) => typeof t !== "string"))
    invalid(`${name} must be a list of strings`);
  return value as string[];
}

function metafieldsInput(value: unknown): MetafieldInput[] {
  if (!Array.isArray(value)) invalid("article.metafields must be a list of MetafieldInput");
  return value.map((item) => {
    const m = inputObject(item, "MetafieldInput", ["id", "namespace", "key", "type", "value"]);
    return {
      namespace: requiredString(m.namespace, "metafields.namespace"),
      key: requiredString(m.key, "metafields.key"),
      type: optional<string>(m.type, "metafields.type", "string"),
      value: requiredString(m.value, "metafields.value"),
    };
  });
}

export class AdminResolvers {
  private readonly shop: ShopRecord;

  constructor(
    private readonly state: EmulatorState,
    private readonly billing: Billing,
    shopDomain: string,
    private readonly images: ImageHost,
    private readonly flow: FlowHost,
  ) {
    this.shop = state.requireShop(shopDomain);
  }

  query(): GqlObject {
    return {
      __typename: "QueryRoot",
      currentAppInstallation: this.installationView(),
      node: (args: Args) => this.node(requiredString(args.id, "id")),
      nodes: (args: Args) => {
        if (!Array.isArray(args.ids)) invalid("Argument 'ids' must be a list of IDs");
        return args.ids.map((id) => this.node(requiredString(id, "ids")));
      },
      shop: this.shopView(),
      blogs: (args: Args) => {
        this.requireScope("blogs", "read_content");
        return connection("Blog", this.shop.blogs, args, (b) => this.blogView(b));
      },
      products: (args: Args) => {
        this.requireScope("products", "read_products");
        const sortKey = enumValue(args.sortKey, "sortKey", PRODUCT_SORT_KEYS);
        const query = optional<string>(args.query, "query", "string");
        const products = query
          ? this.shop.products.filter((p) => matchesQuery(p, query))
          : this.shop.products;
        return connection("Product", products, args, (p) => this.productView(p), productOrder(sortKey));
      },
      product: (args: Args) => {
        this.requireScope("product", "read_products");
        const id = parseId(requiredString(args.id, "id"), "Product");
        const product = this.shop.products.find((p) => p.id === id);
        return product ? this.productView(product) : null;
      },
      // Subscriptions declared in shopify.app.toml are not listed by the Admin API, and the emulator
      // delivers by its own webhookPaths, so the list is empty; shopify-api's registerWebhooks reads it.
      webhookSubscriptions: {
        __typename: "WebhookSubscriptionConnection",
        edges: [],
        nodes: [],
        pageInfo: {
          __typename: "PageInfo",
          hasNextPage: false,
          hasPreviousPage: false,
          startCursor: null,
          endCursor: null,
        },
      },
    };
  }

  mutation(): GqlObject {
    return {
      __typename: "Mutation",
      appSubscriptionCreate: (args: Args) => {
        if (!Array.isArray(args.lineItems)) invalid("Argument 'lineItems' must be a list");
        const result = this.billing.createSubscription(this.shop.domain, {
          name: requiredString(args.name, "name"),
          returnUrl: requiredString(args.returnUrl, "returnUrl"),
          lineItems: args.lineItems.map(lineItemInput),
          trialDays: optional<number>(args.trialDays, "trialDays", "number"),
          test: optional<boolean>(args.test, "test", "boolean"),
          replacementBehavior: enumValue(args.replacementBehavior, "replacementBehavior", [
            "APPLY_IMMEDIATELY",
            "APPLY_ON_NEXT_BILLING_CYCLE",
            "STANDARD",
          ] as const),
        });
        return {
          __typename: "AppSubscriptionCreatePayload",
          appSubscription: result.charge && subscriptionView(result.charge),
          confirmationUrl: result.confirmationUrl,
          userErrors: userErrors(result.userErrors),
        };
      },
      appPurchaseOneTimeCreate: (args: Args) => {
        const result = this.billing.createPurchase(this.shop.domain, {
          name: requiredString(args.name, "name"),
          returnUrl: requiredString(args.returnUrl, "returnUrl"),
          price: moneyInput(args.price, "price"),
          test: optional<boolean>(args.test, "test", "boolean"),
        });
        return {
          __typename: "AppPurchaseOneTimeCreatePayload",
          appPurchaseOneTime: result.charge && purchaseView(result.charge),
          confirmationUrl: result.confirmationUrl,
          userErrors: userErrors(result.userErrors),
        };
      },
      appSubscriptionCancel: (args: Args) => {
        const result = this.billing.cancelSubscription(
          this.shop.domain,
          parseId(requiredString(args.id, "id"), "AppSubscription"),
        );
        return {
          __typename: "AppSubscriptionCancelPayload",
          appSubscription: result.charge && subscriptionView(result.charge),
          userErrors: userErrors(result.userErrors),
        };
      },
      articleCreate: (args: Args) => {
        this.requireScope("articleCreate", "write_content");
        return this.articleCreate(args.article);
      },
      articleUpdate: (args: Args) => {
        this.requireScope("articleUpdate", "write_content");
        return this.articleUpdate(requiredString(args.id, "id"), args.article);
      },
      // Needs no access scope: a trigger can only start the merchant's own workflows.
      flowTriggerReceive: (args: Args) => ({
        __typename: "FlowTriggerReceivePayload",
        userErrors: userErrors(
          this.flow.receiveTrigger(this.shop.domain, requiredString(args.handle, "handle"), args.payload),
        ),
      }),
    };
  }

  // Shopify's ACCESS_DENIED field error; a write scope implies its read scope.
  private requireScope(field: string, scope: string): void {
    const granted = new Set(scopeList(this.shop.grantedScopes));
    const implied = scope.startsWith("read_") && granted.has(scope.replace(/^read_/, "write_"));
    if (granted.has(scope) || implied) return;
    throw new GqlFieldError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
      code: "ACCESS_DENIED",
      requiredAccess: `\`${scope}\` access scope.`,
    });
  }

  private installationView(): GqlObject {
    const subs = this.state.subscriptionsOf(this.shop.domain);
    return {
      __typename: "AppInstallation",
      id: gid("AppInstallation", this.shop.id),
      launchUrl: `https://admin.shopify.com/store/${this.shop.domain.replace(".myshopify.com", "")}/apps`,
      accessScopes: scopeList(this.shop.grantedScopes).map((handle) => ({
        __typename: "AccessScope",
        handle,
        description: handle,
      })),
      activeSubscriptions: subs.filter((s) => s.status === "ACTIVE").map(subscriptionView),
      allSubscriptions: (args: Args) => connection("AppSubscription", subs, args, subscriptionView),
      oneTimePurchases: (args: Args) =>
        connection("AppPurchaseOneTime", this.state.purchasesOf(this.shop.domain), args, purchaseView),
    };
  }

  private shopView(): GqlObject {
    const s = this.shop;
    const planName = s.partnerDevelopment ? "Development" : s.shopifyPlus ? "Shopify Plus" : "Basic";
    return {
      __typename: "Shop",
      id: gid("Shop", s.id),
      name: s.name,
      email: s.email,
      myshopifyDomain: s.domain,
      url: `https://${s.primaryDomain}`,
      currencyCode: s.currencyCode,
      ianaTimezone: shopTimezone(s),
      primaryDomain: {
        __typename: "Domain",
        id: gid("Domain", s.id),
        host: s.primaryDomain,
        url: `https://${s.primaryDomain}`,
        sslEnabled: true,
      },
      plan: {
        __typename: "ShopPlan",
        displayName: planName,
        publicDisplayName: planName,
        partnerDevelopment: s.partnerDevelopment,
        shopifyPlus: s.shopifyPlus,
      },
    };
  }

  private blogView(blog: Blog): GqlObject {
    return {
      __typename: "Blog",
      id: gid("Blog", blog.id),
      title: blog.title,
      handle: blog.handle,
      articles: (args: Args) => connection("Article", blog.articles, args, (a) => this.articleView(a)),
      articlesCount: { __typename: "Count", count: blog.articles.length, precision: "EXACT" },
    };
  }

  private articleView(article: Article): GqlObject {
    const blog = this.shop.blogs.find((b) => b.id === article.blogId)!;
    return {
      __typename: "Article",
      id: gid("Article", article.id),
      title: article.title,
      handle: article.handle,
      body: article.body,
      summary: article.summary,
      tags: article.tags,
      // A scheduled article is published from its publishedAt on.
      isPublished: isVisible(article, this.state.clock.now()),
      publishedAt: article.publishedAt && isoSeconds(article.publishedAt),
      createdAt: isoSeconds(article.createdAt),
      updatedAt: isoSeconds(article.updatedAt),
      author: article.authorName === null ? null : { __typename: "ArticleAuthor", name: article.authorName },
      blog: this.blogView(blog),
      image: article.image && imageView(article.image, "ArticleImage"),
      templateSuffix: article.templateSuffix,
      metafield: (args: Args) => {
        const namespace = requiredString(args.namespace, "namespace");
        const key = requiredString(args.key, "key");
        const found = article.metafields.find((m) => m.namespace === namespace && m.key === key);
        return found ? metafieldView(found, article) : null;
      },
      metafields: (args: Args) => {
        const namespace = optional<string>(args.namespace, "namespace", "string");
        const keys = args.keys == null ? undefined : stringList(args.keys, "keys");
        const list = article.metafields.filter(
          (m) =>
            (namespace === undefined || m.namespace === namespace) &&
            (keys === undefined || keys.includes(`${m.namespace}.${m.key}`)),
        );
        return connection("Metafield", list, args, (m) => metafieldView(m, article));
      },
    };
  }

  private productView(product: Product): GqlObject {
    const description = plainText(product.descriptionHtml);
    return {
      __typename: "Product",
      id: gid("Product", product.id),
      title: product.title,
      handle: product.handle,
      description: (args: Args) => {
        const at = optional<number>(args.truncateAt, "truncateAt", "number");
        return at !== undefined && description.length > at ? `${description.slice(0, at)}...` : description;
      },
      descriptionHtml: product.descriptionHtml,
      // Only a product published to the online store has a storefront page.
      onlineStoreUrl:
        product.onlineStore && product.status === "ACTIVE"
          ? `https://${this.shop.primaryDomain}/products/${product.handle}`
          : null,
      status: product.status,
      featuredImage:
        product.featuredImage && imageView({ id: product.id, ...product.featuredImage }, "ProductImage"),
      totalInventory: product.totalInventory,
      vendor: product.vendor,
      productType: product.productType,
      tags: product.tags,
      createdAt: isoSeconds(product.createdAt),
      updatedAt: isoSeconds(product.updatedAt),
    };
  }

  private node(id: string): GqlObject | null {
    const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/.exec(id);
    if (!match)
      throw new GqlFieldError(`Invalid global id '${id}'`, { code: "argumentLiteralsIncompatible" });
    const [, type, rawId] = match;
    const numeric = Number(rawId);
    const charge = this.state.charges.get(numeric);
    const ownCharge = charge?.shop === this.shop.domain ? charge : undefined;
    switch (type) {
      case "AppSubscription":
        return ownCharge?.kind === "subscription" ? subscriptionView(ownCharge) : null;
      case "AppPurchaseOneTime":
        return ownCharge?.kind === "purchase" ? purchaseView(ownCharge) : null;
      case "Shop":
        return numeric === this.shop.id ? this.shopView() : null;
      case "AppInstallation":
        return numeric === this.shop.id ? this.installationView() : null;
      case "Blog": {
        const blog = this.shop.blogs.find((b) => b.id === numeric);
        return blog ? this.blogView(blog) : null;
      }
      case "Article": {
        const article = this.findArticle(numeric);
        return article ? this.articleView(article) : null;
      }
      case "Product": {
        // Reading a product by id needs the same scope as listing them.
        this.requireScope("node", "read_products");
        const product = this.shop.products.find((p) => p.id === numeric);
        return product ? this.productView(product) : null;
      }
      default:
        return null;
    }
  }

  private findArticle(id: number | undefined): Article | undefined {
    return this.shop.blogs.flatMap((b) => b.articles).find((a) => a.id === id);
  }

  private async articleCreate(value: unknown): Promise<GqlObject> {
    const input = inputObject(value, "ArticleCreateInput", ARTICLE_INPUT_FIELDS);
    const payload = (article: Article | null, errors: ArticleError[]) => ({
      __typename: "ArticleCreatePayload",
      article: article && this.articleView(article),
      userErrors: errors.map((e) => ({ __typename: "ArticleCreateUserError", ...e })),
    });
    const errors: ArticleError[] = [];
    let blog: Blog | undefined;
    if (input.blogId == null) {
      errors.push({
        field: ["article"],
        message: "Must reference or create a blog when creating an article.",
        code: "BLOG_REFERENCE_REQUIRED",
      });
    } else {
      const blogId = parseId(requiredString(input.blogId, "article.blogId"), "Blog");
      blog = this.shop.blogs.find((b) => b.id === blogId);
      if (!blog)
        errors.push({ field: ["article", "blogId"], message: "Blog does not exist", code: "NOT_FOUND" });
    }
    const title = optional<string>(input.title, "article.title", "string") ?? "";
    if (!title.trim())
      errors.push({ field: ["article", "title"], message: "Title can't be blank", code: "BLANK" });
    const author = this.authorInput(input.author, errors);
    if (author === null && !errors.some((e) => e.code.startsWith("AMBIGUOUS")))
      errors.push({
        field: ["article", "author"],
        message: "Can't create an article if both author name and user ID are blank.",
        code: "AUTHOR_FIELD_REQUIRED",
      });
    const fields = this.commonInput(input, errors);
    if (!blog || errors.length) return payload(null, errors);
    const image = await this.imageInput(input.image, errors);
    if (errors.length) return payload(null, errors);
    const now = this.state.clock.now();
    const article: Article = {
      id: this.state.nextId(),
      blogId: blog.id,
      title,
      handle: this.uniqueHandle(blog, fields.handle ?? slug(title, "article")),
      body: fields.body ?? "",
      summary: fields.summary ?? null,
      tags: fields.tags ?? [],
      authorName: author,
      // Without isPublished an article is visible at once, or from its publishDate (scheduled).
      isPublished: fields.isPublished ?? true,
      publishedAt: null,
      templateSuffix: fields.templateSuffix ?? null,
      image: image ?? null,
      metafields: [],
      createdAt: now,
      updatedAt: now,
    };
    article.publishedAt = article.isPublished ? (fields.publishDate ?? now) : null;
    this.upsertMetafields(article, fields.metafields ?? []);
    blog.articles.push(article);
    return payload(article, []);
  }

  private async articleUpdate(id: string, value: unknown): Promise<GqlObject> {
    const input = inputObject(value, "ArticleUpdateInput", [...ARTICLE_INPUT_FIELDS, "redirectNewHandle"]);
    const payload = (article: Article | null, errors: ArticleError[]) => ({
      __typename: "ArticleUpdatePayload",
      article: article && this.articleView(article),
      userErrors: errors.map((e) => ({ __typename: "ArticleUpdateUserError", ...e })),
    });
    const article = this.findArticle(parseId(id, "Article"));
    if (!article)
      return payload(null, [{ field: ["id"], message: "Article does not exist", code: "NOT_FOUND" }]);
    const errors: ArticleError[] = [];
    let blog = this.shop.blogs.find((b) => b.id === article.blogId)!;
    if (input.blogId != null) {
      const blogId = parseId(requiredString(input.blogId, "article.blogId"), "Blog");
      const target = this.shop.blogs.find((b) => b.id === blogId);
      if (target) blog = target;
      else errors.push({ field: ["article", "blogId"], message: "Blog does not exist", code: "NOT_FOUND" });
    }
    const title = optional<string>(input.title, "article.title", "string");
    if (title !== undefined && !title.trim())
      errors.push({ field: ["article", "title"], message: "Title can't be blank", code: "BLANK" });
    const author = input.author === undefined ? undefined : this.authorInput(input.author, errors);
    const fields = this.commonInput(input, errors);
    if (errors.length) return payload(null, errors);
    // image: absent keeps the image, null removes it, a new URL is downloaded again.
    const image = input.image === undefined ? undefined : await this.imageInput(input.image, errors);
    if (errors.length) return payload(null, errors);
    const now = this.state.clock.now();
    if (blog.id !== article.blogId) {
      const from = this.shop.blogs.find((b) => b.id === article.blogId)!;
      from.articles.splice(from.articles.indexOf(article), 1);
      blog.articles.push(article);
      article.blogId = blog.id;
    }
    if (title !== undefined) article.title = title;
    if (fields.handle !== undefined && fields.handle !== article.handle)
      article.handle = this.uniqueHandle(blog, fields.handle, article);
    if (fields.body !== undefined) article.body = fields.body;
    if (input.summary !== undefined) article.summary = fields.summary ?? null;
    if (fields.tags !== undefined) article.tags = fields.tags;
    if (author) article.authorName = author;
    if (input.templateSuffix !== undefined) article.templateSuffix = fields.templateSuffix ?? null;
    if (image !== undefined) article.image = image;
    if (fields.isPublished !== undefined) {
      article.publishedAt = fields.isPublished ? (fields.publishDate ?? article.publishedAt ?? now) : null;
      article.isPublished = fields.isPublished;
    } else if (fields.publishDate) {
      // A publishDate alone (re)schedules the article (the emulator's reading of ArticleUpdateInput).
      article.isPublished = true;
      article.publishedAt = fields.publishDate;
    }
    this.upsertMetafields(article, fields.metafields ?? []);
    article.updatedAt = now;
    return payload(article, []);
  }

  // AuthorInput: a name or a staff member's userId, not both (AMBIGUOUS_AUTHOR).
  private authorInput(value: unknown, errors: ArticleError[]): string | null {
    if (value == null) return null;
    const author = inputObject(value, "AuthorInput", ["name", "userId"]);
    const name = optional<string>(author.name, "article.author.name", "string");
    const userId = optional<string>(author.userId, "article.author.userId", "string");
    if (name && userId) {
      errors.push({
        field: ["article", "author"],
        message: "Can't create an article author if both author name and user ID are supplied.",
        code: "AMBIGUOUS_AUTHOR",
      });
      return null;
    }
    if (userId) {
      // The emulator's only staff member is the store owner, user 1.
      if (parseId(userId, "StaffMember") !== 1) {
        errors.push({
          field: ["article", "author", "userId"],
          message: "User must exist if a user ID is supplied.",
          code: "AUTHOR_MUST_EXIST",
        });
        return null;
      }
      return "Shop Owner";
    }
    return name?.trim() ? name : null;
  }

  private commonInput(input: Record<string, unknown>, errors: ArticleError[]) {
    const publishRaw = optional<string>(input.publishDate, "article.publishDate", "string");
    const publishDate = publishRaw === undefined ? undefined : new Date(publishRaw);
    if (publishDate && Number.isNaN(publishDate.getTime())) invalid("article.publishDate must be a DateTime");
    const isPublished = optional<boolean>(input.isPublished, "article.isPublished", "boolean");
    if (isPublished === true && publishDate && publishDate > this.state.clock.now())
      errors.push({
        field: ["article", "publishDate"],
        message: "Can’t set isPublished to true and also set a future publish date.",
        code: "INVALID_PUBLISH_DATE",
      });
    const metafields = input.metafields == null ? undefined : metafieldsInput(input.metafields);
    for (const [index, m] of (metafields ?? []).entries()) {
      if (m.type !== undefined && !METAFIELD_TYPES.includes(m.type))
        errors.push({
          field: ["article", "metafields", String(index), "type"],
          message: "Type is invalid",
          code: "INVALID_TYPE",
        });
    }
    const handle = optional<string>(input.handle, "article.handle", "string");
    return {
      body: optional<string>(input.body, "article.body", "string"),
      summary: optional<string>(input.summary, "article.summary", "string"),
      tags: input.tags == null ? undefined : stringList(input.tags, "article.tags"),
      handle: handle === undefined ? undefined : slug(handle, "article"),
      isPublished,
      publishDate,
      templateSuffix: optional<string>(input.templateSuffix, "article.templateSuffix", "string"),
      metafields,
    };
  }

  // ArticleImageInput { url, altText }: Shopify downloads the URL and keeps its own copy.
  private async imageInput(value: unknown, errors: ArticleError[]): Promise<HostedImage | null> {
    if (value == null) return null;
    const image = inputObject(value, "ArticleImageInput", ["url", "altText"]);
    const url = requiredString(image.url, "article.image.url");
    const altText = optional<string>(image.altText, "article.image.altText", "string") ?? null;
    const result = await this.images.download(url, altText);
    if (result.ok) return result.image;
    errors.push({
      field: ["article", "image"],
      message: `Image upload failed: ${result.reason}`,
      code: "UPLOAD_FAILED",
    });
    return null;
  }

  private upsertMetafields(article: Article, inputs: MetafieldInput[]): void {
    for (const m of inputs) {
      const existing = article.metafields.find((e) => e.namespace === m.namespace && e.key === m.key);
      if (existing) {
        existing.value = m.value;
        if (m.type) existing.type = m.type;
      } else {
        article.metafields.push({ id: this.state.nextId(), ...m, type: m.type ?? "single_line_text_field" });
      }
    }
  }

  // Shopify keeps handles unique within a blog by numbering a taken one.
  private uniqueHandle(blog: Blog, wanted: string, self?: Article): string {
    let handle = wanted;
    for (let n = 1; blog.articles.some((a) => a !== self && a.handle === handle); n++)
      handle = `${wanted}-${n}`;
    return handle;
  }
}

function imageView(image: HostedImage, gidType: string): GqlObject {
  return {
    __typename: "Image",
    id: gid(gidType, image.id),
    url: image.url,
    altText: image.altText,
    width: null,
    height: null,
  };
}

function metafieldView(m: Metafield, article: Article): GqlObject {
  return {
    __typename: "Metafield",
    id: gid("Metafield", m.id),
    namespace: m.namespace,
    key: m.key,
    type: m.type,
    value: m.value,
    createdAt: isoSeconds(article.createdAt),
    updatedAt: isoSeconds(article.updatedAt),
  };
}
