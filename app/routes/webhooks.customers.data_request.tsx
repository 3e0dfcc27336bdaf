import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireWebhook, type WebhookTopic } from "../webhooks/require-webhook.server";

const dataRequestBody = z.object({
  shop_id: z.number().int(),
  shop_domain: z.string(),
  customer: z.object({}).passthrough(),
  data_request: z.object({}).passthrough(),
});
const dataRequest: WebhookTopic<z.infer<typeof dataRequestBody>> = {
  topic: "customers/data_request",
  envelope: dataRequestBody.transform((body) => ({ domain: body.shop_domain })),
  body: dataRequestBody,
};

// The app stores no customer personal data (README "Privacy"), so there is nothing to report.
// requireWebhook answers a forged HMAC with 401, as Shopify requires.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic } = await requireWebhook(request, dataRequest);
  console.log(`Received ${topic} webhook for ${shop}`);
  return new Response();
};
