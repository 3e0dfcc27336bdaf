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
  type Discount,
  type EmulatorState,
  type Money,
  type PricingDetails,
  type Purchase,
  type PurchaseStatus,
  type RecurringInterval,
  type ReplacementBehavior,
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

function monthlyPrice(sub: Subscription): number {
  const item = recurringItem(sub);
  if (!item) return 0;
  const amount = Number(item.price.amount);
  return item.interval === "ANNUAL" ? amount / 12 : amount;
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
    },
  ) {}

  createSubscription(shopDomain: string, input: SubscriptionInput): CreateResult<Subscription> {
    const shop = this.state.requireShop(shopDomain);
    const userErrors = [...this.commonErrors(shop.partnerDevelopment, input)];
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
      test: input.test ?? false,
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
    const userErrors = [...this.commonErrors(shop.partnerDevelopment, input)];
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
      test: input.test ?? false,
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
    if (charge.kind === "purchase") {
      this.setStatus(charge, "ACTIVE");
      return { charge, redirectUrl: this.returnUrl(charge) };
    }
    const now = this.state.clock.now();
    const others = this.state.subscriptionsOf(charge.shop).filter((s) => s.id !== charge.id);
    const current = others.find((s) => s.status === "ACTIVE" || s.status === "FROZEN");
    // A newer approval supersedes any subscription still waiting for the next cycle.
    for (const waiting of others.filter((s) => s.status === "ACCEPTED")) this.setStatus(waiting, "CANCELLED");
    const periodEnd = current?.currentPeriodEnd;
    const deferred =
      charge.replacementBehavior === "APPLY_ON_NEXT_BILLING_CYCLE" ||
      (charge.replacementBehavior === "STANDARD" &&
        current !== undefined &&
        monthlyPrice(charge) < monthlyPrice(current));
    if (periodEnd && deferred) {
      charge.activatesAt = periodEnd;
      this.setStatus(charge, "ACCEPTED");
    } else {
      if (current) this.setStatus(current, "CANCELLED");
      charge.currentPeriodEnd = new Date(now.getTime() + periodMs(subscriptionInterval(charge)));
      this.setStatus(charge, "ACTIVE");
    }
    return { charge, redirectUrl: this.returnUrl(charge) };
  }

  // The merchant clicks Decline; Shopify still sends them back to the app's return URL.
  decline(id: number): Decision {
    const charge = this.pending(id);
    this.setStatus(charge, "DECLINED");
    return { charge, redirectUrl: this.returnUrl(charge) };
  }

  expireStaleCharges(): Charge[] {
    const cutoff = this.state.clock.now().getTime() - this.options.approvalTimeoutMs;
    const stale = [...this.state.charges.values()].filter(
      (c) => c.status === "PENDING" && c.createdAt.getTime() <= cutoff,
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
        .find((s) => s.status === "ACCEPTED" && s.activatesAt && s.activatesAt <= now);
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

  private commonErrors(
    partnerDevelopment: boolean,
    input: { name: string; returnUrl: string; test?: boolean },
  ): UserError[] {
    const errors: UserError[] = [];
    if (!input.name.trim()) errors.push({ field: ["name"], message: "Name can't be blank" });
    if (!URL.canParse(input.returnUrl))
      errors.push({ field: ["returnUrl"], message: "Return url is not a valid URL" });
    if (partnerDevelopment && !input.test) {
      errors.push({
        field: ["test"],
        message: "This store is a development store and can only accept test charges. Set test to true.",
      });
    }
    return errors;
  }

  private pending(id: number): Charge {
    const charge = this.find(id);
    if (charge.status !== "PENDING") throw new Error(`Charge ${id} is ${charge.status}, not PENDING`);
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
