// Saving a draft to Shopify against the emulator, through the app's own offline Admin client, on a real
// database: the cover is downloaded by "Shopify" from the app's public /covers route.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppHarness, type AppHarness } from "../../tests/app-harness";
import { ContentNotFound } from "./errors";
import { saveDraftToShopify } from "./save-to-shopify.server";
import type { AdminGraphql } from "../shopify/admin-api.server";

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

let h: AppHarness;
beforeAll(async () => {
  h = await startAppHarness("sqlite");
}, 120_000);
afterAll(() => h?.close());

interface Store {
  domain: string;
  shopId: string;
  graphql: AdminGraphql;
  blogId: string;
}

async function store(seed: { grantedScopes?: string } = {}): Promise<Store> {
  const domain = await h.installStore("save", seed);
  const { admin } = await h.offlineAdmin(domain);
  const blog = h.emulator.shop(domain).record.blogs[0]!;
  return {
    domain,
    shopId: (await h.shopRow(domain)).id,
    graphql: admin.graphql,
    blogId: `gid://shopify/Blog/${blog.id}`,
  };
}

async function draft(s: Store, { cover = true, version = 1 } = {}) {
  const draftId = randomUUID();
  await h.db.draft.create({
    data: { id: draftId, shopId: s.shopId, title: "Five trails", currentVersion: version },
  });
  for (let number = 1; number <= version; number++) {
    await h.db.draftVersion.create({
      data: {
        draftId,
        shopId: s.shopId,
        number,
        source: number === 1 ? "generate" : "edit",
        actor: "user:1",
        brief: "{}",
        title: `Five trails for spring (v${number})`,
        outline: JSON.stringify(["Boots", "Trails"]),
        bodyHtml: `<p>Boots on, version ${number}.</p>`,
        metaTitle: "Spring trails",
        metaDescription: "Five walks for the first warm weekend.",
        excerpt: "Where to walk this spring.",
        tags: JSON.stringify(["hiking", "spring"]),
        handle: "five-trails-for-spring",
      },
    });
  }
  if (cover) {
    const row = await h.db.cover.create({
      data: {
        shopId: s.shopId,
        draftId,
        png: PNG,
        width: 1,
        height: 1,
        altText: "A trail at dawn",
        prompt: "trail",
      },
    });
    await h.db.draft.update({ where: { id: draftId }, data: { coverId: row.id } });
  }
  return draftId;
}

const save = (s: Store, draftId: string, blogId = s.blogId, publishAt?: Date | null) =>
  saveDraftToShopify(h.db, s.graphql, {
    shopId: s.shopId,
    shopDomain: s.domain,
    draftId,
    blogId,
    author: "Sam",
    appUrl: h.appUrl,
    publishAt,
  });

describe("saveDraftToShopify", () => {
  it("creates an unpublished article with the cover Shopify downloaded and the SEO metafields, and records the save", async () => {
    const s = await store();
    const draftId = await draft(s, { version: 2 });
    const saved = await save(s, draftId);
    const [article] = h.emulator.shop(s.domain).articles();
    expect(saved).toEqual({
      articleId: `gid://shopify/Article/${article!.id}`,
      adminUrl: `https://admin.shopify.com/store/${s.domain.replace(".myshopify.com", "")}/content/articles/${article!.id}`,
      created: true,
    });
    expect(article).toMatchObject({
      title: "Five trails for spring (v2)",
      body: "<p>Boots on, version 2.</p>",
      summary: "Where to walk this spring.",
      tags: ["hiking", "spring"],
      handle: "five-trails-for-spring",
      authorName: "Sam",
      isPublished: false,
      publishedAt: null,
      image: { altText: "A trail at dawn", url: expect.stringContaining(`${h.emulator.url}/cdn/files/`) },
    });
    expect(article!.metafields.map(({ namespace, key, value }) => ({ namespace, key, value }))).toEqual([
      { namespace: "global", key: "title_tag", value: "Spring trails" },
      { namespace: "global", key: "description_tag", value: "Five walks for the first warm weekend." },
    ]);
    // Shopify's copy is the cover's bytes, fetched from the app's public route.
    const copy = await fetch(article!.image!.url);
    expect(Buffer.from(await copy.arrayBuffer()).equals(PNG)).toBe(true);
    expect(await h.db.draft.findUniqueOrThrow({ where: { id: draftId } })).toMatchObject({
      articleId: saved.articleId,
      blogId: s.blogId,
      savedVersion: 2,
      savedAt: expect.any(Date),
    });
  });

  it("a second save updates the same article, still unpublished", async () => {
    const s = await store();
    const draftId = await draft(s, { cover: false });
    const first = await save(s, draftId);
    await h.db.draftVersion.updateMany({ where: { draftId }, data: { title: "Six trails" } });
    const second = await save(s, draftId);
    expect(second).toEqual({ ...first, created: false });
    const articles = h.emulator.shop(s.domain).articles();
    expect(articles).toHaveLength(1);
    expect(articles[0]).toMatchObject({ title: "Six trails", isPublished: false, image: null });
  });

  it("with a publishing time the article is scheduled: Shopify shows it from that time on", async () => {
    const s = await store();
    const draftId = await draft(s, { cover: false });
    const at = new Date(h.emulator.now().getTime() + 2 * 3600_000);
    const saved = await save(s, draftId, s.blogId, at);
    const [article] = h.emulator.shop(s.domain).articles();
    expect(article).toMatchObject({ isPublished: true, publishedAt: at });
    const page = await fetch(
      `${h.emulator.url}/store/${s.domain.split(".")[0]}/content/articles/${article!.id}`,
    );
    expect(await page.text()).toContain(`Visible on ${at.toISOString()}`);
    expect(saved.created).toBe(true);
  });

  it("an article the merchant deleted in Shopify is created again, and the draft points at the new one", async () => {
    const s = await store();
    const draftId = await draft(s);
    const first = await save(s, draftId);
    const blog = h.emulator.shop(s.domain).record.blogs[0]!;
    blog.articles.splice(0, blog.articles.length);
    const again = await save(s, draftId);
    expect(again.created).toBe(true);
    expect(again.articleId).not.toBe(first.articleId);
    expect(h.emulator.shop(s.domain).articles()).toHaveLength(1);
    expect((await h.db.draft.findUniqueOrThrow({ where: { id: draftId } })).articleId).toBe(again.articleId);
  });

  it("another shop's draft, an unknown draft and an unknown or foreign blog are not found, and nothing is saved", async () => {
    const alice = await store();
    const bob = await store();
    const draftId = await draft(alice);
    const bobsBlog = bob.blogId;
    await expect(save(bob, draftId)).rejects.toEqual(new ContentNotFound("draft"));
    await expect(save(alice, "no-such-draft")).rejects.toEqual(new ContentNotFound("draft"));
    await expect(save(alice, draftId, bobsBlog)).rejects.toEqual(new ContentNotFound("blog"));
    await expect(save(alice, draftId, "not-a-gid")).rejects.toEqual(new ContentNotFound("blog"));
    expect(h.emulator.shop(alice.domain).articles()).toEqual([]);
    expect(h.emulator.shop(bob.domain).articles()).toEqual([]);
    expect((await h.db.draft.findUniqueOrThrow({ where: { id: draftId } })).articleId).toBeNull();
  });
});
