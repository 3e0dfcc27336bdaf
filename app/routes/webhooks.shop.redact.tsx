import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { eraseShop } from "../shops/life-cycle.server";
import db from "../db.server";
import { requireWebhook, type WebhookTopic } from "../webhooks/require-webhook.server";

// Only the shop: a customers/* body (it carries a customer) sent here is another topic's, not an erasure.
const redactBody = z.object({
  shop_id: z.number().int(),
  shop_domain: z.string(),
  customer: z.never().optional(),
  data_request: z.never().optional(),
});
const shopRedact: WebhookTopic<z.infer<typeof redactBody>> = {
  topic: "shop/redact",
  envelope: redactBody.transform((body) => ({ domain: body.shop_domain })),
  body: redactBody,
};

// Sent 48 hours after uninstall: erase everything the app holds for the shop. No `if (session)` guard:
// the sessions went at uninstall, the shop's data did not. Erasing twice erases nothing more.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireWebhook(request, shopRedact);
  await eraseShop(db, shop);
  return new Response();
};
