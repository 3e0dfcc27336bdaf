// Resolvers for the Admin API slice: turn the emulator's records into GraphQL objects for one shop. Every
// lookup is scoped to the requesting shop, so another shop's ids resolve to null like on Shopify.

import { discountFor, type Billing, type UserError } from "./billing";
import { GqlFieldError, type Args, type GqlObject } from "./gql-executor";
import {
  decimal,
  gid,
  isoSeconds,
  parseId,
  type Article,
  type Blog,
  type EmulatorState,
  type Money,
  type PricingDetails,
  type Purchase,
  type ShopRecord,
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

// Relay-style pagination over items sorted by id (creation order), like Shopify's default sort keys.
function connection<T extends { id: number }>(
  typeName: string,
  items: T[],
  args: Args,
  view: (item: T) => GqlObject,
): GqlObject {
  const first = optional<number>(args.first, "first", "number");
  const last = optional<number>(args.last, "last", "number");
  if (first === undefined && last === undefined)
    throw new GqlFieldError("you must provide one of first or last");
  if ((first ?? 0) > 250 || (last ?? 0) > 250) throw new GqlFieldError("The maximum page size is 250");
  const decode = (cursor: unknown) =>
    Number(JSON.parse(Buffer.from(String(cursor), "base64").toString()).last_id);
  let list = [...items].sort((a, b) => a.id - b.id);
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

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "article"
  );
}

export class AdminResolvers {
  private readonly shop: ShopRecord;

  constructor(
    private readonly state: EmulatorState,
    private readonly billing: Billing,
    shopDomain: string,
    private readonly scopes: string,
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
    };
  }

  // Shopify's ACCESS_DENIED field error; a write scope implies its read scope.
  private requireScope(field: string, scope: string): void {
    const granted = new Set(this.scopes.split(",").map((s) => s.trim()));
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
      accessScopes: this.scopes
        .split(",")
        .map((handle) => ({ __typename: "AccessScope", handle, description: handle })),
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
      ianaTimezone: "Etc/UTC",
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
      isPublished: article.isPublished,
      publishedAt: article.publishedAt && isoSeconds(article.publishedAt),
      createdAt: isoSeconds(article.createdAt),
      updatedAt: isoSeconds(article.updatedAt),
      author: article.authorName === null ? null : { __typename: "ArticleAuthor", name: article.authorName },
      blog: this.blogView(blog),
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
        const article = this.shop.blogs.flatMap((b) => b.articles).find((a) => a.id === numeric);
        return article ? this.articleView(article) : null;
      }
      default:
        return null;
    }
  }

  private articleCreate(value: unknown): GqlObject {
    const input = inputObject(value, "ArticleCreateInput", [
      "blogId",
      "title",
      "body",
      "summary",
      "tags",
      "author",
      "handle",
      "isPublished",
      "publishDate",
      "templateSuffix",
    ]);
    const author = inputObject(input.author, "AuthorInput", ["name"]);
    const errors: { field: string[]; message: string; code: string }[] = [];
    const blogId = parseId(requiredString(input.blogId, "article.blogId"), "Blog");
    const blog = this.shop.blogs.find((b) => b.id === blogId);
    if (!blog)
      errors.push({ field: ["article", "blogId"], message: "Blog does not exist", code: "NOT_FOUND" });
    const title = optional<string>(input.title, "article.title", "string") ?? "";
    if (!title.trim())
      errors.push({ field: ["article", "title"], message: "Title can't be blank", code: "BLANK" });
    const authorName = requiredString(author.name, "article.author.name");
    if (!blog || errors.length) {
      return {
        __typename: "ArticleCreatePayload",
        article: null,
        userErrors: errors.map((e) => ({ __typename: "ArticleCreateUserError", ...e })),
      };
    }
    const tags = input.tags ?? [];
    if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string"))
      invalid("article.tags must be a list of strings");
    const now = this.state.clock.now();
    const publishDate = optional<string>(input.publishDate, "article.publishDate", "string");
    const isPublished =
      optional<boolean>(input.isPublished, "article.isPublished", "boolean") ?? publishDate !== undefined;
    const wanted = optional<string>(input.handle, "article.handle", "string") ?? slug(title);
    let handle = wanted;
    for (let n = 1; blog.articles.some((a) => a.handle === handle); n++) handle = `${wanted}-${n}`;
    const article: Article = {
      id: this.state.nextId(),
      blogId: blog.id,
      title,
      handle,
      body: optional<string>(input.body, "article.body", "string") ?? "",
      summary: optional<string>(input.summary, "article.summary", "string") ?? null,
      tags: tags as string[],
      authorName,
      isPublished,
      publishedAt: isPublished ? (publishDate ? new Date(publishDate) : now) : null,
      createdAt: now,
      updatedAt: now,
    };
    blog.articles.push(article);
    return { __typename: "ArticleCreatePayload", article: this.articleView(article), userErrors: [] };
  }
}
