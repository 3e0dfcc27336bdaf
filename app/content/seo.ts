// The SEO checklist shown beside a draft: free, deterministic, computed from the content alone. It reads the
// body with app/content/html.ts's tag scanner, so it sees what the markup says (headings, links, images,
// text), not how a theme will render it.
import type { DraftContent } from "../ai/provider";
import { countWords, htmlTextLines, scanHtml } from "./html";

export type SeoStatus = "pass" | "warn" | "fail";

export interface SeoCheck {
  id:
    | "title-length"
    | "meta-description"
    | "keyword-in-title"
    | "keyword-in-opening"
    | "headings"
    | "product-links"
    | "image-alt"
    | "reading-time"
    | "handle";
  label: string;
  status: SeoStatus;
  detail: string;
}

export interface SeoReport {
  checks: SeoCheck[];
  /** 0–100: a pass counts fully, a warning half. */
  score: number;
  readingMinutes: number;
  words: number;
}

export interface SeoContext {
  keywords: string[];
  /** The online store's URLs of the brief's products. */
  productUrls: string[];
  cover: { altText: string } | null;
}

export const SEO_RULES = {
  title: { pass: 60, warn: 70 },
  metaDescription: { min: 120, max: 160 },
  openingWords: 100,
  wordsPerMinute: 200,
  thinWords: 300,
  handle: 80,
} as const;

interface BodyFacts {
  headings: number[];
  links: string[];
  images: { alt: string }[];
  firstParagraph: string;
  text: string;
}

function readBody(html: string): BodyFacts {
  const facts: BodyFacts = { headings: [], links: [], images: [], firstParagraph: "", text: "" };
  let paragraph: string | null = null;
  for (const token of scanHtml(html)) {
    if (token.type === "text") {
      if (paragraph !== null) paragraph += token.text;
    } else if (token.type === "open") {
      const heading = /^h([1-6])$/.exec(token.name);
      if (heading) facts.headings.push(Number(heading[1]));
      else if (token.name === "a" && token.attrs.href) facts.links.push(token.attrs.href);
      else if (token.name === "img") facts.images.push({ alt: (token.attrs.alt ?? "").trim() });
      else if (token.name === "p" && !facts.firstParagraph && paragraph === null) paragraph = "";
    } else if (token.name === "p" && paragraph !== null) {
      facts.firstParagraph = paragraph.replace(/\s+/g, " ").trim();
      // An empty <p></p> is not the opening: wait for one with text.
      paragraph = null;
    }
  }
  facts.text = htmlTextLines(html).join("\n");
  return facts;
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether `text` holds the keyword as whole words, ignoring case. */
function mentions(text: string, keyword: string): boolean {
  const words = keyword.trim().split(/\s+/).filter(Boolean).map(escapeRegExp);
  if (!words.length) return false;
  return new RegExp(`(?<![\\p{L}\\p{N}])${words.join("\\s+")}(?![\\p{L}\\p{N}])`, "iu").test(text);
}

function firstWords(text: string, count: number): string {
  return (text.match(/\S+/g) ?? []).slice(0, count).join(" ");
}

/** The path of a URL (absolute, or relative to the store), lower-case, without a trailing slash. */
function urlPath(url: string): string | null {
  try {
    return new URL(url, "https://store.invalid").pathname.replace(/\/+$/, "").toLowerCase();
  } catch {
    return null;
  }
}

const check = (id: SeoCheck["id"], label: string, status: SeoStatus, detail: string): SeoCheck => ({
  id,
  label,
  status,
  detail,
});

export function seoChecklist(content: DraftContent, context: SeoContext): SeoReport {
  const body = readBody(content.bodyHtml);
  const words = countWords(body.text);
  const readingMinutes = words ? Math.max(1, Math.round(words / SEO_RULES.wordsPerMinute)) : 0;
  const keywords = context.keywords.map((k) => k.trim()).filter(Boolean);
  // Search engines show the meta title when there is one, else the article's title.
  const shownTitle = (content.metaTitle || content.title).trim();
  const checks: SeoCheck[] = [];

  {
    const n = shownTitle.length;
    const { pass, warn } = SEO_RULES.title;
    checks.push(
      check(
        "title-length",
        "Title length",
        n === 0 ? "fail" : n <= pass ? "pass" : n <= warn ? "warn" : "fail",
        n === 0
          ? "Add a title"
          : n <= pass
            ? `${n} characters: shown in full in search results`
            : `${n} characters: search results cut titles after about ${pass}`,
      ),
    );
  }
  {
    const n = content.metaDescription.trim().length;
    const { min, max } = SEO_RULES.metaDescription;
    checks.push(
      check(
        "meta-description",
        "Meta description",
        n === 0 ? "fail" : n >= min && n <= max ? "pass" : "warn",
        n === 0
          ? "Add a meta description: search results show it under the title"
          : n < min
            ? `${n} characters: aim for ${min}–${max} to fill the snippet`
            : n > max
              ? `${n} characters: search results cut it after about ${max}`
              : `${n} characters`,
      ),
    );
  }

  const noKeywords = "The brief has no keywords to check";
  {
    const found = keywords.find((k) => mentions(content.title, k) || mentions(content.metaTitle, k));
    checks.push(
      check(
        "keyword-in-title",
        "Keyword in the title",
        !keywords.length ? "warn" : found ? "pass" : "fail",
        !keywords.length
          ? noKeywords
          : found
            ? `The title mentions “${found}”`
            : "The title mentions no keyword",
      ),
    );
  }
  {
    const opening = `${body.firstParagraph}\n${firstWords(body.text, SEO_RULES.openingWords)}`;
    const found = keywords.find((k) => mentions(opening, k));
    checks.push(
      check(
        "keyword-in-opening",
        "Keyword in the opening",
        !keywords.length ? "warn" : found ? "pass" : "fail",
        !keywords.length
          ? noKeywords
          : found
            ? `The opening mentions “${found}”`
            : `Mention a keyword in the first paragraph or the first ${SEO_RULES.openingWords} words`,
      ),
    );
  }
  {
    const h2 = body.headings.filter((level) => level === 2).length;
    const h1 = body.headings.includes(1);
    // A level may go down by any amount but up by one only (the title is the h1): h2 → h4 skips h3.
    const skip = body.headings.find((level, i) => level > (i ? body.headings[i - 1]! : 1) + 1);
    checks.push(
      check(
        "headings",
        "Heading structure",
        h1 || skip ? "fail" : h2 >= 2 ? "pass" : "warn",
        h1
          ? "Remove the h1 from the body: the article's title is its h1"
          : skip
            ? `An h${skip} comes without the level above it`
            : h2 >= 2
              ? `${h2} sections with h2 headings`
              : "Split the article into at least 2 sections with h2 headings",
      ),
    );
  }
  {
    const wanted = new Set(context.productUrls.map(urlPath).filter((path): path is string => !!path));
    const linked = body.links.filter((href) => {
      const path = urlPath(href);
      return path !== null && wanted.has(path);
    });
    checks.push(
      check(
        "product-links",
        "Links to products",
        !wanted.size ? "warn" : linked.length ? "pass" : "fail",
        !wanted.size
          ? "The brief features no products to link to"
          : linked.length
            ? `${new Set(linked.map(urlPath)).size} of ${wanted.size} products linked`
            : "Link to at least one of the brief's products",
      ),
    );
  }
  {
    const missing = body.images.filter((image) => !image.alt).length;
    const coverAlt = context.cover?.altText.trim() ?? "";
    const status: SeoStatus =
      missing || (context.cover && !coverAlt) ? "fail" : !context.cover ? "warn" : "pass";
    const detail = missing
      ? `${missing} image${missing > 1 ? "s" : ""} in the body without alt text`
      : context.cover && !coverAlt
        ? "Describe the cover image in its alt text"
        : !context.cover
          ? "Add a cover image: Shopify shows it with the article and in shares"
          : "Every image has alt text";
    checks.push(check("image-alt", "Image alt text", status, detail));
  }
  checks.push(
    check(
      "reading-time",
      "Reading time",
      words >= SEO_RULES.thinWords ? "pass" : "warn",
      words >= SEO_RULES.thinWords
        ? `About ${readingMinutes} min (${words} words)`
        : `${words} words: articles under ${SEO_RULES.thinWords} words rarely rank`,
    ),
  );
  {
    const handle = content.handle;
    const valid = /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(handle);
    checks.push(
      check(
        "handle",
        "URL handle",
        !valid ? "fail" : handle.length <= SEO_RULES.handle ? "pass" : "warn",
        !valid
          ? "Use lower-case letters, digits and single hyphens"
          : handle.length <= SEO_RULES.handle
            ? `/blogs/…/${handle}`
            : `${handle.length} characters: keep it under ${SEO_RULES.handle}`,
      ),
    );
  }

  const points = checks.reduce(
    (sum, c) => sum + (c.status === "pass" ? 1 : c.status === "warn" ? 0.5 : 0),
    0,
  );
  return { checks, score: Math.round((points / checks.length) * 100), readingMinutes, words };
}
