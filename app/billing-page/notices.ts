// The banners the Billing page shows after Shopify's confirmation page. The redirect carries a code and
// catalog keys, never text: the words come from here, so a link cannot put its own message (or tone)
// inside the app. Anything this module does not know shows nothing.
import { planByKey, topUpPackByKey, planByName, topUpPackByName } from "../billing/plans";

export interface Notice {
  tone: "success" | "critical";
  text: string;
}

// Statuses Shopify reports for subscriptions and one-time purchases (admin-graphql AppSubscriptionStatus,
// AppPurchaseStatus), lowercased as they are shown.
const STATUSES = new Set(["pending", "accepted", "active", "frozen", "cancelled", "declined", "expired"]);

/** Query parameters for the Billing page after a plan's confirmation page; none for an unknown plan. */
export function planNotice(planName: string, status: string): Record<string, string> {
  const plan = planByName(planName);
  if (!plan) return {};
  return status === "ACTIVE" || status === "ACCEPTED"
    ? { notice: "plan-approved", plan: plan.key }
    : { notice: "plan-not-approved", plan: plan.key, status: status.toLowerCase() };
}

/** Query parameters for the Billing page after a top-up's confirmation page; none for an unknown pack. */
export function topUpNotice(packName: string, granted: boolean, status: string): Record<string, string> {
  const pack = topUpPackByName(packName);
  if (!pack) return {};
  return granted
    ? { notice: "top-up-added", pack: pack.key }
    : { notice: "top-up-not-bought", pack: pack.key, status: status.toLowerCase() };
}

/** The banner a Billing page URL asks for, if every part of it is known. */
export function noticeFrom(search: URLSearchParams): Notice | null {
  const plan = planByKey(search.get("plan") ?? "");
  const pack = topUpPackByKey(search.get("pack") ?? "");
  const status = search.get("status") ?? "";
  switch (search.get("notice")) {
    case "plan-approved":
      return plan && plan.price > 0 ? { tone: "success", text: `${plan.name} plan approved.` } : null;
    case "plan-not-approved":
      return plan && plan.price > 0 && STATUSES.has(status)
        ? { tone: "critical", text: `${plan.name} plan not approved (${status}).` }
        : null;
    case "top-up-added":
      return pack ? { tone: "success", text: `${pack.credits} credits added.` } : null;
    case "top-up-not-bought":
      return pack && STATUSES.has(status)
        ? { tone: "critical", text: `${pack.name} not bought (${status}).` }
        : null;
    default:
      return null;
  }
}
