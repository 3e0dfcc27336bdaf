import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop, grant, rowCounts } from "../../tests/ledger-fixtures";
import { getBalance } from "./balance.server";
import { checkInvariants } from "./check-invariants.server";
import { moveCycleGrants, type MoveCycleInput } from "./move-cycle-grants.server";
import { sweep } from "./sweep.server";

const DAY = 24 * 60 * 60 * 1000;
const bad = <T>(value: unknown) => value as T;

describe.each(ENGINES)("moving a cycle's grants on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  const expiries = async (shopId: string) =>
    Object.fromEntries(
      (await t.db.creditGrant.findMany({ where: { shopId } })).map((g) => [
        g.sourceKey,
        g.expiresAt?.toISOString() ?? null,
      ]),
    );

  test("it moves the shop's monthly and upgrade grants ending at `from` to `to`, and no other grant", async () => {
    const start = new Date(Date.UTC(2026, 10, 1));
    const end = new Date(start.getTime() + 30 * DAY);
    const later = new Date(start.getTime() + 45 * DAY);
    const shop = await createShop(t.db);
    const other = await createShop(t.db, "other");
    const at = (
      kind: "monthly" | "upgrade" | "top_up" | "adjustment",
      sourceKey: string,
      expiresAt: Date | null,
    ) => grant(t.db, shop.id, 5, { kind, sourceKey, expiresAt }, start);
    await at("monthly", "cycle", end);
    await at("upgrade", "upgrade", end);
    await at("upgrade", "upgrade:other-end", new Date(end.getTime() + 1));
    await at("adjustment", "adjustment:same-end", end);
    await at("top_up", "purchase", null);
    await grant(t.db, other.id, 5, { kind: "monthly", sourceKey: "cycle", expiresAt: end }, start);

    const { grants } = await moveCycleGrants(t.db, { shopId: shop.id, from: end, to: later }, start);
    expect(grants.map((g) => g.sourceKey).sort()).toEqual(["cycle", "upgrade"]);
    expect(grants.every((g) => g.expiresAt?.getTime() === later.getTime())).toBe(true);
    expect(await expiries(shop.id)).toEqual({
      cycle: later.toISOString(),
      upgrade: later.toISOString(),
      "upgrade:other-end": new Date(end.getTime() + 1).toISOString(),
      "adjustment:same-end": end.toISOString(),
      purchase: null,
    });
    expect(await expiries(other.id)).toEqual({ cycle: end.toISOString() });
    // At the old end only the adjustment has lapsed: the moved credits are still spendable.
    expect(await getBalance(t.db, shop.id, end)).toEqual({ posted: 25, held: 0, available: 20 });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("a grant that has lapsed, swept or not, is not brought back, even by an instance whose clock is behind", async () => {
    const start = new Date(Date.UTC(2027, 0, 1));
    const end = new Date(start.getTime() + DAY);
    const later = new Date(start.getTime() + 30 * DAY);
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 5, { kind: "monthly", sourceKey: "cycle", expiresAt: end }, start);

    // Lapsed at `end`, not swept yet: its credits are already out of the balance.
    expect((await moveCycleGrants(t.db, { shopId: shop.id, from: end, to: later }, end)).grants).toEqual([]);
    expect((await getBalance(t.db, shop.id, end)).available).toBe(0);

    await sweep(t.db, end);
    const behind = new Date(end.getTime() - 1);
    expect((await moveCycleGrants(t.db, { shopId: shop.id, from: end, to: later }, behind)).grants).toEqual(
      [],
    );
    expect(await expiries(shop.id)).toEqual({ cycle: end.toISOString() });
    expect(await t.db.creditGrant.findFirst({ where: { shopId: shop.id } })).toMatchObject({ remaining: 0 });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("a cycle end moved earlier, as a billing period in whole seconds can be, still ends the allowance with the cycle", async () => {
    const start = new Date(Date.UTC(2027, 1, 1, 10, 0, 0, 500));
    const end = new Date(start.getTime() + 30 * DAY);
    const periodEnd = new Date(Date.UTC(2027, 2, 3, 10, 0, 0)); // Shopify's, 500 ms before the cycle's end
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 5, { kind: "monthly", sourceKey: "cycle", expiresAt: end }, start);
    const { grants } = await moveCycleGrants(t.db, { shopId: shop.id, from: end, to: periodEnd }, start);
    expect(grants).toMatchObject([{ sourceKey: "cycle", expiresAt: periodEnd }]);
    expect((await getBalance(t.db, shop.id, periodEnd)).available).toBe(0);
    // The same end again moves nothing.
    expect(
      (await moveCycleGrants(t.db, { shopId: shop.id, from: periodEnd, to: periodEnd }, start)).grants,
    ).toEqual([]);
    expect(await expiries(shop.id)).toEqual({ cycle: periodEnd.toISOString() });
  });

  test("`to` must be a valid date in the future, `from` a valid date; a refused call writes nothing", async () => {
    const start = new Date(Date.UTC(2027, 2, 1));
    const end = new Date(start.getTime() + 30 * DAY);
    const next = new Date(end.getTime() + DAY);
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 5, { kind: "monthly", sourceKey: "cycle", expiresAt: end }, start);
    const before = { rows: await rowCounts(t.db, shop.id), expiries: await expiries(shop.id) };
    const refused: [Record<string, unknown>, string][] = [
      [{ from: end, to: start }, "to"],
      [{ from: end, to: new Date(start.getTime() - DAY) }, "to"],
      [{ from: end, to: new Date(NaN) }, "to"],
      [{ from: end, to: next.getTime() }, "to"],
      [{ from: end.toISOString(), to: next }, "from"],
      [{ from: undefined, to: next }, "from"],
      [{ shopId: 7, from: end, to: next }, "shopId"],
    ];
    for (const [input, field] of refused)
      await expect(
        moveCycleGrants(t.db, { shopId: shop.id, ...input } as MoveCycleInput, start),
        JSON.stringify(input),
      ).rejects.toMatchObject({ code: "invalid_input", field });
    await expect(
      moveCycleGrants(t.db, { shopId: shop.id, from: end, to: next }, new Date(NaN)),
    ).rejects.toMatchObject({ code: "invalid_input", field: "now" });
    await expect(moveCycleGrants(t.db, bad<MoveCycleInput>(null), start)).rejects.toMatchObject({
      code: "invalid_input",
      field: "input",
    });
    await expect(
      moveCycleGrants(t.db, { shopId: "no-such-shop", from: end, to: next }, start),
    ).rejects.toMatchObject({ code: "shop_not_found" });
    expect({ rows: await rowCounts(t.db, shop.id), expiries: await expiries(shop.id) }).toEqual(before);
  });

  test("it waits for the shop's lock: a transaction holding it delays the move until it ends", async () => {
    const start = new Date(Date.UTC(2027, 4, 1));
    const end = new Date(start.getTime() + 30 * DAY);
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 5, { kind: "monthly", sourceKey: "cycle", expiresAt: end }, start);
    const order: string[] = [];
    let moved: Promise<unknown> | undefined;
    await t.db.$transaction(async (tx) => {
      await tx.shopBalance.update({ where: { shopId: shop.id }, data: { version: { increment: 1 } } });
      moved = moveCycleGrants(
        t.db,
        { shopId: shop.id, from: end, to: new Date(end.getTime() + DAY) },
        start,
      ).then(() => order.push("moved"));
      await new Promise((resolve) => setTimeout(resolve, 300));
      order.push("lock released");
    });
    await moved;
    expect(order).toEqual(["lock released", "moved"]);
  });
});
