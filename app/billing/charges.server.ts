// Asks Shopify for charges: the store owner approves them on Shopify's confirmation page and comes back
// to app/routes/app.billing.return.tsx. Nothing is granted here; only a charge read back from Shopify as
// ACTIVE grants credits. Plans go through shopify-app-remix's billing.request; top-ups are created here,
// because billing.request drops the purchase it created and the page shows a top-up pending by its id.
import { BillingReplacementBehavior } from "@shopify/shopify-api";
import type { Db } from "../db/connect.server";
import { OPEN_STATUSES } from "./cycle.server";
import { recordSubscription } from "./subscriptions.server";
import { createPurchase, isDevelopmentStore, type AdminGraphql } from "../shopify/admin-api.server";
import { CURRENCY, type Plan, type TopUpPack } from "./plans";
import { recordTopUpRequest } from "./top-ups.server";

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

/**
 * Creates a top-up pack's one-time purchase on Shopify and keeps it as pending (recordTopUpRequest);
 * answers the confirmation page to send the store owner to, or null if Shopify gave none.
 */
export async function requestTopUp(
  db: Db,
  graphql: AdminGraphql,
  shopId: string,
  pack: TopUpPack,
  testCharge: boolean,
  url: string,
  now = new Date(),
) {
  const { purchase, confirmationUrl } = await createPurchase(graphql, {
    name: pack.name,
    price: { amount: pack.price, currencyCode: CURRENCY },
    returnUrl: url,
    test: testCharge,
  });
  await recordTopUpRequest(db, shopId, pack, purchase, confirmationUrl, now);
  return confirmationUrl;
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
