import { describe, expect, test } from "vitest";
import type { DraftContent } from "../ai/provider";
import { seoChecklist, type SeoContext } from "./seo";

const paragraph = (n: number, extra = "") => `<p>${extra}${" word".repeat(n).trim()}</p>`;

const good: DraftContent = {
  title: "How to brew pour over coffee at home",
  outline: [],
  bodyHtml:
    `<p>Pour over coffee is simple with the <a href="https://shop.example/products/v60">V60 dripper</a>.</p>` +
    `<h2>Beans</h2>${paragraph(150)}<h3>Roast</h3>${paragraph(50)}<h2>Grind</h2>${paragraph(150)}` +
    `<img src="x.png" alt="A dripper on a mug">`,
  metaTitle: "",
  metaDescription:
    "Learn to brew pour over coffee at home: beans, grind size, water temperature and the pour, step by step with a V60 dripper.",
  excerpt: "",
  tags: [],
  handle: "brew-pour-over-coffee",
};
const context: SeoContext = {
  keywords: ["pour over"],
  productUrls: ["https://shop.example/products/v60"],
  cover: { altText: "Coffee dripping into a cup" },
};

const statuses = (content: DraftContent, ctx: SeoContext = context) =>
  Object.fromEntries(seoChecklist(content, ctx).checks.map((c) => [c.id, c.status]));

describe("seoChecklist", () => {
  test("a well-formed article passes every check and scores 100", () => {
    const report = seoChecklist(good, context);
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.score).toBe(100);
    expect(report.words).toBe(362);
    expect(report.readingMinutes).toBe(2);
  });

  test("title length: up to 60 passes, up to 70 warns, longer or empty fails; the meta title counts first", () => {
    const title = (n: number) => ({ ...good, title: `pour over ${"x".repeat(n - 10)}` });
    expect(statuses(title(60))["title-length"]).toBe("pass");
    expect(statuses(title(70))["title-length"]).toBe("warn");
    expect(statuses(title(71))["title-length"]).toBe("fail");
    expect(statuses({ ...title(71), metaTitle: "Pour over at home" })["title-length"]).toBe("pass");
    expect(statuses({ ...good, title: " " })["title-length"]).toBe("fail");
  });

  test("meta description: 120–160 passes, other lengths warn, none fails", () => {
    const meta = (n: number) => statuses({ ...good, metaDescription: "a".repeat(n) })["meta-description"];
    expect([meta(119), meta(120), meta(160), meta(161), meta(0)]).toEqual([
      "warn",
      "pass",
      "pass",
      "warn",
      "fail",
    ]);
  });

  test("keywords are matched as whole words in any case, in the title and the opening", () => {
    expect(statuses(good, { ...context, keywords: ["POUR OVER"] })).toMatchObject({
      "keyword-in-title": "pass",
      "keyword-in-opening": "pass",
    });
    expect(statuses(good, { ...context, keywords: ["pour"] })["keyword-in-title"]).toBe("pass");
    expect(statuses(good, { ...context, keywords: ["our"] })).toMatchObject({
      "keyword-in-title": "fail",
      "keyword-in-opening": "fail",
    });
    const late = { ...good, bodyHtml: `${paragraph(120)}<p>pour over</p>` };
    expect(statuses(late)["keyword-in-opening"]).toBe("fail");
    expect(statuses(good, { ...context, keywords: [] })["keyword-in-title"]).toBe("warn");
  });

  test("headings: an h1 in the body or a skipped level fails, fewer than two h2 warns", () => {
    const withBody = (bodyHtml: string) => statuses({ ...good, bodyHtml }).headings;
    expect(withBody("<h1>Title</h1><h2>a</h2><h2>b</h2>")).toBe("fail");
    expect(withBody("<h2>a</h2><h4>b</h4><h2>c</h2>")).toBe("fail");
    expect(withBody("<h3>a</h3><h2>b</h2><h2>c</h2>")).toBe("fail");
    expect(withBody("<h2>a</h2><h3>b</h3><h4>c</h4><h2>d</h2>")).toBe("pass");
    expect(withBody("<h2>only one</h2>")).toBe("warn");
  });

  test("product links: a link to a brief product's page passes, relative or absolute", () => {
    const link = (href: string) =>
      statuses({ ...good, bodyHtml: `<p>See <a href="${href}">it</a></p>` })["product-links"];
    expect(link("/products/v60/")).toBe("pass");
    expect(link("https://shop.example/products/other")).toBe("fail");
    expect(statuses(good, { ...context, productUrls: [] })["product-links"]).toBe("warn");
  });

  test("image alt text: a body image without alt or a cover with empty alt fails, no cover warns", () => {
    expect(statuses({ ...good, bodyHtml: good.bodyHtml + '<img src="y.png">' })["image-alt"]).toBe("fail");
    expect(statuses(good, { ...context, cover: { altText: "  " } })["image-alt"]).toBe("fail");
    expect(statuses(good, { ...context, cover: null })["image-alt"]).toBe("warn");
  });

  test("handle: lower-case with single hyphens, at most 80 characters", () => {
    const handle = (h: string) => statuses({ ...good, handle: h }).handle;
    expect([handle("Pour-Over"), handle("a--b"), handle("a".repeat(81)), handle("a-b")]).toEqual([
      "fail",
      "fail",
      "warn",
      "pass",
    ]);
  });

  test("a short article warns on reading time and the score counts warnings half", () => {
    const report = seoChecklist(
      { ...good, bodyHtml: "<p>pour over in ten words, no more, no less here.</p>" },
      context,
    );
    expect(report).toMatchObject({ words: 10, readingMinutes: 1 });
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    expect(byId).toMatchObject({ "reading-time": "warn", headings: "warn", "product-links": "fail" });
    // 6 passes, 2 warnings, 1 failure of 9 checks.
    expect(report.score).toBe(78);
    // Deterministic: the same input gives the same report.
    expect(seoChecklist(good, context)).toEqual(seoChecklist(good, context));
  });
});
