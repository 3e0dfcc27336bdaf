// What each priced action is called on screen, beside the price table (./prices.ts) it names.
import { isAction, type Action } from "./prices";

/** The "What each action costs" table's names. */
export const ACTION_LABELS: Record<Action, string> = {
  "topic.research": "Topic research",
  "draft.generate": "Draft generation",
  "draft.regenerate": "Draft regeneration",
  "automation.run": "Automation run that saves a draft",
  "cover.generate": "Cover image",
  "draft.rewrite": "AI rewrite",
};

// A debit names what was done to which draft: "Draft + cover: <title>". Keyed by the entry's action,
// as the ledger joins a combined request's actions ("draft.generate+cover.generate").
const DEBIT_LABELS: Record<string, string> = {
  "topic.research": "Topic research",
  "draft.generate": "Draft generated",
  "draft.generate+cover.generate": "Draft + cover",
  "draft.regenerate": "Regenerated",
  "draft.rewrite": "AI rewrite",
  "cover.generate": "Cover image",
  "automation.run": "Automation run",
};

/** The actions a debit can record (LedgerEntry.action), for the Activity Ledger's action filter. */
export const DEBIT_ACTIONS = Object.keys(DEBIT_LABELS);

/** An Activity Ledger row's name for a debit of `action` (as LedgerEntry.action stores it). */
export function debitLabel(action: string, draftTitle: string | null): string {
  const name =
    DEBIT_LABELS[action] ??
    action
      .split("+")
      .map((part) => (isAction(part) ? ACTION_LABELS[part] : part))
      .join(" + ");
  return draftTitle ? `${name}: ${draftTitle}` : name;
}

/**
 * An Activity Ledger row's name for a grant, an expiry or an adjustment, named by its source: the plan the
 * allowance or upgrade was for (by name), the pack's credits.
 */
export function grantLabel(
  entryType: "grant" | "expiry" | "adjustment",
  source: { kind: string | null; planName: string | null; credits: number },
): string {
  if (entryType === "expiry") return "Unused monthly credits expired";
  if (entryType === "adjustment") return "Adjustment";
  switch (source.kind) {
    case "monthly":
      return source.planName ? `Monthly allowance — ${source.planName}` : "Monthly allowance";
    case "upgrade":
      return source.planName ? `Upgrade to ${source.planName}` : "Upgrade";
    case "top_up":
      return `Top-up: ${source.credits} credits`;
    default:
      return "Credits granted";
  }
}

// ---- the Activity Ledger's vocabulary: its row kinds and filters (the page's client code reads these) ----

export const LEDGER_KINDS = ["grant", "debit", "expiry", "adjustment"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** The type filter's choices, their names, and the entry types each shows (adjustments count as grants). */
export const TYPE_FILTERS = {
  grants: { label: "Grants", types: ["grant", "adjustment"] },
  debits: { label: "Debits", types: ["debit"] },
  expiries: { label: "Expiries", types: ["expiry"] },
} as const satisfies Record<string, { label: string; types: readonly LedgerKind[] }>;
export type TypeFilter = keyof typeof TYPE_FILTERS;

/** Who a row names, as the who filter offers it. */
export const WHO = ["staff", "automation", "shopify", "system"] as const;
export type Who = (typeof WHO)[number];
export const WHO_LABELS: Record<Who, string> = {
  staff: "Staff",
  automation: "Automation",
  shopify: "Shopify",
  system: "System",
};

/** The Activity Ledger URL's search params: its filters and its page cursor. */
export const LEDGER_QUERY_KEYS = ["type", "action", "who", "from", "to", "after", "before"] as const;
