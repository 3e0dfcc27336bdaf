import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { PLANS, TOP_UP_PACKS, planByKey, type Plan, type TopUpPack } from "../billing/plans";
import { amountFormat, cents, cheapestPacks, dayIn, forecastWorkload, type ForecastInput } from "./forecast";

const DAY = 24 * 60 * 60 * 1000;
const now = new Date("2026-12-01T12:00:00Z");
const format = amountFormat("en", "UTC");
const plan = (key: string) => planByKey(key) as Plan;

function forecast(input: Partial<ForecastInput>) {
  return forecastWorkload({
    balance: { planLeft: 0, topUpLeft: 0, held: 0 },
    burn: { spent: 0, days: 1 },
    now,
    resetAt: new Date(now.getTime() + 18 * DAY),
    plan: plan("starter"),
    plans: PLANS,
    packs: TOP_UP_PACKS,
    format,
    ...input,
  });
}

describe("cheapestPacks", () => {
  test("buys the one pack that covers a small shortfall", () => {
    expect(cheapestPacks(20, TOP_UP_PACKS)).toMatchObject({ credits: 25, cents: 499 });
    // Four 25-packs ($19.96) cost more than one 100-pack ($14.99).
    expect(cheapestPacks(80, TOP_UP_PACKS)).toMatchObject({ credits: 100, cents: 1499 });
  });

  test("combines packs when that is cheaper", () => {
    const choice = cheapestPacks(120, TOP_UP_PACKS);
    expect(choice.packs.map(({ pack, count }) => [pack.key, count])).toEqual([
      ["pack-100", 1],
      ["pack-25", 1],
    ]);
    expect(choice.cents).toBe(1499 + 499);
  });

  test("nothing to cover buys nothing", () => {
    expect(cheapestPacks(0, TOP_UP_PACKS)).toEqual({ packs: [], credits: 0, cents: 0 });
  });

  test("a million credits take the bulk in the best-value pack", () => {
    const choice = cheapestPacks(1_000_000, TOP_UP_PACKS);
    expect(choice.credits).toBeGreaterThanOrEqual(1_000_000);
    expect(choice.packs).toEqual([{ pack: TOP_UP_PACKS[2], count: 2000 }]);
  });

  test("an empty catalogue is a programming error", () => {
    expect(() => cheapestPacks(10, [])).toThrow(RangeError);
  });

  // Every set of packs up to `credits + largest`: the cheapest among them is the true optimum.
  function bruteForce(credits: number, packs: readonly TopUpPack[]) {
    const limit = credits + Math.max(...packs.map((p) => p.credits));
    const best = new Array<number>(limit + 1).fill(Infinity);
    best[0] = 0;
    for (let c = 1; c <= limit; c++)
      for (const pack of packs)
        if (c >= pack.credits) best[c] = Math.min(best[c]!, best[c - pack.credits]! + cents(pack.price));
    return Math.min(...best.slice(Math.max(0, credits)));
  }

  test("property: the choice covers the shortfall, costs the least, and no cheaper single pack covers it", () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`cheapestPacks property: seed ${seed} (replay with FUZZ_SEED=${seed})`);
    const pack = fc.record({
      credits: fc.integer({ min: 1, max: 120 }),
      price: fc.integer({ min: 1, max: 5000 }).map((c) => c / 100),
    });
    const catalogue = fc
      .array(pack, { minLength: 1, maxLength: 4 })
      .map((packs) =>
        packs.map((p, i) => ({ ...p, key: `pack-${i}`, name: `pack ${i}` }) as unknown as TopUpPack),
      );
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(TOP_UP_PACKS), catalogue),
        fc.integer({ min: 0, max: 700 }),
        (packs, shortfall) => {
          const choice = cheapestPacks(shortfall, packs);
          expect(choice.credits).toBeGreaterThanOrEqual(shortfall);
          expect(choice.credits).toBe(
            choice.packs.reduce((s, { pack, count }) => s + pack.credits * count, 0),
          );
          expect(choice.cents).toBe(bruteForce(shortfall, packs));
          for (const single of packs)
            if (single.credits >= shortfall) expect(cents(single.price)).toBeGreaterThanOrEqual(choice.cents);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});

describe("forecastWorkload", () => {
  test("no credits spent yet: a neutral answer, no run-out date", () => {
    const answer = forecast({ balance: { planLeft: 100, topUpLeft: 0, held: 0 } });
    expect(answer).toMatchObject({ answer: "no-burn", runOutAt: null, creditsPerDay: 0 });
    expect(answer.lines).toContain("Your plan credits reset on Dec 19.");
  });

  test("credits that last past the reset fit, with the arithmetic", () => {
    // 42 credits in 10 days = 4.2 a day; 18 days to go need 75.6 → 76; 90 left.
    const answer = forecast({
      balance: { planLeft: 58, topUpLeft: 32, held: 3 },
      burn: { spent: 42, days: 10 },
    });
    expect(answer.answer).toBe("fits");
    expect(answer.lines).toEqual([
      "You spent 42 credits in 10 days: 4.2 credits a day.",
      "You have 90 credits (58 from your plan, 32 from top-ups).",
      "3 more credits are held by work in progress.",
      "At 4.2 a day they last 21.4 days, until Dec 22.",
      "Your credits reset on Dec 19, in 18 days: until then you need 76 credits.",
      "That is 14 to spare.",
    ]);
  });

  test("a small shortfall on a fitting plan: the cheapest top-up, before the run-out date", () => {
    // Starter, 3 a day: 90 a month fits Starter's 100; 37 left last 12.3 days (Dec 13) of 18: 17 short.
    const answer = forecast({
      balance: { planLeft: 37, topUpLeft: 0, held: 0 },
      burn: { spent: 30, days: 10 },
    });
    expect(answer).toMatchObject({ answer: "top-up", shortfall: 17, buy: { credits: 25, cents: 499 } });
    expect(answer.headline).toBe("Buy a top-up of 25 credits before Dec 13.");
    expect(answer.lines.at(-1)).toBe(
      "A top-up of 25 credits ($4.99) covers them; top-up credits never expire.",
    );
  });

  test("a rate the plan does not cover: upgrade when the larger plan costs less a month", () => {
    // Starter at 10 a day: 300 a month. Starter + 200 in packs = $9.99 + $29.98; Growth $29.99.
    const answer = forecast({
      balance: { planLeft: 20, topUpLeft: 0, held: 0 },
      burn: { spent: 80, days: 8 },
    });
    expect(answer).toMatchObject({ answer: "upgrade", to: { key: "growth" }, savesCents: 999 + 2998 - 2999 });
    expect(answer.headline).toBe("Upgrade to Growth: at this rate it saves $9.98 a month.");
    expect(answer.lines).toContain(
      "On Starter (100 credits a month) that costs $9.99 + $29.98 for top-ups of 200 credits (2 × 100) = $39.97 a month.",
    );
    expect(answer.lines).toContain("On Growth (400 credits a month) it costs $29.99 a month.");
  });

  test("zero balance with a burn: buy now", () => {
    const answer = forecast({ plan: plan("pro"), burn: { spent: 10, days: 10 } });
    expect(answer).toMatchObject({ answer: "top-up", shortfall: 18, buyBy: now });
    expect(answer.headline).toBe("Buy a top-up of 25 credits now.");
    expect(answer.lines).toContain("You have no credits left.");
  });

  test("reset tomorrow: only one more day to cover", () => {
    const answer = forecast({
      balance: { planLeft: 3, topUpLeft: 0, held: 0 },
      burn: { spent: 60, days: 20 },
      resetAt: new Date(now.getTime() + DAY),
    });
    expect(answer.answer).toBe("fits");
    const short = forecast({
      balance: { planLeft: 2, topUpLeft: 0, held: 0 },
      burn: { spent: 60, days: 20 },
      resetAt: new Date(now.getTime() + DAY),
    });
    expect(short).toMatchObject({ answer: "top-up", shortfall: 1 });
  });

  test("a reset already due (waiting for Shopify's renewal) needs nothing more", () => {
    const answer = forecast({ burn: { spent: 50, days: 30 }, resetAt: new Date(now.getTime() - DAY) });
    expect(answer.answer).toBe("fits");
  });

  test("huge plans and rates stay exact", () => {
    const huge: Plan = { key: "pro", name: "Huge", monthlyCredits: 10_000_000, price: 999 };
    const answer = forecast({
      plan: plan("pro"),
      plans: [...PLANS, huge],
      balance: { planLeft: 0, topUpLeft: 0, held: 0 },
      burn: { spent: 1_000_000, days: 4 },
    });
    // 250,000 a day: 7.5M a month, $99,000+ in packs on Pro, $999 on Huge.
    expect(answer).toMatchObject({ answer: "upgrade", to: { name: "Huge" } });
  });

  test("amounts in the merchant's locale and dates in the shop's time zone", () => {
    const answer = forecast({
      format: amountFormat("de", "Pacific/Kiritimati"),
      balance: { planLeft: 20, topUpLeft: 0, held: 0 },
      burn: { spent: 80, days: 8 },
      resetAt: new Date("2026-12-19T12:00:00Z"), // Dec 20 at 02:00 in Kiritimati (UTC+14)
    });
    expect(answer.headline.replace(/\u00a0/g, " ")).toBe(
      "Upgrade to Growth: at this rate it saves 9,98 $ a month.",
    );
    expect(answer.lines.map((line) => line.replace(/\u00a0/g, " "))).toContain(
      "Your credits reset on 20. Dez., in 18 days: until then you need 180 credits.",
    );
  });

  test("an unknown locale or time zone falls back to en and UTC", () => {
    expect(amountFormat("not a locale!", "Mars/Olympus")).toMatchObject({ locale: "en", timeZone: "UTC" });
    expect(dayIn("America/Los_Angeles", new Date("2026-12-02T03:00:00Z"))).toBe("2026-12-01");
  });

  test("property: a top-up answer's packs cover the shortfall, which is what the rate needs until the reset", () => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`forecastWorkload property: seed ${seed} (replay with FUZZ_SEED=${seed})`);
    fc.assert(
      fc.property(
        fc.constantFrom(...PLANS),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 30 * 24 }),
        (current, planLeft, topUpLeft, spent, days, hoursLeft) => {
          const resetAt = new Date(now.getTime() + hoursLeft * 60 * 60 * 1000);
          const answer = forecast({
            plan: current,
            balance: { planLeft, topUpLeft, held: 0 },
            burn: { spent, days },
            resetAt,
          });
          const need = Math.ceil((spent / days) * (hoursLeft / 24) - 1e-9);
          if (spent === 0) expect(answer.answer).toBe("no-burn");
          else if (need <= planLeft + topUpLeft) expect(answer.answer).toBe("fits");
          else expect(answer).toMatchObject({ shortfall: need - planLeft - topUpLeft });
          if (answer.answer === "top-up") {
            expect(answer.buy.credits).toBeGreaterThanOrEqual(answer.shortfall);
            for (const pack of TOP_UP_PACKS)
              if (pack.credits >= answer.shortfall)
                expect(cents(pack.price)).toBeGreaterThanOrEqual(answer.buy.cents);
          }
          if (answer.answer === "upgrade") {
            expect(answer.to.monthlyCredits).toBeGreaterThan(current.monthlyCredits);
            expect(answer.savesCents).toBeGreaterThan(0);
          }
          // The same input gives the same answer.
          expect(
            forecast({
              plan: current,
              balance: { planLeft, topUpLeft, held: 0 },
              burn: { spent, days },
              resetAt,
            }),
          ).toEqual(answer);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
