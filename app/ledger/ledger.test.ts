import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createShop, grant, rowCounts } from "../../tests/ledger-fixtures";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { getBalance } from "./balance.server";
import { captureReservation } from "./capture-reservation.server";
import { checkInvariants } from "./check-invariants.server";
import { grantCredits } from "./grant-credits.server";
import { releaseReservation } from "./release-reservation.server";
import { MAX_RESERVATION_TIMEOUT_MS, reserveCredits, RESERVATION_TIMEOUT_MS } from "./reserve-credits.server";
import { sweep } from "./sweep.server";
import type { Action } from "./prices";

const DAY = 24 * 60 * 60 * 1000;

describe.each(ENGINES)("credit ledger on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  const reserve = (shopId: string, key: string, actions: Action[] = ["draft.generate"], now?: Date) =>
    reserveCredits(
      t.db,
      { shopId, idempotencyKey: key, actions, actor: "user:1", reference: "draft:1" },
      now,
    );

  test("a grant adds credits, and a reserve + capture debits the action's price", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 10);
    const { reservation } = await reserve(shop.id, "r1", ["draft.generate", "cover.generate"]);
    expect(reservation).toMatchObject({
      credits: 3,
      status: "pending",
      action: "draft.generate+cover.generate",
    });
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 10, held: 3, available: 7 });

    const { entry } = await captureReservation(t.db, { shopId: shop.id, idempotencyKey: "r1" });
    expect(entry).toMatchObject({ type: "debit", credits: -3, postedAfter: 7, reference: "draft:1" });
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 7, held: 0, available: 7 });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("a released reservation costs nothing and gives the credits back to the grants they came from", async () => {
    const shop = await createShop(t.db);
    const monthly = await grant(t.db, shop.id, 1, { kind: "monthly", expiresAt: new Date(Date.now() + DAY) });
    const pack = await grant(t.db, shop.id, 5);
    await reserve(shop.id, "r1");
    expect(
      await t.db.creditGrant.findMany({ where: { shopId: shop.id }, orderBy: { amount: "asc" } }),
    ).toMatchObject([
      { id: monthly.id, remaining: 0 },
      { id: pack.id, remaining: 4 },
    ]);

    await releaseReservation(t.db, { shopId: shop.id, idempotencyKey: "r1" });
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 6, held: 0, available: 6 });
    expect(await t.db.creditGrant.findUnique({ where: { id: monthly.id } })).toMatchObject({ remaining: 1 });
    expect(await t.db.creditGrant.findUnique({ where: { id: pack.id } })).toMatchObject({ remaining: 5 });
    expect(await t.db.ledgerEntry.count({ where: { shopId: shop.id, type: "debit" } })).toBe(0);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("the monthly allowance is spent first, then top-up packs oldest first", async () => {
    const shop = await createShop(t.db);
    const now = new Date();
    const older = await grant(t.db, shop.id, 3, {}, new Date(now.getTime() - 2000));
    const newer = await grant(t.db, shop.id, 3, {}, new Date(now.getTime() - 1000));
    const monthly = await grant(t.db, shop.id, 2, {
      kind: "monthly",
      expiresAt: new Date(now.getTime() + DAY),
    });

    const { reservation } = await reserve(shop.id, "spans", [
      "draft.generate",
      "draft.regenerate",
      "cover.generate",
    ]);
    const allocations = await t.db.reservationAllocation.findMany({
      where: { reservationId: reservation.id },
    });
    const drawn = Object.fromEntries(allocations.map((a) => [a.grantId, a.credits]));
    expect(drawn).toEqual({ [monthly.id]: 2, [older.id]: 3 });
    await reserve(shop.id, "next", ["cover.generate"]);
    expect(await t.db.creditGrant.findUnique({ where: { id: newer.id } })).toMatchObject({ remaining: 2 });
  });

  test("a short balance throws InsufficientCredits with required and available, and writes nothing", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 1);
    const before = await rowCounts(t.db, shop.id);
    await expect(reserve(shop.id, "r1")).rejects.toMatchObject({
      name: "InsufficientCredits",
      code: "insufficient_credits",
      required: 2,
      available: 1,
    });
    expect(await rowCounts(t.db, shop.id)).toEqual(before);
  });

  test("a hold that must keep credits back (an automation's polishing reserve) fails below it, even when racing", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 7);
    const before = await rowCounts(t.db, shop.id);
    const hold = (key: string) =>
      reserveCredits(t.db, {
        shopId: shop.id,
        idempotencyKey: key,
        actions: ["automation.run"],
        actor: "automation:a1",
        keep: 4,
      });
    await expect(
      reserveCredits(t.db, {
        shopId: shop.id,
        idempotencyKey: "big",
        actions: ["draft.generate", "cover.generate"],
        actor: "automation:a1",
        keep: 5,
      }),
    ).rejects.toMatchObject({ name: "InsufficientCredits", required: 8, available: 7 });
    expect(await rowCounts(t.db, shop.id)).toEqual(before);
    // 7 available, 2 each, 4 kept back: one of three racers gets through.
    const results = await Promise.allSettled([hold("a"), hold("b"), hold("c")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 7, held: 2, available: 5 });
    await expect(
      reserveCredits(t.db, {
        shopId: shop.id,
        idempotencyKey: "x",
        actions: ["draft.generate"],
        actor: "a",
        keep: -1,
      }),
    ).rejects.toMatchObject({ name: "InvalidInput" });
  });

  test("retrying a reserve, capture or grant with the same key returns the original and writes nothing", async () => {
    const shop = await createShop(t.db);
    const first = await grantCredits(t.db, {
      shopId: shop.id,
      sourceKey: "purchase:gid://shopify/AppPurchaseOneTime/1",
      kind: "top_up",
      credits: 25,
    });
    const again = await grantCredits(t.db, {
      shopId: shop.id,
      sourceKey: "purchase:gid://shopify/AppPurchaseOneTime/1",
      kind: "top_up",
      credits: 25,
      actor: "webhook",
    });
    expect(again).toEqual({ grant: first.grant, replayed: true });

    const reserved = await reserve(shop.id, "r1");
    const afterReserve = await rowCounts(t.db, shop.id);
    expect(await reserve(shop.id, "r1")).toEqual({ reservation: reserved.reservation, replayed: true });
    expect(await rowCounts(t.db, shop.id)).toEqual(afterReserve);

    const captured = await captureReservation(t.db, { shopId: shop.id, idempotencyKey: "r1" });
    const replay = await captureReservation(t.db, { shopId: shop.id, idempotencyKey: "r1" });
    expect(replay).toMatchObject({ replayed: true, entry: captured.entry });
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 23, held: 0, available: 23 });
  });

  test("reusing a key with different parameters is an IdempotencyConflict and writes nothing", async () => {
    const shop = await createShop(t.db);
    await grantCredits(t.db, { shopId: shop.id, sourceKey: "purchase:1", kind: "top_up", credits: 25 });
    await reserve(shop.id, "r1");
    const before = await rowCounts(t.db, shop.id);
    await expect(
      grantCredits(t.db, { shopId: shop.id, sourceKey: "purchase:1", kind: "top_up", credits: 100 }),
    ).rejects.toMatchObject({ name: "IdempotencyConflict", code: "idempotency_conflict" });
    await expect(reserve(shop.id, "r1", ["draft.rewrite"])).rejects.toMatchObject({
      code: "idempotency_conflict",
    });
    expect(await rowCounts(t.db, shop.id)).toEqual(before);
  });

  test("a reservation resolves once: no release after capture, no capture after release", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 10);
    await reserve(shop.id, "a");
    await reserve(shop.id, "b");
    await captureReservation(t.db, { shopId: shop.id, idempotencyKey: "a" });
    await releaseReservation(t.db, { shopId: shop.id, idempotencyKey: "b" });
    await expect(releaseReservation(t.db, { shopId: shop.id, idempotencyKey: "a" })).rejects.toMatchObject({
      code: "reservation_resolved",
      status: "captured",
    });
    await expect(captureReservation(t.db, { shopId: shop.id, idempotencyKey: "b" })).rejects.toMatchObject({
      code: "reservation_resolved",
      status: "released",
    });
    expect(await releaseReservation(t.db, { shopId: shop.id, idempotencyKey: "b" })).toMatchObject({
      replayed: true,
    });
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 8, held: 0, available: 8 });
  });

  test("the sweeper releases a reservation nobody captured within 15 minutes, and it can no longer be captured", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 4);
    const start = new Date();
    await reserve(shop.id, "crashed", ["draft.generate"], start);
    const later = new Date(start.getTime() + RESERVATION_TIMEOUT_MS);
    await expect(
      captureReservation(t.db, { shopId: shop.id, idempotencyKey: "crashed" }, later),
    ).rejects.toMatchObject({ code: "reservation_expired" });

    const swept = await sweep(t.db, later);
    expect(swept.expiredReservations).toBeGreaterThanOrEqual(1);
    expect(await t.db.reservation.findFirst({ where: { shopId: shop.id } })).toMatchObject({
      status: "expired",
    });
    expect(
      await releaseReservation(t.db, { shopId: shop.id, idempotencyKey: "crashed" }, later),
    ).toMatchObject({
      replayed: true,
    });
    expect(await getBalance(t.db, shop.id, later)).toEqual({ posted: 4, held: 0, available: 4 });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("unused monthly credits expire at the cycle end with an expiry entry; top-ups do not", async () => {
    const shop = await createShop(t.db);
    const start = new Date();
    const cycleEnd = new Date(start.getTime() + 30 * DAY);
    await grant(
      t.db,
      shop.id,
      10,
      { kind: "monthly", sourceKey: `cycle:${start.toISOString()}`, expiresAt: cycleEnd },
      start,
    );
    await grant(t.db, shop.id, 25, {}, start);
    await reserve(shop.id, "used", ["draft.generate"], start);
    await captureReservation(t.db, { shopId: shop.id, idempotencyKey: "used" }, start);

    expect((await getBalance(t.db, shop.id, cycleEnd)).available).toBe(25);
    await sweep(t.db, cycleEnd);
    const expiry = await t.db.ledgerEntry.findFirst({ where: { shopId: shop.id, type: "expiry" } });
    expect(expiry).toMatchObject({ credits: -8, postedAfter: 25 });
    expect(await getBalance(t.db, shop.id, cycleEnd)).toEqual({ posted: 25, held: 0, available: 25 });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("credits held from a grant that expires meanwhile expire when released", async () => {
    const shop = await createShop(t.db);
    const start = new Date();
    const end = new Date(start.getTime() + DAY / 2);
    await grant(t.db, shop.id, 2, { kind: "monthly", expiresAt: end }, start);
    await reserveCredits(
      t.db,
      {
        shopId: shop.id,
        idempotencyKey: "long",
        actions: ["draft.generate"],
        actor: "automation:1",
        timeoutMs: MAX_RESERVATION_TIMEOUT_MS,
      },
      start,
    );
    await sweep(t.db, end); // the grant ends while its credits are held; the reservation has not timed out
    await releaseReservation(t.db, { shopId: shop.id, idempotencyKey: "long" }, end);
    expect(await getBalance(t.db, shop.id, end)).toEqual({ posted: 0, held: 0, available: 0 });
    expect(
      await t.db.ledgerEntry.findMany({
        where: { shopId: shop.id },
        orderBy: { id: "asc" },
        select: { type: true, credits: true },
      }),
    ).toEqual([
      { type: "grant", credits: 2 },
      { type: "expiry", credits: -2 },
    ]);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("bad input gets a typed error and writes nothing", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 10);
    const before = await rowCounts(t.db, shop.id);
    const badGrant = (credits: unknown) =>
      grantCredits(t.db, {
        shopId: shop.id,
        sourceKey: "adjustment:x",
        kind: "adjustment",
        credits: credits as number,
      });
    await expect(badGrant(-5)).rejects.toMatchObject({ code: "invalid_input", field: "credits" });
    await expect(badGrant(1.5)).rejects.toMatchObject({ code: "invalid_input", field: "credits" });
    await expect(badGrant(0)).rejects.toMatchObject({ code: "invalid_input", field: "credits" });
    await expect(badGrant("5")).rejects.toMatchObject({ code: "invalid_input", field: "credits" });
    await expect(badGrant(Number.NaN)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(reserve(shop.id, "x", ["draft.delete" as Action])).rejects.toMatchObject({
      code: "invalid_input",
      field: "actions",
    });
    await expect(reserve(shop.id, "x", [])).rejects.toMatchObject({
      code: "invalid_input",
      field: "actions",
    });
    await expect(reserve(shop.id, "x", ["topic.research"])).rejects.toMatchObject({ code: "invalid_input" });
    await expect(reserve(shop.id, "", ["draft.generate"])).rejects.toMatchObject({
      code: "invalid_input",
      field: "idempotencyKey",
    });
    await expect(
      grantCredits(t.db, {
        shopId: shop.id,
        sourceKey: "cycle:old",
        kind: "monthly",
        credits: 10,
        expiresAt: new Date(Date.now() - 1),
      }),
    ).rejects.toMatchObject({ code: "invalid_input", field: "expiresAt" });
    await expect(
      captureReservation(t.db, { shopId: shop.id, idempotencyKey: "missing" }),
    ).rejects.toMatchObject({
      code: "reservation_not_found",
    });
    expect(await rowCounts(t.db, shop.id)).toEqual(before);
  });

  test("an unknown shop gets ShopNotFound from every operation", async () => {
    const shopId = "no-such-shop";
    await expect(grant(t.db, shopId, 5)).rejects.toMatchObject({
      name: "ShopNotFound",
      code: "shop_not_found",
    });
    await expect(reserve(shopId, "r")).rejects.toMatchObject({ code: "shop_not_found" });
    await expect(captureReservation(t.db, { shopId, idempotencyKey: "r" })).rejects.toMatchObject({
      code: "shop_not_found",
    });
    await expect(getBalance(t.db, shopId)).rejects.toMatchObject({ code: "shop_not_found" });
    expect(await t.db.creditGrant.count({ where: { shopId } })).toBe(0);
  });

  test("a shop can neither see nor move another shop's credits", async () => {
    const alice = await createShop(t.db, "alice");
    const bob = await createShop(t.db, "bob");
    await grant(t.db, alice.id, 10);
    await reserve(alice.id, "alice-draft");
    await expect(reserve(bob.id, "bob-draft")).rejects.toMatchObject({
      code: "insufficient_credits",
      available: 0,
    });
    await expect(
      captureReservation(t.db, { shopId: bob.id, idempotencyKey: "alice-draft" }),
    ).rejects.toMatchObject({
      code: "reservation_not_found",
    });
    await expect(
      releaseReservation(t.db, { shopId: bob.id, idempotencyKey: "alice-draft" }),
    ).rejects.toMatchObject({
      code: "reservation_not_found",
    });
    // The same key in another shop is another reservation.
    await grant(t.db, bob.id, 2);
    expect((await reserve(bob.id, "alice-draft")).replayed).toBe(false);
    expect(await getBalance(t.db, alice.id)).toEqual({ posted: 10, held: 2, available: 8 });
    expect(await getBalance(t.db, bob.id)).toEqual({ posted: 2, held: 2, available: 0 });
  });

  test("the database itself refuses a grant below zero or a balance that spends more than it holds", async () => {
    const shop = await createShop(t.db);
    const g = await grant(t.db, shop.id, 3);
    await expect(t.db.creditGrant.update({ where: { id: g.id }, data: { remaining: -1 } })).rejects.toThrow(
      /check/i,
    );
    await expect(t.db.creditGrant.update({ where: { id: g.id }, data: { remaining: 4 } })).rejects.toThrow(
      /check/i,
    );
    await expect(t.db.shopBalance.update({ where: { shopId: shop.id }, data: { held: 4 } })).rejects.toThrow(
      /check/i,
    );
  });
});
