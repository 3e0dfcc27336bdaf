// The content studio's pages through the real stack (tests/app-harness.ts): each page's loader as a
// client-side navigation, each page's document as the admin's iframe loads it (the server render), another
// store's ids answered as ids that never existed, and the public cover image.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppHarness, type AppHarness, type ThrownResponse } from "../app-harness";
import { contentStudio, type ContentStudio, type FormFields } from "../content-helpers";

let h: AppHarness;
let studio: ContentStudio;

beforeAll(async () => {
  h = await startAppHarness("sqlite");
  studio = contentStudio(h);
}, 120_000);
afterAll(() => h?.close());

/** What the page route `routeId` threw for `path`: its status and body. */
async function thrown(shop: string, path: string, routeId: string) {
  const { results } = await h.navigate(shop, path);
  const result = results[routeId];
  if (!result || !("error" in result)) throw new Error(`${path} did not throw: ${JSON.stringify(result)}`);
  return result.error as ThrownResponse;
}

/** The page's server render as the admin's iframe loads it. */
async function documentText(shop: string, path: string) {
  const response = await h.openDocument(shop, path);
  const text = await response.text();
  expect(response.status, `${path}: ${text.slice(0, 300)}`).toBe(200);
  return text;
}

describe("content studio pages on SQLite", () => {
  it("a fresh store's Home shows its credits, what they buy, the first steps undone and the offline writer", async () => {
    const shop = await h.installStore("pages-home");
    const home = await h.loaderData(shop, "/app", "routes/app._index");
    expect(home).toMatchObject({
      available: 10,
      // A draft with a cover is 3 credits.
      draftsWithCover: 3,
      recent: [],
      steps: { brief: false, research: false, draft: false, saved: false },
      provider: { offline: true, label: expect.stringMatching(/offline/i) },
    });
    const page = await documentText(shop, "/app");
    expect(page).toContain("Enough for 3 drafts with covers.");
    expect(page).toContain("Offline writer");
    expect(page).toContain("No drafts yet");
  });

  it("Briefs, a new brief and Drafts render for a fresh store, empty, with what a click costs", async () => {
    const shop = await h.installStore("pages-empty");
    await expect(h.loaderData(shop, "/app/briefs", "routes/app.briefs._index")).resolves.toEqual({
      briefs: [],
    });
    const brief = await h.loaderData<Record<string, unknown>>(
      shop,
      "/app/briefs/new",
      "routes/app.briefs.$id",
    );
    expect(brief).toMatchObject({
      briefId: null,
      fields: { topic: "", tone: "friendly", length: "medium", language: "en", products: [] },
      available: 10,
      research: null,
      pendingResearch: null,
      pendingDraft: null,
    });
    expect(Array.isArray(brief.products)).toBe(true);
    await expect(h.loaderData(shop, "/app/drafts", "routes/app.drafts._index")).resolves.toEqual({
      q: "",
      cursor: null,
      drafts: [],
      nextCursor: null,
    });

    expect(await documentText(shop, "/app/briefs")).toContain("Write your first brief");
    const form = await documentText(shop, "/app/briefs/new");
    expect(form).toContain("Research topics · free");
    expect(form).toContain("Generate draft · 2 credits (8 left)");
    expect(form).toContain("Draft + cover · 3 credits (7 left)");
    expect(await documentText(shop, "/app/drafts")).toContain("No drafts yet");
  });

  it("a saved brief and its draft show on Home, Briefs, Drafts, the Draft page and the Activity Ledger", async () => {
    const shop = await h.installStore("pages-draft");
    const { briefId, draftId } = await studio.firstDraft(shop);
    const draft = await h.db.draft.findUniqueOrThrow({ where: { id: draftId } });

    await expect(h.loaderData(shop, "/app", "routes/app._index")).resolves.toMatchObject({
      available: 8,
      draftsWithCover: 2,
      recent: [{ id: draftId, title: draft.title, status: "draft" }],
      steps: { brief: true, research: false, draft: true, saved: false },
    });
    await expect(h.loaderData(shop, "/app/briefs", "routes/app.briefs._index")).resolves.toMatchObject({
      briefs: [{ id: briefId }],
    });
    await expect(
      h.loaderData(shop, `/app/briefs/${briefId}`, "routes/app.briefs.$id"),
    ).resolves.toMatchObject({ briefId, available: 8 });
    await expect(h.loaderData(shop, "/app/drafts", "routes/app.drafts._index")).resolves.toMatchObject({
      drafts: [{ id: draftId, versionCount: 1, creditsSpent: 2, status: "draft" }],
    });
    const none = await h.loaderData(
      shop,
      "/app/drafts?q=no%20such%20title%20zzz",
      "routes/app.drafts._index",
    );
    expect(none).toMatchObject({ q: "no such title zzz", drafts: [] });

    const page = await h.loaderData<Record<string, unknown>>(
      shop,
      `/app/drafts/${draftId}`,
      "routes/app.drafts.$id",
    );
    expect(page).toMatchObject({
      draft: { id: draftId, title: draft.title, currentVersion: 1, status: "draft", articleUrl: null },
      content: { title: draft.title },
      cover: null,
      versions: [{ number: 1, source: "generate" }],
      seo: { checks: expect.arrayContaining([expect.objectContaining({ status: expect.any(String) })]) },
      comparison: null,
      available: 8,
      pending: null,
    });
    const compared = await h.loaderData<{ comparison: { a: number; b: number } }>(
      shop,
      `/app/drafts/${draftId}?compare=1,1`,
      "routes/app.drafts.$id",
    );
    expect(compared.comparison).toMatchObject({ a: 1, b: 1 });
    expect(
      await thrown(shop, `/app/drafts/${draftId}?compare=one,two`, "routes/app.drafts.$id"),
    ).toMatchObject({
      status: 400,
    });
    expect(await thrown(shop, `/app/drafts/${draftId}?compare=1,9`, "routes/app.drafts.$id")).toMatchObject({
      status: 404,
    });

    const rendered = await documentText(shop, `/app/drafts/${draftId}`);
    expect(rendered).toContain("Add cover · 1 credit (7 left)");
    expect(rendered).toContain("AI rewrite · 1 credit (7 left)");
    expect(rendered).toContain("Regenerate · 2 credits (6 left)");
    expect(rendered).toContain("SEO checklist");

    const ledger = await h.loaderData<{
      rows: { what: string; kind: string; link: { kind: string; id: string } | null }[];
    }>(shop, "/app/billing/activity", "routes/app.billing.activity");
    expect(ledger.rows.find((row) => row.kind === "debit")).toMatchObject({
      what: `Draft generated: ${draft.title}`,
      link: { kind: "draft", id: draftId },
    });
  });

  it("another store's brief, draft and job answer 404, as ids that never existed", async () => {
    const owner = await h.installStore("pages-owner");
    const other = await h.installStore("pages-other");
    const { briefId, draftId } = await studio.firstDraft(owner);
    const job = await h.db.job.findFirstOrThrow({ where: { draftId } });

    for (const [path, routeId] of [
      [`/app/briefs/${briefId}`, "routes/app.briefs.$id"],
      [`/app/drafts/${draftId}`, "routes/app.drafts.$id"],
      ["/app/briefs/no-such-brief", "routes/app.briefs.$id"],
      ["/app/drafts/no-such-draft", "routes/app.drafts.$id"],
    ] as const)
      expect(await thrown(other, path, routeId), path).toMatchObject({ status: 404 });

    expect(await studio.readJob(other, job.id)).toMatchObject({ status: 404 });
    expect(await studio.readJob(other, "no-such-job")).toMatchObject({ status: 404 });
    expect(await studio.readJob(owner, job.id)).toMatchObject({
      status: 200,
      body: { job: { id: job.id, kind: "draft.generate", status: "succeeded", draftId } },
    });
    const document = await h.openDocument(other, `/app/drafts/${draftId}`);
    expect(document.status).toBe(404);
    await document.text();
  });

  it("a draft's cover is a public PNG at /covers/<id>.png, cached for good; anything else is 404", async () => {
    const shop = await h.installStore("pages-cover");
    const briefId = await studio.saveBrief(shop);
    const job = await studio.runToEnd(studio.generate(shop, briefId, true), shop);
    expect(job.status).toBe("succeeded");
    const { coverId } = await h.db.draft.findUniqueOrThrow({ where: { id: job.draftId! } });
    expect(coverId).toEqual(expect.any(String));

    // No session token: Shopify fetches the image from outside the admin.
    const image = await fetch(`${h.appUrl}/covers/${coverId}.png`);
    expect(image.status).toBe(200);
    expect(image.headers.get("Content-Type")).toBe("image/png");
    expect(image.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(image.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const png = Buffer.from(await image.arrayBuffer());
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

    const page = await h.loaderData<{ cover: { url: string; altText: string } | null }>(
      shop,
      `/app/drafts/${job.draftId}`,
      "routes/app.drafts.$id",
    );
    expect(page.cover).toMatchObject({ url: `/covers/${coverId}.png`, altText: expect.stringMatching(/\S/) });

    for (const path of [
      `/covers/${coverId}`,
      `/covers/${coverId}.jpg`,
      "/covers/no-such-cover.png",
      "/covers/..%2F.png",
    ]) {
      const missing = await fetch(`${h.appUrl}${path}`);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get("Content-Type"), path).not.toBe("image/png");
      await missing.arrayBuffer();
    }
  });

  it("the Draft page's free forms: an edit and a restore make versions, Save to Shopify makes an unpublished article", async () => {
    const shop = await h.installStore("pages-free");
    const { draftId } = await studio.firstDraft(shop);
    const before = await studio.rows(shop);
    const page = `/app/drafts/${draftId}`;
    const current = await h.loaderData<{
      content: Record<string, string | string[]>;
      blogs: { id: string }[];
    }>(shop, page, "routes/app.drafts.$id");
    const edit = {
      intent: "edit",
      baseVersion: "1",
      title: "A hand-edited title",
      bodyHtml: current.content.bodyHtml as string,
      metaTitle: current.content.metaTitle as string,
      metaDescription: current.content.metaDescription as string,
      excerpt: current.content.excerpt as string,
      tags: "snowboards, winter",
      handle: "a-hand-edited-title",
    };

    // Bad input answers 400 and writes nothing.
    const bad: FormFields[] = [
      { ...edit, baseVersion: "zero" },
      { intent: "restore", version: "-1" },
      { intent: "no-such-intent" },
      { intent: "rewrite", submitKey: "key with spaces", instruction: "shorter", baseVersion: "1" },
      { intent: "rewrite", submitKey: "k1", instruction: "custom", instructionText: " ", baseVersion: "1" },
    ];
    for (const fields of bad)
      expect(await studio.draftForm(shop, draftId, fields), JSON.stringify(fields)).toMatchObject({
        status: 400,
        body: { error: expect.any(String) },
      });
    expect(await studio.rows(shop)).toEqual(before);

    await expect(studio.draftForm(shop, draftId, edit)).resolves.toMatchObject({
      status: 200,
      body: { version: 2 },
    });
    // The same edit on a stale base is refused.
    await expect(studio.draftForm(shop, draftId, edit)).resolves.toMatchObject({ status: 400 });
    await expect(studio.draftForm(shop, draftId, { intent: "restore", version: "1" })).resolves.toMatchObject(
      {
        status: 200,
        body: { version: 3 },
      },
    );
    const restored = await h.loaderData<{
      draft: { title: string; currentVersion: number };
      versions: unknown[];
    }>(shop, page, "routes/app.drafts.$id");
    expect(restored.draft).toMatchObject({ currentVersion: 3, title: current.content.title });
    expect(restored.versions).toHaveLength(3);

    const blogId = current.blogs[0]?.id;
    expect(blogId).toMatch(/^gid:\/\/shopify\/Blog\//);
    const saved = await studio.draftForm(shop, draftId, { intent: "save-to-shopify", blogId: blogId! });
    expect(saved).toMatchObject({
      status: 200,
      body: {
        articleId: expect.stringMatching(/^gid:\/\/shopify\/Article\//),
        adminUrl: expect.any(String),
        created: true,
      },
    });
    const after = await h.loaderData<{ draft: { status: string; articleUrl: string } }>(
      shop,
      page,
      "routes/app.drafts.$id",
    );
    expect(after.draft).toMatchObject({ status: "saved", articleUrl: saved.body.adminUrl });
    await expect(h.loaderData(shop, "/app", "routes/app._index")).resolves.toMatchObject({
      steps: { brief: true, draft: true, saved: true },
    });
    // Saving was free: only the draft's own 2 credits were spent.
    expect(await studio.available(shop)).toBe(8);
  });

  it("another store's draft cannot be edited, restored or saved: 404, nothing written", async () => {
    const owner = await h.installStore("pages-mine");
    const other = await h.installStore("pages-theirs");
    const { draftId } = await studio.firstDraft(owner);
    const before = await studio.rows(owner);
    const foreign: FormFields[] = [
      { intent: "restore", version: "1" },
      { intent: "save-to-shopify", blogId: "gid://shopify/Blog/1" },
      { intent: "cover", submitKey: "foreign-cover-1" },
    ];
    for (const fields of foreign)
      expect(await studio.draftForm(other, draftId, fields), String(fields.intent)).toMatchObject({
        status: 404,
      });
    expect(await studio.rows(owner)).toEqual(before);
  });

  it("a button the balance cannot pay for is disabled and says why, with the way to more credits", async () => {
    const shop = await h.installStore("pages-short");
    const briefId = await studio.saveBrief(shop);
    for (let i = 0; i < 3; i++)
      expect((await studio.runToEnd(studio.generate(shop, briefId, true), shop)).status).toBe("succeeded");
    expect(await studio.available(shop)).toBe(1);

    const page = await documentText(shop, `/app/briefs/${briefId}`);
    expect(page).toContain("Research topics · free");
    expect(page).toContain("Generate draft · 2 credits (you have 1)");
    expect(page).toContain("Not enough credits: this needs 2 credits and you have 1.");
    expect(page).toContain("Not enough credits: this needs 3 credits and you have 1.");
    expect(page).toContain('href="/app/billing"');
    // The short buttons are disabled in the server render, not only once scripts run.
    expect(page).toMatch(
      /<button[^>]*disabled[^>]*>(?:(?!<\/button>).)*Generate draft · 2 credits \(you have 1\)/s,
    );
    await expect(h.loaderData(shop, "/app", "routes/app._index")).resolves.toMatchObject({
      available: 1,
      draftsWithCover: 0,
    });
  });

  it("a store that did not grant read_products gets the approval banner, and its briefs work without products", async () => {
    const scopes = (process.env.SCOPES ?? "").split(",").filter((scope) => scope !== "read_products");
    const shop = await h.installStore("pages-scopes", { grantedScopes: scopes.join(",") });
    const brief = await h.loaderData<{ products: unknown[]; approvalUrl: string | null }>(
      shop,
      "/app/briefs/new",
      "routes/app.briefs.$id",
    );
    expect(brief.products).toEqual([]);
    expect(brief.approvalUrl).toEqual(expect.stringContaining(shop.replace(".myshopify.com", "")));
    expect(await documentText(shop, "/app/briefs/new")).toContain("The app may not read your products");
    const briefId = await studio.saveBrief(shop);
    await expect(
      h.loaderData(shop, `/app/briefs/${briefId}`, "routes/app.briefs.$id"),
    ).resolves.toMatchObject({
      briefId,
      fields: { products: [] },
    });
  });
});
