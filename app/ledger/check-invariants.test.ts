// checkInvariants against a ledger that went through every legitimate movement, then against the same
// ledger with one corruption planted in raw SQL. Each corruption keeps the totals consistent (posted is
// the entries' sum, held the pending reservations, the grants' remaining what is available), so only the
// per-grant, per-entry and per-cycle accounting can see it.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop, grant } from "../../tests/ledger-fixtures";
import { getBalance } from "./balance.server";
import { captureReservation } from "./capture-reservation.server";
import { checkInvariants } from "./check-invariants.server";
import { moveCycleGrants } from "./move-cycle-grants.server";
import type { Action } from "./prices";
import { releaseReservation } from "./release-reservation.server";
import { reserveCredits } from "./reserve-credits.server";
import { sweep } from "./sweep.server";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const B = Date.UTC(2030, 0, 1);
const at = (ms: number) => new Date(B + ms);

describe.each(ENGINES)("checkInvariants on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  /**
   * Two cycles of a shop: grants of every kind, captures, a release, an upgrade moving the cycle's end, the
   * allowance expiring with credits held, their release into the expired grant, a timed-out reservation,
   * and one still pending.
   */
  async function healthyShop() {
    const shop = await createShop(t.db);
    const shopId = shop.id;
    const reserve = (key: string, actions: Action[], now: Date, timeoutMs?: number) =>
      reserveCredits(t.db, { shopId, idempotencyKey: key, actions, actor: "user:1", timeoutMs }, now);
    const ref = (key: string) => ({ shopId, idempotencyKey: key });

    const firstCycle = await grant(
      t.db,
      shopId,
      10,
      { kind: "monthly", sourceKey: "cycle:1", expiresAt: at(30 * DAY) },
      at(0),
    );
    const topUp = await grant(t.db, shopId, 20, { sourceKey: "purchase:1" }, at(0));
    const adjustment = await grant(t.db, shopId, 5, { kind: "adjustment", sourceKey: "adjustment:1" }, at(0));
    await reserve("a", ["draft.generate"], at(0));
    await captureReservation(t.db, ref("a"), at(0));
    await reserve("b", ["draft.generate"], at(0));
    await releaseReservation(t.db, ref("b"), at(0));
    await grant(
      t.db,
      shopId,
      15,
      { kind: "upgrade", sourceKey: "upgrade:1", expiresAt: at(30 * DAY) },
      at(DAY),
    );
    await moveCycleGrants(t.db, { shopId, from: at(30 * DAY), to: at(35 * DAY) }, at(DAY));
    await reserve("long", ["draft.generate", "cover.generate"], at(35 * DAY - HOUR), DAY);
    await sweep(t.db, at(35 * DAY));
    await releaseReservation(t.db, ref("long"), at(35 * DAY));

    const secondCycle = await grant(
      t.db,
      shopId,
      10,
      { kind: "monthly", sourceKey: "cycle:2", expiresAt: at(65 * DAY) },
      at(35 * DAY),
    );
    await reserve("c", Array<Action>(8).fill("draft.generate"), at(35 * DAY));
    await captureReservation(t.db, ref("c"), at(35 * DAY));
    await reserve("d", ["draft.generate"], at(35 * DAY), MINUTE);
    await sweep(t.db, at(35 * DAY + MINUTE));
    await reserve("e", ["cover.generate"], at(35 * DAY + 2 * MINUTE));

    const reservation = async (key: string) =>
      t.db.reservation.findUniqueOrThrow({
        where: { shopId_idempotencyKey: { shopId, idempotencyKey: key } },
      });
    return { shopId, firstCycle, secondCycle, topUp, adjustment, reservation };
  }

  /** Appends an entry the way post() does, so postedAfter and the balance row stay consistent. */
  async function postRaw(
    shopId: string,
    type: string,
    credits: number,
    grantId: string | null,
    reservationId: string | null,
  ) {
    const { posted } = await t.db.shopBalance.findUniqueOrThrow({ where: { shopId } });
    await t.db.$executeRawUnsafe(
      `INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "grantId", "reservationId")
        VALUES ('${shopId}', '${type}', ${credits}, ${posted + credits}, ${grantId ? `'${grantId}'` : "NULL"},
          ${reservationId ? `'${reservationId}'` : "NULL"})`,
    );
    await t.db.$executeRawUnsafe(
      `UPDATE "ShopBalance" SET "posted" = "posted" + ${credits} WHERE "shopId" = '${shopId}'`,
    );
  }
  const setRemaining = (grantId: string, change: number) =>
    t.db.$executeRawUnsafe(
      `UPDATE "CreditGrant" SET "remaining" = "remaining" + ${change} WHERE "id" = '${grantId}'`,
    );

  test("a ledger after two cycles of every legitimate movement reports no violation", async () => {
    const { shopId, firstCycle } = await healthyShop();
    expect(await checkInvariants(t.db, shopId)).toEqual([]);
    // It did go through the paths that matter: the upgrade moved the cycle, the release expired into it.
    expect(await t.db.creditGrant.findUniqueOrThrow({ where: { id: firstCycle.id } })).toMatchObject({
      expiresAt: at(35 * DAY),
      expiredAt: at(35 * DAY),
    });
    const expiries = await t.db.ledgerEntry.findMany({
      where: { shopId, type: "expiry", grantId: firstCycle.id },
      select: { credits: true, reservationId: true },
    });
    expect(expiries.map((e) => [e.credits, e.reservationId !== null]).sort()).toEqual([
      [-3, true],
      [-5, false],
    ]);
    expect(await getBalance(t.db, shopId, at(35 * DAY + 2 * MINUTE))).toEqual({
      posted: 19,
      held: 1,
      available: 18,
    });
  });

  const corruptions: [string, (s: Awaited<ReturnType<typeof healthyShop>>) => Promise<unknown>, RegExp][] = [
    [
      "a captured reservation debited twice",
      async (s) => {
        await postRaw(s.shopId, "debit", -2, null, (await s.reservation("a")).id);
        await setRemaining(s.topUp.id, -2);
      },
      /^captured reservation \S+: 2 debit entries$/,
    ],
    [
      "a debit on a released reservation",
      async (s) => {
        await postRaw(s.shopId, "debit", -2, null, (await s.reservation("b")).id);
        await setRemaining(s.topUp.id, -2);
      },
      /^released reservation \S+: 1 debit entries$/,
    ],
    [
      "credits moved from one grant to another",
      async (s) => {
        await setRemaining(s.topUp.id, -3);
        await setRemaining(s.secondCycle.id, 3);
      },
      /^grant \S+: amount 10 != remaining 3 \+ held or spent 10 \+ expired 0$/,
    ],
    [
      "a grant's amount inflated",
      (s) => t.db.$executeRawUnsafe(`UPDATE "CreditGrant" SET "amount" = 30 WHERE "id" = '${s.topUp.id}'`),
      /^grant entry \S+: 20 credits, grant \S+ has 30$/,
    ],
    [
      "a grant posted twice",
      async (s) => {
        await postRaw(s.shopId, "adjustment", 5, s.adjustment.id, null);
        await setRemaining(s.topUp.id, 5);
      },
      /^grant \S+: posted 2 times, not once$/,
    ],
    [
      "an allocation on another shop's grant",
      async (s) => {
        const other = await createShop(t.db, "other");
        const theirs = await grant(t.db, other.id, 5);
        await t.db.$executeRawUnsafe(
          `UPDATE "ReservationAllocation" SET "grantId" = '${theirs.id}' WHERE "reservationId" = '${(await s.reservation("e")).id}'`,
        );
      },
      /^allocation \S+: grant of shop \S+, not this one$/,
    ],
    [
      "an expiry entry that names no grant",
      async (s) => {
        const { id } = await t.db.ledgerEntry.findFirstOrThrow({
          where: { shopId: s.shopId, type: "expiry", reservationId: { not: null } },
        });
        await t.db.$executeRawUnsafe(`UPDATE "LedgerEntry" SET "grantId" = NULL WHERE "id" = ${id}`);
      },
      /^expiry entry \d+: no grant null in this shop$/,
    ],
  ];

  test.each(corruptions)("it catches %s", async (_, plant, violation) => {
    const shop = await healthyShop();
    expect(await checkInvariants(t.db, shop.shopId)).toEqual([]);
    await plant(shop);
    expect(await checkInvariants(t.db, shop.shopId)).toContainEqual(expect.stringMatching(violation));
  });

  test("it catches two monthly allowances for one cycle, and nothing else is wrong with them", async () => {
    const { shopId, secondCycle } = await healthyShop();
    // A second cycle grant a millisecond after the first, also lasting 30 days, posted consistently.
    const created = new Date(secondCycle.createdAt.getTime() + 1);
    const expires = new Date(secondCycle.expiresAt!.getTime() + 1);
    await t.db.$executeRaw`
      INSERT INTO "CreditGrant" ("id", "shopId", "kind", "sourceKey", "fingerprint", "amount", "remaining",
        "expiresAt", "createdAt")
      VALUES ('planted-cycle', ${shopId}, 'monthly', ${`cycle:${created.toISOString()}`}, 'f', 10, 10, ${expires}, ${created})`;
    await postRaw(shopId, "grant", 10, "planted-cycle", null);
    expect(await checkInvariants(t.db, shopId)).toEqual([
      `monthly grants ${secondCycle.id} and planted-cycle overlap: two allowances at once`,
    ]);
  });

  test("a monthly grant starting when the previous one ends does not overlap it", async () => {
    const { shopId, secondCycle } = await healthyShop();
    await grant(
      t.db,
      shopId,
      10,
      { kind: "monthly", sourceKey: "cycle:3", expiresAt: at(95 * DAY) },
      secondCycle.expiresAt!,
    );
    expect(await checkInvariants(t.db, shopId)).toEqual([]);
  });
});
