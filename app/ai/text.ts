// Small text helpers both providers share: HTML escaping, word counts, clipping to the article fields'
// limits, URL handles, and a stable hash for choices that must not change between runs.

import { dedupe } from "../content/brief";
import { countWords, htmlTextLines } from "../content/html";

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Merchant text made safe inside HTML or SVG text and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/** The text a reader sees, as the SEO checklist reads it (app/content/html.ts). */
export const plainText = (html: string) => htmlTextLines(html).join(" ");

/** Words as the SEO checklist counts them, so the writer's length bands and the checklist agree. */
export const wordCount = (html: string) => countWords(plainText(html));

/** At most `max` characters, cut at a word boundary when there is one in the second half. */
export function clip(value: string, max: number): string {
  const text = value.replace(/\s+/g, " ").trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const space = cut.lastIndexOf(" ");
  return (space > max / 2 ? cut.slice(0, space) : text.slice(0, max)).replace(/[\s,;:–-]+$/, "");
}

/** Meta titles: search results show about 60 characters. */
export const META_TITLE_MAX = 60;
/** Meta descriptions: long enough to say something, short enough not to be cut in results. */
export const META_DESCRIPTION = { min: 120, max: 155 } as const;

/** FNV-1a, 32 bits: a stable number for a string, to pick wording and colours the same way every run. */
export function stableHash(value: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < value.length; index++) {
    hash ^= value.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Tags as Shopify stores them: one line each, no commas, no empties or case-insensitive repeats, at most `max`. */
export function tidyTags(tags: string[], max = 10): string[] {
  return dedupe(tags.map((tag) => tag.replace(/[\s,]+/g, " ").trim()).filter(Boolean)).slice(0, max);
}

/** Only web links become hrefs: a product URL is the Admin API's, but a javascript: URL must never pass. */
export function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}
