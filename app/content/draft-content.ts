// A draft version's content: checked and normalised before it is written, read back from its row robustly
// (list fields are JSON text). Plain TypeScript.
import type { DraftVersion } from "@prisma-generated/sqlite";
import type { DraftContent } from "../ai/provider";
import { dedupe, stringList, tidy } from "./brief";
import { InvalidContent } from "./errors";

export const CONTENT_LIMITS = {
  title: 255,
  metaTitle: 255,
  metaDescription: 320,
  excerpt: 5000,
  handle: 255,
  /** Shopify keeps an article's tags as one comma-separated string. */
  tagsTotal: 250,
  outlineItems: 50,
  outlineItem: 255,
  /** UTF-8 bytes of the body. */
  bodyBytes: 512 * 1024,
} as const;

// PostgreSQL text cannot hold NUL, and no other control character belongs in an article: dropped.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

const oneLine = (value: string) => tidy(value.replace(CONTROL, ""));

/** A URL handle: lower-case ASCII letters, digits and single hyphens ("Café au lait!" → "cafe-au-lait"). */
export function slugify(value: string, max: number = CONTENT_LIMITS.handle): string {
  const slug = value
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= max) return slug;
  const cut = slug.slice(0, max);
  // Cut at a word boundary when there is one.
  return (cut.includes("-") ? cut.slice(0, cut.lastIndexOf("-")) : cut).replace(/-+$/, "");
}

/**
 * The content as it is stored: text tidied, the handle slugified (from the title when empty), tags
 * de-duplicated. Throws InvalidContent naming every field over its limit.
 */
export function normaliseContent(content: DraftContent): DraftContent {
  const title = oneLine(content.title);
  // A comma would split the tag in Shopify's comma-separated list.
  const tags = dedupe(content.tags.map((tag) => oneLine(tag.replace(/,/g, " "))).filter(Boolean));
  const normalised: DraftContent = {
    title,
    outline: content.outline.map(oneLine).filter(Boolean),
    bodyHtml: content.bodyHtml.replace(CONTROL, "").trim(),
    metaTitle: oneLine(content.metaTitle),
    metaDescription: oneLine(content.metaDescription),
    excerpt: oneLine(content.excerpt),
    tags,
    handle: slugify(content.handle) || slugify(title) || "article",
  };
  const errors: Record<string, string> = {};
  if (!title) errors.title = "Give the article a title";
  for (const field of ["title", "metaTitle", "metaDescription", "excerpt"] as const) {
    const max = CONTENT_LIMITS[field];
    if (normalised[field].length > max) errors[field] ??= `Keep this to ${max} characters or fewer`;
  }
  if (tags.join(", ").length > CONTENT_LIMITS.tagsTotal)
    errors.tags = `Shopify keeps at most ${CONTENT_LIMITS.tagsTotal} characters of tags in all`;
  if (
    normalised.outline.length > CONTENT_LIMITS.outlineItems ||
    normalised.outline.some((item) => item.length > CONTENT_LIMITS.outlineItem)
  )
    errors.outline = `Keep the outline to ${CONTENT_LIMITS.outlineItems} points of at most ${CONTENT_LIMITS.outlineItem} characters`;
  if (Buffer.byteLength(normalised.bodyHtml, "utf8") > CONTENT_LIMITS.bodyBytes)
    errors.bodyHtml = "The article body is too long (at most 512 KB)";
  if (Object.keys(errors).length) throw new InvalidContent(errors);
  return normalised;
}

/** The content columns of a DraftVersion row. */
export function contentRowData(content: DraftContent) {
  return {
    title: content.title,
    outline: JSON.stringify(content.outline),
    bodyHtml: content.bodyHtml,
    metaTitle: content.metaTitle,
    metaDescription: content.metaDescription,
    excerpt: content.excerpt,
    tags: JSON.stringify(content.tags),
    handle: content.handle,
  };
}

/** A version's content; a corrupt JSON column reads as an empty list. */
export function versionContent(version: DraftVersion): DraftContent {
  return {
    title: version.title,
    outline: stringList(version.outline),
    bodyHtml: version.bodyHtml,
    metaTitle: version.metaTitle,
    metaDescription: version.metaDescription,
    excerpt: version.excerpt,
    tags: stringList(version.tags),
    handle: version.handle,
  };
}

const FIELDS = [
  "title",
  "outline",
  "bodyHtml",
  "metaTitle",
  "metaDescription",
  "excerpt",
  "tags",
  "handle",
] as const;

export function sameContent(a: DraftContent, b: DraftContent): boolean {
  return FIELDS.every((field) => JSON.stringify(a[field]) === JSON.stringify(b[field]));
}
