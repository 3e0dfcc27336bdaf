// A brief: what the merchant wants written. Parsed here from a form (zod), and read back from its row, where
// list fields are JSON text. Plain TypeScript, shared by the routes, the job runner and the tests.
import type { Brief } from "@prisma-generated/sqlite";
import { z } from "zod";
import type { BriefFields, BriefLength, StoreProduct } from "../ai/provider";
import { InvalidContent } from "./errors";

export const BRIEF_LIMITS = {
  topic: { min: 3, max: 200 },
  audience: { max: 300 },
  tone: { max: 40 },
  keywords: { count: 10, each: 60 },
  products: { count: 10 },
  language: { max: 20 },
} as const;

export const TONES = ["friendly", "professional", "playful", "authoritative", "inspirational"] as const;

/** Each length with the word count the writer aims for. */
export const LENGTHS: Record<BriefLength, { label: string; words: number }> = {
  short: { label: "Short (about 400 words)", words: 400 },
  medium: { label: "Medium (about 800 words)", words: 800 },
  long: { label: "Long (about 1,400 words)", words: 1400 },
};

/** The languages offered in the brief form's Select; the parser accepts any BCP 47-like tag. */
export const LANGUAGES = [
  { value: "en", label: "English" },
  { value: "de", label: "German" },
  { value: "fr", label: "French" },
  { value: "es", label: "Spanish" },
  { value: "it", label: "Italian" },
  { value: "nl", label: "Dutch" },
  { value: "pt", label: "Portuguese" },
  { value: "ja", label: "Japanese" },
  { value: "sv", label: "Swedish" },
  { value: "da", label: "Danish" },
  { value: "pl", label: "Polish" },
] as const;

export const DEFAULT_BRIEF = { tone: "friendly", length: "medium", language: "en" } as const;

/** A brief as the form sends it: the products by id, read from the Admin API before saving. */
export type BriefInput = Omit<BriefFields, "products"> & { productIds: string[] };

export type BriefParse = { ok: true; brief: BriefInput } | { ok: false; fieldErrors: Record<string, string> };

const PRODUCT_GID = /^gid:\/\/shopify\/Product\/[1-9]\d{0,18}$/;
// A primary language subtag, then optional script/region/variant subtags: en, pt-BR, zh-Hant-TW.
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Trims and collapses runs of whitespace (newlines and tabs included) to one space. */
export function tidy(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

const text = (max: number, label: string) =>
  z
    .string()
    .transform(tidy)
    .refine((value) => !CONTROL.test(value), `${label} cannot contain control characters`)
    .refine((value) => value.length <= max, `${label} can be at most ${max} characters`);

const briefSchema = z.object({
  topic: text(BRIEF_LIMITS.topic.max, "The topic").refine(
    (value) => value.length >= BRIEF_LIMITS.topic.min,
    `Give a topic of at least ${BRIEF_LIMITS.topic.min} characters`,
  ),
  audience: text(BRIEF_LIMITS.audience.max, "The audience"),
  tone: text(BRIEF_LIMITS.tone.max, "The tone").transform((value) => {
    const known = TONES.find((tone) => tone === value.toLowerCase());
    return known ?? (value || DEFAULT_BRIEF.tone);
  }),
  keywords: z
    .array(text(BRIEF_LIMITS.keywords.each, "A keyword"))
    .transform((keywords) => dedupe(keywords.filter(Boolean)))
    .refine(
      (keywords) => keywords.length <= BRIEF_LIMITS.keywords.count,
      `Use at most ${BRIEF_LIMITS.keywords.count} keywords`,
    ),
  length: z.enum(["short", "medium", "long"], {
    errorMap: () => ({ message: "Choose short, medium or long" }),
  }),
  language: z
    .string()
    .transform(tidy)
    .refine(
      (value) => value.length <= BRIEF_LIMITS.language.max && LANGUAGE_TAG.test(value),
      "Choose a language (a tag such as en or pt-BR)",
    )
    .transform((value) => {
      const [primary = "", ...rest] = value.split("-");
      return [primary.toLowerCase(), ...rest].join("-");
    }),
  productIds: z
    .array(z.string().transform(tidy))
    .transform((ids) => [...new Set(ids.filter(Boolean))])
    .refine((ids) => ids.every((id) => PRODUCT_GID.test(id)), "Pick products from the store's catalog")
    .refine(
      (ids) => ids.length <= BRIEF_LIMITS.products.count,
      `Pick at most ${BRIEF_LIMITS.products.count} products`,
    ),
});

/** Keeps the first of values that differ only in case. */
export function dedupe(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => {
    const key = value.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

type Source = FormData | Record<string, unknown>;

function all(source: Source, name: string): unknown[] {
  const value = source instanceof FormData ? source.getAll(name) : source[name];
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function one(source: Source, name: string): unknown {
  return all(source, name)[0];
}

/** A missing or blank choice takes its default; anything else is checked as given. */
function choice(value: unknown, fallback: string): unknown {
  return value === undefined || (typeof value === "string" && value.trim() === "") ? fallback : value;
}

/**
 * Reads a brief from a form post (or a plain object: JSON bodies, tests). Keywords come as one
 * comma-separated field or repeated fields, products as repeated `productIds`. Missing tone, length and
 * language take the defaults; an empty brief is an error on the topic.
 */
export function parseBrief(form: Source): BriefParse {
  const result = briefSchema.safeParse(briefSource(form));
  if (result.success) return { ok: true, brief: result.data };
  return { ok: false, fieldErrors: fieldErrorsOf(result.error) };
}

function briefSource(form: Source) {
  const keywords = all(form, "keywords").flatMap((value) =>
    typeof value === "string" ? value.split(",") : [value],
  );
  return {
    topic: one(form, "topic") ?? "",
    audience: one(form, "audience") ?? "",
    tone: choice(one(form, "tone"), DEFAULT_BRIEF.tone),
    keywords,
    length: choice(one(form, "length"), DEFAULT_BRIEF.length),
    language: choice(one(form, "language"), DEFAULT_BRIEF.language),
    productIds: all(form, "productIds"),
  };
}

function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "topic");
    // A wrong type (a file, a number) is answered in words, not as zod's "Expected string".
    fieldErrors[field] ??= issue.code === "invalid_type" ? `Enter ${field} as text` : issue.message;
  }
  return fieldErrors;
}

/** A brief without its topic and products: an automation's defaults (each run brings its own topic). */
export type BriefDefaultsInput = Omit<BriefInput, "topic" | "productIds">;

/** parseBrief's rules for the fields an automation keeps as its brief defaults. */
export function parseBriefDefaults(
  form: Source,
): { ok: true; defaults: BriefDefaultsInput } | { ok: false; fieldErrors: Record<string, string> } {
  const result = briefSchema.omit({ topic: true, productIds: true }).safeParse(briefSource(form));
  if (result.success) return { ok: true, defaults: result.data };
  return { ok: false, fieldErrors: fieldErrorsOf(result.error) };
}

/** parseBrief for callers that answer bad input with a 400: throws InvalidContent. */
export function requireBrief(form: Source): BriefInput {
  const result = parseBrief(form);
  if (!result.ok) throw new InvalidContent(result.fieldErrors);
  return result.brief;
}

function parseJson(textValue: string | null | undefined): unknown {
  if (!textValue) return undefined;
  try {
    return JSON.parse(textValue);
  } catch {
    return undefined;
  }
}

/** A JSON column that should hold string[]: anything else reads as an empty list. */
export function stringList(json: string | null | undefined): string[] {
  const value = parseJson(json);
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function storeProducts(value: unknown): StoreProduct[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (!item || typeof item !== "object") return [];
    const p = item as Record<string, unknown>;
    if (typeof p.id !== "string") return [];
    const str = (field: unknown) => (typeof field === "string" ? field : "");
    return [
      {
        id: p.id,
        title: str(p.title),
        handle: str(p.handle),
        url: str(p.url),
        description: str(p.description),
      },
    ];
  });
}

const isLength = (value: unknown): value is BriefLength =>
  value === "short" || value === "medium" || value === "long";

/** Brief fields from any stored shape: a corrupt or partial value reads as the defaults, never throws. */
function briefFrom(value: Record<string, unknown>, products: unknown, keywords: unknown): BriefFields {
  const str = (field: unknown, fallback: string) => (typeof field === "string" ? field : fallback);
  return {
    topic: str(value.topic, ""),
    audience: str(value.audience, ""),
    tone: str(value.tone, DEFAULT_BRIEF.tone),
    keywords: Array.isArray(keywords) ? keywords.filter((k): k is string => typeof k === "string") : [],
    length: isLength(value.length) ? value.length : DEFAULT_BRIEF.length,
    language: str(value.language, DEFAULT_BRIEF.language),
    products: storeProducts(products),
  };
}

export function briefFromRow(row: Brief): BriefFields {
  return briefFrom(row, parseJson(row.products), parseJson(row.keywords));
}

/** The columns of a Brief row for these fields. */
export function briefRowData(fields: BriefFields) {
  return {
    topic: fields.topic,
    audience: fields.audience,
    tone: fields.tone,
    keywords: JSON.stringify(fields.keywords),
    length: fields.length,
    language: fields.language,
    products: JSON.stringify(fields.products),
  };
}

/** The brief a draft version was written from (DraftVersion.brief, JSON of BriefFields). */
export function briefFromJson(json: string | null | undefined): BriefFields {
  const value = parseJson(json);
  const object =
    value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  return briefFrom(object, object.products, object.keywords);
}
