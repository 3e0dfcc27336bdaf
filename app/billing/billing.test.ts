import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop } from "../../tests/ledger-fixtures";
import { getBalance } from "../ledger/balance.server";
import { checkInvariants } from "../ledger/check-invariants.server";
import { reserveCredits } from "../ledger/reserve-credits.server";
import { sweep } from "../ledger/sweep.server";
import { ensureCurrentCycle, planForNextCycle } from "./cycle.server";
import { recordInstall, recordUninstall } from "../shops/life-cycle.server";
import { recordSubscription, type SubscriptionState } from "./subscriptions.server";
import { grantTopUp } from "./top-ups.server";

const DAY = 24 * 60 * 60 * 1000;
const t0 = new Date("2026-11-01T00:00:00.000Z");
const at = (days: number) => new Date(t0.getTime() + days * DAY);

let subscriptionNumber = 0;
function subscription(
  name: string,
  status: string,
  observedAt: Date,
  extra: Partial<SubscriptionState> = {},
) {
  subscriptionNumber += 1;
  return {
    id: `gid://shopify/AppSubscription/${subscriptionNumber}`,
    name,
    status,
    test: false,
    currentPeriodEnd: new Date(observedAt.getTime() + 30 * DAY),
    observedAt,
    ...extra,
  };
}

describe.each(ENGINES)("plans, cycles and top-ups on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  async function installedShop(now = t0) {
    const shop = await createShop(t.db);
    await ensureCurrentCycle(t.db, shop.id, now);
    return shop;
  }
  const monthlyGrants = (shopId: string) =>
    t.db.creditGrant.findMany({ where: { shopId, kind: "monthly" }, orderBy: { createdAt: "asc" } });

  test("a new shop on Free gets 10 credits for 30 days, once, however many requests race", async () => {
    const shop = await createShop(t.db);
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    await Promise.all(
      Array.from({ length: 16 }, (_, i) => ensureCurrentCycle(i % 2 ? other : t.db, shop.id, t0)),
    );
    expect(await monthlyGrants(shop.id)).toMatchObject([{ amount: 10, expiresAt: at(30) }]);
    expect(await t.db.shop.findUnique({ where: { id: shop.id } })).toMatchObject({
      planKey: "free",
      cycleStart: t0,
      cycleEnd: at(30),
    });
  });

  test("unused monthly credits do not roll over, and idle cycles are not granted afterwards", async () => {
    const shop = await installedShop();
    await Promise.all([ensureCurrentCycle(t.db, shop.id, at(95)), sweep(t.db, at(95))]);
    await sweep(t.db, at(95));
    const grants = await monthlyGrants(shop.id);
    expect(grants.map((g) => [g.amount, g.expiresAt?.toISOString()])).toEqual([
      [10, at(30).toISOString()],
      [10, at(120).toISOString()],
    ]);
    expect((await getBalance(t.db, shop.id, at(95))).available).toBe(10);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("an upgrade applies at once: the cycle's allowance becomes the new one less what was used", async () => {
    const shop = await installedShop();
    await reserveCredits(
      t.db,
      { shopId: shop.id, idempotencyKey: "d1", actions: ["draft.generate"], actor: "user:1" },
      at(3),
    );
    const starter = subscription("Starter", "ACTIVE", at(5));
    await recordSubscription(t.db, shop.id, starter, at(5));
    expect((await getBalance(t.db, shop.id, at(5))).available).toBe(100 - 2);
    const after = await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(after).toMatchObject({
      planKey: "starter",
      cycleStart: at(5),
      cycleEnd: starter.currentPeriodEnd,
    });

    // Replayed and reordered deliveries of the same state change nothing.
    await recordSubscription(t.db, shop.id, starter, at(6));
    await recordSubscription(t.db, shop.id, { ...starter, status: "PENDING", observedAt: at(4) }, at(6));
    expect((await getBalance(t.db, shop.id, at(6))).available).toBe(98);
    expect(await t.db.subscription.findUnique({ where: { id: starter.id } })).toMatchObject({
      status: "ACTIVE",
    });

    // The next cycle waits for Shopify's billing read back at the boundary, then carries Starter's full
    // allowance (Shopify renewed it: its period runs on).
    await ensureCurrentCycle(t.db, shop.id, at(36));
    await sweep(t.db, at(36));
    expect((await getBalance(t.db, shop.id, at(36))).available).toBe(0);
    const renewed = { ...starter, currentPeriodEnd: at(65), observedAt: at(36) };
    await recordSubscription(t.db, shop.id, renewed, at(36));
    expect((await getBalance(t.db, shop.id, at(36))).available).toBe(100);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  // What Shopify reports for an approved downgrade until the next cycle is not documented: each report.
  test.each([
    ["ACCEPTED", "ACTIVE"],
    ["PENDING", "ACTIVE"],
    ["ACTIVE", "CANCELLED"], // Shopify cancels the old one and activates the new one at once
  ])("a downgrade reported %s (the old plan %s) waits for the next cycle", async (waiting, old) => {
    const shop = await installedShop();
    const growth = subscription("Growth", "ACTIVE", at(1));
    await recordSubscription(t.db, shop.id, growth, at(1));
    const starter = subscription("Starter", waiting, at(10));
    await recordSubscription(t.db, shop.id, { ...growth, status: old, observedAt: at(10) }, at(10));
    await recordSubscription(t.db, shop.id, starter, at(10));
    expect(await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({
      planKey: "growth",
    });
    expect((await getBalance(t.db, shop.id, at(10))).available).toBe(400);
    const held = await t.db.subscription.findMany({ where: { shopId: shop.id } });
    expect(planForNextCycle(held).plan.key).toBe("starter");

    // Nothing is granted from what the app last heard; Shopify's answer at the boundary decides.
    await ensureCurrentCycle(t.db, shop.id, at(31));
    await sweep(t.db, at(31));
    expect((await getBalance(t.db, shop.id, at(31))).available).toBe(0);
    await recordSubscription(t.db, shop.id, { ...growth, status: "CANCELLED", observedAt: at(31) }, at(31));
    const active = { ...starter, status: "ACTIVE", currentPeriodEnd: at(61), observedAt: at(31) };
    await recordSubscription(t.db, shop.id, active, at(31));
    expect(await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({
      planKey: "starter",
    });
    expect((await getBalance(t.db, shop.id, at(31))).available).toBe(100);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("a downgrade the app never heard of is not paid for with the old allowance: the boundary read decides", async () => {
    const shop = await installedShop();
    const growth = subscription("Growth", "ACTIVE", at(1), { currentPeriodEnd: at(30) });
    await recordSubscription(t.db, shop.id, growth, at(1));
    await ensureCurrentCycle(t.db, shop.id, at(30));
    expect((await getBalance(t.db, shop.id, at(30))).available).toBe(0);
    // Shopify has not switched yet: the old plan still reads ACTIVE with its period ended. Still nothing.
    await recordSubscription(t.db, shop.id, { ...growth, observedAt: at(30) }, at(30));
    expect((await getBalance(t.db, shop.id, at(30))).available).toBe(0);
    const later = at(30.01); // the next read-back, after Shopify switched
    const starter = subscription("Starter", "ACTIVE", later, { currentPeriodEnd: at(60) });
    await recordSubscription(t.db, shop.id, { ...growth, status: "CANCELLED", observedAt: later }, later);
    await recordSubscription(t.db, shop.id, starter, later);
    expect((await getBalance(t.db, shop.id, later)).available).toBe(100);
  });

  test("a cancelled plan keeps this cycle's credits, then the shop is on Free", async () => {
    const shop = await installedShop();
    const starter = subscription("Starter", "ACTIVE", at(1));
    await recordSubscription(t.db, shop.id, starter, at(1));
    await recordSubscription(t.db, shop.id, { ...starter, status: "CANCELLED", observedAt: at(2) }, at(2));
    expect((await getBalance(t.db, shop.id, at(2))).available).toBe(100);
    await ensureCurrentCycle(t.db, shop.id, at(31));
    expect(await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ planKey: "free" });
  });

  test("a FROZEN plan falls back to Free at the next cycle and comes back when ACTIVE again", async () => {
    const shop = await installedShop();
    const pro = subscription("Pro", "ACTIVE", at(0), { currentPeriodEnd: at(30) });
    await recordSubscription(t.db, shop.id, pro, at(0));
    await recordSubscription(t.db, shop.id, { ...pro, status: "FROZEN", observedAt: at(20) }, at(20));
    // Free needs no read-back at the boundary (a plan Shopify still bills would top it up).
    await ensureCurrentCycle(t.db, shop.id, at(31));
    await sweep(t.db, at(31));
    expect((await getBalance(t.db, shop.id, at(31))).available).toBe(10);

    await recordSubscription(
      t.db,
      shop.id,
      { ...pro, status: "ACTIVE", observedAt: at(33), currentPeriodEnd: at(63) },
      at(33),
    );
    expect((await getBalance(t.db, shop.id, at(33))).available).toBe(1500);
    expect(await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({
      planKey: "pro",
      cycleEnd: at(63),
    });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("two instances renewing while the upgrade webhook races them: one cycle's worth of Growth credits", async () => {
    const shop = await installedShop();
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    const boundary = at(30);
    const growth = subscription("Growth", "ACTIVE", boundary, { currentPeriodEnd: at(60) });
    await Promise.all([
      ensureCurrentCycle(t.db, shop.id, boundary),
      ensureCurrentCycle(other, shop.id, boundary),
      recordSubscription(t.db, shop.id, growth, boundary),
      recordSubscription(other, shop.id, growth, boundary),
    ]);
    const grants = await t.db.creditGrant.findMany({ where: { shopId: shop.id, expiredAt: null } });
    // Either the renewal saw Growth first (a 400 allowance) or Free (10, then an upgrade of 390): one
    // cycle grant and at most one upgrade, 400 credits in all.
    const monthly = grants.filter((g) => g.kind === "monthly" && g.createdAt >= boundary);
    const upgrades = grants.filter((g) => g.kind === "upgrade");
    expect(monthly).toHaveLength(1);
    expect(upgrades.length).toBeLessThanOrEqual(1);
    expect([...monthly, ...upgrades].reduce((sum, g) => sum + g.amount, 0)).toBe(400);
    await sweep(t.db, boundary);
    expect((await getBalance(t.db, shop.id, boundary)).available).toBe(400);
    expect(await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({
      planKey: "growth",
    });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("a top-up is granted once when ACTIVE, whoever gets there first, and never when not", async () => {
    const shop = await installedShop();
    const purchase = {
      id: "gid://shopify/AppPurchaseOneTime/7",
      name: "Top-up: 100 credits",
      status: "ACTIVE",
      test: true,
    };
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => grantTopUp(i % 2 ? other : t.db, shop.id, purchase, at(1))),
    );
    expect(results.filter((r) => r.granted && !r.replayed)).toHaveLength(1);
    for (const status of ["DECLINED", "EXPIRED", "PENDING"])
      expect(
        await grantTopUp(t.db, shop.id, { ...purchase, id: `${purchase.id}${status}`, status }, at(1)),
      ).toMatchObject({
        granted: false,
      });
    expect(
      await grantTopUp(t.db, shop.id, { ...purchase, id: "gid://x/1", name: "Free money" }, at(1)),
    ).toMatchObject({
      granted: false,
    });
    const grants = await t.db.creditGrant.findMany({ where: { shopId: shop.id, kind: "top_up" } });
    expect(grants).toMatchObject([{ amount: 100, test: true, expiresAt: null }]);
    expect((await getBalance(t.db, shop.id, at(1))).available).toBe(110);
  });

  test("uninstall releases open reservations and cancels the plan; reinstall keeps the cycle and credits", async () => {
    const shop = await installedShop();
    await recordSubscription(t.db, shop.id, subscription("Starter", "ACTIVE", at(1)), at(1));
    await reserveCredits(
      t.db,
      { shopId: shop.id, idempotencyKey: "in-flight", actions: ["draft.generate"], actor: "user:1" },
      at(2),
    );
    await recordUninstall(t.db, shop.domain, at(3));
    expect(await t.db.reservation.findFirst({ where: { shopId: shop.id } })).toMatchObject({
      status: "released",
    });
    expect(await t.db.subscription.findFirst({ where: { shopId: shop.id } })).toMatchObject({
      status: "CANCELLED",
    });
    expect((await getBalance(t.db, shop.id, at(3))).available).toBe(100);

    await recordInstall(t.db, shop.domain, at(4));
    expect(await monthlyGrants(shop.id)).toHaveLength(1);
    expect(await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({
      uninstalledAt: null,
      planKey: "starter",
    });
    await ensureCurrentCycle(t.db, shop.id, at(32));
    expect(await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } })).toMatchObject({ planKey: "free" });
  });
});
