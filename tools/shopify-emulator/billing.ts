// Shopify's Billing API rules as the emulator models them: charge creation, merchant approval/decline,
// expiry of unanswered charges, one active subscription per shop with replacement behaviours, renewals and
// freezes. Every status change sends the matching webhook.

import { SHOPIFY_ADMIN_ORIGIN, shopHandle, toEmulatorUrl } from "./admin-urls";
import { purchasePayload, subscriptionPayload } from "./payloads";
import {
  DAY_MS,
  decimal,
  recurringItem,
  subscriptionInterval,
  type Charge,
  type DeferredApproval,
  type Discount,
  type EmulatorState,
  type Money,
  type PricingDetails,
  type Purchase,
  type PurchaseStatus,
  type RecurringInterval,
  type ReplacementBehavior,
  type ShopRecord,
  type Subscription,
  type SubscriptionStatus,
} from "./state";
import type { WebhookDispatcher } from "./webhooks";

export interface UserError {
  field: string[] | null;
  message: string;
}

export interface SubscriptionInput {
  name: string;
  returnUrl: string;
  lineItems: PricingDetails[];
  trialDays?: number;
  test?: boolean;
  replacementBehavior?: ReplacementBehavior;
}

export interface PurchaseInput {
  name: string;
  returnUrl: string;
  price: Money;
  test?: boolean;
}

export interface CreateResult<T> {
  charge: T | null;
  confirmationUrl: string | null;
  userErrors: UserError[];
}

export interface Decision {
  charge: Charge;
  redirectUrl: string;
}

export const DEFAULT_APPROVAL_TIMEOUT_MS = 2 * DAY_MS;

export function periodMs(interval: RecurringInterval): number {
  return interval === "ANNUAL" ? 365 * DAY_MS : 30 * DAY_MS;
}

function currencyOf(sub: Subscription): string | undefined {
  const li = sub.lineItems[0];
  return li && (li.kind === "recurring" ? li.price.currencyCode : li.cappedAmount.currencyCode);
}

// The line items without their discounts, for "identical except for the discount value".
function withoutDiscounts(sub: Subscription): string {
  return JSON.stringify(
    sub.lineItems.map((li) => (li.kind === "recurring" ? { ...li, discount: null } : li)),
  );
}
function discounts(sub: Subscription): string {
  return JSON.stringify(sub.lineItems.map((li) => (li.kind === "recurring" ? li.discount : null)));
}

/**
 * Whether approving `next` while `current` runs waits for the next billing cycle (shopify.dev admin-graphql
 * AppSubscriptionReplacementBehavior): APPLY_ON_NEXT_BILLING_CYCLE does, unless the currencies differ;
 * STANDARD only when the current subscription is annual and the new one is annual of a lesser value or
 * monthly (same currency both), or when the two are identical except for the discount.
 */
export function replacementDeferred(next: Subscription, current: Subscription): boolean {
  const sameCurrency = currencyOf(next) === currencyOf(current);
  if (next.replacementBehavior === "APPLY_IMMEDIATELY" || !sameCurrency) return false;
  if (next.replacementBehavior === "APPLY_ON_NEXT_BILLING_CYCLE") return true;
  const [was, now] = [recurringItem(current), recurringItem(next)];
  if (was?.interval === "ANNUAL" && now?.interval === "ANNUAL")
    return Number(now.price.amount) < Number(was.price.amount);
  if (was?.interval === "ANNUAL" && now?.interval === "EVERY_30_DAYS") return true;
  // Read strictly: the discount must differ (the very same plan again replaces at once).
  return (
    next.name === current.name &&
    withoutDiscounts(next) === withoutDiscounts(current) &&
    discounts(next) !== discounts(current)
  );
}

/** An approved subscription waiting for the next billing cycle (ACCEPTED, or PENDING once approved). */
export function isWaiting(charge: Charge): charge is Subscription {
  return (
    charge.kind === "subscription" &&
    (charge.status === "ACCEPTED" || (charge.status === "PENDING" && !!charge.approvedAt))
  );
}

/** A charge still waiting for the store owner's answer on the confirmation page. */
export function awaitingAnswer(charge: Charge): boolean {
  return charge.status === "PENDING" && !(charge.kind === "subscription" && charge.approvedAt);
}

/**
 * A real charge on a development store cannot be approved: Shopify creates it but shows the store owner an
 * upgrade page instead ("Your plan does not allow Shopify App Store purchases", laravel-shopify #84, #648).
 */
export function needsPlanUpgrade(charge: Charge, shop: ShopRecord): boolean {
  return shop.partnerDevelopment && !charge.test;
}

export function discountFor(
  price: Money,
  input: {
    durationLimitInIntervals?: number | null;
    value: { amount?: number | string | null; percentage?: number | null };
  },
): Discount {
  const base = Number(price.amount);
  const { amount, percentage } = input.value;
  const after = amount != null ? Math.max(0, base - Number(amount)) : base * (1 - Number(percentage ?? 0));
  return {
    durationLimitInIntervals: input.durationLimitInIntervals ?? null,
    remainingDurationInIntervals: input.durationLimitInIntervals ?? null,
    value:
      amount != null
        ? { amount: { amount: decimal(amount), currencyCode: price.currencyCode } }
        : { percentage: Number(percentage ?? 0) },
    priceAfterDiscount: { amount: decimal(Math.round(after * 100) / 100), currencyCode: price.currencyCode },
  };
}

export class Billing {
  constructor(
    private readonly state: EmulatorState,
    private readonly webhooks: WebhookDispatcher,
    private readonly options: {
      baseUrl: () => string;
      approvalTimeoutMs: number;
      // Hand out https://admin.shopify.com confirmation URLs, as Shopify does (see EmulatorOptions).
      adminConfirmationUrls: boolean;
      deferredApproval: DeferredApproval;
    },
  ) {}

  createSubscription(shopDomain: string, input: SubscriptionInput): CreateResult<Subscription> {
    const shop = this.state.requireShop(shopDomain);
    const userErrors = [...this.commonErrors(input)];
    if (!input.lineItems.length)
      userErrors.push({ field: ["lineItems"], message: "Line items can't be blank" });
    const kinds = input.lineItems.map((li) => li.kind);
    if (new Set(kinds).size !== kinds.length) {
      userErrors.push({
        field: ["lineItems"],
        message: "Only one recurring and one usage line item are allowed",
      });
    }
    for (const li of input.lineItems) {
      const money = li.kind === "recurring" ? li.price : li.cappedAmount;
      if (!(Number(money.amount) > 0))
        userErrors.push({ field: ["lineItems"], message: "Price must be greater than 0" });
    }
    if (userErrors.length) return { charge: null, confirmationUrl: null, userErrors };
    const now = this.state.clock.now();
    const sub: Subscription = {
      kind: "subscription",
      id: this.state.nextId(),
      shop: shop.domain,
      name: input.name,
      status: "PENDING",
      test: this.testCharge(shop, input.test),
      trialDays: input.trialDays ?? 0,
      returnUrl: input.returnUrl,
      replacementBehavior: input.replacementBehavior ?? "STANDARD",
      lineItems: input.lineItems,
      createdAt: now,
      updatedAt: now,
      currentPeriodEnd: null,
      activatesAt: null,
    };
    this.state.charges.set(sub.id, sub);
    return { charge: sub, confirmationUrl: this.confirmationUrl(sub), userErrors: [] };
  }

  createPurchase(shopDomain: string, input: PurchaseInput): CreateResult<Purchase> {
    const shop = this.state.requireShop(shopDomain);
    const userErrors = [...this.commonErrors(input)];
    if (!(Number(input.price.amount) > 0))
      userErrors.push({ field: ["price"], message: "Price must be greater than 0" });
    if (userErrors.length) return { charge: null, confirmationUrl: null, userErrors };
    const now = this.state.clock.now();
    const purchase: Purchase = {
      kind: "purchase",
      id: this.state.nextId(),
      shop: shop.domain,
      name: input.name,
      status: "PENDING",
      test: this.testCharge(shop, input.test),
      returnUrl: input.returnUrl,
      price: input.price,
      createdAt: now,
      updatedAt: now,
    };
    this.state.charges.set(purchase.id, purchase);
    return { charge: purchase, confirmationUrl: this.confirmationUrl(purchase), userErrors: [] };
  }

  cancelSubscription(
    shopDomain: string,
    id: number | undefined,
  ): { charge: Subscription | null; userErrors: UserError[] } {
    const sub = id === undefined ? undefined : this.state.charges.get(id);
    if (!sub || sub.kind !== "subscription" || sub.shop !== shopDomain) {
      return { charge: null, userErrors: [{ field: ["id"], message: "Couldn't find subscription" }] };
    }
    if (sub.status === "CANCELLED" || sub.status === "DECLINED" || sub.status === "EXPIRED") {
      return {
        charge: null,
        userErrors: [
          { field: ["id"], message: `Cannot cancel a subscription that is ${sub.status.toLowerCase()}` },
        ],
      };
    }
    this.setStatus(sub, "CANCELLED");
    return { charge: sub, userErrors: [] };
  }

  confirmationUrl(charge: Charge): string {
    if (this.options.adminConfirmationUrls) {
      return `${SHOPIFY_ADMIN_ORIGIN}/store/${shopHandle(charge.shop)}/charges/${charge.kind}/${charge.id}/confirm`;
    }
    return `${this.options.baseUrl()}/admin/charges/${charge.shop}/${charge.kind}/${charge.id}/confirm`;
  }

  find(id: number): Charge {
    const charge = this.state.charges.get(id);
    if (!charge) throw new Error(`Unknown charge ${id}`);
    return charge;
  }

  // The merchant clicks Approve on the confirmation page.
  approve(id: number): Decision {
    const charge = this.pending(id);
    const shop = this.state.requireShop(charge.shop);
    if (needsPlanUpgrade(charge, shop))
      throw new Error(
        `Charge ${id} is a real charge on a development store: Shopify shows an upgrade page, not Approve`,
      );
    if (charge.kind === "purchase") {
      // "If the payment fails, then the app purchase remains pending" (AppPurchaseStatus); the store owner
      // is still sent back, and may approve again once their payments work.
      if (shop.paymentsFail) charge.paymentFailedAt = this.state.clock.now();
      else this.setStatus(charge, "ACTIVE");
      return { charge, redirectUrl: this.returnUrl(charge) };
    }
    const now = this.state.clock.now();
    charge.approvedAt = now;
    const others = this.state.subscriptionsOf(charge.shop).filter((s) => s.id !== charge.id);
    const current = others.find((s) => s.status === "ACTIVE" || s.status === "FROZEN");
    // A newer approval supersedes any subscription still waiting for the next cycle.
    for (const waiting of others.filter(isWaiting)) this.setStatus(waiting, "CANCELLED");
    const periodEnd = current?.currentPeriodEnd;
    const variant = shop.deferredApproval ?? this.options.deferredApproval;
    if (
      current &&
      periodEnd &&
      replacementDeferred(charge, current) &&
      variant !== "cancel-old-activate-new-at-once"
    ) {
      charge.activatesAt = periodEnd;
      if (variant === "accepted") this.setStatus(charge, "ACCEPTED");
      // "pending-until-cycle": the status does not change, so no webhook either.
    } else {
      if (current) this.setStatus(current, "CANCELLED");
      charge.currentPeriodEnd = new Date(now.getTime() + periodMs(subscriptionInterval(charge)));
      this.setStatus(charge, "ACTIVE");
    }
    return { charge, redirectUrl: this.returnUrl(charge) };
  }

  // The merchant clicks Decline: Shopify sends them to the admin's Apps page, not to the app's returnUrl
  // (SHOPIFY.md; laravel-shopify #148, #1174). The app learns of it from the webhook or a read-back.
  decline(id: number): Decision {
    const charge = this.pending(id);
    this.setStatus(charge, "DECLINED");
    return {
      charge,
      redirectUrl: `${this.options.baseUrl()}/store/${shopHandle(charge.shop)}/settings/apps`,
    };
  }

  expireStaleCharges(): Charge[] {
    const cutoff = this.state.clock.now().getTime() - this.options.approvalTimeoutMs;
    const stale = [...this.state.charges.values()].filter(
      // Only charges nobody answered: an approved one waiting for its cycle, or a purchase whose payment
      // failed, was accepted ("not accepted within two days of being created" is what expires).
      (c) =>
        awaitingAnswer(c) && !(c.kind === "purchase" && c.paymentFailedAt) && c.createdAt.getTime() <= cutoff,
    );
    for (const charge of stale) this.setStatus(charge, "EXPIRED");
    return stale;
  }

  // Rolls every due subscription into its next period; activates subscriptions deferred to this moment.
  renewDueSubscriptions(): Subscription[] {
    const now = this.state.clock.now();
    const renewed: Subscription[] = [];
    for (const sub of [...this.state.charges.values()]) {
      if (
        sub.kind !== "subscription" ||
        sub.status !== "ACTIVE" ||
        !sub.currentPeriodEnd ||
        sub.currentPeriodEnd > now
      )
        continue;
      const successor = this.state
        .subscriptionsOf(sub.shop)
        .find((s) => isWaiting(s) && s.activatesAt && s.activatesAt <= now);
      if (successor?.activatesAt) {
        this.setStatus(sub, "CANCELLED");
        successor.currentPeriodEnd = this.rollForward(
          successor.activatesAt,
          subscriptionInterval(successor),
          now,
        );
        successor.activatesAt = null;
        this.setStatus(successor, "ACTIVE");
        renewed.push(successor);
      } else {
        sub.currentPeriodEnd = this.rollForward(sub.currentPeriodEnd, subscriptionInterval(sub), now);
        for (const li of sub.lineItems) {
          if (li.kind === "recurring" && li.discount?.remainingDurationInIntervals)
            li.discount.remainingDurationInIntervals--;
        }
        renewed.push(sub);
      }
    }
    return renewed;
  }

  // Shopify freezes a subscription when the store stops paying its own bill, and unfreezes it after.
  freeze(id: number): Subscription {
    const sub = this.subscription(id);
    if (sub.status !== "ACTIVE")
      throw new Error(`Subscription ${id} is ${sub.status}, only ACTIVE can be frozen`);
    this.setStatus(sub, "FROZEN");
    return sub;
  }

  unfreeze(id: number): Subscription {
    const sub = this.subscription(id);
    if (sub.status !== "FROZEN") throw new Error(`Subscription ${id} is ${sub.status}, not FROZEN`);
    const now = this.state.clock.now();
    if (sub.currentPeriodEnd && sub.currentPeriodEnd <= now) {
      sub.currentPeriodEnd = this.rollForward(sub.currentPeriodEnd, subscriptionInterval(sub), now);
    }
    this.setStatus(sub, "ACTIVE");
    return sub;
  }

  // On uninstall Shopify cancels the app's subscription; pending charges can no longer be approved.
  cancelAllFor(shopDomain: string): void {
    for (const sub of this.state.subscriptionsOf(shopDomain)) {
      if (
        sub.status === "ACTIVE" ||
        sub.status === "FROZEN" ||
        sub.status === "ACCEPTED" ||
        sub.status === "PENDING"
      ) {
        this.setStatus(sub, "CANCELLED");
      }
    }
  }

  // A development store's real charge is created (and then cannot be approved: needsPlanUpgrade), not
  // refused; a reviewer's staff store makes every charge a test charge.
  private commonErrors(input: { name: string; returnUrl: string }): UserError[] {
    const errors: UserError[] = [];
    if (!input.name.trim()) errors.push({ field: ["name"], message: "Name can't be blank" });
    if (!URL.canParse(input.returnUrl))
      errors.push({ field: ["returnUrl"], message: "Return url is not a valid URL" });
    return errors;
  }

  private testCharge(shop: ShopRecord, test: boolean | undefined): boolean {
    return shop.staffReview || (test ?? false);
  }

  private pending(id: number): Charge {
    const charge = this.find(id);
    if (!awaitingAnswer(charge))
      throw new Error(
        `Charge ${id} is ${charge.status}${charge.status === "PENDING" ? " (approved)" : ""}, not PENDING`,
      );
    return charge;
  }

  private subscription(id: number): Subscription {
    const charge = this.find(id);
    if (charge.kind !== "subscription") throw new Error(`Charge ${id} is not a subscription`);
    return charge;
  }

  private rollForward(from: Date, interval: RecurringInterval, now: Date): Date {
    let end = from.getTime();
    while (end <= now.getTime()) end += periodMs(interval);
    return new Date(end);
  }

  // An admin.shopify.com returnUrl lands in the emulator's admin frame, as Shopify would take it to its admin.
  private returnUrl(charge: Charge): string {
    const url = new URL(toEmulatorUrl(charge.returnUrl, this.options.baseUrl()));
    url.searchParams.set("charge_id", String(charge.id));
    return url.toString();
  }

  private setStatus(charge: Subscription, status: SubscriptionStatus): void;
  private setStatus(charge: Charge, status: PurchaseStatus): void;
  private setStatus(charge: Charge, status: SubscriptionStatus | PurchaseStatus): void {
    charge.updatedAt = this.state.clock.now();
    // The overloads above keep a subscription-only status off one-time purchases.
    const shop = this.state.requireShop(charge.shop);
    if (charge.kind === "subscription") {
      charge.status = status;
      this.webhooks.emit(charge.shop, "app_subscriptions/update", subscriptionPayload(charge, shop));
    } else {
      charge.status = status as PurchaseStatus;
      this.webhooks.emit(charge.shop, "app_purchases_one_time/update", purchasePayload(charge, shop));
    }
  }
}
