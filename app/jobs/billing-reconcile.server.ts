import {
  BILLING_CHECK_EVERY_MS,
  reconcileBillingIfDue,
  type ReconcileOutcome,
} from "../billing/reconcile.server";
import type { Db } from "../db/connect.server";
import type { OfflineAdmin } from "../shopify/offline-admin.server";

/** At most this many shops per tick and instance: one Shopify read each, one after another. */
export const SHOPS_PER_TICK = 25;

/**
 * Reads billing back for installed shops whose check is due, the longest unchecked first, so lost
 * webhooks are made good for shops nobody opens the Billing page of. Each shop's check is claimed (see
 * claimBillingCheck): instances running this at once skip what another claimed.
 */
export async function reconcileDueShops(
  db: Db,
  offlineAdmin: OfflineAdmin,
  { now = new Date(), limit = SHOPS_PER_TICK, everyMs = BILLING_CHECK_EVERY_MS } = {},
) {
  const dueBefore = new Date(now.getTime() - everyMs);
  const due = await db.shop.findMany({
    where: {
      uninstalledAt: null,
      OR: [{ billingCheckedAt: null }, { billingCheckedAt: { lte: dueBefore } }],
    },
    orderBy: [{ billingCheckedAt: { sort: "asc", nulls: "first" } }, { id: "asc" }],
    take: limit,
    select: { id: true, domain: true, billingCheckedAt: true },
  });
  const outcomes: Record<string, ReconcileOutcome> = {};
  for (const shop of due)
    outcomes[shop.domain] = await reconcileBillingIfDue(
      db,
      shop,
      async () => (await offlineAdmin(shop.domain)).admin.graphql,
      { now, everyMs },
    );
  return outcomes;
}
