import type { ActionFunctionArgs } from "@remix-run/node";
import { readSubscription } from "../billing/shopify-billing.server";
import { recordSubscription } from "../billing/subscriptions.server";
import { processWebhookOnce } from "../billing/webhook-deliveries.server";
import db from "../db.server";
import { authenticate } from "../shopify.server";

interface Payload {
  app_subscription: { admin_graphql_api_id: string; name: string; status: string; updated_at: string };
}

// The source of truth for a subscription's status. While the app is installed the subscription is read
// back from Shopify (it also gives the billing period and the test flag); after uninstall the signed
// payload is all there is. Either way a state older than the one held is ignored.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId, payload, admin } = await authenticate.webhook(request);
  await processWebhookOnce(db, { webhookId, topic, shop }, async () => {
    const known = await db.shop.findUnique({ where: { domain: shop } });
    if (!known) return;
    const sent = (payload as Payload).app_subscription;
    const state = (admin && (await readSubscription(admin.graphql, sent.admin_graphql_api_id))) || {
      id: sent.admin_graphql_api_id,
      name: sent.name,
      status: sent.status,
      test: false,
      currentPeriodEnd: null,
      observedAt: new Date(sent.updated_at),
    };
    await recordSubscription(db, known.id, state);
  });
  return new Response();
};
