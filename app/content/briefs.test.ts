import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import type { BriefFields } from "../ai/provider";
import { briefFromRow } from "./brief";
import { findBrief, listBriefs, saveBrief } from "./briefs.server";
import { ContentNotFound } from "./errors";

const fields: BriefFields = {
  topic: "Cold brew at home",
  audience: "coffee lovers",
  tone: "friendly",
  keywords: ["cold brew", "iced coffee"],
  length: "medium",
  language: "en",
  products: [
    {
      id: "gid://shopify/Product/1",
      title: "Cold brew jar",
      handle: "cold-brew-jar",
      url: "https://shop.example/products/cold-brew-jar",
      description: "A 1 l jar",
    },
  ],
};

describe.each(ENGINES)("briefs on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  const newShop = () => t.db.shop.create({ data: { domain: `b-${randomUUID().slice(0, 8)}.myshopify.com` } });

  test("a saved brief reads back with its lists, and an update changes the shop's own brief", async () => {
    const shop = await newShop();
    const saved = await saveBrief(t.db, shop.id, fields);
    expect(briefFromRow(await findBrief(t.db, shop.id, saved.id))).toEqual(fields);

    const updated = await saveBrief(t.db, shop.id, { ...fields, topic: "Iced tea", products: [] }, saved.id);
    expect(updated.id).toBe(saved.id);
    expect(briefFromRow(updated)).toEqual({ ...fields, topic: "Iced tea", products: [] });
    expect(await t.db.brief.count({ where: { shopId: shop.id } })).toBe(1);
  });

  test("another shop's brief is not found, and saving onto it changes nothing", async () => {
    const [mine, theirs] = [await newShop(), await newShop()];
    const theirBrief = await saveBrief(t.db, theirs.id, fields);
    await expect(findBrief(t.db, mine.id, theirBrief.id)).rejects.toBeInstanceOf(ContentNotFound);
    await expect(findBrief(t.db, mine.id, "no-such-id")).rejects.toBeInstanceOf(ContentNotFound);
    await expect(
      saveBrief(t.db, mine.id, { ...fields, topic: "Stolen" }, theirBrief.id),
    ).rejects.toBeInstanceOf(ContentNotFound);
    expect((await findBrief(t.db, theirs.id, theirBrief.id)).topic).toBe(fields.topic);
    expect(await listBriefs(t.db, mine.id)).toEqual([]);
  });

  test("listBriefs gives the shop's briefs, most recently changed first, up to `take`", async () => {
    const shop = await newShop();
    const first = await saveBrief(t.db, shop.id, { ...fields, topic: "First" });
    await saveBrief(t.db, shop.id, { ...fields, topic: "Second" });
    await t.db.brief.update({ where: { id: first.id }, data: { updatedAt: new Date(Date.now() + 60_000) } });
    expect((await listBriefs(t.db, shop.id)).map((b) => b.topic)).toEqual(["First", "Second"]);
    expect((await listBriefs(t.db, shop.id, { take: 1 })).map((b) => b.topic)).toEqual(["First"]);
  });

  test("a brief row with corrupt JSON columns reads as empty lists", async () => {
    const shop = await newShop();
    const saved = await saveBrief(t.db, shop.id, fields);
    await t.db.brief.update({ where: { id: saved.id }, data: { keywords: "[oops", products: "{}" } });
    expect(briefFromRow(await findBrief(t.db, shop.id, saved.id))).toMatchObject({
      keywords: [],
      products: [],
    });
  });
});
