import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireWebhook, type WebhookTopic } from "../webhooks/require-webhook.server";

const redactBody = z.object({
  shop_id: z.number().int(),
  shop_domain: z.string(),
  customer: z.object({}).passthrough(),
  data_request: z.never().optional(),
});
const customersRedact: WebhookTopic<z.infer<typeof redactBody>> = {
  topic: "customers/redact",
  envelope: redactBody.transform((body) => ({ domain: body.shop_domain })),
  body: redactBody,
};

// The app stores no customer personal data (README "Privacy"), so there is nothing to erase.
// requireWebhook answers a forged HMAC with 401, as Shopify requires.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic } = await requireWebhook(request, customersRedact);
  console.log(`Received ${topic} webhook for ${shop}`);
  return new Response();
};
