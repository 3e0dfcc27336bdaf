// The slice of Shopify's Admin GraphQL schema the emulator serves. Field names, types and arguments follow
// shopify.dev; anything not declared here is answered with an `undefinedField` error, as Shopify does.

import { checkSchema, type Schema, type TypeDef } from "./gql-executor";

const PAGE_ARGS = ["first", "after", "last", "before", "reverse", "sortKey", "query"] as const;
// AppInstallation's billing connections take no `query` (their sort keys lost RELEVANCE after 2025-01:
// shopify.dev admin-graphql AppSubscriptionSortKeys, AppTransactionSortKeys).
const BILLING_PAGE_ARGS = ["first", "after", "last", "before", "reverse", "sortKey"] as const;

function connection(node: string): Record<string, TypeDef> {
  return {
    [`${node}Connection`]: {
      fields: { edges: `[${node}Edge!]!`, nodes: `[${node}!]!`, pageInfo: "PageInfo!" },
    },
    [`${node}Edge`]: { fields: { cursor: "String!", node: `${node}!` } },
  };
}

export const adminSchema: Schema = {
  query: "QueryRoot",
  mutation: "Mutation",
  leaves: new Set([
    "ID",
    "String",
    "Int",
    "Float",
    "Boolean",
    "DateTime",
    "Decimal",
    "URL",
    "HTML",
    "CurrencyCode",
    "AppSubscriptionStatus",
    "AppPurchaseStatus",
    "AppPricingInterval",
    "ArticleCreateUserErrorCode",
    "CountPrecision",
    "WebhookSubscriptionTopic",
  ]),
  types: {
    QueryRoot: {
      fields: {
        currentAppInstallation: "AppInstallation!",
        node: { type: "Node", args: ["id"] },
        nodes: { type: "[Node]!", args: ["ids"] },
        shop: "Shop!",
        blogs: { type: "BlogConnection!", args: PAGE_ARGS },
        webhookSubscriptions: {
          type: "WebhookSubscriptionConnection!",
          args: [...PAGE_ARGS, "topics", "format", "uri"],
        },
      },
    },
    Mutation: {
      fields: {
        appSubscriptionCreate: {
          type: "AppSubscriptionCreatePayload",
          args: ["name", "lineItems", "returnUrl", "trialDays", "test", "replacementBehavior"],
        },
        appPurchaseOneTimeCreate: {
          type: "AppPurchaseOneTimeCreatePayload",
          args: ["name", "price", "returnUrl", "test"],
        },
        appSubscriptionCancel: { type: "AppSubscriptionCancelPayload", args: ["id", "prorate"] },
        articleCreate: { type: "ArticleCreatePayload", args: ["article"] },
      },
    },
    Node: {
      fields: { id: "ID!" },
      possibleTypes: ["AppSubscription", "AppPurchaseOneTime", "AppInstallation", "Shop", "Blog", "Article"],
    },
    AppInstallation: {
      fields: {
        id: "ID!",
        launchUrl: "URL!",
        accessScopes: "[AccessScope!]!",
        activeSubscriptions: "[AppSubscription!]!",
        allSubscriptions: { type: "AppSubscriptionConnection!", args: BILLING_PAGE_ARGS },
        oneTimePurchases: { type: "AppPurchaseOneTimeConnection!", args: BILLING_PAGE_ARGS },
      },
    },
    AccessScope: { fields: { handle: "String!", description: "String!" } },
    AppSubscription: {
      fields: {
        id: "ID!",
        name: "String!",
        status: "AppSubscriptionStatus!",
        test: "Boolean!",
        trialDays: "Int!",
        createdAt: "DateTime!",
        currentPeriodEnd: "DateTime",
        returnUrl: "URL!",
        lineItems: "[AppSubscriptionLineItem!]!",
      },
    },
    AppSubscriptionLineItem: { fields: { id: "ID!", plan: "AppPlanV2!" } },
    AppPlanV2: { fields: { pricingDetails: "AppPricingDetails!" } },
    AppPricingDetails: { fields: {}, possibleTypes: ["AppRecurringPricing", "AppUsagePricing"] },
    AppRecurringPricing: {
      fields: {
        price: "MoneyV2!",
        interval: "AppPricingInterval!",
        discount: "AppSubscriptionDiscount",
        planHandle: "String",
      },
    },
    AppUsagePricing: {
      fields: {
        balanceUsed: "MoneyV2!",
        cappedAmount: "MoneyV2!",
        terms: "String!",
        interval: "AppPricingInterval!",
      },
    },
    AppSubscriptionDiscount: {
      fields: {
        durationLimitInIntervals: "Int",
        remainingDurationInIntervals: "Int",
        priceAfterDiscount: "MoneyV2!",
        value: "AppSubscriptionDiscountValue!",
      },
    },
    AppSubscriptionDiscountValue: {
      fields: {},
      possibleTypes: ["AppSubscriptionDiscountAmount", "AppSubscriptionDiscountPercentage"],
    },
    AppSubscriptionDiscountAmount: { fields: { amount: "MoneyV2!" } },
    AppSubscriptionDiscountPercentage: { fields: { percentage: "Float!" } },
    AppPurchaseOneTime: {
      fields: {
        id: "ID!",
        name: "String!",
        status: "AppPurchaseStatus!",
        test: "Boolean!",
        createdAt: "DateTime!",
        price: "MoneyV2!",
      },
    },
    MoneyV2: { fields: { amount: "Decimal!", currencyCode: "CurrencyCode!" } },
    PageInfo: {
      fields: {
        hasNextPage: "Boolean!",
        hasPreviousPage: "Boolean!",
        startCursor: "String",
        endCursor: "String",
      },
    },
    ...connection("AppSubscription"),
    ...connection("AppPurchaseOneTime"),
    ...connection("Blog"),
    ...connection("Article"),
    ...connection("WebhookSubscription"),
    WebhookSubscription: {
      fields: {
        id: "ID!",
        topic: "WebhookSubscriptionTopic!",
        includeFields: "[String!]!",
        metafieldNamespaces: "[String!]!",
        endpoint: "WebhookSubscriptionEndpoint!",
      },
    },
    WebhookSubscriptionEndpoint: {
      fields: {},
      possibleTypes: ["WebhookHttpEndpoint", "WebhookEventBridgeEndpoint", "WebhookPubSubEndpoint"],
    },
    WebhookHttpEndpoint: { fields: { callbackUrl: "URL!" } },
    WebhookEventBridgeEndpoint: { fields: { arn: "String!" } },
    WebhookPubSubEndpoint: { fields: { pubSubProject: "String!", pubSubTopic: "String!" } },
    Shop: {
      fields: {
        id: "ID!",
        name: "String!",
        email: "String!",
        myshopifyDomain: "String!",
        url: "URL!",
        currencyCode: "CurrencyCode!",
        ianaTimezone: "String!",
        plan: "ShopPlan!",
      },
    },
    ShopPlan: {
      fields: {
        displayName: "String!",
        publicDisplayName: "String!",
        partnerDevelopment: "Boolean!",
        shopifyPlus: "Boolean!",
      },
    },
    Blog: {
      fields: {
        id: "ID!",
        title: "String!",
        handle: "String!",
        articles: { type: "ArticleConnection!", args: PAGE_ARGS },
        articlesCount: "Count",
      },
    },
    Count: { fields: { count: "Int!", precision: "CountPrecision!" } },
    Article: {
      fields: {
        id: "ID!",
        title: "String!",
        handle: "String!",
        body: "HTML!",
        summary: "HTML",
        tags: "[String!]!",
        isPublished: "Boolean!",
        publishedAt: "DateTime",
        createdAt: "DateTime!",
        updatedAt: "DateTime",
        author: "ArticleAuthor",
        blog: "Blog!",
      },
    },
    ArticleAuthor: { fields: { name: "String!" } },
    UserError: { fields: { field: "[String!]", message: "String!" } },
    ArticleCreateUserError: {
      fields: { field: "[String!]", message: "String!", code: "ArticleCreateUserErrorCode" },
    },
    AppSubscriptionCreatePayload: {
      fields: { appSubscription: "AppSubscription", confirmationUrl: "URL", userErrors: "[UserError!]!" },
    },
    AppPurchaseOneTimeCreatePayload: {
      fields: {
        appPurchaseOneTime: "AppPurchaseOneTime",
        confirmationUrl: "URL",
        userErrors: "[UserError!]!",
      },
    },
    AppSubscriptionCancelPayload: {
      fields: { appSubscription: "AppSubscription", userErrors: "[UserError!]!" },
    },
    ArticleCreatePayload: { fields: { article: "Article", userErrors: "[ArticleCreateUserError!]!" } },
  },
};

checkSchema(adminSchema);
