import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop } from "../../tests/ledger-fixtures";
import { checkInvariants } from "../ledger/check-invariants.server";
import { cycleKey, ensureCurrentCycle } from "./cycle.server";

const DAY = 24 * 60 * 60 * 1000;
const t0 = new Date("2026-11-01T08:45:32.744Z");

describe.each(ENGINES)("the first cycle on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  test("64 first requests, each with its own clock, grant one allowance keyed by one stored start", async () => {
    const shop = await createShop(t.db);
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    // Each racer's clock a few milliseconds apart, as the parallel loaders of one page load are.
    await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        ensureCurrentCycle(i % 2 ? other : t.db, shop.id, new Date(t0.getTime() + (i % 7) * 9)),
      ),
    );
    const grants = await t.db.creditGrant.findMany({ where: { shopId: shop.id } });
    expect(grants).toHaveLength(1);
    const row = await t.db.shop.findUniqueOrThrow({ where: { id: shop.id } });
    expect(grants[0]).toMatchObject({ kind: "monthly", amount: 10, sourceKey: cycleKey(row.cycleStart!) });
    expect(row.cycleEnd!.getTime() - row.cycleStart!.getTime()).toBe(30 * DAY);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("a first cycle whose start was claimed but whose grant never came (a crash) is granted on the next request", async () => {
    const shop = await createShop(t.db);
    await t.db.shop.update({ where: { id: shop.id }, data: { cycleStart: t0 } });
    await ensureCurrentCycle(t.db, shop.id, new Date(t0.getTime() + 60_000));
    expect(await t.db.creditGrant.findMany({ where: { shopId: shop.id } })).toMatchObject([
      { sourceKey: cycleKey(t0), amount: 10, expiresAt: new Date(t0.getTime() + 30 * DAY) },
    ]);
  });

  test("the next cycle follows from the stored end, not from the clock of the request that notices it", async () => {
    const shop = await createShop(t.db);
    await ensureCurrentCycle(t.db, shop.id, t0);
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    const due = t0.getTime() + 30 * DAY;
    await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        ensureCurrentCycle(i % 2 ? other : t.db, shop.id, new Date(due + 1 + i * 13)),
      ),
    );
    const keys = (
      await t.db.creditGrant.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "asc" } })
    ).map((grant) => grant.sourceKey);
    expect(keys).toEqual([cycleKey(t0), cycleKey(new Date(due))]);
  });
});
