import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { PLANS, TOP_UP_PACKS, planByKey, type Plan } from "../billing/plans";
import { amountFormat, cents } from "./forecast";
import { campaignSchema, planCampaign, type Campaign, type PlannerInput } from "./planner";

const DAY = 24 * 60 * 60 * 1000;
const now = new Date("2026-12-01T12:00:00Z");
const resetAt = new Date("2026-12-19T12:00:00Z");
const plan = (key: string) => planByKey(key) as Plan;
const nothing = { drafts: 0, covers: 0, rewrites: 0, regenerations: 0, automationRuns: 0 };

function planFor(campaign: Partial<Campaign>, input: Partial<PlannerInput> = {}) {
  return planCampaign({
    campaign: { ...nothing, by: "2026-12-10", ...campaign },
    balance: { planLeft: 40, topUpLeft: 10, held: 0 },
    now,
    resetAt,
    plan: plan("starter"),
    nextPlan: plan("starter"),
    plans: PLANS,
    packs: TOP_UP_PACKS,
    format: amountFormat("en", "UTC"),
    ...input,
  });
}

describe("campaignSchema", () => {
  const schema = campaignSchema("2026-12-01");

  test("counts and a date from today; an empty count is 0", () => {
    expect(schema.parse({ drafts: "10", covers: "", rewrites: "3", by: "2026-12-01" })).toEqual({
      ...nothing,
      drafts: 10,
      rewrites: 3,
      by: "2026-12-01",
    });
  });

  test("bad input names each field", () => {
    const result = schema.safeParse({
      drafts: "-1",
      covers: "2.5",
      rewrites: "lots",
      regenerations: "10001",
      by: "2026-11-30",
    });
    expect(result.success).toBe(false);
    expect(result.error?.flatten().fieldErrors).toEqual({
      drafts: ["Enter 0 or more"],
      covers: ["Enter a whole number"],
      rewrites: ["Enter a whole number"],
      regenerations: ["Enter at most 10,000"],
      by: ["Choose today or a later date"],
    });
    for (const by of [undefined, "tomorrow", "2026-02-30", "2028-01-01"])
      expect(schema.safeParse({ by }).error?.flatten().fieldErrors.by, String(by)).toHaveLength(1);
  });
});

describe("planCampaign", () => {
  test("prices each planned action from the price table", () => {
    const answer = planFor({ drafts: 10, covers: 10, rewrites: 5, regenerations: 2, automationRuns: 3 });
    expect(answer.items.map((item) => [item.name, item.credits])).toEqual([
      ["drafts", 20],
      ["covers", 10],
      ["rewrites", 5],
      ["regenerations", 4],
      ["automationRuns", 6],
    ]);
    expect(answer).toMatchObject({ needed: 45, available: 50, resets: 0, gap: 0, options: [] });
    expect(answer.headline).toBe("Covered: 50 credits by Dec 10 for the 45 needed.");
  });

  test("a gap before the reset: packs or an upgrade, cheapest first", () => {
    // 30 drafts + 30 covers = 90; 50 available: 40 short. Two 25-packs $9.98, Growth (+300 now) $29.99.
    const answer = planFor({ drafts: 30, covers: 30 });
    expect(answer).toMatchObject({ needed: 90, available: 50, gap: 40 });
    expect(answer.options.map((o) => [o.kind === "packs" ? "packs" : o.plan.key, o.cents])).toEqual([
      ["packs", 998],
      ["growth", 2999],
      ["pro", 7999],
    ]);
    expect(answer.headline).toBe(
      "You are 40 credits short by Dec 10. Cheapest: buy top-ups of 50 credits (2 × 25) for $9.98.",
    );
  });

  test("a large gap is cheaper with a plan", () => {
    // 150 drafts = 300; 50 available: 250 short. Packs: 100+100+25+25 = $39.96; Growth's +300: $29.99.
    const answer = planFor({ drafts: 150 });
    expect(answer.options[0]).toMatchObject({ kind: "plan", plan: { key: "growth" }, cents: 2999 });
    expect(answer.options[0]?.text).toBe(
      "Upgrade to Growth (+300 credits by Dec 10): $29.99 now: $29.99 in all.",
    );
  });

  test("after the reset the next cycle's allowance counts, and today's plan credits must go first", () => {
    const answer = planFor({ drafts: 70 }, { nextPlan: plan("free") });
    expect(answer).toMatchObject({ needed: 140, available: 50, resets: 0, gap: 90 });
    const later = planFor({ drafts: 70, by: "2026-12-19" }, { nextPlan: plan("free") });
    expect(later).toMatchObject({ available: 60, resets: 1, gap: 80 });
    expect(later.lines).toContain(
      "By Dec 19 you have 50 today + 1 × 10 from Free at each reset (first on Dec 19) = 60 credits.",
    );
    expect(later.lines).toContain("The 40 plan credits you have today expire on Dec 19: spend them first.");
    // Upgrading from Starter replaces the Free cycle that was coming: +300 now, +390 at the reset.
    expect(later.options.find((o) => o.kind === "plan" && o.plan.key === "growth")?.text).toBe(
      "Upgrade to Growth (+690 credits by Dec 19): $29.99 now, then $29.99 instead of $0.00 at the reset: $59.98 in all.",
    );
    const twoResets = planFor({ drafts: 70, by: "2027-01-18" });
    expect(twoResets).toMatchObject({ resets: 2, available: 250, gap: 0 });
  });

  test("reset tomorrow, target tomorrow: the reset counts", () => {
    const answer = planFor(
      { drafts: 10, by: "2026-12-02" },
      { resetAt: new Date(now.getTime() + DAY), balance: { planLeft: 0, topUpLeft: 0, held: 0 } },
    );
    expect(answer).toMatchObject({ resets: 1, available: 100, gap: 0 });
  });

  test("zero balance on the largest plan: packs are the only way", () => {
    const answer = planFor(
      { covers: 1 },
      { plan: plan("pro"), balance: { planLeft: 0, topUpLeft: 0, held: 2 } },
    );
    expect(answer.options).toEqual([expect.objectContaining({ kind: "packs", cents: 499 })]);
  });

  test("resets are counted on the shop's calendar", () => {
    // The reset at 12:00 UTC on Dec 19 is already Dec 20 in Kiritimati (UTC+14).
    const answer = planFor(
      { drafts: 70, by: "2026-12-19" },
      { format: amountFormat("en", "Pacific/Kiritimati") },
    );
    expect(answer.resets).toBe(0);
  });

  test("property: the cheapest option covers the gap and is no dearer than any single pack that does", () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`planCampaign property: seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const n = fc.integer({ min: 0, max: 400 });
    fc.assert(
      fc.property(
        fc.record({ drafts: n, covers: n, rewrites: n, regenerations: n, automationRuns: n }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom(...PLANS),
        fc.integer({ min: 0, max: 600 }),
        (counts, daysAhead, current, left) => {
          const by = new Date(now.getTime() + daysAhead * DAY).toISOString().slice(0, 10);
          const answer = planFor(
            { ...counts, by },
            { plan: current, nextPlan: current, balance: { planLeft: left, topUpLeft: 0, held: 0 } },
          );
          expect(answer.gap).toBe(Math.max(0, answer.needed - answer.available));
          if (answer.gap === 0) {
            expect(answer.options).toEqual([]);
            return;
          }
          const [cheapest] = answer.options;
          expect(answer.options.map((o) => o.cents)).toEqual(
            [...answer.options.map((o) => o.cents)].sort((a, b) => a - b),
          );
          if (cheapest?.kind === "packs") expect(cheapest.packs.credits).toBeGreaterThanOrEqual(answer.gap);
          for (const pack of TOP_UP_PACKS)
            if (pack.credits >= answer.gap) expect(cents(pack.price)).toBeGreaterThanOrEqual(cheapest!.cents);
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
