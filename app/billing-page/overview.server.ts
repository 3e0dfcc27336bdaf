import type { Db } from "../db/connect.server";
import { debitLabel, ACTION_LABELS } from "../ledger/action-labels";
import { ACTIONS, PRICES } from "../ledger/prices";
import { ensureCurrentCycle, planForNextCycle, waitingDowngrade } from "../billing/cycle.server";
import { planChange, scheduledChange } from "../billing/plan-changes.server";
import { FREE_PLAN, planByKey, PLANS, TOP_UP_PACKS } from "../billing/plans";
import { balanceCard, lotLabel } from "./balance.server";

// How many of the newest ledger entries the page sums up; the Activity tab lists them all.
const RECENT = 5;

/** Dollars per credit, to the tenth of a cent: what makes plans and packs comparable. */
const perCredit = (price: number, credits: number) => Math.round((price / credits) * 1000) / 1000;

/**
 * The plan's status as the page names it: Free, active, waiting for the owner's approval on Shopify,
 * frozen (Shopify froze it: the store's own Shopify bill is unpaid), or cancelled (this cycle still runs).
 */
function planStatus(
  planKey: string,
  subscriptions: { id: string; status: string; planKey: string; test: boolean; observedAt: Date }[],
) {
  if (subscriptions.some((s) => s.status === "FROZEN")) return "frozen" as const;
  if (subscriptions.some((s) => s.status === "ACTIVE")) return "active" as const;
  const waiting = waitingDowngrade(subscriptions)?.id;
  if (subscriptions.some((s) => s.status === "PENDING" && s.id !== waiting)) return "pending" as const;
  return planKey === FREE_PLAN.key ? ("free" as const) : ("cancelled" as const);
}

/** The newest ledger entries, each named by its source as the Activity Ledger names it. */
async function recentEntries(db: Db, shopId: string) {
  const entries = await db.ledgerEntry.findMany({
    where: { shopId },
    orderBy: { id: "desc" },
    take: RECENT,
    select: {
      id: true,
      type: true,
      credits: true,
      postedAfter: true,
      action: true,
      reference: true,
      test: true,
      createdAt: true,
      grant: { select: { kind: true, amount: true } },
    },
  });
  // A debit's reference is the draft it paid for: its row names the draft by its current title.
  const draftIds = [
    ...new Set(entries.flatMap((e) => (e.type === "debit" && e.reference ? [e.reference] : []))),
  ];
  const drafts = draftIds.length
    ? await db.draft.findMany({ where: { shopId, id: { in: draftIds } }, select: { id: true, title: true } })
    : [];
  const titles = new Map(drafts.map((draft) => [draft.id, draft.title]));
  return entries.map((entry) => {
    const title = entry.type === "debit" && entry.reference ? (titles.get(entry.reference) ?? null) : null;
    const label =
      entry.type === "debit" && entry.action
        ? debitLabel(entry.action, title)
        : entry.type === "grant" && entry.grant
          ? lotLabel(entry.grant.kind, entry.grant.amount, entry.reference)
          : entry.type === "expiry"
            ? entry.grant?.kind === "top_up"
              ? "Top-up credits expired"
              : "Unused monthly credits expired"
            : "Adjustment";
    return {
      id: entry.id,
      label,
      credits: entry.credits,
      postedAfter: entry.postedAfter,
      test: entry.test,
      draftId: title === null ? null : entry.reference,
      createdAt: entry.createdAt.toISOString(),
    };
  });
}

/** Everything the "Plan and balance" tab shows, for one installed shop, in its current cycle. */
export async function billingOverview(db: Db, shopId: string, now = new Date()) {
  const shop = await ensureCurrentCycle(db, shopId, now);
  const [balance, recent] = await Promise.all([balanceCard(db, shop, now), recentEntries(db, shop.id)]);
  const plan = planByKey(shop.planKey) ?? FREE_PLAN;
  const running = shop.subscriptions.find((s) => s.status === "ACTIVE" || s.status === "FROZEN");
  const scheduled = scheduledChange(shop, shop.subscriptions);
  return {
    plan,
    nextPlan: planForNextCycle(shop.subscriptions).plan,
    status: planStatus(shop.planKey, shop.subscriptions),
    subscription: running ? { status: running.status, test: running.test } : null,
    cycleEnd: shop.cycleEnd?.toISOString() ?? null,
    timezone: shop.timezone ?? "UTC",
    scheduled: scheduled && {
      kind: scheduled.kind,
      plan: scheduled.plan,
      from: scheduled.from.toISOString(),
      // Cancelling the waiting subscription undoes it at no charge; otherwise Shopify asks to approve again.
      undo:
        scheduled.kind === "downgrade" && scheduled.waitingId
          ? ("cancel-waiting" as const)
          : ("approve-again" as const),
    },
    balance,
    prices: ACTIONS.map((action) => ({ action, label: ACTION_LABELS[action], credits: PRICES[action] })),
    plans: PLANS.map((p) => ({
      ...p,
      pricePerCredit: perCredit(p.price, p.monthlyCredits),
      change: planChange(plan, p),
    })),
    topUpPacks: TOP_UP_PACKS.map((pack) => ({
      ...pack,
      pricePerCredit: perCredit(pack.price, pack.credits),
    })),
    recent,
  };
}
