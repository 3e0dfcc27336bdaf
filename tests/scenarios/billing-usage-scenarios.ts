// "Usage and planning" end to end: credits spent through the ledger on a real database, the page read over
// HTTP as the embedded app reads it (tests/app-harness.ts), the shop's time zone from the Shopify Admin
// emulator. Run once per engine (billing-usage.<engine>.test.ts).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { captureReservation } from "../../app/ledger/capture-reservation.server";
import { grantCredits } from "../../app/ledger/grant-credits.server";
import type { Action } from "../../app/ledger/prices";
import { reserveCredits } from "../../app/ledger/reserve-credits.server";
import { startAppHarness, type AppHarness } from "../app-harness";
import { rowCounts } from "../ledger-fixtures";

const DAY = 24 * 60 * 60 * 1000;
const USAGE_PAGE = "routes/app.billing.usage";

interface UsagePage {
  plan: string;
  spent: number;
  byAction: { label: string; credits: number; creditsText: string; countText: string }[];
  byDay: { day: string; credits: number }[];
  balance: { plan: string; topUp: string; held: string };
  forecast: { answer: string; headline: string; lines: string[]; perDay: string };
  planner: {
    values: Record<string, string>;
    error: string | null;
    fieldErrors: Record<string, string[]> | null;
    answer: { headline: string; gap: number; options: { kind: string; text: string }[] } | null;
  };
  today: string;
}

/** The calendar day of `at` in `timeZone`, YYYY-MM-DD: the test's own reading of the clock. */
const localDay = (timeZone: string, at: Date) => at.toLocaleDateString("en-CA", { timeZone });

export function billingUsageScenarios(engine: Engine) {
  describe(`Usage and planning on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());

    const open = (domain: string, query = "") =>
      h.loaderData<UsagePage>(domain, `/app/billing/usage${query}`, USAGE_PAGE);

    /** One charged action at `at`, as a job charges it: reserve, then capture. */
    async function spend(shopId: string, actions: Action[], at: Date) {
      const idempotencyKey = `job:${randomUUID()}`;
      await reserveCredits(h.db, { shopId, idempotencyKey, actions, actor: "user:1" }, at);
      await captureReservation(h.db, { shopId, idempotencyKey }, at);
    }

    test("a new shop: no usage yet, a neutral answer, its Free credits, and the shop's time zone read once", async () => {
      const store = await h.installStore("usage", { timezone: "Asia/Tokyo" });
      const page = await open(store);
      expect(page).toMatchObject({
        plan: "Free",
        spent: 0,
        byAction: [],
        balance: { plan: "10 credits", topUp: "0 credits", held: "0 credits" },
        forecast: { answer: "no-burn", perDay: "0" },
        planner: { answer: null, error: null },
      });
      expect(page.byDay.every((day) => day.credits === 0)).toBe(true);
      expect((await h.shopRow(store)).timezone).toBe("Asia/Tokyo");
      expect(page.today).toBe(localDay("Asia/Tokyo", new Date()));
    });

    test("this cycle's debits by action and by day in the shop's time zone, the burn rate, the split and the answer", async () => {
      const zone = "America/Los_Angeles";
      const store = await h.installStore("usage", { timezone: zone });
      const other = await h.installStore("other");
      const shop = await h.shopRow(store);
      const now = new Date();
      const cycleStart = new Date(now.getTime() - 3 * DAY);
      // A debit just before the cycle: not this cycle's usage.
      await spend(shop.id, ["draft.generate"], new Date(cycleStart.getTime() - 1000));
      // The cycle began three days ago (seeded): its debits spread over the days since.
      await h.db.shop.update({ where: { id: shop.id }, data: { cycleStart } });
      await grantCredits(h.db, {
        shopId: shop.id,
        sourceKey: "purchase:usage-test",
        kind: "top_up",
        credits: 50,
      });

      const spends: [Action[], Date][] = [
        [["draft.generate", "cover.generate"], new Date(cycleStart.getTime() + 60 * 60 * 1000)],
        [["draft.rewrite"], new Date(cycleStart.getTime() + 61 * 60 * 1000)],
        [["draft.regenerate"], new Date(now.getTime() - DAY)],
        [["draft.generate"], new Date(now.getTime() - 60 * 1000)],
      ];
      for (const [actions, at] of spends) await spend(shop.id, actions, at);
      // Held by work in progress: not spent.
      await reserveCredits(h.db, {
        shopId: shop.id,
        idempotencyKey: "held",
        actions: ["draft.generate"],
        actor: "user:1",
      });
      // Another shop's spending is never counted.
      await spend((await h.shopRow(other)).id, ["draft.generate"], now);

      const page = await open(store);
      expect(page.spent).toBe(8);
      expect(page.byAction).toEqual([
        { label: "Draft generation", credits: 4, creditsText: "4 credits", countText: "2" },
        { label: "Draft regeneration", credits: 2, creditsText: "2 credits", countText: "1" },
        { label: "AI rewrite", credits: 1, creditsText: "1 credit", countText: "1" },
        { label: "Cover image", credits: 1, creditsText: "1 credit", countText: "1" },
      ]);
      const expectedDays = new Map<string, number>();
      for (const [actions, at] of spends) {
        const day = localDay(zone, at);
        expectedDays.set(
          day,
          (expectedDays.get(day) ?? 0) + (actions.length === 2 ? 3 : actions[0] === "draft.rewrite" ? 1 : 2),
        );
      }
      expect(page.byDay[0]?.day).toBe(localDay(zone, cycleStart));
      expect(page.byDay.at(-1)?.day).toBe(localDay(zone, now));
      expect(
        Object.fromEntries(page.byDay.filter((day) => day.credits > 0).map((day) => [day.day, day.credits])),
      ).toEqual(Object.fromEntries(expectedDays));
      // The Free allowance is drawn first (it expires): 2 before the cycle and 8 in it; the hold takes
      // 2 of the top-up's 50.
      expect(page.balance).toEqual({ plan: "0 credits", topUp: "48 credits", held: "2 credits" });
      // 8 credits in 3 days: 80 a month. On Free that is 70 in packs (3 × 25 = $14.97); Starter is $9.99.
      expect(page.forecast).toMatchObject({
        answer: "upgrade",
        perDay: "2.7",
        headline: "Upgrade to Starter: at this rate it saves $4.98 a month.",
      });
      expect(page.forecast.lines[0]).toBe("You spent 8 credits in 3 days: 2.7 credits a day.");

      // The embedded request's locale formats the amounts.
      const french = await open(store, "?locale=fr");
      expect(french.forecast.headline.replace(/\s/g, " ")).toBe(
        "Upgrade to Starter: at this rate it saves 4,98 $US a month.",
      );
      // The other shop sees only its own debit.
      expect((await open(other)).byAction).toEqual([
        { label: "Draft generation", credits: 2, creditsText: "2 credits", countText: "1" },
      ]);
    });

    test("the campaign planner answers from the URL: credits needed, the gap and the cheapest cover", async () => {
      const store = await h.installStore("planner");
      const today = localDay("UTC", new Date());
      const page = await open(
        store,
        `?drafts=10&covers=&rewrites=&regenerations=&automationRuns=&by=${today}`,
      );
      // 10 drafts = 20 credits against Free's 10: 10 short; a 25-pack ($4.99) beats Starter ($9.99).
      expect(page.planner).toMatchObject({ error: null, fieldErrors: null, answer: { gap: 10 } });
      expect(page.planner.answer?.headline).toMatch(
        /^You are 10 credits short by .+\. Cheapest: buy a top-up of 25 credits for \$4\.99\.$/,
      );
      expect(page.planner.answer?.options.map((option) => option.kind)).toEqual([
        "packs",
        "plan",
        "plan",
        "plan",
      ]);
    });

    test("bad planner input: 400 with each field's error, the page still shown, nothing written", async () => {
      const store = await h.installStore("planner");
      const shop = await h.shopRow(store);
      const before = await rowCounts(h.db, shop.id);
      const { response, results } = await h.navigate(
        store,
        "/app/billing/usage?drafts=-1&covers=1.5&rewrites=many&regenerations=0&automationRuns=99999&by=2020-01-01",
      );
      expect(response.status).toBe(400);
      const page = (results[USAGE_PAGE] as { data: UsagePage }).data;
      expect(page.planner).toMatchObject({
        error: "Check the planner's fields",
        answer: null,
        fieldErrors: {
          drafts: ["Enter 0 or more"],
          covers: ["Enter a whole number"],
          rewrites: ["Enter a whole number"],
          automationRuns: ["Enter at most 10,000"],
          by: ["Choose today or a later date"],
        },
        values: { drafts: "-1", by: "2020-01-01" },
      });
      expect(page.spent).toBe(0);
      expect(await rowCounts(h.db, shop.id)).toEqual(before);
    });

    test("the server render: the empty state, the charts with their summaries and table, the planner's field errors", async () => {
      const store = await h.installStore("render");
      const html = async (query = "") => {
        const response = await h.openDocument(store, `/app/billing/usage${query}`);
        return { status: response.status, text: await response.text() };
      };
      const empty = await html();
      expect(empty.status).toBe(200);
      for (const text of [
        "Usage and planning",
        "No credits spent this cycle yet",
        "Campaign planner",
        "Done by",
      ])
        expect(empty.text).toContain(text);
      expect(empty.text).not.toContain('role="img"');

      const shop = await h.shopRow(store);
      await spend(shop.id, ["draft.generate", "cover.generate"], new Date());
      const used = await html();
      expect(used.text).toContain(
        'role="img" aria-label="Credits spent this cycle by action: Draft generation, 2 credits; Cover image, 1 credit."',
      );
      expect(used.text).toContain("Credits spent per day");
      // The chart's table alternative, for screen readers.
      expect(used.text).toContain("<caption>Credits spent this cycle by action</caption>");
      expect(used.text).toMatch(/<th scope="row">Draft generation<\/th><td>1<\/td><td>2 credits<\/td>/);
      expect(used.text).not.toContain("No credits spent this cycle yet");

      const bad = await html("?drafts=-3&by=");
      expect(bad.status).toBe(400);
      expect(bad.text).toContain("Check the planner&#x27;s fields");
      expect(bad.text).toContain("Enter 0 or more");
      expect(bad.text).toContain("Choose a date");
    });
  });
}
