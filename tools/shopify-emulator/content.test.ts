// The content studio's side of Shopify: the store's products, articles with an image Shopify downloads
// and SEO metafields, the query cost limits, and approving the app's changed scopes.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEV_STORE, NORMAL_STORE, API_KEY, setUpEmulator } from "./test-setup";

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

let images: Server;
let imagesUrl: string;
beforeAll(async () => {
  images = createServer((req, res) => {
    if (req.url === "/cover.png") res.writeHead(200, { "Content-Type": "image/png" }).end(PNG);
    else if (req.url === "/page.html") res.writeHead(200, { "Content-Type": "text/html" }).end("<p>hi</p>");
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
  imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => images.close(() => resolve())));

let env: Awaited<ReturnType<typeof setUpEmulator>>;
let token: string;
beforeEach(async () => {
  env = await setUpEmulator({ scopes: "write_content,read_products" });
  token = env.emulator.grantOfflineToken(DEV_STORE);
});
afterEach(() => env.close());

const blogId = () => `gid://shopify/Blog/${env.emulator.shop(DEV_STORE).record.blogs[0]!.id}`;

const CREATE = `mutation Create($article: ArticleCreateInput!) {
  articleCreate(article: $article) {
    article {
      id title handle body summary tags isPublished publishedAt templateSuffix author { name }
      image { url altText }
      seoTitle: metafield(namespace: "global", key: "title_tag") { value type }
      metafields(first: 10) { nodes { namespace key value } }
    }
    userErrors { field message code }
  }
}`;

const UPDATE = `mutation Update($id: ID!, $article: ArticleUpdateInput!) {
  articleUpdate(id: $id, article: $article) {
    article { id title body tags isPublished image { url altText } metafields(first: 10) { nodes { key value } } }
    userErrors { field message code }
  }
}`;

function articleInput(overrides: Record<string, unknown> = {}) {
  return {
    blogId: blogId(),
    title: "Five trails for spring",
    body: "<p>Boots on.</p>",
    summary: "<p>Where to walk.</p>",
    tags: ["hiking", "spring"],
    author: { name: "Sam" },
    handle: "five-trails",
    isPublished: false,
    image: { url: `${imagesUrl}/cover.png`, altText: "A trail at dawn" },
    metafields: [
      { namespace: "global", key: "title_tag", type: "single_line_text_field", value: "Spring trails" },
      { namespace: "global", key: "description_tag", type: "single_line_text_field", value: "Five walks." },
    ],
    ...overrides,
  };
}

describe("products", () => {
  it("every store has a default catalog, paged with cursors and filtered by Shopify's search syntax", async () => {
    const page = await env.gql(
      DEV_STORE,
      token,
      `{ shop { primaryDomain { url } } products(first: 4, sortKey: TITLE) {
        nodes { id title handle description onlineStoreUrl status totalInventory featuredImage { url altText } }
        pageInfo { hasNextPage endCursor } } }`,
    );
    const { nodes, pageInfo } = page.body.data.products;
    expect(nodes.map((p: { title: string }) => p.title)).toEqual([
      "Classic Leather Hiking Boots",
      "Insulated Steel Water Bottle",
      "Merino Wool Trail Socks",
      "Packable Down Jacket",
    ]);
    expect(nodes[0]).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Product\/\d+$/),
      title: "Classic Leather Hiking Boots",
      handle: "classic-leather-hiking-boots",
      description:
        "Full-grain leather boots with a waterproof membrane and a Vibram sole, made for long days on rocky trails.",
      onlineStoreUrl: "https://dev-store.example.com/products/classic-leather-hiking-boots",
      status: "ACTIVE",
      totalInventory: 42,
      featuredImage: {
        url: expect.stringMatching(/^https:\/\//),
        altText: "Brown leather hiking boots on a rock",
      },
    });
    expect(nodes[1].featuredImage).toBeNull();
    expect(page.body.data.shop.primaryDomain.url).toBe("https://dev-store.example.com");
    expect(pageInfo.hasNextPage).toBe(true);
    const rest = await env.gql(
      DEV_STORE,
      token,
      `query Rest($after: String) { products(first: 4, sortKey: TITLE, after: $after) { nodes { title } pageInfo { hasNextPage } } }`,
      { after: pageInfo.endCursor },
    );
    expect(rest.body.data.products).toEqual({
      nodes: [{ title: "Trekking Poles (Pair)" }, { title: "Ultralight Two-Person Tent" }],
      pageInfo: { hasNextPage: false },
    });
    const search = await env.gql(
      DEV_STORE,
      token,
      `{ products(first: 10, query: "title:merino*") { nodes { title } } }`,
    );
    expect(search.body.data.products.nodes).toEqual([{ title: "Merino Wool Trail Socks" }]);
    const text = await env.gql(
      DEV_STORE,
      token,
      `{ products(first: 10, query: "tent status:active") { nodes { title } } }`,
    );
    expect(text.body.data.products.nodes).toEqual([{ title: "Ultralight Two-Person Tent" }]);
  });

  it("reads products by id through product, node and nodes; another store's id is null", async () => {
    const [own] = env.emulator.shop(DEV_STORE).record.products;
    const [foreign] = env.emulator.shop(NORMAL_STORE).record.products;
    const ownId = `gid://shopify/Product/${own!.id}`;
    const foreignId = `gid://shopify/Product/${foreign!.id}`;
    const result = await env.gql(
      DEV_STORE,
      token,
      `query P($own: ID!, $foreign: ID!) {
        product(id: $own) { title }
        node(id: $foreign) { id }
        nodes(ids: [$own, $foreign]) { ... on Product { title handle } }
      }`,
      { own: ownId, foreign: foreignId },
    );
    expect(result.body.data).toEqual({
      product: { title: own!.title },
      node: null,
      nodes: [{ title: own!.title, handle: own!.handle }, null],
    });
  });

  it("a store seeded with its own catalog lists only that, and a draft product has no storefront URL", async () => {
    const seeded = await setUpEmulator({
      scopes: "write_content,read_products",
      shops: [
        {
          domain: "seeded.myshopify.com",
          partnerDevelopment: true,
          products: [{ title: "Tea Sampler", status: "DRAFT", descriptionHtml: "<p>Six <b>teas</b></p>" }],
        },
      ],
    });
    try {
      const result = await seeded.gql(
        "seeded.myshopify.com",
        seeded.emulator.grantOfflineToken("seeded.myshopify.com"),
        "{ products(first: 5) { nodes { title status onlineStoreUrl description descriptionHtml } } }",
      );
      expect(result.body.data.products.nodes).toEqual([
        {
          title: "Tea Sampler",
          status: "DRAFT",
          onlineStoreUrl: null,
          description: "Six teas",
          descriptionHtml: "<p>Six <b>teas</b></p>",
        },
      ]);
    } finally {
      await seeded.close();
    }
  });

  it("refuses products without read_products with ACCESS_DENIED, as Shopify does", async () => {
    const narrow = await setUpEmulator({ scopes: "write_content" });
    try {
      const result = await narrow.gql(
        DEV_STORE,
        narrow.emulator.grantOfflineToken(DEV_STORE),
        "{ products(first: 1) { nodes { id } } }",
      );
      expect(result.body.data).toEqual({ products: null });
      expect(result.body.errors[0]).toMatchObject({
        message: "Access denied for products field. Required access: `read_products` access scope.",
        path: ["products"],
        extensions: { code: "ACCESS_DENIED", requiredAccess: "`read_products` access scope." },
      });
    } finally {
      await narrow.close();
    }
  });
});

describe("query cost", () => {
  it("reports the requested and actual cost and the bucket on every response", async () => {
    const result = await env.gql(
      DEV_STORE,
      token,
      "{ shop { name } products(first: 10) { nodes { title featuredImage { url } } } }",
    );
    // shop 1; products 2 + 10 × (node 1 + featuredImage 1); six products came back.
    expect(result.body.extensions.cost).toEqual({
      requestedQueryCost: 23,
      actualQueryCost: 1 + 2 + 6 + 3,
      throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 1000 - 12, restoreRate: 100 },
    });
  });

  it("refuses a single query over 1000 points with MAX_COST_EXCEEDED and runs nothing", async () => {
    const result = await env.gql(
      DEV_STORE,
      token,
      "{ blogs(first: 250) { nodes { articles(first: 250) { nodes { id } } } } }",
    );
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({
          code: "MAX_COST_EXCEEDED",
          cost: 2 + 250 * (1 + 2 + 250),
          maxCost: 1000,
        }),
      }),
    ]);
    expect(result.body.extensions.cost.throttleStatus.currentlyAvailable).toBe(1000);
  });

  it("throttles when the bucket holds less than the query asks for, and the bucket refills", async () => {
    env.emulator.costBucket(DEV_STORE).drainTo(5);
    const result = await env.gql(DEV_STORE, token, "{ products(first: 10) { nodes { id } } }");
    expect(result.body.data).toBeUndefined();
    expect(result.body.errors).toEqual([
      expect.objectContaining({
        message: "Throttled",
        extensions: expect.objectContaining({ code: "THROTTLED" }),
      }),
    ]);
    expect(result.body.extensions.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: null });
    // Another store's bucket is its own.
    const other = await env.gql(
      NORMAL_STORE,
      env.emulator.grantOfflineToken(NORMAL_STORE),
      "{ products(first: 10) { nodes { id } } }",
    );
    expect(other.body.data.products.nodes).toHaveLength(6);
    await new Promise((resolve) => setTimeout(resolve, 200)); // 100 points/s: 20 more points
    const later = await env.gql(DEV_STORE, token, "{ products(first: 10) { nodes { id } } }");
    expect(later.body.data.products.nodes).toHaveLength(6);
  });
});

describe("articles", () => {
  it("articleCreate takes Shopify's ArticleCreateInput: the image is downloaded and re-hosted, SEO goes to global metafields", async () => {
    const created = await env.gql(DEV_STORE, token, CREATE, { article: articleInput() });
    const { article, userErrors } = created.body.data.articleCreate;
    expect(userErrors).toEqual([]);
    expect(article).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Article\/\d+$/),
      title: "Five trails for spring",
      handle: "five-trails",
      body: "<p>Boots on.</p>",
      summary: "<p>Where to walk.</p>",
      tags: ["hiking", "spring"],
      isPublished: false,
      publishedAt: null,
      templateSuffix: null,
      author: { name: "Sam" },
      image: {
        url: expect.stringMatching(new RegExp(`^${env.emulator.url}/cdn/files/\\d+\\.png$`)),
        altText: "A trail at dawn",
      },
      seoTitle: { value: "Spring trails", type: "single_line_text_field" },
      metafields: {
        nodes: [
          { namespace: "global", key: "title_tag", value: "Spring trails" },
          { namespace: "global", key: "description_tag", value: "Five walks." },
        ],
      },
    });
    // The copy is Shopify's own: it is served from the emulator, byte for byte.
    const copy = await fetch(article.image.url);
    expect(copy.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await copy.arrayBuffer()).equals(PNG)).toBe(true);
    // The admin page the app links to shows it.
    const numeric = article.id.split("/").pop();
    const page = await fetch(`${env.emulator.url}/store/dev-store/content/articles/${numeric}`);
    const html = await page.text();
    expect(html).toContain("Five trails for spring");
    expect(html).toContain('data-published="false"');
    expect(html).toContain(article.image.url);
  });

  it("an article created without isPublished is visible at once", async () => {
    const input: Record<string, unknown> = articleInput({ image: null });
    delete input.isPublished;
    const created = await env.gql(DEV_STORE, token, CREATE, { article: input });
    expect(created.body.data.articleCreate.article).toMatchObject({
      isPublished: true,
      publishedAt: expect.any(String),
    });
  });

  it("a future publishDate without isPublished schedules the article: hidden until then, the admin page says when", async () => {
    const at = new Date(env.emulator.now().getTime() + 3 * 3600_000);
    const input: Record<string, unknown> = articleInput({ image: null, publishDate: at.toISOString() });
    delete input.isPublished;
    const { article, userErrors } = (await env.gql(DEV_STORE, token, CREATE, { article: input })).body.data
      .articleCreate;
    expect(userErrors).toEqual([]);
    const publishedAt = at.toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(article).toMatchObject({ isPublished: false, publishedAt });
    const page = () =>
      fetch(`${env.emulator.url}/store/dev-store/content/articles/${article.id.split("/").pop()}`).then((r) =>
        r.text(),
      );
    expect(await page()).toContain(`data-published="false" data-publish-date="${at.toISOString()}"`);
    expect(await page()).toContain(`Visible on ${at.toISOString()}`);

    env.emulator.advanceTime(3 * 3600_000);
    const read = await env.gql(
      DEV_STORE,
      token,
      `query($id: ID!) { node(id: $id) { ... on Article { isPublished } } }`,
      {
        id: article.id,
      },
    );
    expect(read.body.data.node).toEqual({ isPublished: true });
    expect(await page()).toContain('data-published="true"');
  });

  it("isPublished true with a future publishDate is INVALID_PUBLISH_DATE; a publishDate alone reschedules an article", async () => {
    const later = new Date(env.emulator.now().getTime() + 86_400_000).toISOString();
    const refused = await env.gql(DEV_STORE, token, CREATE, {
      article: articleInput({ image: null, isPublished: true, publishDate: later }),
    });
    expect(refused.body.data.articleCreate).toEqual({
      article: null,
      userErrors: [
        {
          field: ["article", "publishDate"],
          message: "Can’t set isPublished to true and also set a future publish date.",
          code: "INVALID_PUBLISH_DATE",
        },
      ],
    });
    const created = await env.gql(DEV_STORE, token, CREATE, { article: articleInput({ image: null }) });
    const id = created.body.data.articleCreate.article.id;
    await env.gql(DEV_STORE, token, UPDATE, { id, article: { publishDate: later } });
    expect(env.emulator.shop(DEV_STORE).articles()[0]).toMatchObject({
      isPublished: true,
      publishedAt: new Date(later),
    });
  });

  it("an image URL that is not an image, or not reachable, is UPLOAD_FAILED and creates nothing", async () => {
    for (const url of [
      `${imagesUrl}/page.html`,
      `${imagesUrl}/missing.png`,
      "http://127.0.0.1:1/cover.png",
    ]) {
      const result = await env.gql(DEV_STORE, token, CREATE, {
        article: articleInput({ image: { url, altText: "x" } }),
      });
      expect(result.body.data.articleCreate).toEqual({
        article: null,
        userErrors: [
          {
            field: ["article", "image"],
            message: expect.stringMatching(/^Image upload failed/),
            code: "UPLOAD_FAILED",
          },
        ],
      });
    }
    expect(env.emulator.shop(DEV_STORE).articles()).toEqual([]);
  });

  it("refuses fields ArticleCreateInput does not have, and reports Shopify's author and blog errors", async () => {
    const unknown = await env.gql(DEV_STORE, token, CREATE, {
      article: articleInput({ seo: { title: "x" } }),
    });
    expect(unknown.body.errors[0].message).toMatch(/ArticleCreateInput doesn't accept the field 'seo'/);
    const ambiguous = await env.gql(DEV_STORE, token, CREATE, {
      article: articleInput({ author: { name: "Sam", userId: "gid://shopify/StaffMember/1" }, image: null }),
    });
    expect(ambiguous.body.data.articleCreate.userErrors).toEqual([
      expect.objectContaining({ code: "AMBIGUOUS_AUTHOR" }),
    ]);
    const noBlog: Record<string, unknown> = articleInput({ image: null });
    delete noBlog.blogId;
    const blogless = await env.gql(DEV_STORE, token, CREATE, { article: noBlog });
    expect(blogless.body.data.articleCreate.userErrors).toEqual([
      expect.objectContaining({ code: "BLOG_REFERENCE_REQUIRED" }),
    ]);
    expect(env.emulator.shop(DEV_STORE).articles()).toEqual([]);
  });

  it("articleUpdate changes only the fields it is given; a new image is downloaded again", async () => {
    const created = await env.gql(DEV_STORE, token, CREATE, { article: articleInput() });
    const { id, image } = created.body.data.articleCreate.article;
    const updated = await env.gql(DEV_STORE, token, UPDATE, {
      id,
      article: {
        body: "<p>Boots on, again.</p>",
        isPublished: false,
        image: { url: `${imagesUrl}/cover.png`, altText: "Another dawn" },
        metafields: [
          { namespace: "global", key: "title_tag", type: "single_line_text_field", value: "New title" },
        ],
      },
    });
    expect(updated.body.data.articleUpdate).toEqual({
      article: {
        id,
        title: "Five trails for spring",
        body: "<p>Boots on, again.</p>",
        tags: ["hiking", "spring"],
        isPublished: false,
        image: { url: expect.stringMatching(/\/cdn\/files\/\d+\.png$/), altText: "Another dawn" },
        metafields: {
          nodes: [
            { key: "title_tag", value: "New title" },
            { key: "description_tag", value: "Five walks." },
          ],
        },
      },
      userErrors: [],
    });
    expect(updated.body.data.articleUpdate.article.image.url).not.toBe(image.url);
    const missing = await env.gql(DEV_STORE, token, UPDATE, {
      id: "gid://shopify/Article/999999",
      article: { title: "x" },
    });
    expect(missing.body.data.articleUpdate).toEqual({
      article: null,
      userErrors: [{ field: ["id"], message: "Article does not exist", code: "NOT_FOUND" }],
    });
    const blank = await env.gql(DEV_STORE, token, UPDATE, { id, article: { title: " " } });
    expect(blank.body.data.articleUpdate.userErrors).toEqual([expect.objectContaining({ code: "BLANK" })]);
    expect(env.emulator.shop(DEV_STORE).articles()[0]!.title).toBe("Five trails for spring");
  });
});

describe("changed scopes", () => {
  it("a store that installed before read_products sees the grant page; approving it grants the scopes and sends app/scopes_update", async () => {
    const old = await setUpEmulator({
      scopes: "write_content,read_products",
      appName: "AI blog content",
      shops: [{ domain: DEV_STORE, partnerDevelopment: true, grantedScopes: "write_content" }],
    });
    try {
      const shopToken = old.emulator.grantOfflineToken(DEV_STORE);
      const denied = await old.gql(DEV_STORE, shopToken, "{ products(first: 1) { nodes { id } } }");
      expect(denied.body.errors[0].extensions.code).toBe("ACCESS_DENIED");
      // Opening the app sends the merchant to the grant page first, as Shopify's managed install does.
      const frame = await fetch(`${old.emulator.url}/store/dev-store/apps/${API_KEY}/app/drafts`, {
        redirect: "manual",
      });
      expect(frame.status).toBe(302);
      const grantUrl = new URL(frame.headers.get("location")!, old.emulator.url);
      expect(grantUrl.pathname).toBe("/store/dev-store/oauth/install");
      expect(grantUrl.searchParams.get("client_id")).toBe(API_KEY);
      // The URL an app builds itself (shopify-app-remix's install URL) shows the same page.
      const page = await fetch(`${old.emulator.url}/store/dev-store/oauth/install?client_id=${API_KEY}`);
      const html = await page.text();
      expect(html).toContain('data-scope="read_products"');
      expect(html).not.toContain('data-scope="write_content"');
      const approve = await fetch(grantUrl, { method: "POST", redirect: "manual" });
      expect(approve.status).toBe(302);
      expect(approve.headers.get("location")).toBe(`/store/dev-store/apps/${API_KEY}/app/drafts`);
      const allowed = await old.gql(DEV_STORE, shopToken, "{ products(first: 1) { nodes { id } } }");
      expect(allowed.body.data.products.nodes).toHaveLength(1);
      await old.emulator.webhooks.idle();
      const [hook] = old.receiver.received.filter((h) => h.topic === "app/scopes_update");
      expect(hook!.payload).toMatchObject({
        previous: ["write_content"],
        current: ["write_content", "read_products"],
      });
      // Token exchange now hands out the new scopes, and the app opens without a detour.
      expect(old.emulator.tokens.grantOffline(DEV_STORE)).toMatch(/^shpat_/);
      expect(
        [...old.emulator.state.accessTokens.values()].every((t) => t.scope === "write_content,read_products"),
      ).toBe(true);
      const again = await fetch(`${old.emulator.url}/store/dev-store/apps/${API_KEY}/app/drafts`, {
        redirect: "manual",
      });
      expect(again.status).toBe(200);
    } finally {
      await old.close();
    }
  });
});
