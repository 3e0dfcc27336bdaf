import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";

// The app stores no customer personal data (README "Privacy"), so there is nothing to report.
// authenticate.webhook answers a forged HMAC with 401, as Shopify requires.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic } = await authenticate.webhook(request);
  console.log(`Received ${topic} webhook for ${shop}`);
  return new Response();
};
