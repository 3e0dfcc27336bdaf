// The money driver (docs/decisions/004-ledger-hot-path.md) next to Prisma on the same database: values it
// writes read back through Prisma unchanged, and a Prisma transaction holding the lock across awaits makes a
// money transaction wait without blocking the event loop (on SQLite both share one connection).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop } from "../../tests/ledger-fixtures";
import { captureReservation } from "./capture-reservation.server";
import { checkInvariants } from "./check-invariants.server";
import { grantCredits } from "./grant-credits.server";
import { reserveCredits } from "./reserve-credits.server";

const DAY = 24 * 60 * 60 * 1000;

describe.each(ENGINES)("money driver beside Prisma on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  test("rows it writes read back through Prisma exactly as it returned them", async () => {
    const shop = await createShop(t.db);
    const now = new Date(Date.UTC(2026, 10, 26, 12, 30, 45, 123));
    const { grant } = await grantCredits(
      t.db,
      {
        shopId: shop.id,
        sourceKey: "cycle:1",
        kind: "monthly",
        credits: 5,
        expiresAt: new Date(now.getTime() + DAY),
        test: true,
        reference: "r",
      },
      now,
    );
    const { reservation } = await reserveCredits(
      t.db,
      { shopId: shop.id, idempotencyKey: "k", actions: ["draft.generate"], actor: "user:1" },
      now,
    );
    const captured = await captureReservation(t.db, { shopId: shop.id, idempotencyKey: "k" }, now);

    expect(grant).toMatchObject({ test: true, expiresAt: new Date(now.getTime() + DAY), expiredAt: null });
    expect(await t.db.creditGrant.findUnique({ where: { id: grant.id } })).toEqual({
      ...grant,
      remaining: 3,
    });
    expect(await t.db.reservation.findUnique({ where: { id: reservation.id } })).toEqual(
      captured.reservation,
    );
    expect(captured.reservation).toEqual({ ...reservation, status: "captured", resolvedAt: now });
    expect(await t.db.ledgerEntry.findUnique({ where: { id: captured.entry.id } })).toEqual(captured.entry);
    const entries = await t.db.ledgerEntry.findMany({ where: { shopId: shop.id }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.type, e.test, e.createdAt.getTime()])).toEqual([
      ["grant", true, now.getTime()],
      ["debit", false, now.getTime()],
    ]);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("a Prisma transaction holding the shop's lock across awaits delays a reservation, never deadlocks it", async () => {
    const shop = await createShop(t.db);
    await grantCredits(t.db, { shopId: shop.id, sourceKey: "p", kind: "top_up", credits: 10 });
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    const order: string[] = [];
    let reserved: Promise<unknown> | undefined;
    try {
      await t.db.$transaction(async (tx) => {
        // The write takes SQLite's write lock (on the shared connection) or the balance row's lock.
        await tx.shopBalance.update({ where: { shopId: shop.id }, data: { version: { increment: 1 } } });
        reserved = reserveCredits(t.db, {
          shopId: shop.id,
          idempotencyKey: "k",
          actions: ["draft.generate"],
          actor: "user:1",
        }).then(() => order.push("reserved"));
        const ticksBefore = ticks;
        await new Promise((resolve) => setTimeout(resolve, 300));
        // The event loop kept running while the reservation waited.
        expect(ticks - ticksBefore).toBeGreaterThanOrEqual(10);
        order.push("prisma transaction ending");
      });
      await reserved;
    } finally {
      clearInterval(timer);
    }
    // The reservation went through only after the Prisma transaction let go.
    expect(order).toEqual(["prisma transaction ending", "reserved"]);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });
});
