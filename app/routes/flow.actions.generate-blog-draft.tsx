// Shopify Flow's "Generate blog draft" action (extensions/generate-blog-draft/shopify.extension.toml).
// Flow takes 200 as done, retries 429 and 5xx with the same action run id for up to 24 hours, and fails the
// step on any other 4xx. So: a forged signature 401 and a request that can never work a 4xx (nothing spent,
// no retry storm; a short balance is 402), a passing fault 503 (the retry reaches the same job).
import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { env } from "../env.server";
import {
  FLOW_HMAC_HEADER,
  FlowActionRefused,
  generateBlogDraft,
  isFlowSignature,
  parseFlowBody,
} from "../flow/action.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { offlineAdmin } from "../shopify/offline-admin.server";

// Flow's bodies are a few kilobytes; a larger one is not Flow's.
const MAX_BODY_BYTES = 64 * 1024;

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return httpError(405, "Flow actions are POSTed");
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.byteLength > MAX_BODY_BYTES) return httpError(413, "The body is too large for a Flow action");
  if (!isFlowSignature(raw, request.headers.get(FLOW_HMAC_HEADER), env.SHOPIFY_API_SECRET))
    return httpError(401, "The request is not signed by Shopify Flow");
  return withHttpErrors(async () => {
    try {
      const { job, replayed } = await generateBlogDraft(db, parseFlowBody(raw), { offlineAdmin });
      return Response.json({ jobId: job.id, draftId: job.draftId, status: job.status, replayed });
    } catch (error) {
      if (error instanceof FlowActionRefused) throw httpError(error.status, error.message);
      throw error;
    }
  });
};
