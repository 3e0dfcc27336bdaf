// Random sequences of grant / reserve / capture / release / time / sweep across three shops, checked after
// every step against tests/ledger-model.ts and the ledger's invariants. A failure prints its seed and path;
// replay with LEDGER_MODEL_SEED=<seed> LEDGER_MODEL_PATH=<path>.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop } from "../../tests/ledger-fixtures";
import { ShopModel, type Outcome } from "../../tests/ledger-model";
import { getBalance } from "./balance.server";
import { captureReservation } from "./capture-reservation.server";
import { checkInvariants } from "./check-invariants.server";
import { grantCredits } from "./grant-credits.server";
import type { Action } from "./prices";
import { releaseReservation } from "./release-reservation.server";
import { reserveCredits } from "./reserve-credits.server";
import { sweep } from "./sweep.server";

const MINUTE = 60_000;
const shopIndex = fc.integer({ min: 0, max: 2 });
// Few keys, so retries and reused keys happen often.
const key = fc.constantFrom("k1", "k2", "k3", "k4", "k5", "k6");
const actions = fc.constantFrom<Action[]>(
  ["draft.generate"],
  ["draft.generate", "cover.generate"],
  ["cover.generate"],
  ["draft.rewrite"],
  ["automation.run"],
  ["topic.research"],
);

const step = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("grant" as const),
      shop: shopIndex,
      source: fc.constantFrom("p1", "p2", "p3", "p4"),
      kind: fc.constantFrom("monthly" as const, "top_up" as const),
      credits: fc.integer({ min: 1, max: 6 }),
      lifetime: fc.constantFrom(5 * MINUTE, 30 * MINUTE),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("reserve" as const),
      shop: shopIndex,
      key,
      actions,
      timeout: fc.constantFrom(10 * MINUTE, 15 * MINUTE),
    }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("capture" as const), shop: shopIndex, key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("release" as const), shop: shopIndex, key }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant("wait" as const), minutes: fc.integer({ min: 1, max: 8 }) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("sweep" as const) }) },
);

async function outcome(run: () => Promise<{ replayed: boolean }>): Promise<Outcome> {
  try {
    return { ok: true, replayed: (await run()).replayed };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!code) throw error;
    return { ok: false, code };
  }
}

describe.each(ENGINES)("credit ledger against its model on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  test("random sequences across three shops match the model after every step", async () => {
    const seed = Number(process.env.LEDGER_MODEL_SEED ?? Date.now() % 2 ** 31);
    console.log(`ledger model test on ${engine}: seed ${seed}`);
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: 60 }), async (steps) => {
        const shops = await Promise.all([0, 1, 2].map(() => createShop(t.db)));
        const models = shops.map(() => new ShopModel());
        // The clock moves 1 ms a step, so grants never tie on creation time.
        let now = Date.UTC(2026, 10, 26);
        for (const s of steps) {
          now += 1;
          if (s.op === "wait") {
            now += s.minutes * MINUTE;
            continue;
          }
          if (s.op === "sweep") {
            await sweep(t.db, new Date(now));
            models.forEach((m) => m.sweep(now));
          } else {
            const shopId = shops[s.shop]!.id;
            const model = models[s.shop]!;
            const at = new Date(now);
            let expected: Outcome;
            let actual: Outcome;
            if (s.op === "grant") {
              const expiresAt = s.kind === "monthly" ? now + s.lifetime : null;
              const sourceKey = `${s.kind}:${s.source}`;
              // One allowance at a time (checkInvariants holds the ledger to it): a new monthly grant
              // waits until the shop's last one has ended. Retries of a used key still go through.
              const live = model.grants.some(
                (g) => g.kind === "monthly" && g.sourceKey !== sourceKey && g.expiresAt! > now,
              );
              if (s.kind === "monthly" && live && !model.grants.some((g) => g.sourceKey === sourceKey))
                continue;
              expected = model.grant(sourceKey, s.kind, s.credits, expiresAt, now);
              actual = await outcome(() =>
                grantCredits(
                  t.db,
                  {
                    shopId,
                    sourceKey,
                    kind: s.kind,
                    credits: s.credits,
                    expiresAt: expiresAt === null ? null : new Date(expiresAt),
                  },
                  at,
                ),
              );
            } else if (s.op === "reserve") {
              expected = model.reserve(s.key, s.actions, s.timeout, now);
              actual = await outcome(() =>
                reserveCredits(
                  t.db,
                  {
                    shopId,
                    idempotencyKey: s.key,
                    actions: s.actions,
                    actor: "user:1",
                    timeoutMs: s.timeout,
                  },
                  at,
                ),
              );
            } else if (s.op === "capture") {
              expected = model.capture(s.key, now);
              actual = await outcome(() => captureReservation(t.db, { shopId, idempotencyKey: s.key }, at));
            } else {
              expected = model.release(s.key);
              actual = await outcome(() => releaseReservation(t.db, { shopId, idempotencyKey: s.key }, at));
            }
            expect(actual, JSON.stringify(s)).toEqual(expected);
          }
          for (const [i, shop] of shops.entries()) {
            const model = models[i]!;
            expect(await getBalance(t.db, shop.id, new Date(now))).toEqual({
              posted: model.posted,
              held: model.held,
              available: model.available(now),
            });
            const grants = await t.db.creditGrant.findMany({ where: { shopId: shop.id } });
            expect(Object.fromEntries(grants.map((g) => [g.sourceKey, g.remaining]))).toEqual(
              Object.fromEntries(model.grants.map((g) => [g.sourceKey, g.remaining])),
            );
            expect(await checkInvariants(t.db, shop.id)).toEqual([]);
          }
        }
      }),
      { seed, path: process.env.LEDGER_MODEL_PATH, numRuns: Number(process.env.LEDGER_MODEL_RUNS ?? 25) },
    );
  });
});
