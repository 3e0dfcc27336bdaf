import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import type { BriefFields, DraftContent } from "../ai/provider";
import { saveBrief } from "./briefs.server";
import {
  attachCover,
  editDraft,
  findDraft,
  listDrafts,
  readCoverPng,
  readVersion,
  recordSaved,
  restoreVersion,
  STALE_DRAFT,
  versionContent,
  writeVersion,
  type WriteVersionInput,
} from "./drafts.server";
import { ContentNotFound, InvalidContent } from "./errors";

const brief: BriefFields = {
  topic: "Brewing coffee at home",
  audience: "beginners",
  tone: "friendly",
  keywords: ["pour over"],
  length: "short",
  language: "en",
  products: [],
};

const content = (title = "How to brew pour over"): DraftContent => ({
  title,
  outline: ["Beans", "Grind"],
  bodyHtml: "<h2>Beans</h2><p>Fresh beans.</p><h2>Grind</h2><p>Medium fine.</p>",
  metaTitle: title,
  metaDescription: "A short guide.",
  excerpt: "Brew better coffee.",
  tags: ["coffee", "guides"],
  handle: "",
});

// The smallest valid PNG header is enough: attachCover checks the signature, not the pixels.
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const cover = (altText = "A cup of coffee") => ({ png, width: 1200, height: 630, altText, prompt: "coffee" });

async function expectError<T extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => T) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

describe.each(ENGINES)("drafts on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  const newShop = () => t.db.shop.create({ data: { domain: `s-${randomUUID().slice(0, 8)}.myshopify.com` } });
  const generate = (shopId: string, extra: Partial<WriteVersionInput> = {}) =>
    writeVersion(t.db, {
      shopId,
      draftId: `d-${randomUUID()}`,
      source: "generate",
      actor: "user:1",
      brief,
      content: content(),
      ...extra,
    });

  test("generating writes a draft with version 1, normalised, and findDraft reads it back", async () => {
    const shop = await newShop();
    const saved = await saveBrief(t.db, shop.id, brief);
    const version = await generate(shop.id, {
      briefId: saved.id,
      content: { ...content("  Café   au lait\u0000 "), tags: ["a", "A", " b "] },
    });
    expect(version).toMatchObject({
      number: 1,
      source: "generate",
      title: "Café au lait",
      handle: "cafe-au-lait",
    });
    const draft = await findDraft(t.db, shop.id, version.draftId);
    expect(draft).toMatchObject({ briefId: saved.id, title: "Café au lait", currentVersion: 1, cover: null });
    expect(draft.current.content.tags).toEqual(["a", "b"]);
    expect(draft.current.briefFields).toEqual(brief);
    expect(draft.versions).toEqual([
      { number: 1, source: "generate", actor: "user:1", createdAt: expect.any(Date), title: "Café au lait" },
    ]);
  });

  test("content over Shopify's limits is refused and nothing is written", async () => {
    const shop = await newShop();
    const error = await expectError(
      generate(shop.id, {
        content: {
          ...content("x".repeat(256)),
          tags: Array.from({ length: 40 }, (_, i) => `tag number ${i}`),
          bodyHtml: "<p>" + "a".repeat(512 * 1024) + "</p>",
        },
      }),
      InvalidContent,
    );
    expect(Object.keys(error.fieldErrors).sort()).toEqual(["bodyHtml", "metaTitle", "tags", "title"]);
    expect(await t.db.draft.count({ where: { shopId: shop.id } })).toBe(0);
  });

  test("another shop's draft, version, brief or cover is not found, and cannot be written to", async () => {
    const [mine, theirs] = [await newShop(), await newShop()];
    const version = await generate(theirs.id);
    const id = version.draftId;
    await expectError(findDraft(t.db, mine.id, id), ContentNotFound);
    await expectError(readVersion(t.db, mine.id, id, 1), ContentNotFound);
    await expectError(
      editDraft(t.db, {
        shopId: mine.id,
        draftId: id,
        actor: "user:2",
        baseVersion: 1,
        content: { title: "Mine" },
      }),
      ContentNotFound,
    );
    await expectError(
      restoreVersion(t.db, { shopId: mine.id, draftId: id, number: 1, actor: "user:2" }),
      ContentNotFound,
    );
    // Even "generate" with a taken id: the other shop's draft stays as it was.
    await expectError(generate(mine.id, { draftId: id }), ContentNotFound);
    await expectError(attachCover(t.db, { shopId: mine.id, draftId: id, cover: cover() }), ContentNotFound);
    await expectError(
      recordSaved(t.db, { shopId: mine.id, draftId: id, articleId: "a", blogId: "b", version: 1 }),
      ContentNotFound,
    );
    const theirBrief = await saveBrief(t.db, theirs.id, brief);
    await expectError(generate(mine.id, { briefId: theirBrief.id }), ContentNotFound);
    expect(await t.db.draftVersion.count({ where: { draftId: id } })).toBe(1);
    expect(await t.db.draft.count({ where: { shopId: mine.id } })).toBe(0);
    expect((await listDrafts(t.db, mine.id)).drafts).toEqual([]);
  });

  test("a version for a draft that does not exist is refused unless it generates the draft", async () => {
    const shop = await newShop();
    for (const source of ["regenerate", "rewrite", "edit", "restore"] as const)
      await expectError(generate(shop.id, { source }), ContentNotFound);
    expect(await t.db.draft.count({ where: { shopId: shop.id } })).toBe(0);
  });

  test("10 parallel writers on one draft get numbers 1 to 10, none fails", async () => {
    const shop = await newShop();
    const draftId = `d-${randomUUID()}`;
    // A second client is a second app instance on PostgreSQL. On SQLite a second connection in this one
    // process would block the event loop on the file lock the first holds, so both use the one client
    // (in production a second instance is another process).
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    const versions = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        writeVersion(i % 2 ? other : t.db, {
          shopId: shop.id,
          draftId,
          source: "generate",
          jobId: `job-${randomUUID()}`,
          actor: "user:1",
          brief,
          content: content(`Title ${i}`),
        }),
      ),
    );
    expect(versions.map((v) => v.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const draft = await findDraft(t.db, shop.id, draftId);
    expect(draft.currentVersion).toBe(10);
    expect(draft.title).toBe(versions.find((v) => v.number === 10)!.title);
  });

  test("the same job writing twice (a re-run after a crash) gets its first version back", async () => {
    const shop = await newShop();
    const first = await generate(shop.id, { jobId: "job-rerun-" + engine });
    const again = await generate(shop.id, {
      draftId: first.draftId,
      jobId: first.jobId,
      content: content("Other"),
    });
    expect(again).toEqual(first);
    const racing = await Promise.all(
      [1, 2, 3].map(() =>
        generate(shop.id, { draftId: first.draftId, source: "regenerate", jobId: "job-race-" + engine }),
      ),
    );
    expect(new Set(racing.map((v) => v.id)).size).toBe(1);
    expect(await t.db.draftVersion.count({ where: { draftId: first.draftId } })).toBe(2);
  });

  test("an edit writes an edit version; no change writes none; a stale base version is refused", async () => {
    const shop = await newShop();
    const { draftId } = await generate(shop.id);
    const edit = (baseVersion: number, change: Partial<DraftContent>) =>
      editDraft(t.db, { shopId: shop.id, draftId, actor: "user:2", baseVersion, content: change });

    const edited = await edit(1, { title: "My own title", tags: ["coffee"] });
    expect(edited).toMatchObject({ number: 2, source: "edit", actor: "user:2", title: "My own title" });
    expect(versionContent(edited)).toMatchObject({ tags: ["coffee"], bodyHtml: content().bodyHtml });

    const unchanged = await edit(2, { title: " My own  title " });
    expect(unchanged.id).toBe(edited.id);

    const stale = await expectError(edit(1, { title: "From an old tab" }), InvalidContent);
    expect(stale.fieldErrors).toEqual({ baseVersion: STALE_DRAFT });
    expect(await t.db.draftVersion.count({ where: { draftId } })).toBe(2);

    // Two tabs editing version 2 at once: one wins, the other is told to reload.
    const results = await Promise.allSettled([edit(2, { title: "Tab A" }), edit(2, { title: "Tab B" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(InvalidContent);
  });

  test("restoring copies an old version as the newest", async () => {
    const shop = await newShop();
    const { draftId } = await generate(shop.id);
    await editDraft(t.db, {
      shopId: shop.id,
      draftId,
      actor: "user:1",
      baseVersion: 1,
      content: { title: "Changed" },
    });
    const restored = await restoreVersion(t.db, { shopId: shop.id, draftId, number: 1, actor: "user:3" });
    expect(restored).toMatchObject({ number: 3, source: "restore", title: content().title });
    expect((await findDraft(t.db, shop.id, draftId)).versions.map((v) => v.source)).toEqual([
      "restore",
      "edit",
      "generate",
    ]);
    await expectError(
      restoreVersion(t.db, { shopId: shop.id, draftId, number: 9, actor: "user:3" }),
      ContentNotFound,
    );
  });

  test("a corrupt JSON column reads as empty, never throws", async () => {
    const shop = await newShop();
    const version = await generate(shop.id);
    await t.db.draftVersion.update({
      where: { id: version.id },
      data: { tags: "{not json", outline: '"a string"', brief: "[1,2" },
    });
    const draft = await findDraft(t.db, shop.id, version.draftId);
    expect(draft.current.content).toMatchObject({ tags: [], outline: [] });
    expect(draft.current.briefFields).toMatchObject({
      topic: "",
      keywords: [],
      products: [],
      length: "medium",
    });
  });

  test("a cover is stored once per job, becomes the draft's, and its PNG is read by id", async () => {
    const shop = await newShop();
    const { draftId } = await generate(shop.id);
    const first = await attachCover(t.db, {
      shopId: shop.id,
      draftId,
      jobId: `c-${randomUUID()}`,
      cover: cover(),
    });
    const again = await attachCover(t.db, {
      shopId: shop.id,
      draftId,
      jobId: first.jobId,
      cover: cover("Other"),
    });
    expect(again.id).toBe(first.id);
    const draft = await findDraft(t.db, shop.id, draftId);
    expect(draft.cover).toMatchObject({ id: first.id, altText: "A cup of coffee", width: 1200 });
    expect(draft.cover).not.toHaveProperty("png");
    const read = await readCoverPng(t.db, first.id);
    expect([...read!.png]).toEqual([...png]);
    expect(await readCoverPng(t.db, "nope")).toBeNull();

    const bad = await expectError(
      attachCover(t.db, {
        shopId: shop.id,
        draftId,
        cover: { ...cover("x".repeat(513)), png: new Uint8Array([1, 2, 3]) },
      }),
      InvalidContent,
    );
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(["altText", "png"]);
    expect(await t.db.cover.count({ where: { draftId } })).toBe(1);
  });

  test("listDrafts: newest first in pages, status, version counts, and credits spent from the ledger", async () => {
    const shop = await newShop();
    const other = await newShop();
    const a = await generate(shop.id, { content: content("Alpha guide") });
    const b = await generate(shop.id, { content: content("Beta guide") });
    const c = await generate(shop.id, { content: content("Gamma notes") });
    await editDraft(t.db, {
      shopId: shop.id,
      draftId: a.draftId,
      actor: "u",
      baseVersion: 1,
      content: { title: "Alpha Guide!" },
    });
    await recordSaved(t.db, {
      shopId: shop.id,
      draftId: b.draftId,
      articleId: "gid://shopify/Article/1",
      blogId: "gid://shopify/Blog/1",
      version: 1,
    });
    await recordSaved(t.db, {
      shopId: shop.id,
      draftId: a.draftId,
      articleId: "gid://shopify/Article/2",
      blogId: "gid://shopify/Blog/1",
      version: 1,
    });
    // Writes within one millisecond tie on updatedAt; fix the order the page must show.
    for (const [i, id] of [c.draftId, b.draftId, a.draftId].entries())
      await t.db.draft.update({ where: { id }, data: { updatedAt: new Date(Date.now() + (i + 1) * 1000) } });
    const entry = (shopId: string, type: string, credits: number, reference: string | null) =>
      t.db.ledgerEntry.create({ data: { shopId, type, credits, postedAfter: 0, reference } });
    await entry(shop.id, "debit", -2, a.draftId);
    await entry(shop.id, "debit", -1, a.draftId);
    await entry(shop.id, "grant", 50, a.draftId);
    await entry(other.id, "debit", -7, a.draftId);
    await entry(shop.id, "debit", -3, c.draftId);

    const first = await listDrafts(t.db, shop.id, { take: 2 });
    expect(first.drafts.map((d) => [d.title, d.status, d.versionCount, d.creditsSpent])).toEqual([
      ["Alpha Guide!", "changed since saved", 2, 3],
      ["Beta guide", "saved", 1, 0],
    ]);
    expect(first.drafts[0]).toMatchObject({
      currentVersion: 2,
      coverId: null,
      articleId: "gid://shopify/Article/2",
    });
    expect(typeof first.drafts[0]!.updatedAt).toBe("string");
    expect(first.nextCursor).toBe(b.draftId);
    const second = await listDrafts(t.db, shop.id, { take: 2, cursor: first.nextCursor! });
    expect(second.drafts.map((d) => [d.title, d.status, d.creditsSpent])).toEqual([
      ["Gamma notes", "draft", 3],
    ]);
    expect(second.nextCursor).toBeNull();
  });

  test("search matches titles in any case on both engines, and a wildcard is a literal", async () => {
    const shop = await newShop();
    await generate(shop.id, { content: content("Winter COFFEE guide") });
    await generate(shop.id, { content: content("Summer tea") });
    await generate(shop.id, { content: content("100% arabica") });
    const titles = async (search: string) =>
      (await listDrafts(t.db, shop.id, { search })).drafts.map((d) => d.title);
    expect(await titles("coffee")).toEqual(["Winter COFFEE guide"]);
    expect(await titles("  Winter   coffee ")).toEqual(["Winter COFFEE guide"]);
    expect(await titles("%")).toEqual(["100% arabica"]);
    expect(await titles("_")).toEqual([]);
    expect(await titles("")).toHaveLength(3);
  });
});
