import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEV_STORE, NORMAL_STORE, setUpEmulator } from "./test-setup";

let env: Awaited<ReturnType<typeof setUpEmulator>>;
let devToken: string;
beforeEach(async () => {
  env = await setUpEmulator();
  devToken = env.emulator.grantOfflineToken(DEV_STORE);
});
afterEach(() => env.close());

describe("Admin GraphQL", () => {
  it("answers an unknown root field with an errors array, HTTP 200 and no data", async () => {
    const result = await env.gql(DEV_STORE, devToken, "query { orders(first: 1) { nodes { id } } }");
    expect(result.status).toBe(200);
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        message: "Field 'orders' doesn't exist on type 'QueryRoot'",
        extensions: expect.objectContaining({ code: "undefinedField" }),
      }),
    ]);
  });

  it("rejects an unknown nested field before running a mutation, so nothing is created", async () => {
    const result = await env.gql(
      DEV_STORE,
      devToken,
      `mutation { appPurchaseOneTimeCreate(name: "Pack", price: { amount: 5, currencyCode: USD }, returnUrl: "https://app.example/r", test: true) {
        appPurchaseOneTime { id bogus } userErrors { message } } }`,
    );
    expect(result.body.errors[0].message).toBe("Field 'bogus' doesn't exist on type 'AppPurchaseOneTime'");
    expect(env.emulator.shop(DEV_STORE).purchases()).toEqual([]);
  });

  it("reports unknown arguments, missing selections and syntax errors", async () => {
    const badArg = await env.gql(DEV_STORE, devToken, "{ shop(id: 1) { name } }");
    expect(badArg.body.errors[0].message).toBe("Field 'shop' doesn't accept argument 'id'");
    const noSelection = await env.gql(DEV_STORE, devToken, "{ shop }");
    expect(noSelection.body.errors[0].message).toMatch(/must have selections/);
    const syntax = await env.gql(DEV_STORE, devToken, "{ shop { name }");
    expect(syntax.body.errors[0].message).toMatch(/^Parse error/);
  });

  it("describes the shop and its plan, honouring aliases, fragments and __typename", async () => {
    const result = await env.gql(
      NORMAL_STORE,
      env.emulator.grantOfflineToken(NORMAL_STORE),
      `query { s: shop { __typename ...ShopFields plan { displayName partnerDevelopment shopifyPlus } } }
       fragment ShopFields on Shop { name myshopifyDomain currencyCode }`,
    );
    expect(result.body.data).toEqual({
      s: {
        __typename: "Shop",
        name: "Normal Store",
        myshopifyDomain: NORMAL_STORE,
        currencyCode: "USD",
        plan: { displayName: "Basic", partnerDevelopment: false, shopifyPlus: false },
      },
    });
  });

  it("answers the shop's seeded IANA time zone, Etc/UTC by default, and refuses a zone that is not one", async () => {
    const zone = (shop: string) =>
      env.gql(shop, env.emulator.grantOfflineToken(shop), "{ shop { ianaTimezone } }");
    expect((await zone(NORMAL_STORE)).body.data).toEqual({ shop: { ianaTimezone: "Etc/UTC" } });
    env.emulator.addShop({
      domain: "tokyo.myshopify.com",
      partnerDevelopment: false,
      timezone: "Asia/Tokyo",
    });
    expect((await zone("tokyo.myshopify.com")).body.data).toEqual({ shop: { ianaTimezone: "Asia/Tokyo" } });
    expect(() =>
      env.emulator.addShop({
        domain: "mars.myshopify.com",
        partnerDevelopment: false,
        timezone: "Mars/Base",
      }),
    ).toThrow("Not an IANA time zone: Mars/Base");
  });

  it("lists the default News blog and creates an article in it", async () => {
    const blogs = await env.gql(DEV_STORE, devToken, "{ blogs(first: 5) { nodes { id title handle } } }");
    const [blog] = blogs.body.data.blogs.nodes;
    expect(blog).toMatchObject({ title: "News", handle: "news" });
    const created = await env.gql(
      DEV_STORE,
      devToken,
      `mutation Create($article: ArticleCreateInput!) {
        articleCreate(article: $article) { article { id title handle body isPublished author { name } blog { id } } userErrors { field message code } }
      }`,
      {
        article: {
          blogId: blog.id,
          title: "Hello World",
          body: "<p>Hi</p>",
          author: { name: "AI" },
          isPublished: true,
        },
      },
    );
    expect(created.body.data.articleCreate).toEqual({
      article: {
        id: expect.stringMatching(/^gid:\/\/shopify\/Article\/\d+$/),
        title: "Hello World",
        handle: "hello-world",
        body: "<p>Hi</p>",
        isPublished: true,
        author: { name: "AI" },
        blog: { id: blog.id },
      },
      userErrors: [],
    });
    expect(env.emulator.shop(DEV_STORE).articles()).toHaveLength(1);
  });

  it("answers articleCreate with a blank title as a userError", async () => {
    const [blog] = env.emulator.shop(DEV_STORE).record.blogs;
    const result = await env.gql(
      DEV_STORE,
      devToken,
      `mutation { articleCreate(article: { blogId: "gid://shopify/Blog/${blog!.id}", title: "", author: { name: "AI" } }) { article { id } userErrors { field code } } }`,
    );
    expect(result.body.data.articleCreate).toEqual({
      article: null,
      userErrors: [{ field: ["article", "title"], code: "BLANK" }],
    });
  });

  it("denies blog access when the app was not granted a content scope", async () => {
    const narrow = await setUpEmulator({ scopes: "read_products" });
    try {
      const result = await narrow.gql(
        DEV_STORE,
        narrow.emulator.grantOfflineToken(DEV_STORE),
        "{ blogs(first: 1) { nodes { id } } }",
      );
      expect(result.body.data).toEqual({ blogs: null });
      expect(result.body.errors[0]).toMatchObject({ path: ["blogs"], extensions: { code: "ACCESS_DENIED" } });
    } finally {
      await narrow.close();
    }
  });

  it("refuses one shop's token on another shop with 401", async () => {
    const result = await env.gql(NORMAL_STORE, devToken, "{ shop { name } }");
    expect(result.status).toBe(401);
    expect(result.body.errors).toMatch(/Invalid API key or access token/);
  });

  it("refuses a missing token and a request that bypassed emulatorFetch", async () => {
    expect((await env.gql(DEV_STORE, "", "{ shop { name } }")).status).toBe(401);
    const direct = await fetch(`${env.emulator.url}/admin/api/2025-10/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": devToken },
      body: JSON.stringify({ query: "{ shop { name } }" }),
    });
    expect(direct.status).toBe(400);
  });

  it("resolves another shop's charge id to null through node(id:)", async () => {
    const normalToken = env.emulator.grantOfflineToken(NORMAL_STORE);
    const created = await env.gql(
      NORMAL_STORE,
      normalToken,
      `mutation { appPurchaseOneTimeCreate(name: "Pack", price: { amount: "9.99", currencyCode: USD }, returnUrl: "https://app.example/r") {
        appPurchaseOneTime { id } userErrors { message } } }`,
    );
    const id = created.body.data.appPurchaseOneTimeCreate.appPurchaseOneTime.id;
    const query = `query Node($id: ID!) { node(id: $id) { id ... on AppPurchaseOneTime { name status test price { amount currencyCode } } } }`;
    const own = await env.gql(NORMAL_STORE, normalToken, query, { id });
    expect(own.body.data.node).toEqual({
      id,
      name: "Pack",
      status: "PENDING",
      test: false,
      price: { amount: "9.99", currencyCode: "USD" },
    });
    const foreign = await env.gql(DEV_STORE, devToken, query, { id });
    expect(foreign.body.data).toEqual({ node: null });
    expect(foreign.body.errors).toBeUndefined();
  });

  it("paginates one-time purchases with cursors", async () => {
    for (const name of ["A", "B", "C"]) {
      env.emulator.billing.createPurchase(DEV_STORE, {
        name,
        returnUrl: "https://app.example/r",
        price: { amount: "1.0", currencyCode: "USD" },
        test: true,
      });
    }
    const page = (after: string | null) =>
      env.gql(
        DEV_STORE,
        devToken,
        `query P($after: String) { currentAppInstallation { oneTimePurchases(first: 2, sortKey: CREATED_AT, after: $after) {
          edges { node { name } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
    const first = (await page(null)).body.data.currentAppInstallation.oneTimePurchases;
    expect(first.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(["A", "B"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await page(first.pageInfo.endCursor)).body.data.currentAppInstallation.oneTimePurchases;
    expect(second.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(["C"]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });
});
