import type { LoaderFunctionArgs } from "@remix-run/node";
import { planForNextCycle } from "../billing/cycle.server";
import { planByName } from "../billing/plans";
import { planNotice, topUpNotice } from "../billing-page/notices";
import { readPurchase, readSubscription } from "../shopify/admin-api.server";
import { recordSubscription } from "../billing/subscriptions.server";
import { grantTopUp } from "../billing/top-ups.server";
import db from "../db.server";
import { httpError, withHttpErrors } from "../http/errors.server";
import { requireShop } from "../http/require.server";
import { authenticate } from "../shopify.server";

const GID = {
  plan: "AppSubscription",
  "top-up": "AppPurchaseOneTime",
} as const;

// Shopify's ids are 64-bit integers: anything else cannot name a charge, and is not sent to Shopify.
const CHARGE_ID = /^[1-9]\d{0,17}$/;

/**
 * Where Shopify sends the store owner after approving on the confirmation page (a decline goes to the
 * admin's Apps page instead, so nothing here depends on a decline coming back: the webhook or the
 * reconcile records it). The query string only names the charge: its status is read back from Shopify for
 * this shop, so another shop's charge id finds nothing. The Billing page's banner is named by a code
 * (app/billing-page/notices.ts), never by text in the URL.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session, admin, redirect } = await authenticate.admin(request);
  return withHttpErrors(async () => {
    const url = new URL(request.url);
    const kind = url.searchParams.get("kind");
    const chargeId = url.searchParams.get("charge_id");
    if ((kind !== "plan" && kind !== "top-up") || !chargeId || !CHARGE_ID.test(chargeId))
      throw httpError(400, "Expected kind=plan or kind=top-up and a numeric charge_id");
    const shop = await requireShop(db, session.shop);
    const id = `gid://shopify/${GID[kind]}/${chargeId}`;
    const back = (notice: Record<string, string>) => redirect(`/app/billing?${new URLSearchParams(notice)}`);

    if (kind === "plan") {
      const subscription = await readSubscription(admin.graphql, id);
      if (!subscription) throw httpError(404, "No such charge");
      await recordSubscription(db, shop.id, subscription);
      // The notice names what the shop holds now, not Shopify's status alone: a downgrade approved for
      // the next cycle may read PENDING or ACTIVE (Shopify switched at once), and starts with the next cycle.
      const now = await db.shop.findUniqueOrThrow({
        where: { id: shop.id },
        include: { subscriptions: true },
      });
      const plan = planByName(subscription.name);
      const outcome =
        plan && now.planKey === plan.key
          ? "now"
          : plan && planForNextCycle(now.subscriptions).plan.key === plan.key
            ? "next-cycle"
            : subscription.status;
      return back(planNotice(subscription.name, outcome));
    }
    const purchase = await readPurchase(admin.graphql, id);
    if (!purchase) throw httpError(404, "No such charge");
    const result = await grantTopUp(db, shop.id, purchase);
    return back(topUpNotice(purchase.name, result.granted, purchase.status));
  });
};
