import type { ActionFunctionArgs } from "@remix-run/node";
import { recordUninstall } from "../billing/installation.server";
import { processWebhookOnce } from "../billing/webhook-deliveries.server";
import db from "../db.server";
import { authenticate } from "../shopify.server";

// The shop's credits stay until shop/redact (48 hours later): a reinstall in between finds them again.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId } = await authenticate.webhook(request);
  await processWebhookOnce(db, { webhookId, topic, shop }, async () => {
    await db.session.deleteMany({ where: { shop } });
    await recordUninstall(db, shop);
  });
  return new Response();
};
