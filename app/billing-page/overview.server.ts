import type { Db } from "../db/connect.server";
import { getBalance } from "../ledger/balance.server";
import { debitLabel } from "../ledger/action-labels";
import { PRICES } from "../ledger/prices";
import { ensureCurrentCycle, planForNextCycle } from "../billing/cycle.server";
import { FREE_PLAN, planByKey, PLANS, TOP_UP_PACKS } from "../billing/plans";

/** Everything the Billing page shows, for one installed shop, in its current cycle. */
export async function billingOverview(db: Db, shopId: string, now = new Date()) {
  const shop = await ensureCurrentCycle(db, shopId, now);
  const [balance, entries] = await Promise.all([
    getBalance(db, shop.id, now),
    db.ledgerEntry.findMany({
      where: { shopId: shop.id },
      orderBy: { id: "desc" },
      take: 25,
      select: {
        id: true,
        type: true,
        credits: true,
        postedAfter: true,
        action: true,
        reference: true,
        test: true,
        createdAt: true,
      },
    }),
  ]);
  // A debit's reference is the draft it paid for: its row names the draft by its current title.
  const draftIds = [...new Set(entries.flatMap((entry) => (entry.reference ? [entry.reference] : [])))];
  const drafts = draftIds.length
    ? await db.draft.findMany({
        where: { shopId: shop.id, id: { in: draftIds } },
        select: { id: true, title: true },
      })
    : [];
  const titles = new Map(drafts.map((draft) => [draft.id, draft.title]));
  const active = shop.subscriptions.find((s) => s.status === "ACTIVE" || s.status === "FROZEN");
  return {
    plan: planByKey(shop.planKey) ?? FREE_PLAN,
    nextPlan: planForNextCycle(shop.subscriptions).plan,
    subscription: active ? { status: active.status, test: active.test } : null,
    cycleEnd: shop.cycleEnd?.toISOString() ?? null,
    balance,
    prices: PRICES,
    plans: PLANS,
    topUpPacks: TOP_UP_PACKS,
    entries: entries.map(({ reference, ...entry }) => {
      const draftTitle = reference ? (titles.get(reference) ?? null) : null;
      return {
        ...entry,
        label: entry.action ? debitLabel(entry.action, draftTitle) : entry.type,
        draftId: draftTitle === null ? null : reference,
        createdAt: entry.createdAt.toISOString(),
      };
    }),
  };
}
