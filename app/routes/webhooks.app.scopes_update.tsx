import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import db from "../db.server";
import { requireWebhook, type WebhookTopic } from "../webhooks/require-webhook.server";

// `shop_id` (since API 2025-07) is documented without its form: a number or a gid, both read as the gid.
const shopId = z
  .union([z.number().int().positive(), z.string().regex(/^(gid:\/\/shopify\/Shop\/)?\d+$/)])
  .transform((id) => (String(id).startsWith("gid:") ? String(id) : `gid://shopify/Shop/${id}`));
const present = z.unknown().refine((value) => value !== undefined, "Required");

const scopesUpdate: WebhookTopic<{ current: string[] }> = {
  topic: "app/scopes_update",
  envelope: z.object({ shop_id: shopId, current: present }).transform((body) => ({ gid: body.shop_id })),
  body: z.object({ current: z.array(z.string()) }),
};

// Webhooks can arrive more than once and after the sessions are gone (then requireWebhook answers 200).
export const action = async ({ request }: ActionFunctionArgs) => {
  const { body, session } = await requireWebhook(request, scopesUpdate);
  if (session)
    await db.session.update({ where: { id: session.id }, data: { scope: body.current.join(",") } });
  return new Response();
};
