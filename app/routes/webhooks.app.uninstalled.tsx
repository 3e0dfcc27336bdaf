import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticate } from "../shopify.server";

// The shop's credits stay until shop/redact (48 hours later): a reinstall in between finds them again.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, session, topic } = await authenticate.webhook(request);
  console.log(`Received ${topic} webhook for ${shop}`);

  // Webhooks can arrive more than once and after the sessions are gone.
  if (session) {
    await db.session.deleteMany({ where: { shop } });
  }
  return new Response();
};
