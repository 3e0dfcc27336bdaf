import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { topUpPackByName } from "../billing/plans";
import { readWebhookCharge, type WebhookCharge } from "../shopify/admin-api.server";
import { grantTopUp } from "../billing/top-ups.server";
import { processWebhookOnce } from "../webhooks/deliveries.server";
import db from "../db.server";
import { requireWebhook, shopGid, type WebhookTopic } from "../webhooks/require-webhook.server";

const purchaseUpdate: WebhookTopic<
  { app_purchase_one_time: { admin_graphql_api_id: string } },
  WebhookCharge
> = {
  topic: "app_purchases_one_time/update",
  envelope: z
    .object({ app_purchase_one_time: z.object({ admin_graphql_api_shop_id: shopGid }) })
    .transform(({ app_purchase_one_time }) => ({ gid: app_purchase_one_time.admin_graphql_api_shop_id })),
  body: z.object({ app_purchase_one_time: z.object({ admin_graphql_api_id: z.string().min(1) }) }),
  readBack: (graphql, body) => readWebhookCharge(graphql, body.app_purchase_one_time.admin_graphql_api_id),
};

// Grants a top-up whether this webhook or the store owner's return visit comes first: the purchase is
// read back from Shopify and granted once, keyed by its id.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId, read } = await requireWebhook(request, purchaseUpdate);
  await processWebhookOnce(db, { webhookId, topic, shop }, async () => {
    const known = await db.shop.findUnique({ where: { domain: shop } });
    if (!known) return { rejected: "shop not known to the app" };
    if (read?.kind !== "purchase") return { rejected: "purchase not found on Shopify for this shop" };
    if (!topUpPackByName(read.state.name)) return { rejected: `no top-up pack named ${read.state.name}` };
    await grantTopUp(db, known.id, read.state);
  });
  return new Response();
};
