// The Billing page's balance card: what the shop can spend now, split by where it comes from, and the credit
// lots it will be drawn from, in the order the ledger draws them (app/ledger/draw-grants.ts).
import { FREE_PLAN, planByKey } from "../billing/plans";
import { moneyDriverOf, type Db } from "../db/connect.server";
import { query, type Row, type Script } from "../db/transaction-script";
import { grantLabel } from "../ledger/action-labels";
import { availableOf, LAPSED_CREDITS } from "../ledger/balance.server";
import { ShopNotFound } from "../ledger/errors";
import { optionalDateOf } from "./driver-rows";

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

// The balance and the polishing reserve in one statement.
const BALANCE = `SELECT b."posted", b."held", ${LAPSED_CREDITS} AS "lapsed",
    (SELECT a."polishingReserve" FROM "AlertSettings" a WHERE a."shopId" = b."shopId") AS "polishingReserve"
  FROM "ShopBalance" b WHERE b."shopId" = ?`;

// The spendable grants in the draw's order: expiring first (soonest first), then the rest oldest first, then
// by id. A grant's one grant entry (its plan, `plan:<key>`) is found by the (shopId, createdAt) index:
// grantCredits writes the grant and its entry with the same instant. (No ORDER BY: sorting by id made
// PostgreSQL walk the shop's whole (shopId, id) index for a grant newer than a long history.)
const LOTS = `SELECT g."id", g."kind", g."amount", g."remaining", g."expiresAt", g."test",
    (SELECT e."reference" FROM "LedgerEntry" e
      WHERE e."shopId" = g."shopId" AND e."createdAt" = g."createdAt" AND e."grantId" = g."id"
        AND e."type" = 'grant'
      LIMIT 1) AS "reference"
  FROM "CreditGrant" g
  WHERE g."shopId" = ? AND g."expiredAt" IS NULL AND (g."expiresAt" IS NULL OR g."expiresAt" > ?)
  ORDER BY CASE WHEN g."expiresAt" IS NULL THEN 1 ELSE 0 END, g."expiresAt", g."createdAt", g."id"`;

interface LotRow {
  id: string;
  kind: string;
  amount: number;
  remaining: number;
  expiresAt: string | Date | null;
  test: boolean | number;
  reference: string | null;
}

/**
 * The balance split: credits available now = this cycle's plan credits left + top-up credits + other
 * grants (adjustments), with what work in progress holds on top. `used` counts held credits too: they are
 * drawn from the allowance already. Lots are the spendable grants, soonest to expire first, then oldest.
 * Two statements of a driver read script, so a page can read it with the rest of what it shows.
 */
export function* balanceCardScript(
  shop: { id: string; planKey: string; cycleEnd: Date | null },
  now: Date,
): Script<BalanceCard> {
  const [balance] = yield* query<{
    posted: number;
    held: number;
    lapsed: number;
    polishingReserve: number | null;
  }>(BALANCE, now, shop.id);
  if (!balance) throw new ShopNotFound(shop.id);
  const grants = yield* query<LotRow & Row>(LOTS, shop.id, now);
  const sum = (list: LotRow[], field: "amount" | "remaining") =>
    list.reduce((total, grant) => total + grant[field], 0);
  const planGrants = grants.filter((grant) => PLAN_KINDS.includes(grant.kind));
  const topUps = grants.filter((grant) => grant.kind === "top_up");
  const others = grants.filter((grant) => !PLAN_KINDS.includes(grant.kind) && grant.kind !== "top_up");
  const allowance = sum(planGrants, "amount");
  const planLeft = sum(planGrants, "remaining");
  return {
    available: availableOf(balance),
    held: balance.held,
    /** Credits automations leave for the merchant's own final covers and rewrites (Billing → Alerts). */
    polishingReserve: balance.polishingReserve ?? 0,
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
        label: lotLabel(grant.kind, grant.amount, grant.reference),
        amount: grant.amount,
        remaining: grant.remaining,
        expiresAt: optionalDateOf(grant.expiresAt)?.toISOString() ?? null,
        test: Boolean(grant.test),
      })),
  };
}

export interface BalanceCard {
  available: number;
  held: number;
  polishingReserve: number;
  plan: { name: string; allowance: number; used: number; left: number; resetsAt: string | null };
  topUp: number;
  other: number;
  lots: CreditLot[];
}

/** The balance card on its own (balanceCardScript): one driver read. */
export function balanceCard(
  db: Db,
  shop: { id: string; planKey: string; cycleEnd: Date | null },
  now = new Date(),
): Promise<BalanceCard> {
  return moneyDriverOf(db).read(() => balanceCardScript(shop, now));
}
