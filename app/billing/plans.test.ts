import { describe, expect, test } from "vitest";
import { FREE_PLAN, planByKey, topUpPackByKey, PLANS, TOP_UP_PACKS } from "./plans";

describe("plan catalog", () => {
  test("the Free plan grants 10 credits a month and costs nothing", () => {
    expect(FREE_PLAN).toMatchObject({ key: "free", monthlyCredits: 10, price: 0 });
  });

  test("each paid plan gives more credits than the one below it, for more money", () => {
    for (let i = 1; i < PLANS.length; i++) {
      expect(PLANS[i]!.monthlyCredits).toBeGreaterThan(PLANS[i - 1]!.monthlyCredits);
      expect(PLANS[i]!.price).toBeGreaterThan(PLANS[i - 1]!.price);
    }
  });

  test("a bigger top-up pack is cheaper per credit", () => {
    const perCredit = TOP_UP_PACKS.map((pack) => pack.price / pack.credits);
    expect([...perCredit].sort((a, b) => b - a)).toEqual(perCredit);
  });

  test("credits are whole numbers and keys are unique", () => {
    for (const item of [...PLANS.map((p) => p.monthlyCredits), ...TOP_UP_PACKS.map((p) => p.credits)])
      expect(Number.isInteger(item)).toBe(true);
    expect(new Set([...PLANS, ...TOP_UP_PACKS].map((item) => item.key)).size).toBe(
      PLANS.length + TOP_UP_PACKS.length,
    );
  });

  test("unknown keys find nothing", () => {
    expect(planByKey("growth")?.monthlyCredits).toBe(400);
    expect(planByKey("enterprise")).toBeUndefined();
    expect(topUpPackByKey("pack-100")?.credits).toBe(100);
    expect(topUpPackByKey("pack-1")).toBeUndefined();
  });
});
