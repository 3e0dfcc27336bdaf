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
    "ArticleUpdateUserErrorCode",
    "ProductStatus",
    "CountPrecision",
    "WebhookSubscriptionTopic",
    "JSON",
  ]),
  types: {
    QueryRoot: {
      fields: {
        currentAppInstallation: "AppInstallation!",
        node: { type: "Node", args: ["id"] },
        nodes: { type: "[Node]!", args: ["ids"] },
        shop: "Shop!",
        blogs: { type: "BlogConnection!", args: PAGE_ARGS },
        products: { type: "ProductConnection!", args: PAGE_ARGS },
        product: { type: "Product", args: ["id"] },
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
        articleUpdate: { type: "ArticleUpdatePayload", args: ["id", "article"] },
        // `body` (a JSON string) is deprecated; handle + payload is the current form.
        flowTriggerReceive: { type: "FlowTriggerReceivePayload", args: ["handle", "payload"] },
      },
    },
    Node: {
      fields: { id: "ID!" },
      possibleTypes: [
        "AppSubscription",
        "AppPurchaseOneTime",
        "AppInstallation",
        "Shop",
        "Blog",
        "Article",
        "Product",
      ],
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
    ...connection("Product"),
    ...connection("Metafield"),
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
        primaryDomain: "Domain!",
      },
    },
    Domain: { fields: { id: "ID!", host: "String!", url: "URL!", sslEnabled: "Boolean!" } },
    Product: {
      fields: {
        id: "ID!",
        title: "String!",
        handle: "String!",
        description: { type: "String!", args: ["truncateAt"] },
        descriptionHtml: "HTML!",
        onlineStoreUrl: "URL",
        status: "ProductStatus!",
        featuredImage: "Image",
        totalInventory: "Int!",
        vendor: "String!",
        productType: "String!",
        tags: "[String!]!",
        createdAt: "DateTime!",
        updatedAt: "DateTime!",
      },
    },
    Image: {
      fields: {
        id: "ID",
        url: { type: "URL!", args: ["transform"] },
        altText: "String",
        width: "Int",
        height: "Int",
      },
    },
    Metafield: {
      fields: {
        id: "ID!",
        namespace: "String!",
        key: "String!",
        type: "String!",
        value: "String!",
        createdAt: "DateTime!",
        updatedAt: "DateTime!",
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
        image: "Image",
        templateSuffix: "String",
        metafield: { type: "Metafield", args: ["namespace", "key"] },
        metafields: { type: "MetafieldConnection!", args: [...PAGE_ARGS, "namespace", "keys"] },
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
    ArticleUpdateUserError: {
      fields: { field: "[String!]", message: "String!", code: "ArticleUpdateUserErrorCode" },
    },
    ArticleUpdatePayload: { fields: { article: "Article", userErrors: "[ArticleUpdateUserError!]!" } },
    FlowTriggerReceivePayload: { fields: { userErrors: "[UserError!]!" } },
  },
};

checkSchema(adminSchema);
