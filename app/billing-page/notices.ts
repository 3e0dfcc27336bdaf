// The notices the Billing page shows after Shopify's confirmation page. The redirect carries a code and
// catalog keys, never text: the words come from here, so a link cannot put its own message (or tone)
// inside the app. Anything this module does not know shows nothing, and so does a code the shop's state
// no longer agrees with (an old link saying "approved" for a plan the shop is not on).
import { planByKey, topUpPackByKey, planByName, topUpPackByName } from "../billing/plans";

export interface Notice {
  tone: "success" | "warning" | "critical";
  text: string;
  // A success is a toast (App Bridge's shopify.toast); anything the owner must act on stays a banner.
  toast: boolean;
}

/** What the page shows at the same time: a notice is shown only if it agrees with it. */
export interface NoticeState {
  planKey: string;
  nextPlanKey: string;
  cycleEnd: Date | null;
  formatDate: (date: Date) => string;
}

// Statuses Shopify reports for subscriptions and one-time purchases (admin-graphql AppSubscriptionStatus,
// AppPurchaseStatus), lowercased as they are shown.
const STATUSES = new Set(["pending", "accepted", "active", "frozen", "cancelled", "declined", "expired"]);

/**
 * Query parameters for the Billing page after a plan's confirmation page; none for an unknown plan.
 * `outcome` is what the app holds once Shopify's answer is recorded: the plan runs now, it starts with the
 * next cycle (a downgrade), or Shopify's status when it was not approved.
 */
export function planNotice(planName: string, outcome: "now" | "next-cycle" | string): Record<string, string> {
  const plan = planByName(planName);
  if (!plan) return {};
  if (outcome === "now") return { notice: "plan-approved", plan: plan.key };
  if (outcome === "next-cycle") return { notice: "plan-scheduled", plan: plan.key };
  return { notice: "plan-not-approved", plan: plan.key, status: outcome.toLowerCase() };
}

/** Query parameters for the Billing page after a top-up's confirmation page; none for an unknown pack. */
export function topUpNotice(packName: string, granted: boolean, status: string): Record<string, string> {
  const pack = topUpPackByName(packName);
  if (!pack) return {};
  if (granted) return { notice: "top-up-added", pack: pack.key };
  // "If the payment fails, then the app purchase remains pending": approved, not paid yet.
  if (status === "PENDING") return { notice: "top-up-pending", pack: pack.key };
  return { notice: "top-up-not-bought", pack: pack.key, status: status.toLowerCase() };
}

/** The notice a Billing page URL asks for, if every part of it is known and agrees with the shop's state. */
export function noticeFrom(search: URLSearchParams, state: NoticeState): Notice | null {
  const plan = planByKey(search.get("plan") ?? "");
  const pack = topUpPackByKey(search.get("pack") ?? "");
  const status = search.get("status") ?? "";
  const paid = plan && plan.price > 0 ? plan : null;
  switch (search.get("notice")) {
    case "plan-approved":
      return paid && state.planKey === paid.key
        ? { tone: "success", text: `${paid.name} plan approved.`, toast: true }
        : null;
    case "plan-scheduled":
      return paid && state.nextPlanKey === paid.key && state.planKey !== paid.key && state.cycleEnd
        ? {
            tone: "success",
            text: `${paid.name} starts on ${state.formatDate(state.cycleEnd)}.`,
            toast: true,
          }
        : null;
    case "plan-not-approved":
      return paid && STATUSES.has(status)
        ? { tone: "critical", text: `${paid.name} plan not approved (${status}).`, toast: false }
        : null;
    case "top-up-added":
      return pack ? { tone: "success", text: `${pack.credits} credits added.`, toast: true } : null;
    case "top-up-pending":
      return pack
        ? {
            tone: "warning",
            text: `${pack.name}: Shopify has not confirmed the payment yet. The credits are added as soon as it does.`,
            toast: false,
          }
        : null;
    case "top-up-not-bought":
      return pack && STATUSES.has(status)
        ? { tone: "critical", text: `${pack.name} not bought (${status}).`, toast: false }
        : null;
    default:
      return null;
  }
}
