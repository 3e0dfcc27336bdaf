import { describe, expect, test } from "vitest";
import { TARGET_WORDS } from "./offline-draft";
import { offlineWriter } from "./offline-writer.server";
import type { BriefFields, StoreProduct } from "./provider";
import { plainText, wordCount } from "./text";

const product = (n: number, description = `A steel burr grinder, model ${n}. It has 40 grind settings.`) =>
  ({
    id: `gid://shopify/Product/${n}`,
    title: `Grinder ${n}`,
    handle: `grinder-${n}`,
    url: `https://coffee.example.com/products/grinder-${n}`,
    description,
  }) satisfies StoreProduct;

const BRIEF: BriefFields = {
  topic: "Brewing better coffee at home",
  audience: "home baristas",
  tone: "friendly",
  keywords: ["cold brew", "coffee grinder", "pour over"],
  length: "medium",
  language: "en",
  products: [product(1), product(2)],
};

const writer = offlineWriter();

/** Tags opened and closed in order: the HTML nests properly (void tags aside). */
function balanced(html: string): boolean {
  const open: string[] = [];
  for (const [, closing, name] of html.matchAll(/<(\/?)([a-z0-9]+)\b[^>]*>/gi)) {
    if (["br", "img", "hr"].includes(name!.toLowerCase())) continue;
    if (!closing) open.push(name!.toLowerCase());
    else if (open.pop() !== name!.toLowerCase()) return false;
  }
  return open.length === 0;
}

describe("writeDraft", () => {
  test("the same brief gives the same draft, byte for byte; another brief another one", async () => {
    const first = await writer.writeDraft(BRIEF);
    expect(await offlineWriter().writeDraft(structuredClone(BRIEF))).toEqual(first);
    expect(await writer.writeDraft({ ...BRIEF, topic: "Tea for beginners" })).not.toEqual(first);
  });

  test("the primary keyword is in the title, the first paragraph and headings; other keywords in headings", async () => {
    const draft = await writer.writeDraft(BRIEF);
    expect(draft.title).toContain("cold brew");
    const firstParagraph = /^<p>(.*?)<\/p>/.exec(draft.bodyHtml)![1]!;
    expect(firstParagraph).toContain("cold brew");
    expect(firstParagraph).toContain("home baristas");
    const headings = [...draft.bodyHtml.matchAll(/<h2>(.*?)<\/h2>/g)].map((match) => match[1]);
    expect(headings.some((heading) => heading!.includes("cold brew"))).toBe(true);
    expect(headings.some((heading) => heading!.includes("coffee grinder"))).toBe(true);
    expect(draft.outline).toEqual(headings);
    expect(draft.bodyHtml).toMatch(/<h3>/);
    expect(draft.bodyHtml).toMatch(/<ul><li>/);
    expect(balanced(draft.bodyHtml)).toBe(true);
  });

  test("every product of the brief is linked to its real URL and its description is used", async () => {
    const products = [1, 2, 3, 4, 5, 6, 7].map((n) => product(n));
    for (const length of ["short", "long"] as const) {
      const draft = await writer.writeDraft({ ...BRIEF, products, length });
      for (const { url, title } of products)
        expect(draft.bodyHtml).toContain(`<a href="${url}">${title}</a>`);
      expect(draft.bodyHtml).toContain("A steel burr grinder, model 1. It has 40 grind settings.");
    }
  });

  test("the length field sets the word count: short ~400, medium ~800, long ~1400 (within 15%)", async () => {
    for (const products of [[], [product(1)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => product(n))])
      for (const length of ["short", "medium", "long"] as const) {
        const words = wordCount((await writer.writeDraft({ ...BRIEF, products, length })).bodyHtml);
        expect(
          Math.abs(words - TARGET_WORDS[length]) / TARGET_WORDS[length],
          `${length}: ${words}`,
        ).toBeLessThan(0.15);
      }
  });

  test("the tone sets the wording", async () => {
    const friendly = await writer.writeDraft(BRIEF);
    const professional = await writer.writeDraft({ ...BRIEF, tone: "professional" });
    expect(friendly.bodyHtml).toContain("Have fun with it");
    expect(professional.bodyHtml).not.toContain("Have fun with it");
    expect(professional.bodyHtml).toContain("<h2>Summary</h2>");
  });

  test("the SEO fields keep their limits: meta title ≤ 60, meta description 120–155, a lower-case handle", async () => {
    const long = { ...BRIEF, topic: "A very long topic ".repeat(10).trim(), audience: "x".repeat(300) };
    for (const brief of [
      BRIEF,
      long,
      { ...BRIEF, keywords: [], audience: "" },
      { ...BRIEF, topic: "Café crème" },
    ]) {
      const draft = await writer.writeDraft(brief);
      expect(draft.metaTitle.length).toBeLessThanOrEqual(60);
      expect(draft.metaDescription.length).toBeGreaterThanOrEqual(120);
      expect(draft.metaDescription.length).toBeLessThanOrEqual(155);
      expect(draft.handle).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(draft.excerpt.length).toBeGreaterThan(20);
    }
    expect((await writer.writeDraft({ ...BRIEF, topic: "Café crème" })).handle).toMatch(/^cafe-creme/);
    expect((await writer.writeDraft({ ...BRIEF, topic: "コーヒーの淹れ方", keywords: [] })).handle).toMatch(
      /^article-/,
    );
    expect((await writer.writeDraft(BRIEF)).tags).toEqual([
      "cold brew",
      "coffee grinder",
      "pour over",
      "Grinder 1",
      "Grinder 2",
    ]);
  });

  test("hostile brief text is escaped in the HTML; a javascript: product URL is never a link", async () => {
    const hostile: BriefFields = {
      ...BRIEF,
      topic: `<script>alert(1)</script> coffee`,
      audience: `"><img src=x onerror=alert(1)>`,
      keywords: [`<b>cold</b> brew`],
      products: [
        { ...product(1), title: `<svg onload=alert(1)>`, description: `<iframe src="//evil">` },
        { ...product(2), url: "javascript:alert(1)" },
      ],
    };
    const draft = await writer.writeDraft(hostile);
    expect(draft.bodyHtml).not.toMatch(/<script|<img|<svg|<iframe|<b>|javascript:/i);
    expect(draft.bodyHtml).toContain("&lt;script&gt;alert(1)&lt;/script&gt; coffee");
    expect(draft.bodyHtml).toContain("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    expect(draft.bodyHtml).toContain("Grinder 2");
    expect(balanced(draft.bodyHtml)).toBe(true);
  });
});

describe("researchTopics", () => {
  test("five ranked ideas on the brief's keywords, naming and featuring its products", async () => {
    const ideas = await writer.researchTopics(BRIEF);
    expect(ideas).toHaveLength(5);
    expect(ideas.map((idea) => idea.keyword)).toEqual([
      "cold brew",
      "coffee grinder",
      "pour over",
      "cold brew",
      "coffee grinder",
    ]);
    expect(ideas[0]).toMatchObject({
      whyItFits: expect.stringContaining("Grinder 1 and Grinder 2"),
      productIds: ["gid://shopify/Product/1", "gid://shopify/Product/2"],
    });
    for (const idea of ideas) {
      expect(idea.title.toLowerCase()).toContain(idea.keyword);
      expect(idea.outline.length).toBeGreaterThanOrEqual(4);
      expect(idea.productIds.length).toBeGreaterThan(0);
      for (const id of idea.productIds) expect(BRIEF.products.map((p) => p.id)).toContain(id);
    }
    expect(await writer.researchTopics(BRIEF)).toEqual(ideas);
  });

  test("without products, no idea claims one", async () => {
    const ideas = await writer.researchTopics({ ...BRIEF, products: [] });
    for (const idea of ideas) {
      expect(idea.productIds).toEqual([]);
      expect(idea.whyItFits).toContain("add products to the brief");
    }
  });
});

describe("rewrite", () => {
  const selection = `<p>You will find it is <a href="https://x.example/p">great. Really</a> fun. It is good; we are happy.</p>`;

  test("each instruction changes the text and keeps the HTML valid, for the whole body and a selection", async () => {
    const draft = await writer.writeDraft(BRIEF);
    for (const instruction of ["Make it shorter", "Friendlier", "More SEO-focused", "Sound like a pirate"])
      for (const chosen of [null, selection]) {
        const result = await writer.rewrite({ brief: BRIEF, draft, instruction, selection: chosen });
        expect(result, instruction).not.toBe(chosen ?? draft.bodyHtml);
        expect(balanced(result), instruction).toBe(true);
        expect(await writer.rewrite({ brief: BRIEF, draft, instruction, selection: chosen })).toBe(result);
      }
  });

  test("shorter drops sentences, never inside a link", async () => {
    const draft = await writer.writeDraft(BRIEF);
    const result = await writer.rewrite({
      brief: BRIEF,
      draft,
      instruction: "Make it shorter",
      selection: null,
    });
    expect(wordCount(result)).toBeLessThan(wordCount(draft.bodyHtml) * 0.8);
    expect(await writer.rewrite({ brief: BRIEF, draft, instruction: "Make it shorter", selection })).toBe(
      `<p>You will find it is <a href="https://x.example/p">great.</a> fun.</p>`,
    );
  });

  test("friendlier uses contractions; more SEO-focused works in the missing keywords", async () => {
    const draft = await writer.writeDraft(BRIEF);
    expect(await writer.rewrite({ brief: BRIEF, draft, instruction: "Friendlier", selection })).toBe(
      `<p>You'll find it's <a href="https://x.example/p">great. Really</a> fun. It's good; we're happy.</p>`,
    );
    const seo = await writer.rewrite({ brief: BRIEF, draft, instruction: "More SEO-focused", selection });
    for (const keyword of BRIEF.keywords) expect(plainText(seo)).toContain(keyword);
  });

  test("text that cannot get shorter is refused with a reason", async () => {
    const draft = await writer.writeDraft(BRIEF);
    await expect(
      writer.rewrite({ brief: BRIEF, draft, instruction: "shorter", selection: "Tiny." }),
    ).rejects.toMatchObject({ name: "AiError", code: "refused" });
  });
});

describe("drawCover", () => {
  test("a 1200x630 PNG, the same bytes for the same input, with alt text that describes it", async () => {
    const input = { brief: BRIEF, title: "Cold brew at home <&>", excerpt: "" };
    const cover = await writer.drawCover(input);
    expect(Buffer.from(cover.png.subarray(0, 8)).toString("hex")).toBe("89504e470d0a1a0a");
    const view = new DataView(cover.png.buffer, cover.png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([1200, 630]);
    expect([cover.width, cover.height]).toEqual([1200, 630]);
    expect(Buffer.from((await offlineWriter().drawCover(input)).png).equals(Buffer.from(cover.png))).toBe(
      true,
    );
    expect(cover.altText).toMatch(
      /^Cover for "Cold brew at home <&>": the title in white on a \w+ to \w+ gradient/,
    );
    const other = await writer.drawCover({ ...input, title: "Tea" });
    expect(Buffer.from(other.png).equals(Buffer.from(cover.png))).toBe(false);
  });
});
