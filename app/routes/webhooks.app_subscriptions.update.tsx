import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { readWebhookCharge, type WebhookCharge } from "../shopify/admin-api.server";
import { recordSubscription } from "../billing/subscriptions.server";
import { processWebhookOnce } from "../webhooks/deliveries.server";
import db from "../db.server";
import { requireWebhook, shopGid, type WebhookTopic } from "../webhooks/require-webhook.server";

const subscriptionUpdate: WebhookTopic<
  { app_subscription: { admin_graphql_api_id: string } },
  WebhookCharge
> = {
  topic: "app_subscriptions/update",
  envelope: z
    .object({ app_subscription: z.object({ admin_graphql_api_shop_id: shopGid }) })
    .transform(({ app_subscription }) => ({ gid: app_subscription.admin_graphql_api_shop_id })),
  body: z.object({ app_subscription: z.object({ admin_graphql_api_id: z.string().min(1) }) }),
  readBack: (graphql, body) => readWebhookCharge(graphql, body.app_subscription.admin_graphql_api_id),
};

// The source of truth for a subscription's status is Shopify, read back with the shop's token: the payload
// alone never changes a plan or grants credits. A state older than the one held is ignored. After uninstall
// there is no token, and recordUninstall has already cancelled the shop's subscriptions.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId, read } = await requireWebhook(request, subscriptionUpdate);
  await processWebhookOnce(db, { webhookId, topic, shop }, async () => {
    const known = await db.shop.findUnique({ where: { domain: shop } });
    if (!known) return { rejected: "shop not known to the app" };
    if (read?.kind !== "subscription") return { rejected: "subscription not found on Shopify for this shop" };
    const result = await recordSubscription(db, known.id, read.state);
    if (result.reason) return { rejected: result.reason };
  });
  return new Response();
};
