import { planForNextCycle, waitingDowngrade } from "../billing/cycle.server";
import { planChange, scheduledChange } from "../billing/plan-changes.server";
import { FREE_PLAN, planByKey, PLANS, TOP_UP_PACKS } from "../billing/plans";
import { moneyDriverOf, type Db } from "../db/connect.server";
import { query, type Row } from "../db/transaction-script";
import { ACTION_LABELS, debitLabel } from "../ledger/action-labels";
import { ACTIONS, PRICES } from "../ledger/prices";
import { balanceCardScript, lotLabel } from "./balance.server";
import { dateOf, optionalDateOf } from "./driver-rows";

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

// The newest entries with their grant and the draft a debit paid for (by its current title).
const RECENT_ENTRIES = `SELECT e."id", e."type", e."credits", e."postedAfter", e."action", e."reference", e."test",
    e."createdAt", g."kind" AS "grantKind", g."amount" AS "grantAmount", d."title" AS "draftTitle"
  FROM (SELECT e.* FROM "LedgerEntry" e WHERE e."shopId" = ? ORDER BY e."id" DESC LIMIT ${RECENT}) e
  LEFT JOIN "CreditGrant" g ON g."id" = e."grantId"
  LEFT JOIN "Draft" d ON e."type" = 'debit' AND d."id" = e."reference" AND d."shopId" = e."shopId"
  ORDER BY e."id" DESC`;

interface RecentRow {
  id: number;
  type: string;
  credits: number;
  postedAfter: number;
  action: string | null;
  reference: string | null;
  test: boolean | number;
  createdAt: string | Date;
  grantKind: string | null;
  grantAmount: number | null;
  draftTitle: string | null;
}

/** The newest ledger entries, each named by its source as the Activity Ledger names it. */
function* recentEntries(shopId: string) {
  const entries = yield* query<RecentRow & Row>(RECENT_ENTRIES, shopId);
  return entries.map((entry) => {
    const title = entry.draftTitle;
    const label =
      entry.type === "debit" && entry.action
        ? debitLabel(entry.action, title)
        : entry.type === "grant" && entry.grantKind !== null
          ? lotLabel(entry.grantKind, entry.grantAmount ?? 0, entry.reference)
          : entry.type === "expiry"
            ? entry.grantKind === "top_up"
              ? "Top-up credits expired"
              : "Unused monthly credits expired"
            : "Adjustment";
    return {
      id: entry.id,
      label,
      credits: entry.credits,
      postedAfter: entry.postedAfter,
      test: Boolean(entry.test),
      draftId: title === null ? null : entry.reference,
      createdAt: dateOf(entry.createdAt).toISOString(),
    };
  });
}

/** What the Billing page needs of the shop: its row and the subscriptions Shopify last reported. */
export interface BillingShop {
  id: string;
  domain: string;
  planKey: string;
  cycleStart: Date | null;
  cycleEnd: Date | null;
  billingCheckedAt: Date | null;
  timezone: string | null;
  subscriptions: {
    id: string;
    planKey: string;
    status: string;
    test: boolean;
    currentPeriodEnd: Date | null;
    observedAt: Date;
  }[];
}

const SHOP_WITH_SUBSCRIPTIONS = `SELECT s."id", s."domain", s."uninstalledAt", s."planKey", s."cycleStart",
    s."cycleEnd", s."billingCheckedAt", s."timezone", u."id" AS "subscriptionId", u."planKey" AS "subscriptionPlan",
    u."status", u."test", u."currentPeriodEnd", u."observedAt"
  FROM "Shop" s LEFT JOIN "Subscription" u ON u."shopId" = s."id"
  WHERE s."domain" = ?`;

/**
 * The shop in one statement when it is installed and inside its current cycle, which is what
 * recordInstall (app/shops/life-cycle.server.ts) would find and leave alone on every visit after the
 * first; null when recordInstall has work to do (first visit, reinstall, a cycle to roll forward).
 */
export async function installedShop(db: Db, domain: string, now = new Date()): Promise<BillingShop | null> {
  const rows = await moneyDriverOf(db).read(() => query(SHOP_WITH_SUBSCRIPTIONS, domain));
  const [first] = rows;
  if (!first || first.uninstalledAt !== null) return null;
  const cycleEnd = optionalDateOf(first.cycleEnd);
  if (!cycleEnd || now >= cycleEnd) return null;
  return {
    id: first.id as string,
    domain: first.domain as string,
    planKey: first.planKey as string,
    cycleStart: optionalDateOf(first.cycleStart),
    cycleEnd,
    billingCheckedAt: optionalDateOf(first.billingCheckedAt),
    timezone: first.timezone as string | null,
    subscriptions: rows
      .filter((row) => row.subscriptionId !== null)
      .map((row) => ({
        id: row.subscriptionId as string,
        planKey: row.subscriptionPlan as string,
        status: row.status as string,
        test: Boolean(row.test),
        currentPeriodEnd: optionalDateOf(row.currentPeriodEnd),
        observedAt: dateOf(row.observedAt),
      })),
  };
}

/**
 * Everything the "Plan and balance" tab shows, for one installed shop in its current cycle (as
 * recordInstall or installedShop returned it), from one driver read: the balance, the lots and the newest
 * entries.
 */
export async function billingOverview(db: Db, shop: BillingShop, now = new Date()) {
  const [balance, recent] = await moneyDriverOf(db).read(function* () {
    return [yield* balanceCardScript(shop, now), yield* recentEntries(shop.id)] as const;
  });
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
