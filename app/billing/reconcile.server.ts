// Lost webhooks and skipped return visits: Shopify gives up on a webhook after 8 retries over 4 hours, and
// a store owner may close the tab on the confirmation page. The app converges anyway by reading the shop's
// billing back from Shopify now and then and applying it through the same idempotent paths as the webhooks
// and the return route (same grant keys), so whatever arrives first grants, once.
import type { Db } from "../db/connect.server";
import { OPEN_STATUSES } from "./cycle.server";
import { readInstallationBilling, readSubscription, type AdminGraphql } from "../shopify/admin-api.server";
import { reconcilePlan, storeSubscription } from "./subscriptions.server";
import { grantTopUp } from "./top-ups.server";

/** How often one shop's billing is read back, at most (page views and the background job together). */
export const BILLING_CHECK_EVERY_MS = 10 * 60 * 1000;

export interface CheckableShop {
  id: string;
  domain: string;
  billingCheckedAt: Date | null;
  // The end of the shop's cycle: once passed, the first check after it is due at once (the boundary read).
  cycleEnd?: Date | null;
}

/**
 * Claims the shop's billing check if it is due: not checked for `everyMs`, or not checked since its cycle
 * ended (the next allowance waits for that read: boundaryConfirmed in cycle.server.ts). The row is read
 * first (no write on a page view that is not due), then claimed with one conditional update, so of two
 * instances racing for it one wins.
 */
export async function claimBillingCheck(
  db: Db,
  shop: CheckableShop,
  now = new Date(),
  everyMs = BILLING_CHECK_EVERY_MS,
): Promise<boolean> {
  const dueBefore = new Date(now.getTime() - everyMs);
  const boundary = shop.cycleEnd && shop.cycleEnd <= now ? shop.cycleEnd : null;
  const due = (checkedAt: Date | null) =>
    !checkedAt || checkedAt <= dueBefore || (boundary && checkedAt < boundary);
  if (!due(shop.billingCheckedAt)) return false;
  const { count } = await db.shop.updateMany({
    where: {
      id: shop.id,
      OR: [
        { billingCheckedAt: null },
        { billingCheckedAt: { lte: dueBefore } },
        ...(boundary ? [{ billingCheckedAt: { lt: boundary } }] : []),
      ],
    },
    data: { billingCheckedAt: now },
  });
  return count === 1;
}

/**
 * Applies what Shopify holds: each active subscription, each subscription the app holds as open that
 * Shopify no longer lists as active (read back by id: cancelled, frozen, declined, or still waiting for
 * its cycle), and each ACTIVE one-time purchase not granted yet. All subscriptions are stored before the
 * plan is reconciled, once, so a cycle due now is granted from this read (whatever Shopify says is
 * active, not what the app last heard). No throttle: see reconcileBillingIfDue.
 */
export async function reconcileBilling(db: Db, shopId: string, graphql: AdminGraphql, now = new Date()) {
  const shopify = await readInstallationBilling(graphql, now);
  let subscriptions = 0;
  for (const state of shopify.subscriptions)
    if ((await storeSubscription(db, shopId, state)).recorded) subscriptions++;

  const listed = shopify.subscriptions.map((s) => s.id);
  const unlisted = await db.subscription.findMany({
    where: { shopId, status: { in: OPEN_STATUSES }, id: { notIn: listed } },
    select: { id: true },
  });
  for (const { id } of unlisted) {
    const state = await readSubscription(graphql, id, now);
    if (state && (await storeSubscription(db, shopId, state)).recorded) subscriptions++;
  }
  await reconcilePlan(db, shopId, now);

  // grantTopUp is idempotent on its own (key purchase:<gid>, as in top-ups.server.ts); skipping the ones
  // already granted only saves their money transactions.
  const active = shopify.purchases.filter((p) => p.status === "ACTIVE");
  const granted = await db.creditGrant.findMany({
    where: { shopId, sourceKey: { in: active.map((p) => `purchase:${p.id}`) } },
    select: { sourceKey: true },
  });
  const done = new Set(granted.map((g) => g.sourceKey));
  let topUps = 0;
  for (const purchase of active) {
    if (done.has(`purchase:${purchase.id}`)) continue;
    const result = await grantTopUp(db, shopId, purchase, now);
    if (result.granted && !result.replayed) topUps++;
  }
  return { subscriptions, topUps };
}

export type ReconcileOutcome =
  | { checked: false }
  | { checked: true; subscriptions: number; topUps: number }
  | { checked: true; failed: string };

/** One line for the log: a Response's status, an error's first line; never a stack or a body. */
export function describeFailure(error: unknown): string {
  if (error instanceof Response) return `HTTP ${error.status}`;
  if (error instanceof Error) return `${error.name}: ${error.message.split("\n")[0]}`;
  return String(error).split("\n")[0] ?? "";
}

/**
 * The throttled reconcile: runs when the shop's check is due and this caller claimed it. A failure
 * (Shopify down, a token refused) is logged in one line and reported, never thrown: the page or the job
 * goes on, and the next check retries. `connect` gives the Admin API client, only once the check is claimed.
 */
export async function reconcileBillingIfDue(
  db: Db,
  shop: CheckableShop,
  connect: () => Promise<AdminGraphql>,
  { now = new Date(), everyMs = BILLING_CHECK_EVERY_MS } = {},
): Promise<ReconcileOutcome> {
  if (!(await claimBillingCheck(db, shop, now, everyMs))) return { checked: false };
  try {
    return { checked: true, ...(await reconcileBilling(db, shop.id, await connect(), now)) };
  } catch (error) {
    const failed = describeFailure(error);
    console.warn(`billing reconcile for ${shop.domain} failed: ${failed}`);
    return { checked: true, failed };
  }
}
