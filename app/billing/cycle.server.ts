import type { Db } from "../db/connect.server";
import { grantCredits } from "../ledger/grant-credits.server";
import { IdempotencyConflict } from "../ledger/errors";
import { CYCLE_DAYS, FREE_PLAN, planByKey, type Plan } from "./plans";

const CYCLE_MS = CYCLE_DAYS * 24 * 60 * 60 * 1000;

type Subscription = {
  planKey: string;
  status: string;
  test: boolean;
  observedAt: Date;
  currentPeriodEnd?: Date | null;
};

/** Statuses of a subscription that runs, or may run from the next cycle on. */
export const OPEN_STATUSES = ["PENDING", "ACCEPTED", "ACTIVE", "FROZEN"];

const newest = <T extends Subscription>(subscriptions: T[], statuses: string[]) =>
  subscriptions
    .filter((s) => statuses.includes(s.status))
    .sort((a, b) => b.observedAt.getTime() - a.observedAt.getTime())[0];

/**
 * A smaller plan the store owner approved to start at the next billing cycle. What Shopify reports for one
 * until then is not documented: ACCEPTED (deprecated since 2021-01), or PENDING (the app only holds a
 * PENDING subscription it read back on Shopify's return visit, which Shopify makes only after approval;
 * one whose approval was never given expires in two days). Shopify may also cancel the old one and
 * activate the new one at once: then the smaller plan is simply the ACTIVE one.
 */
export function waitingDowngrade<T extends Subscription>(subscriptions: T[]): T | undefined {
  const running = newest(subscriptions, ["ACTIVE"]);
  const waiting = newest(subscriptions, ["ACCEPTED", "PENDING"]);
  if (!running || !waiting) return undefined;
  return (planByKey(waiting.planKey) ?? FREE_PLAN).monthlyCredits <
    (planByKey(running.planKey) ?? FREE_PLAN).monthlyCredits
    ? waiting
    : undefined;
}

/**
 * The plan the next cycle carries, from the subscriptions as Shopify last reported them: a downgrade
 * waiting for the next billing cycle wins over the ACTIVE plan it replaces; a FROZEN, cancelled or missing
 * subscription means the Free allowance.
 */
export function planForNextCycle(subscriptions: Subscription[]): { plan: Plan; test: boolean } {
  const running = newest(subscriptions, ["ACTIVE", "FROZEN"]);
  const chosen = running?.status === "ACTIVE" ? (waitingDowngrade(subscriptions) ?? running) : undefined;
  return chosen
    ? { plan: planByKey(chosen.planKey) ?? FREE_PLAN, test: chosen.test }
    : { plan: FREE_PLAN, test: false };
}

/**
 * Whether what the app holds tells which plan Shopify bills from `boundary` on: every open subscription
 * was read back at or after it, and an ACTIVE one's period runs past that read (Shopify renewed it, or
 * started it). Before that the old plan may be ending (a deferred downgrade Shopify has not switched yet,
 * or one the app never heard of), so a paid cycle is not granted from stale state: the read-back at the
 * boundary (reconcileBilling, which runs as soon as a cycle is due) grants it.
 */
export function boundaryConfirmed(subscriptions: Subscription[], boundary: Date): boolean {
  return subscriptions
    .filter((s) => OPEN_STATUSES.includes(s.status))
    .every(
      (s) =>
        s.observedAt >= boundary &&
        (s.status !== "ACTIVE" || !s.currentPeriodEnd || s.currentPeriodEnd > s.observedAt),
    );
}

/** Where the cycle containing `now` starts: cycles follow each other 30 days apart from `anchor`. */
export function cycleStartFor(anchor: Date, now: Date): Date {
  const elapsed = Math.max(0, now.getTime() - anchor.getTime());
  return new Date(anchor.getTime() + Math.floor(elapsed / CYCLE_MS) * CYCLE_MS);
}

export function cycleKey(start: Date) {
  return `cycle:${start.toISOString()}`;
}

/**
 * Where a shop's first cycle starts: the first request to get here stores its clock as the start, and every
 * racer reads that one stored value back, so they all compute the same grant key. (Each racer's own clock
 * would give each its own key, and one allowance per racer.) Null when a racer already finished the cycle.
 */
async function claimFirstCycleStart(db: Db, shopId: string, now: Date): Promise<Date | null> {
  await db.shop.updateMany({
    where: { id: shopId, cycleStart: null, cycleEnd: null },
    data: { cycleStart: now },
  });
  const claimed = await db.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { cycleStart: true, cycleEnd: true },
  });
  return claimed.cycleEnd ? null : claimed.cycleStart;
}

/**
 * Makes sure the shop is in its current cycle and that cycle's allowance is granted: exactly once per
 * cycle, however many instances, requests and webhooks race here (the grant is keyed by the cycle start).
 * Idle cycles in between are skipped, not granted retroactively. No Shopify call: a paid shop's next cycle
 * waits until Shopify's billing was read back at or after the boundary (boundaryConfirmed; the reconcile
 * does that read when a cycle is due), and until then the shop stays in its ended cycle.
 */
export async function ensureCurrentCycle(db: Db, shopId: string, now = new Date()) {
  const shop = await db.shop.findUniqueOrThrow({
    where: { id: shopId },
    include: { subscriptions: true },
  });
  if (shop.cycleEnd && now < shop.cycleEnd) return shop;

  const anchor = shop.cycleEnd ?? (await claimFirstCycleStart(db, shopId, now));
  if (!anchor) return ensureCurrentCycle(db, shopId, now);
  const start = cycleStartFor(anchor, now);
  const end = new Date(start.getTime() + CYCLE_MS);
  const { plan, test } = planForNextCycle(shop.subscriptions);
  // A paid allowance only from a read-back at or after the boundary. Free needs none: if Shopify still
  // bills a plan the app did not know of, the read-back tops the cycle up (reconcilePlan's upgrade).
  if (plan.monthlyCredits > FREE_PLAN.monthlyCredits && shop.cycleEnd) {
    if (!boundaryConfirmed(shop.subscriptions, shop.cycleEnd)) return shop;
  }
  const sourceKey = cycleKey(start);
  try {
    await grantCredits(
      db,
      {
        shopId,
        sourceKey,
        kind: "monthly",
        credits: plan.monthlyCredits,
        expiresAt: end,
        test,
        reference: `plan:${plan.key}`,
      },
      now,
    );
  } catch (error) {
    // Another instance granted this cycle first, seeing a plan change this one has not seen: its grant stands.
    if (!(error instanceof IdempotencyConflict)) throw error;
  }
  // The plan the cycle carries is the one its grant was made for (recorded on the grant's ledger entry).
  const granted = await db.ledgerEntry.findFirstOrThrow({
    where: { shopId, grant: { sourceKey } },
    select: { reference: true },
  });
  const planKey = granted.reference?.replace(/^plan:/, "") ?? plan.key;
  // Conditional on the cycle this call saw, so a slower racer cannot move the shop back.
  await db.shop.updateMany({
    where: { id: shopId, cycleEnd: shop.cycleEnd },
    data: { cycleStart: start, cycleEnd: end, planKey },
  });
  return db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { subscriptions: true } });
}
