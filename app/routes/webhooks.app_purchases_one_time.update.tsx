import type { ActionFunctionArgs } from "@remix-run/node";
import { readPurchase } from "../billing/shopify-billing.server";
import { grantTopUp } from "../billing/top-ups.server";
import { processWebhookOnce } from "../billing/webhook-deliveries.server";
import db from "../db.server";
import { authenticate } from "../shopify.server";

interface Payload {
  app_purchase_one_time: { admin_graphql_api_id: string };
}

// Grants a top-up whether this webhook or the store owner's return visit comes first: the purchase is
// read back from Shopify and granted once, keyed by its id.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId, payload, admin } = await authenticate.webhook(request);
  await processWebhookOnce(db, { webhookId, topic, shop }, async () => {
    const known = await db.shop.findUnique({ where: { domain: shop } });
    if (!known || !admin) return;
    const purchase = await readPurchase(
      admin.graphql,
      (payload as Payload).app_purchase_one_time.admin_graphql_api_id,
    );
    if (purchase) await grantTopUp(db, known.id, purchase);
  });
  return new Response();
};
