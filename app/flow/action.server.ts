// The Shopify Flow action "Generate blog draft" (extensions/generate-blog-draft): a workflow step asks for
// a draft written and saved to the store's blog. Spends like an automation's run (2 credits once Shopify has
// the article, free on failure, the polishing reserve kept back), idempotent per Flow action run id: Flow
// sends the same action_run_id on every retry, and it names the job.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { readAlertSettings } from "../alerts/low-balance.server";
import { FLOW_ACTOR } from "../automations/types";
import { parseBrief } from "../content/brief";
import { InvalidContent } from "../content/errors";
import { submitJob } from "../credits/submit-job.server";
import type { Db } from "../db/connect.server";
import type { JobQueue } from "../jobs/queue.server";
import { readFlowShop } from "../shopify/admin-api.server";
import type { OfflineAdmin } from "../shopify/offline-admin.server";

export const GENERATE_BLOG_DRAFT = "generate-blog-draft";

/** The header Flow signs its requests in: base64 HMAC-SHA256 of the raw body with the app's secret. */
export const FLOW_HMAC_HEADER = "X-Shopify-Hmac-Sha256";

/** A signed request Flow's rules refuse for good: Flow fails the step on a 4xx and does not retry. */
export class FlowActionRefused extends Error {
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
    this.name = "FlowActionRefused";
  }
}

/** True when `hmac` is the app's signature of exactly these bytes; compared in constant time. */
export function isFlowSignature(raw: Uint8Array, hmac: string | null, secret: string): boolean {
  if (!hmac) return false;
  const expected = createHmac("sha256", secret).update(raw).digest();
  const given = Buffer.from(hmac, "base64");
  // A base64 string that decodes to another length is no signature; timingSafeEqual needs equal lengths.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Flow's body (shopify.dev "Flow action endpoints"): shop_id is the shop's number, sent as a string.
const flowBody = z.object({
  shop_id: z.union([z.string(), z.number()]).transform(String),
  shopify_domain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i)
    .transform((d) => d.toLowerCase()),
  action_run_id: z.string().min(1).max(200),
  handle: z.string(),
  properties: z.record(z.unknown()),
});

export type FlowActionRequest = z.infer<typeof flowBody>;

/** The signed body, or InvalidContent (400) naming what is wrong with it. */
export function parseFlowBody(raw: Uint8Array): FlowActionRequest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch {
    throw new InvalidContent({ body: "The body is not JSON" });
  }
  const parsed = flowBody.safeParse(json);
  if (!parsed.success)
    throw new InvalidContent({
      body: `The body is not a Flow action request (${parsed.error.issues[0]!.path.join(".")})`,
    });
  if (parsed.data.handle !== GENERATE_BLOG_DRAFT)
    throw new InvalidContent({
      handle: `This endpoint runs ${GENERATE_BLOG_DRAFT}, not ${parsed.data.handle}`,
    });
  return parsed.data;
}

/** The job's key: the same action run id, the same key (submitJob's keys are [A-Za-z0-9_-]{1,64}). */
export function flowIdempotencyKey(actionRunId: string): string {
  return `flow-${createHash("sha256").update(actionRunId).digest("base64url").slice(0, 43)}`;
}

const SHOP_NUMBER = /(\d+)$/;

/**
 * Runs the action for the shop the signed body names: checks the shop (installed here, and the body's
 * shop_id is the one Shopify gives that shop's token), the properties (a brief, and a blog of that shop,
 * or its first blog), then submits the job. A short balance throws InsufficientCredits (402).
 */
export async function generateBlogDraft(
  db: Db,
  request: FlowActionRequest,
  { offlineAdmin, now = new Date(), queue }: { offlineAdmin: OfflineAdmin; now?: Date; queue?: JobQueue },
) {
  const shop = await db.shop.findUnique({ where: { domain: request.shopify_domain } });
  if (!shop || shop.uninstalledAt) throw new FlowActionRefused(404, "This store has not installed the app");

  // Flow sends every field it has; an empty one is absent.
  const properties = Object.fromEntries(
    Object.entries(request.properties).filter(([, value]) => value !== null && value !== ""),
  );
  const brief = parseBrief(properties);
  if (!brief.ok) throw new InvalidContent(brief.fieldErrors);
  const blogId = properties.blog_id;
  if (blogId !== undefined && typeof blogId !== "string")
    throw new InvalidContent({ blog_id: "Give the blog as gid://shopify/Blog/<number>" });

  let admin;
  try {
    admin = await offlineAdmin(shop.domain);
  } catch (error) {
    if ((error as Error | null)?.name === "SessionNotFoundError")
      throw new FlowActionRefused(404, "This store has not installed the app");
    throw error;
  }
  const { shopGid, blogs } = await readFlowShop(admin.admin.graphql);
  if (SHOP_NUMBER.exec(shopGid)?.[1] !== SHOP_NUMBER.exec(request.shop_id)?.[1])
    throw new FlowActionRefused(400, "The body names another shop");
  const blog = blogId === undefined ? blogs[0] : blogs.find((b) => b.id === blogId);
  if (!blog)
    throw new InvalidContent({
      blog_id: blogId === undefined ? "The store has no blog to save to" : "Choose one of the store's blogs",
    });

  // A Flow step names no products: the writer draws on the store without them.
  const { topic, audience, tone, keywords, length, language } = brief.brief;
  const { polishingReserve } = await readAlertSettings(db, shop.id);
  return submitJob(
    db,
    {
      shopId: shop.id,
      idempotencyKey: flowIdempotencyKey(request.action_run_id),
      actor: FLOW_ACTOR,
      request: {
        kind: "automation.run",
        brief: { topic, audience, tone, keywords, length, language, products: [] },
        blogId: blog.id,
        publishAt: null,
        automationId: null,
        runId: null,
      },
      keep: polishingReserve,
    },
    { now, ...(queue ? { queue } : {}) },
  );
}
