// The content studio's Admin API reads and their failures, through the app's own offline Admin client
// (shopify-api throws GraphqlQueryError for GraphQL errors; the module turns them into its own errors).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppHarness, type AppHarness } from "../../tests/app-harness";
import { toHttpError } from "../http/errors.server";
import {
  articleAdminUrl,
  createArticle,
  readBlogs,
  readProducts,
  readProductsByIds,
  scopeApprovalUrl,
  ShopifyAccessDenied,
  ShopifyThrottled,
  ShopifyUserErrors,
} from "./admin-api.server";

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness("sqlite");
}, 120_000);
afterAll(() => h?.close());

async function graphqlOf(seed: Parameters<AppHarness["installStore"]>[1] = {}) {
  const domain = await h.installStore("products", seed);
  return { domain, graphql: (await h.offlineAdmin(domain)).admin.graphql };
}

describe("products and blogs", () => {
  it("reads active products with a storefront URL, falling back to the primary domain, and descriptions cut to ~500 characters", async () => {
    const long = `<p>${"Warm and dry. ".repeat(60)}</p>`;
    const { domain, graphql } = await graphqlOf({
      primaryDomain: "shop.example.org",
      products: [
        { title: "Boots", descriptionHtml: "<p>Full-grain <b>leather</b>.</p>" },
        { title: "Jacket", descriptionHtml: long, onlineStore: false },
        { title: "Old tent", status: "ARCHIVED" },
      ],
    });
    const products = await readProducts(graphql);
    expect(products).toEqual([
      {
        id: expect.stringMatching(/^gid:\/\/shopify\/Product\/\d+$/),
        title: "Boots",
        handle: "boots",
        url: "https://shop.example.org/products/boots",
        description: "Full-grain leather.",
      },
      expect.objectContaining({ title: "Jacket", url: "https://shop.example.org/products/jacket" }),
    ]);
    expect(products[1]!.description.length).toBeLessThanOrEqual(501);
    expect(products[1]!.description).toMatch(/^Warm and dry\. .*…$/);
    expect(await readProducts(graphql, { query: "jack*" })).toEqual([
      expect.objectContaining({ title: "Jacket" }),
    ]);
    // By id: this store's products in the order asked; unknown, malformed and other stores' ids dropped.
    const other = await graphqlOf();
    const [foreign] = await readProducts(other.graphql, { first: 1 });
    const byIds = await readProductsByIds(graphql, [
      products[1]!.id,
      "gid://shopify/Product/999999999",
      foreign!.id,
      "nonsense",
      products[0]!.id,
    ]);
    expect(byIds.map((p) => p.title)).toEqual(["Jacket", "Boots"]);
    expect(await readProductsByIds(graphql, [])).toEqual([]);
    expect(await readBlogs(graphql)).toEqual([
      { id: expect.stringMatching(/^gid:\/\/shopify\/Blog\/\d+$/), title: "News", handle: "news" },
    ]);
    expect(domain).toMatch(/\.myshopify\.com$/);
  });

  it("a store that has not granted read_products gives ShopifyAccessDenied naming the scope", async () => {
    const { graphql } = await graphqlOf({ grantedScopes: "write_content" });
    const error = await readProducts(graphql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyAccessDenied);
    expect((error as ShopifyAccessDenied).scope).toBe("read_products");
  });

  it("an empty cost bucket gives ShopifyThrottled, which the app answers with 503 and Retry-After", async () => {
    const { domain, graphql } = await graphqlOf();
    h.emulator.costBucket(domain).drainTo(0);
    const error = await readBlogs(graphql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyThrottled);
    const response = toHttpError(error)!;
    expect(response.status).toBe(503);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
  });

  it("Shopify's userErrors on an article come back as ShopifyUserErrors with Shopify's messages", async () => {
    const { graphql } = await graphqlOf();
    const [blog] = await readBlogs(graphql);
    const error = await createArticle(graphql, {
      blogId: blog!.id,
      title: " ",
      bodyHtml: "",
      summary: "",
      tags: [],
      author: "Sam",
      handle: "x",
      seoTitle: "",
      seoDescription: "",
      image: null,
      publishAt: null,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShopifyUserErrors);
    expect((error as ShopifyUserErrors).messages).toEqual(["Title can't be blank"]);
  });
});

describe("admin URLs", () => {
  it("links an article's admin page and the scope approval page on admin.shopify.com", () => {
    expect(articleAdminUrl("my-store.myshopify.com", "gid://shopify/Article/123")).toBe(
      "https://admin.shopify.com/store/my-store/content/articles/123",
    );
    expect(scopeApprovalUrl("my-store.myshopify.com", "key 1")).toBe(
      "https://admin.shopify.com/store/my-store/oauth/install?client_id=key%201",
    );
  });
});
