// The Billing page's balance card: what the shop can spend now, split by where it comes from, and the credit
// lots it will be drawn from, in the order the ledger draws them (app/ledger/draw-grants.ts).
import { grantLabel } from "../ledger/action-labels";
import type { Db } from "../db/connect.server";
import { getBalance } from "../ledger/balance.server";
import { FREE_PLAN, planByKey } from "../billing/plans";

// The cycle's allowance: the monthly grant and an upgrade's top-up both end with the cycle.
const PLAN_KINDS = ["monthly", "upgrade"];

export interface CreditLot {
  id: string;
  kind: string;
  label: string;
  amount: number;
  remaining: number;
  expiresAt: string | null;
  test: boolean;
}

/** What a grant is called on screen, from its kind and the plan its ledger entry names (`plan:<key>`). */
export function lotLabel(kind: string, amount: number, reference: string | null): string {
  const plan = reference?.startsWith("plan:") ? planByKey(reference.slice("plan:".length)) : undefined;
  // The Activity Ledger's names for grants (one home for them): a lot is the grant it came from.
  return grantLabel(kind === "adjustment" ? "adjustment" : "grant", {
    kind,
    planName: (plan ?? (kind === "monthly" ? FREE_PLAN : undefined))?.name ?? null,
    credits: amount,
  });
}

/**
 * The balance split: credits available now = this cycle's plan credits left + top-up credits + other
 * grants (adjustments), with what work in progress holds on top. `used` counts held credits too: they are
 * drawn from the allowance already. Lots are the spendable grants, soonest to expire first, then oldest.
 */
export async function balanceCard(
  db: Db,
  shop: { id: string; planKey: string; cycleEnd: Date | null },
  now = new Date(),
) {
  const [balance, settings, grants] = await Promise.all([
    getBalance(db, shop.id, now),
    db.alertSettings.findUnique({ where: { shopId: shop.id }, select: { polishingReserve: true } }),
    db.creditGrant.findMany({
      where: {
        shopId: shop.id,
        expiredAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
      },
      // The draw's order: expiring first (soonest first), then the rest oldest first, then by id.
      orderBy: [{ expiresAt: { sort: "asc", nulls: "last" } }, { createdAt: "asc" }, { id: "asc" }],
      select: {
        id: true,
        kind: true,
        amount: true,
        remaining: true,
        expiresAt: true,
        test: true,
        entries: { where: { type: "grant" }, select: { reference: true }, take: 1 },
      },
    }),
  ]);
  const sum = (list: typeof grants, field: "amount" | "remaining") =>
    list.reduce((total, grant) => total + grant[field], 0);
  const planGrants = grants.filter((grant) => PLAN_KINDS.includes(grant.kind));
  const topUps = grants.filter((grant) => grant.kind === "top_up");
  const others = grants.filter((grant) => !PLAN_KINDS.includes(grant.kind) && grant.kind !== "top_up");
  const allowance = sum(planGrants, "amount");
  const planLeft = sum(planGrants, "remaining");
  return {
    available: balance.available,
    held: balance.held,
    /** Credits automations leave for the merchant's own final covers and rewrites (Billing → Alerts). */
    polishingReserve: settings?.polishingReserve ?? 0,
    plan: {
      name: (planByKey(shop.planKey) ?? FREE_PLAN).name,
      allowance,
      used: allowance - planLeft,
      left: planLeft,
      resetsAt: shop.cycleEnd?.toISOString() ?? null,
    },
    topUp: sum(topUps, "remaining"),
    other: sum(others, "remaining"),
    lots: grants
      .filter((grant) => grant.remaining > 0)
      .map((grant): CreditLot => ({
        id: grant.id,
        kind: grant.kind,
        label: lotLabel(grant.kind, grant.amount, grant.entries[0]?.reference ?? null),
        amount: grant.amount,
        remaining: grant.remaining,
        expiresAt: grant.expiresAt?.toISOString() ?? null,
        test: grant.test,
      })),
  };
}
