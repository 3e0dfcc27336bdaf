// The AI provider port: what the content studio asks of a model, in the app's own types. Two implementations
// (app/ai/offline-writer.server.ts, app/ai/openai-compatible.server.ts); app/ai/index.server.ts picks one
// from the environment. Plain TypeScript: no Remix, no Shopify, no SDK types cross this boundary.

export type BriefLength = "short" | "medium" | "long";

/** A product of the store, as the Admin API reported it when the brief was saved. */
export interface StoreProduct {
  /** Shopify gid: gid://shopify/Product/<n> */
  id: string;
  title: string;
  handle: string;
  /** Where a reader buys it: the online store's product page. */
  url: string;
  /** Plain text, trimmed; may be empty. */
  description: string;
}

/** What the merchant asked for. Validated by app/content/brief.ts before any provider sees it. */
export interface BriefFields {
  topic: string;
  audience: string;
  tone: string;
  keywords: string[];
  length: BriefLength;
  /** BCP 47 language tag: en, de, fr-CA … */
  language: string;
  products: StoreProduct[];
}

/** One ranked idea from topic research (free). */
export interface TopicIdea {
  title: string;
  angle: string;
  keyword: string;
  outline: string[];
  /** Why it fits the store: names the products it can feature. */
  whyItFits: string;
  /** Ids of the brief's products the idea features. */
  productIds: string[];
}

/** A blog article's content, as a draft version holds it. */
export interface DraftContent {
  title: string;
  outline: string[];
  /** HTML with <h2>/<h3> headings and <p>; links to products are <a href="<product url>">. */
  bodyHtml: string;
  metaTitle: string;
  metaDescription: string;
  excerpt: string;
  tags: string[];
  /** URL handle: lower-case letters, digits and hyphens. */
  handle: string;
}

export interface CoverImage {
  png: Uint8Array;
  width: number;
  height: number;
  altText: string;
  /** What the image was drawn from, kept with it. */
  prompt: string;
}

export interface RewriteRequest {
  brief: BriefFields;
  draft: DraftContent;
  /** What to do: "Make it shorter", "Friendlier", "More SEO-focused", or the merchant's own words. */
  instruction: string;
  /** The HTML fragment of the body to rewrite, or null for the whole body. */
  selection: string | null;
}

export interface CallOptions {
  /** Aborts the call (a job that gave up, a shutdown). */
  signal?: AbortSignal;
}

export interface AiProvider {
  readonly kind: "offline" | "openai-compatible";
  /** Shown in the UI next to every AI button, e.g. "Offline writer" or "gpt-4o-mini via api.openai.com". */
  readonly label: string;
  /** Ranked ideas, best first (3 to 8). */
  researchTopics(brief: BriefFields, options?: CallOptions): Promise<TopicIdea[]>;
  writeDraft(brief: BriefFields, options?: CallOptions): Promise<DraftContent>;
  /** The rewritten HTML of the selection, or of the whole body when `selection` is null. */
  rewrite(request: RewriteRequest, options?: CallOptions): Promise<string>;
  drawCover(
    input: { brief: BriefFields; title: string; excerpt: string },
    options?: CallOptions,
  ): Promise<CoverImage>;
}

/**
 * Why a provider call failed, in words a merchant can act on: what happened, not what to do next, which
 * depends on who asked (a merchant's job, an automation's run). A job that gets one releases its credits;
 * `code` tells tests and logs which failure it was, and whether a later attempt may get through.
 */
export type AiErrorCode =
  | "refused" // the model declined (content policy)
  | "rate_limited" // 429 after the SDK's bounded retries
  | "unavailable" // 5xx or no connection after retries
  | "timeout"
  | "invalid_output" // not the JSON the schema asks for, or it failed validation
  | "misconfigured"; // 401/403/404: key, base URL or model wrong

const PASSING: readonly AiErrorCode[] = ["rate_limited", "unavailable", "timeout", "invalid_output"];

export class AiError extends Error {
  constructor(
    readonly code: AiErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AiError";
  }

  /** A later call may get through: the service was busy, down, slow, or answered badly once. */
  get passing(): boolean {
    return PASSING.includes(this.code);
  }
}
