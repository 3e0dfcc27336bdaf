// "Usage and planning"'s read model: what this cycle's debits went to, by action and by day in the shop's
// time zone, the burn rate, and where the spendable credits come from. Reads only; the forecast and the
// planner (./forecast.ts, ./planner.ts) work on what it returns.
import type { Db } from "../db/connect.server";
import { ensureCurrentCycle, planForNextCycle } from "../billing/cycle.server";
import { FREE_PLAN, planByKey } from "../billing/plans";
import { ACTION_LABELS, debitLabel } from "../ledger/action-labels";
import { isAction, PRICES } from "../ledger/prices";
import { balanceCard } from "./balance.server";
import { amountFormat, dayIn, type BalanceSplit } from "./forecast";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ActionUsage {
  /** An action of the price table, or a stored combined action whose parts no longer add up to its debit. */
  action: string;
  label: string;
  credits: number;
  count: number;
}

/**
 * A debit's share per action. A combined request ("draft.generate+cover.generate") is one debit of the
 * sum of its prices: split back into its actions at those prices, so the chart counts drafts and covers.
 * When the parts do not add up to the debit (a price changed since), it stays one row of its own.
 */
function shares(action: string, credits: number): { action: string; credits: number }[] {
  const parts = action.split("+");
  if (parts.length > 1 && parts.every(isAction)) {
    const priced = parts.map((part) => ({ action: part, credits: PRICES[part] }));
    if (priced.reduce((sum, part) => sum + part.credits, 0) === credits) return priced;
  }
  return [{ action, credits }];
}

/** Every day from `first` to `last` (YYYY-MM-DD), both included. */
function daysBetween(first: string, last: string) {
  const days: string[] = [];
  for (let at = Date.parse(`${first}T00:00:00Z`); ; at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    if (day > last) return days;
    days.push(day);
  }
}

/** This cycle's usage of one shop, as of `now`. */
export async function cycleUsage(db: Db, shopId: string, now = new Date()) {
  const shop = await ensureCurrentCycle(db, shopId, now);
  const timeZone = amountFormat(null, shop.timezone).timeZone;
  const cycleStart = shop.cycleStart ?? now;
  const cycleEnd = shop.cycleEnd ?? now;
  const [debits, balance] = await Promise.all([
    db.ledgerEntry.findMany({
      where: { shopId: shop.id, type: "debit", createdAt: { gte: cycleStart } },
      select: { action: true, credits: true, createdAt: true },
    }),
    balanceCard(db, shop, now),
  ]);

  const byAction = new Map<string, ActionUsage>();
  const byDay = new Map<string, number>();
  let spent = 0;
  for (const debit of debits) {
    const credits = -debit.credits;
    spent += credits;
    const day = dayIn(timeZone, debit.createdAt);
    byDay.set(day, (byDay.get(day) ?? 0) + credits);
    for (const share of shares(debit.action ?? "", credits)) {
      const usage = byAction.get(share.action) ?? {
        action: share.action,
        label: isAction(share.action) ? ACTION_LABELS[share.action] : debitLabel(share.action, null),
        credits: 0,
        count: 0,
      };
      usage.credits += share.credits;
      usage.count += 1;
      byAction.set(share.action, usage);
    }
  }

  const split: BalanceSplit = {
    planLeft: balance.plan.left,
    // Adjustments count with top-ups: they are not this cycle's allowance.
    topUpLeft: balance.topUp + balance.other,
    held: balance.held,
  };
  return {
    timeZone,
    cycleStart,
    cycleEnd,
    plan: planByKey(shop.planKey) ?? FREE_PLAN,
    nextPlan: planForNextCycle(shop.subscriptions).plan,
    byAction: [...byAction.values()].sort((a, b) => b.credits - a.credits || a.label.localeCompare(b.label)),
    byDay: daysBetween(dayIn(timeZone, cycleStart), dayIn(timeZone, now)).map((day) => ({
      day,
      credits: byDay.get(day) ?? 0,
    })),
    burn: { spent, days: Math.max(1, (now.getTime() - cycleStart.getTime()) / DAY_MS) },
    balance: split,
  };
}

export type CycleUsage = Awaited<ReturnType<typeof cycleUsage>>;
