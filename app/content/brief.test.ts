import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Brief } from "@prisma-generated/sqlite";
import {
  BRIEF_LIMITS,
  briefFromJson,
  briefFromRow,
  briefRowData,
  parseBrief,
  requireBrief,
  TONES,
  type BriefInput,
} from "./brief";
import { InvalidContent } from "./errors";
import type { BriefFields } from "../ai/provider";

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
};

const FIELDS = ["topic", "audience", "tone", "keywords", "length", "language", "productIds"];

describe("parseBrief", () => {
  test("reads a form post: tidied text, comma-separated and repeated keywords, repeated product ids", () => {
    const result = parseBrief(
      form([
        ["topic", "  Brewing   pour over\ncoffee "],
        ["audience", "home baristas"],
        ["tone", "Playful"],
        ["keywords", "pour over, V60 ,, Pour Over"],
        ["keywords", "grind size"],
        ["length", "long"],
        ["language", "PT-BR"],
        ["productIds", "gid://shopify/Product/12"],
        ["productIds", "gid://shopify/Product/12"],
        ["productIds", "gid://shopify/Product/7"],
      ]),
    );
    expect(result).toEqual({
      ok: true,
      brief: {
        topic: "Brewing pour over coffee",
        audience: "home baristas",
        tone: "playful",
        keywords: ["pour over", "V60", "grind size"],
        length: "long",
        language: "pt-BR",
        productIds: ["gid://shopify/Product/12", "gid://shopify/Product/7"],
      },
    });
  });

  test("missing tone, length and language take the defaults; a free tone is kept", () => {
    expect(parseBrief({ topic: "Tea", tone: "dry, witty" })).toEqual({
      ok: true,
      brief: {
        topic: "Tea",
        audience: "",
        tone: "dry, witty",
        keywords: [],
        length: "medium",
        language: "en",
        productIds: [],
      },
    });
  });

  test("an empty brief is an error on the topic", () => {
    expect(parseBrief(new FormData())).toEqual({
      ok: false,
      fieldErrors: { topic: "Give a topic of at least 3 characters" },
    });
  });

  test("each bad field is named with a sentence", () => {
    const result = parseBrief({
      topic: "x".repeat(201),
      audience: "a".repeat(301),
      tone: "t".repeat(41),
      keywords: Array.from({ length: 11 }, (_, i) => `k${i}`).join(","),
      length: "huge",
      language: "english!",
      productIds: ["gid://shopify/Variant/1"],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.fieldErrors).sort()).toEqual([...FIELDS].sort());
    expect(result.fieldErrors.topic).toBe("The topic can be at most 200 characters");
    expect(parseBrief({ topic: "ok topic", keywords: "k".repeat(61) })).toMatchObject({
      ok: false,
      fieldErrors: { keywords: "A keyword can be at most 60 characters" },
    });
    expect(parseBrief({ topic: "bell\u0007 here" })).toMatchObject({
      ok: false,
      fieldErrors: { topic: "The topic cannot contain control characters" },
    });
    expect(
      parseBrief({
        topic: ["Ok topic"],
        productIds: Array.from({ length: 11 }, (_, i) => `gid://shopify/Product/${i + 1}`),
      }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { productIds: "Pick at most 10 products" },
    });
  });

  test("requireBrief throws InvalidContent with the field errors", () => {
    expect(() => requireBrief({})).toThrow(InvalidContent);
    expect(requireBrief({ topic: "Coffee" }).topic).toBe("Coffee");
  });

  test("property: any input parses or names fields, never throws, and a parsed brief is within the limits", () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`parseBrief property: seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const value = fc.oneof(
      fc.string({ maxLength: 250 }),
      fc.string({ unit: "binary", maxLength: 80 }),
      fc.constantFrom(...TONES, "short", "medium", "long", "en", "pt-BR", "gid://shopify/Product/1", " , ,"),
      fc.anything(),
    );
    const anyRecord = fc.dictionary(
      fc.constantFrom(...FIELDS, "other"),
      fc.oneof(value, fc.array(value, { maxLength: 12 })),
    );
    // Close to a real form, so that many pass and the limits are probed from the inside too.
    const likelyBrief = fc.record(
      {
        topic: fc.string({ minLength: 3, maxLength: 210 }),
        audience: fc.string({ maxLength: 310 }),
        tone: fc.oneof(fc.constantFrom(...TONES), fc.string({ maxLength: 45 })),
        keywords: fc.array(fc.string({ maxLength: 65 }), { maxLength: 12 }).map((k) => k.join(",")),
        length: fc.constantFrom("short", "medium", "long", "LONG"),
        language: fc.constantFrom("en", "de", "pt-BR", "zh-Hant-TW", "EN-us", "e"),
        productIds: fc.array(
          fc.oneof(
            fc.nat().map((n) => `gid://shopify/Product/${n + 1}`),
            fc.string(),
          ),
          { maxLength: 11 },
        ),
      },
      { requiredKeys: ["topic"] },
    );
    const input = fc.oneof(anyRecord, likelyBrief);
    const outcomes = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(input, (record) => {
        const result = parseBrief(record);
        outcomes[result.ok ? "ok" : "refused"]++;
        if (!result.ok) {
          expect(Object.keys(result.fieldErrors).every((key) => FIELDS.includes(key))).toBe(true);
          expect(Object.values(result.fieldErrors).every((m) => typeof m === "string" && m.length > 0)).toBe(
            true,
          );
          return;
        }
        checkLimits(result.brief);
        // Parsing what came out gives the same brief back.
        expect(parseBrief({ ...result.brief, keywords: result.brief.keywords.join(",") })).toEqual(result);
      }),
      { seed, numRuns: 500 },
    );
    // The generator reaches both sides, or the property proves little.
    expect(outcomes.ok).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(10);
  });
});

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function checkLimits(brief: BriefInput) {
  const tidy = (s: string) => !CONTROL.test(s) && s === s.trim() && !/\s\s/.test(s);
  expect(brief.topic.length).toBeGreaterThanOrEqual(BRIEF_LIMITS.topic.min);
  expect(brief.topic.length).toBeLessThanOrEqual(BRIEF_LIMITS.topic.max);
  expect(brief.audience.length).toBeLessThanOrEqual(BRIEF_LIMITS.audience.max);
  expect(brief.tone.length).toBeGreaterThan(0);
  expect(brief.tone.length).toBeLessThanOrEqual(BRIEF_LIMITS.tone.max);
  expect(brief.keywords.length).toBeLessThanOrEqual(BRIEF_LIMITS.keywords.count);
  for (const text of [brief.topic, brief.audience, brief.tone, ...brief.keywords])
    expect(tidy(text)).toBe(true);
  for (const keyword of brief.keywords)
    expect(keyword.length).toBeLessThanOrEqual(BRIEF_LIMITS.keywords.each);
  expect(["short", "medium", "long"]).toContain(brief.length);
  expect(brief.language).toMatch(/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i);
  expect(brief.productIds.length).toBeLessThanOrEqual(BRIEF_LIMITS.products.count);
  for (const id of brief.productIds) expect(id).toMatch(/^gid:\/\/shopify\/Product\/\d+$/);
}

describe("brief rows", () => {
  const fields: BriefFields = {
    topic: "Tea",
    audience: "",
    tone: "calm",
    keywords: ["green tea"],
    length: "short",
    language: "ja",
    products: [
      {
        id: "gid://shopify/Product/1",
        title: "Sencha",
        handle: "sencha",
        url: "https://s/products/sencha",
        description: "",
      },
    ],
  };
  const row = (data: Partial<Brief>): Brief => ({
    id: "b1",
    shopId: "s1",
    createdAt: new Date(),
    updatedAt: new Date(),
    ...briefRowData(fields),
    ...data,
  });

  test("a row's JSON columns read back as the fields written", () => {
    expect(briefFromRow(row({}))).toEqual(fields);
    expect(briefFromJson(JSON.stringify(fields))).toEqual(fields);
  });

  test("corrupt JSON columns read as empty lists and unknown values as defaults, never throw", () => {
    expect(
      briefFromRow(
        row({
          keywords: "{oops",
          products: '[{"title":1},"x",{"id":"gid://shopify/Product/2"}]',
          length: "huge",
        }),
      ),
    ).toEqual({
      ...fields,
      keywords: [],
      length: "medium",
      products: [{ id: "gid://shopify/Product/2", title: "", handle: "", url: "", description: "" }],
    });
    expect(briefFromJson("not json")).toMatchObject({
      topic: "",
      keywords: [],
      products: [],
      length: "medium",
    });
    expect(briefFromJson("null")).toMatchObject({ topic: "", language: "en" });
  });
});
