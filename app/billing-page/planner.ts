// The campaign planner: the work a team plans by a date, priced from the one price table, against the
// credits the shop has by then, and the cheapest way to cover the gap (packs, or a larger plan). Pure.
import { z } from "zod";
import { CYCLE_DAYS, type Plan, type TopUpPack } from "../billing/plans";
import { PRICES, type Action } from "../ledger/prices";
import {
  cents,
  cheapestPacks,
  dayIn,
  describePacks,
  type AmountFormat,
  type BalanceSplit,
  type PackChoice,
} from "./forecast";

const DAY_MS = 24 * 60 * 60 * 1000;
/** How far ahead a campaign may be planned: a year of cycles. */
export const PLAN_AHEAD_DAYS = 366;
const MAX_COUNT = 10_000;

/** The planner's fields, what each one prices, and its label. */
export const CAMPAIGN_FIELDS = [
  { name: "drafts", action: "draft.generate", label: "Drafts" },
  { name: "covers", action: "cover.generate", label: "Cover images" },
  { name: "rewrites", action: "draft.rewrite", label: "AI rewrites" },
  { name: "regenerations", action: "draft.regenerate", label: "Regenerations" },
  { name: "automationRuns", action: "automation.run", label: "Automation runs" },
] as const satisfies readonly { name: string; action: Action; label: string }[];

export type CampaignField = (typeof CAMPAIGN_FIELDS)[number]["name"];

const count = z.coerce
  .number({ invalid_type_error: "Enter a whole number" })
  .int("Enter a whole number")
  .min(0, "Enter 0 or more")
  .max(MAX_COUNT, `Enter at most ${MAX_COUNT.toLocaleString("en")}`);

/** YYYY-MM-DD naming a day that exists (not 2026-02-30). */
const isCalendarDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) &&
  !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
  new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

/**
 * The planner's form, checked against today in the shop's time zone: counts from 0, a target date from
 * today to a year ahead. An empty field counts as 0.
 */
export function campaignSchema(today: string) {
  const last = new Date(Date.parse(`${today}T00:00:00Z`) + PLAN_AHEAD_DAYS * DAY_MS)
    .toISOString()
    .slice(0, 10);
  const field = z.preprocess((value) => (value === "" || value === undefined ? 0 : value), count);
  return z.object({
    ...(Object.fromEntries(CAMPAIGN_FIELDS.map(({ name }) => [name, field])) as Record<
      CampaignField,
      typeof field
    >),
    by: z.string({ required_error: "Choose a date" }).superRefine((value, ctx) => {
      // One message: the first rule the value breaks.
      const problem = !isCalendarDay(value)
        ? "Choose a date"
        : value < today
          ? "Choose today or a later date"
          : value > last
            ? `Choose a date up to ${last}`
            : null;
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }),
  });
}

export type Campaign = z.infer<ReturnType<typeof campaignSchema>>;

export interface PlannerInput {
  campaign: Campaign;
  balance: BalanceSplit;
  now: Date;
  /** This cycle's end; later resets follow every 30 days. */
  resetAt: Date;
  /** The plan of this cycle, and the one the next cycle carries (a scheduled downgrade, Free when cancelled). */
  plan: Plan;
  nextPlan: Plan;
  plans: readonly Plan[];
  packs: readonly TopUpPack[];
  format: AmountFormat;
}

export type CoverOption =
  | { kind: "packs"; cents: number; packs: PackChoice; text: string }
  | { kind: "plan"; cents: number; plan: Plan; packs: PackChoice | null; text: string };

export interface CampaignAnswer {
  items: { name: CampaignField; label: string; count: number; credits: number }[];
  needed: number;
  available: number;
  /** Resets between now and the end of the target day, each granting the next plan's allowance. */
  resets: number;
  gap: number;
  /** Every way to cover the gap, cheapest first (empty when there is none). */
  options: CoverOption[];
  headline: string;
  lines: string[];
}

export function planCampaign(input: PlannerInput): CampaignAnswer {
  const { campaign, balance, plan, nextPlan, format: f } = input;
  const items = CAMPAIGN_FIELDS.map(({ name, action, label }) => ({
    name,
    label,
    count: campaign[name],
    credits: campaign[name] * PRICES[action],
  }));
  const needed = items.reduce((sum, item) => sum + item.credits, 0);
  const resetDays: Date[] = [];
  for (
    let at = input.resetAt;
    dayIn(f.timeZone, at) <= campaign.by;
    at = new Date(at.getTime() + CYCLE_DAYS * DAY_MS)
  )
    resetDays.push(at);
  const resets = resetDays.length;
  const now = balance.planLeft + balance.topUpLeft;
  const available = now + resets * nextPlan.monthlyCredits;
  const gap = Math.max(0, needed - available);
  const by = f.day(campaign.by);

  const lines = [
    `${
      items
        .filter((item) => item.count > 0)
        .map((item) => `${f.credits(item.count)} × ${item.label.toLowerCase()} = ${f.credits(item.credits)}`)
        .join("; ") || "Nothing planned"
    }: ${f.credits(needed)} credits.`,
    resets === 0
      ? `By ${by} you have the ${f.credits(now)} credits you have today.`
      : `By ${by} you have ${f.credits(now)} today + ${resets} × ${f.credits(nextPlan.monthlyCredits)} from ${nextPlan.name} at each reset (first on ${f.date(input.resetAt)}) = ${f.credits(available)} credits.`,
  ];
  if (resets > 0 && balance.planLeft > 0)
    lines.push(
      `The ${f.credits(balance.planLeft)} plan credits you have today expire on ${f.date(input.resetAt)}: spend them first.`,
    );
  const answer = { items, needed, available, resets, gap, lines };
  if (gap === 0)
    return {
      ...answer,
      options: [],
      headline: `Covered: ${f.credits(available)} credits by ${by} for the ${f.credits(needed)} needed.`,
    };

  const packs = cheapestPacks(gap, input.packs);
  const options: CoverOption[] = [
    {
      kind: "packs",
      cents: packs.cents,
      packs,
      text: `Buy ${describePacks(packs, f)}: ${f.usd(packs.cents)} once.`,
    },
  ];
  for (const larger of input.plans.filter((other) => other.monthlyCredits > plan.monthlyCredits)) {
    // An upgrade adds the difference to this cycle at once, and each reset then grants the larger allowance
    // instead of the next plan's; it costs its price now and the difference in price at each renewal.
    const gained =
      larger.monthlyCredits -
      plan.monthlyCredits +
      resets * Math.max(0, larger.monthlyCredits - nextPlan.monthlyCredits);
    const rest = gap > gained ? cheapestPacks(gap - gained, input.packs) : null;
    const total =
      cents(larger.price) + resets * (cents(larger.price) - cents(nextPlan.price)) + (rest?.cents ?? 0);
    const renewals =
      resets > 0
        ? `, then ${f.usd(cents(larger.price))} instead of ${f.usd(cents(nextPlan.price))} at ${resets === 1 ? "the reset" : `each of ${resets} resets`}`
        : "";
    options.push({
      kind: "plan",
      cents: total,
      plan: larger,
      packs: rest,
      text: `Upgrade to ${larger.name} (+${f.credits(gained)} credits by ${by}): ${f.usd(cents(larger.price))} now${renewals}${rest ? `, plus ${describePacks(rest, f)} for ${f.usd(rest.cents)}` : ""}: ${f.usd(total)} in all.`,
    });
  }
  // Cheapest first; on a tie, packs (nothing recurring) before plans, smaller plans first.
  options.sort((a, b) => a.cents - b.cents);
  const [cheapest] = options as [CoverOption];
  return {
    ...answer,
    options,
    headline: `You are ${f.credits(gap)} credits short by ${by}. Cheapest: ${cheapest.kind === "packs" ? `buy ${describePacks(cheapest.packs, f)}` : `upgrade to ${cheapest.plan.name}`} for ${f.usd(cheapest.cents)}.`,
  };
}
