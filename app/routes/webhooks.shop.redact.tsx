import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { authenticate } from "../shopify.server";

// Sent 48 hours after uninstall: erase everything the app holds for the shop. Deleting the Shop row
// cascades to its credit rows (grants, reservations, ledger entries, balance).
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic } = await authenticate.webhook(request);
  console.log(`Received ${topic} webhook for ${shop}`);

  // No `if (session)` guard: the sessions went at uninstall, the shop's data did not.
  await db.$transaction([
    db.session.deleteMany({ where: { shop } }),
    db.shop.deleteMany({ where: { domain: shop } }),
  ]);
  return new Response();
};
