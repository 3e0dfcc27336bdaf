// The plan changes a store owner confirms on the Billing page, and what the page says is scheduled. A
// downgrade approved with APPLY_ON_NEXT_BILLING_CYCLE is a second subscription waiting beside the running
// one; cancelling that one is how it is undone (the running one stays, nothing is charged). A cancelled
// plan ends at once on Shopify (appSubscriptionCancel): keeping it means approving it again.
import type { Db } from "../db/connect.server";
import { planForNextCycle, waitingDowngrade } from "./cycle.server";
import { requestPlan, type Billing } from "./charges.server";
import { recordSubscription } from "./subscriptions.server";
import { FREE_PLAN, planByKey, type Plan } from "./plans";

type HeldSubscription = {
  id: string;
  planKey: string;
  status: string;
  test: boolean;
  observedAt: Date;
  currentPeriodEnd?: Date | null;
};

export type PlanChange = "upgrade" | "downgrade" | "same";

export function planChange(current: Plan, next: Plan): PlanChange {
  if (next.key === current.key) return "same";
  return next.monthlyCredits > current.monthlyCredits ? "upgrade" : "downgrade";
}

export type Scheduled =
  // Shopify holds the smaller plan waiting (undone by cancelling it), or switched to it already.
  | { kind: "downgrade"; plan: Plan; from: Date; waitingId: string | null }
  | { kind: "cancel"; plan: Plan; from: Date };

/**
 * What changes when the current cycle ends, if anything: a smaller plan, or Free after a cancellation.
 * A FROZEN plan is not scheduled to end: it resumes when Shopify unfreezes it.
 */
export function scheduledChange(
  shop: { planKey: string; cycleEnd: Date | null },
  subscriptions: HeldSubscription[],
): Scheduled | null {
  if (!shop.cycleEnd) return null;
  const current = planByKey(shop.planKey) ?? FREE_PLAN;
  if (subscriptions.some((s) => s.status === "FROZEN")) return null;
  const next = planForNextCycle(subscriptions).plan;
  if (planChange(current, next) !== "downgrade") return null;
  if (next.key === FREE_PLAN.key) return { kind: "cancel", plan: next, from: shop.cycleEnd };
  return {
    kind: "downgrade",
    plan: next,
    from: shop.cycleEnd,
    waitingId: waitingDowngrade(subscriptions)?.id ?? null,
  };
}

/**
 * Undoes a scheduled downgrade or cancellation so the cycle's plan carries on. A downgrade still waiting on
 * Shopify is cancelled there (and recorded): `{ undone: true }`. Otherwise Shopify already ended the plan
 * (a cancellation, or a downgrade it switched to at once), and the plan is asked for again: this throws
 * billing.request's redirect to Shopify's confirmation page. `{ undone: false }` when nothing is scheduled.
 */
export async function undoScheduledChange(
  db: Db,
  billing: Billing,
  shopId: string,
  { testCharge, returnUrl, now = new Date() }: { testCharge: boolean; returnUrl: string; now?: Date },
) {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { subscriptions: true } });
  const scheduled = scheduledChange(shop, shop.subscriptions);
  if (!scheduled) return { undone: false as const };
  const current = planByKey(shop.planKey) ?? FREE_PLAN;
  if (scheduled.kind === "downgrade" && scheduled.waitingId) {
    const cancelled = await billing.cancel({
      subscriptionId: scheduled.waitingId,
      isTest: testCharge,
      prorate: false,
    });
    await recordSubscription(db, shopId, { ...cancelled, currentPeriodEnd: null, observedAt: now }, now);
    return { undone: true as const, plan: current, cancelled: scheduled.plan };
  }
  // Asked for at once: a cancelled plan has nothing running to wait for, and a smaller running plan is
  // replaced now (Shopify prorates), so the cycle's plan is what Shopify bills.
  return requestPlan(billing, scheduled.plan, current, testCharge, returnUrl);
}
