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
