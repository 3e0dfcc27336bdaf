// Asks Shopify for charges: the store owner approves them on Shopify's confirmation page and comes back
// to app/routes/app.billing.return.tsx. Nothing is granted here; only a charge read back from Shopify as
// ACTIVE grants credits.
import { BillingReplacementBehavior } from "@shopify/shopify-api";
import type { Db } from "../db/connect.server";
import { OPEN_STATUSES } from "./cycle.server";
import { recordSubscription } from "./subscriptions.server";
import { isDevelopmentStore, type AdminGraphql } from "../shopify/admin-api.server";
import type { Plan, TopUpPack } from "./plans";

type ReplacementBehavior = BillingReplacementBehavior;

/** The slice of shopify-app-remix's billing context this module uses. */
export interface Billing {
  request(options: {
    plan: string;
    isTest: boolean;
    returnUrl: string;
    replacementBehavior?: ReplacementBehavior;
  }): Promise<never>;
  cancel(options: { subscriptionId: string; isTest: boolean; prorate: boolean }): Promise<{
    id: string;
    name: string;
    status: string;
    test: boolean;
  }>;
}

/**
 * Test charges on development stores (App Store reviewers' stores only allow those) and when
 * SHOPIFY_BILLING_TEST is on; real charges otherwise. Never a check that insists on a real charge, so a
 * reviewer cannot end up in an approval loop.
 */
export async function chargesAreTests(graphql: AdminGraphql, testChargesSetting: boolean) {
  return testChargesSetting || (await isDevelopmentStore(graphql));
}

/** Where Shopify sends the store owner back: the app's return route, inside Shopify admin. */
export function returnUrl(shop: string, apiKey: string, kind: "plan" | "top-up") {
  const handle = shop.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${handle}/apps/${apiKey}/app/billing/return?kind=${kind}`;
}

/** An upgrade applies at once; a downgrade when the current billing cycle ends (no reinstall needed). */
export function replacementFor(current: Plan, next: Plan): ReplacementBehavior {
  return next.monthlyCredits > current.monthlyCredits
    ? BillingReplacementBehavior.ApplyImmediately
    : BillingReplacementBehavior.ApplyOnNextBillingCycle;
}

export function requestPlan(billing: Billing, current: Plan, next: Plan, testCharge: boolean, url: string) {
  return billing.request({
    plan: next.name,
    isTest: testCharge,
    returnUrl: url,
    replacementBehavior: replacementFor(current, next),
  });
}

export function requestTopUp(billing: Billing, pack: TopUpPack, testCharge: boolean, url: string) {
  return billing.request({ plan: pack.name, isTest: testCharge, returnUrl: url });
}

/**
 * The shop's subscriptions a cancel ends: the active one and a downgrade approved to start at the next
 * cycle, whatever Shopify reports for it meanwhile (ACCEPTED, or PENDING: see waitingDowngrade), so a
 * cancelled plan's successor never starts.
 */
export function openSubscriptions(db: Db, shopId: string) {
  return db.subscription.findMany({
    where: { shopId, status: { in: OPEN_STATUSES } },
    select: { id: true },
  });
}

/**
 * Cancels the shop's open subscriptions (from openSubscriptions) on Shopify and records Shopify's answers:
 * this cycle's credits stay, the next cycle is Free.
 */
export async function cancelPlan(
  db: Db,
  billing: Billing,
  shopId: string,
  open: { id: string }[],
  testCharge: boolean,
  now = new Date(),
) {
  for (const subscription of open) {
    const cancelled = await billing.cancel({
      subscriptionId: subscription.id,
      isTest: testCharge,
      prorate: false,
    });
    await recordSubscription(db, shopId, { ...cancelled, currentPeriodEnd: null, observedAt: now }, now);
  }
  return open.length;
}
