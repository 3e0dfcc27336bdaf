import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { recordUninstall } from "../shops/life-cycle.server";
import { processWebhookOnce } from "../webhooks/deliveries.server";
import db from "../db.server";
import { requireWebhook, type WebhookTopic } from "../webhooks/require-webhook.server";

// The body is the shop (a REST Shop): `myshopify_domain` names it; `domain` is its primary domain.
const shopBody = z.object({ id: z.number().int(), myshopify_domain: z.string() });
const uninstalled: WebhookTopic<z.infer<typeof shopBody>> = {
  topic: "app/uninstalled",
  envelope: shopBody.transform((body) => ({ domain: body.myshopify_domain })),
  body: shopBody,
};

// The shop's credits stay until shop/redact (48 hours later): a reinstall in between finds them again.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId } = await requireWebhook(request, uninstalled);
  await processWebhookOnce(db, { webhookId, topic, shop }, async () => {
    await db.session.deleteMany({ where: { shop } });
    await recordUninstall(db, shop);
  });
  return new Response();
};
