import type { Db } from "../db/connect.server";
import { moveCycleGrants } from "../ledger/move-cycle-grants.server";
import { grantCredits } from "../ledger/grant-credits.server";
import { IdempotencyConflict } from "../ledger/errors";
import { ensureCurrentCycle } from "./cycle.server";
import { CYCLE_DAYS, FREE_PLAN, planByKey, planByName } from "./plans";

export const SUBSCRIPTION_STATUSES = [
  "PENDING",
  "ACCEPTED",
  "ACTIVE",
  "FROZEN",
  "CANCELLED",
  "DECLINED",
  "EXPIRED",
] as const;

/** A subscription as Shopify reported it at `observedAt` (a webhook's updated_at, or when it was read back). */
export interface SubscriptionState {
  id: string;
  name: string;
  status: string;
  test: boolean;
  currentPeriodEnd: Date | null;
  observedAt: Date;
}

/**
 * Records what Shopify says about a subscription, unless the shop already holds a newer state (late or
 * reordered webhooks never move it back), then brings the shop's plan in line with it.
 */
export async function recordSubscription(db: Db, shopId: string, state: SubscriptionState, now = new Date()) {
  const result = await storeSubscription(db, shopId, state);
  if (!("reason" in result)) await reconcilePlan(db, shopId, now);
  return result;
}

/**
 * Only the recording half of recordSubscription: for a read-back of several subscriptions at once, which
 * are all stored before the plan is reconciled once (so a cycle boundary sees all of them).
 */
export async function storeSubscription(db: Db, shopId: string, state: SubscriptionState) {
  const plan = planByName(state.name);
  if (!plan) return { recorded: false as const, reason: `no plan named ${state.name}` };
  if (!(SUBSCRIPTION_STATUSES as readonly string[]).includes(state.status))
    return { recorded: false as const, reason: `unknown status ${state.status}` };
  const data = {
    planKey: plan.key,
    status: state.status,
    test: state.test,
    observedAt: state.observedAt,
    ...(state.currentPeriodEnd ? { currentPeriodEnd: state.currentPeriodEnd } : {}),
  };
  const existing = await db.subscription.findUnique({ where: { id: state.id } });
  if (existing && existing.shopId !== shopId)
    return { recorded: false as const, reason: "another shop's subscription" };
  let recorded: boolean;
  if (!existing) {
    try {
      await db.subscription.create({ data: { id: state.id, shopId, ...data } });
      recorded = true;
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
      recorded = await applyIfNewer(db, shopId, state, data);
    }
  } else {
    recorded = await applyIfNewer(db, shopId, state, data);
  }
  return { recorded };
}

async function applyIfNewer(db: Db, shopId: string, state: SubscriptionState, data: object) {
  const { count } = await db.subscription.updateMany({
    where: { id: state.id, shopId, observedAt: { lt: state.observedAt } },
    data,
  });
  return count === 1;
}

/**
 * An ACTIVE plan bigger than the one the current cycle carries is an upgrade, applied now: the cycle is
 * topped up to the new allowance (less what was already used: the old grants keep their remaining
 * credits) and moves onto the subscription's billing period. Smaller plans wait for the next cycle.
 * Derived from state, not from the event, so a retry after a crash finishes the job and a replay does
 * nothing; the grant key (subscription + cycle) keeps it to once.
 */
export async function reconcilePlan(db: Db, shopId: string, now = new Date()) {
  const shop = await ensureCurrentCycle(db, shopId, now);
  // A cycle waiting for its boundary read-back is not topped up: the read-back grants it whole.
  if (shop.cycleEnd && shop.cycleEnd <= now) return shop;
  const active = shop.subscriptions
    .filter((s) => s.status === "ACTIVE")
    .sort((a, b) => b.observedAt.getTime() - a.observedAt.getTime())[0];
  if (!active || !shop.cycleStart || !shop.cycleEnd) return shop;
  const current = planByKey(shop.planKey) ?? FREE_PLAN;
  const next = planByKey(active.planKey) ?? FREE_PLAN;
  if (next.monthlyCredits <= current.monthlyCredits) return shop;

  const periodEnd =
    active.currentPeriodEnd && active.currentPeriodEnd > now
      ? active.currentPeriodEnd
      : new Date(now.getTime() + CYCLE_DAYS * 24 * 60 * 60 * 1000);
  try {
    await grantCredits(
      db,
      {
        shopId,
        sourceKey: `upgrade:${active.id}:${shop.cycleStart.toISOString()}`,
        kind: "upgrade",
        credits: next.monthlyCredits - current.monthlyCredits,
        expiresAt: periodEnd,
        test: active.test,
        reference: `plan:${next.key}`,
      },
      now,
    );
  } catch (error) {
    if (!(error instanceof IdempotencyConflict)) throw error;
  }
  // The cycle's allowance lives on until the new billing period ends (moved by the ledger, under the lock).
  await moveCycleGrants(db, { shopId, from: shop.cycleEnd, to: periodEnd }, now);
  await db.shop.updateMany({
    where: { id: shopId, cycleEnd: shop.cycleEnd },
    data: { planKey: next.key, cycleStart: now, cycleEnd: periodEnd },
  });
  return db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { subscriptions: true } });
}
