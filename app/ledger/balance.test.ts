import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop, grant } from "../../tests/ledger-fixtures";
import { getBalance } from "./balance.server";
import { reserveCredits } from "./reserve-credits.server";

const run = promisify(execFile);

describe.each(ENGINES)("balance reads on %s", (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(engine);
  });
  afterAll(() => t.drop());

  test("a balance read racing a sweeper in another process always shows one moment of the ledger", async () => {
    const shop = await createShop(t.db);
    const start = new Date();
    const lapse = new Date(start.getTime() + 1000);
    await grant(t.db, shop.id, 50, {}, start);
    await reserveCredits(
      t.db,
      { shopId: shop.id, idempotencyKey: "held", actions: ["draft.generate"], actor: "user:1" },
      start,
    );
    // Many small grants that have all lapsed at `lapse`: the sweeper expires them one transaction each.
    const lapsing = 400;
    for (let i = 0; i < lapsing; i++)
      await grant(t.db, shop.id, 3, { kind: "upgrade", expiresAt: lapse }, start);

    const startAt = Date.now() + 3000;
    const sweeper = run("node", [
      "--import",
      "tsx",
      "app/ledger/sweeper-instance.testing.ts",
      t.url,
      lapse.toISOString(),
      String(startAt),
    ]);
    let finished = false;
    void sweeper.finally(() => (finished = true));
    const reads: Awaited<ReturnType<typeof getBalance>>[] = [];
    const deadline = Date.now() + 45_000;
    // Read until the sweep is over: every read before, during and after it. On SQLite a read settles without
    // touching the event loop, so yield to it each time or the child's exit is never seen.
    while (!finished && Date.now() < deadline) {
      reads.push(await getBalance(t.db, shop.id, lapse));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(JSON.parse((await sweeper).stdout)).toMatchObject({ expiredGrants: lapsing });

    // At `lapse` the 50 top-up credits less the 2 held are all that is spendable, swept or not; what the
    // sweeper has not reached yet is still posted, 3 credits a grant.
    const impossible = reads.filter(
      (r) =>
        r.available !== 48 ||
        r.held !== 2 ||
        (r.posted - 50) % 3 !== 0 ||
        r.posted < 50 ||
        r.posted > 50 + 3 * lapsing,
    );
    expect(impossible).toEqual([]);
    // The reads did overlap the sweep, not only come before or after it.
    const during = reads.filter((r) => r.posted > 50 && r.posted < 50 + 3 * lapsing);
    expect(during.length).toBeGreaterThan(0);
    expect(await getBalance(t.db, shop.id, lapse)).toEqual({ posted: 50, held: 2, available: 48 });
  });
});
