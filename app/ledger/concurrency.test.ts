import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop, grant } from "../../tests/ledger-fixtures";
import { getBalance } from "./balance.server";
import { captureReservation } from "./capture-reservation.server";
import { checkInvariants } from "./check-invariants.server";
import { ensureShop } from "./ensure-shop.server";
import { grantCredits } from "./grant-credits.server";
import { releaseReservation } from "./release-reservation.server";
import { reserveCredits } from "./reserve-credits.server";
import { sweep } from "./sweep.server";

const run = promisify(execFile);

function codes(outcomes: PromiseSettledResult<unknown>[]) {
  return outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code?: string }).code] : []));
}

describe.each(ENGINES)("credit ledger under concurrency on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  test("64 concurrent reservations of 2 against a balance of 10: exactly 5 succeed", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 10);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 64 }, (_, i) =>
        reserveCredits(t.db, {
          shopId: shop.id,
          idempotencyKey: `r${i}`,
          actions: ["draft.generate"],
          actor: "user:1",
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(5);
    expect(new Set(codes(outcomes))).toEqual(new Set(["insufficient_credits"]));
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 10, held: 10, available: 0 });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("two instances in two processes reserving at once never overdraw", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 20);
    // Both instances start at the same instant, after the child process has booted and connected.
    const startAt = Date.now() + 3000;
    const [here, there] = await Promise.all([
      new Promise((resolve) => setTimeout(resolve, startAt - Date.now())).then(() =>
        Promise.allSettled(
          Array.from({ length: 32 }, (_, i) =>
            reserveCredits(t.db, {
              shopId: shop.id,
              idempotencyKey: `a${i}`,
              actions: ["draft.generate"],
              actor: "user:1",
            }),
          ),
        ),
      ),
      run("node", [
        "--import",
        "tsx",
        "tests/second-instance.ts",
        t.url,
        shop.id,
        "32",
        "b",
        String(startAt),
      ]),
    ]);
    const other = JSON.parse(there.stdout) as { succeeded: number; errors: string[] };
    const succeeded = here.filter((o) => o.status === "fulfilled").length + other.succeeded;
    expect(succeeded).toBe(10);
    expect(new Set([...codes(here), ...other.errors])).toEqual(new Set(["insufficient_credits"]));
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 20, held: 20, available: 0 });
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("first requests of a new shop racing create one shop with one balance", async () => {
    const domain = `racing-${engine}.myshopify.com`;
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    const shops = await Promise.all(
      Array.from({ length: 16 }, (_, i) => ensureShop(i % 2 ? other : t.db, domain)),
    );
    expect(new Set(shops.map((shop) => shop.id)).size).toBe(1);
    expect(await t.db.shopBalance.count({ where: { shopId: shops[0]!.id } })).toBe(1);
  });

  test("64 concurrent deliveries of the same grant key make one grant", async () => {
    const shop = await createShop(t.db);
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    const outcomes = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        grantCredits(i % 2 ? other : t.db, {
          shopId: shop.id,
          sourceKey: "purchase:gid://shopify/AppPurchaseOneTime/42",
          kind: "top_up",
          credits: 100,
        }),
      ),
    );
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.grant.id)).size).toBe(1);
    expect(await t.db.ledgerEntry.count({ where: { shopId: shop.id } })).toBe(1);
    expect(await getBalance(t.db, shop.id)).toEqual({ posted: 100, held: 0, available: 100 });
  });

  test("capture, release and the sweeper racing on one reservation: exactly one wins", async () => {
    const shop = await createShop(t.db);
    await grant(t.db, shop.id, 40);
    const start = new Date();
    for (let round = 0; round < 20; round++) {
      const ref = { shopId: shop.id, idempotencyKey: `race-${round}` };
      await reserveCredits(
        t.db,
        { ...ref, actions: ["draft.generate"], actor: "user:1", timeoutMs: 1 },
        start,
      );
      // The sweeper runs just before the timeout on even rounds (no effect) and after it on odd ones.
      const sweepAt = new Date(start.getTime() + (round % 2));
      const [capture, release] = await Promise.allSettled([
        captureReservation(t.db, ref, start),
        releaseReservation(t.db, ref, start),
        sweep(t.db, sweepAt),
      ]);
      const reservation = await t.db.reservation.findUniqueOrThrow({ where: { shopId_idempotencyKey: ref } });
      const wins = [
        capture?.status === "fulfilled",
        release?.status === "fulfilled" && !release.value.replayed,
        reservation.status === "expired",
      ];
      expect(wins.filter(Boolean)).toHaveLength(1);
      const debits = await t.db.ledgerEntry.count({
        where: { reservationId: reservation.id, type: "debit" },
      });
      expect(debits).toBe(reservation.status === "captured" ? 1 : 0);
    }
    expect((await getBalance(t.db, shop.id, start)).held).toBe(0);
    expect(await checkInvariants(t.db, shop.id)).toEqual([]);
  });

  test("several shops reserve in parallel without touching each other's balance", async () => {
    const shops = await Promise.all(Array.from({ length: 8 }, () => createShop(t.db)));
    await Promise.all(shops.map((shop) => grant(t.db, shop.id, 6)));
    await Promise.allSettled(
      shops.flatMap((shop) =>
        Array.from({ length: 8 }, (_, i) =>
          reserveCredits(t.db, {
            shopId: shop.id,
            idempotencyKey: `k${i}`,
            actions: ["draft.generate"],
            actor: "user:1",
          }),
        ),
      ),
    );
    for (const shop of shops) {
      expect(await getBalance(t.db, shop.id)).toEqual({ posted: 6, held: 6, available: 0 });
      expect(await checkInvariants(t.db, shop.id)).toEqual([]);
    }
  });
});
