// Every public operation refuses malformed input with InvalidInput(field) before it touches the database:
// the calls an outside caller (or a bug) can make that the types do not stop.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Db } from "../db/connect.server";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop, grant } from "../../tests/ledger-fixtures";
import { getBalance } from "./balance.server";
import { captureReservation } from "./capture-reservation.server";
import { checkInvariants } from "./check-invariants.server";
import { grantCredits, type GrantInput } from "./grant-credits.server";
import { releaseReservation } from "./release-reservation.server";
import { MAX_RESERVATION_TIMEOUT_MS, reserveCredits, type ReserveInput } from "./reserve-credits.server";
import { sweep } from "./sweep.server";

const DAY = 24 * 60 * 60 * 1000;
// What the types would refuse, passed as a caller without them (a route, a script) could.
const bad = <T>(value: unknown) => value as T;

/** Every credit row in the database, whichever shop it names: a call with a bogus shop id writes none. */
async function allRows(db: Db) {
  const [grants, reservations, allocations, entries, balances] = await Promise.all([
    db.creditGrant.findMany({ orderBy: { id: "asc" } }),
    db.reservation.findMany({ orderBy: { id: "asc" } }),
    db.reservationAllocation.count(),
    db.ledgerEntry.count(),
    db.shopBalance.findMany({ orderBy: { shopId: "asc" }, select: { posted: true, held: true } }),
  ]);
  return { grants, reservations, allocations, entries, balances };
}

describe.each(ENGINES)("ledger input validation on %s", (engine) => {
  let t: TestDb;
  let shopId: string;
  const now = new Date();
  const grantInput = (extra: Record<string, unknown> = {}) =>
    bad<GrantInput>({ shopId, sourceKey: "purchase:new", kind: "top_up", credits: 5, ...extra });
  const reserveInput = (extra: Record<string, unknown> = {}) =>
    bad<ReserveInput>({
      shopId,
      idempotencyKey: "new",
      actions: ["draft.generate"],
      actor: "user:1",
      ...extra,
    });
  const pending = () => ({ shopId, idempotencyKey: "pending" });

  beforeAll(async () => {
    t = await createTestDb(engine);
    shopId = (await createShop(t.db)).id;
    await grant(t.db, shopId, 10);
    // A pending reservation, and a grant that has lapsed but not been swept: what a bad call must not touch.
    await reserveCredits(t.db, { ...pending(), actions: ["draft.generate"], actor: "user:1" });
    await grant(t.db, shopId, 3, { kind: "upgrade", expiresAt: new Date(now.getTime() + 1) }, now);
  });
  afterAll(() => t.drop());

  async function expectRefused(field: string, calls: Record<string, () => Promise<unknown>>) {
    for (const [what, call] of Object.entries(calls)) {
      const before = await allRows(t.db);
      await expect(call(), what).rejects.toMatchObject({
        name: "InvalidInput",
        code: "invalid_input",
        field,
      });
      expect(await allRows(t.db), what).toEqual(before);
    }
  }

  test("an expiresAt that is not a valid Date is refused, not stored or thrown as a driver error", async () => {
    const inAMonth = new Date(now.getTime() + 30 * DAY);
    await expectRefused("expiresAt", {
      string: () => grantCredits(t.db, grantInput({ kind: "monthly", expiresAt: inAMonth.toISOString() })),
      number: () => grantCredits(t.db, grantInput({ kind: "monthly", expiresAt: inAMonth.getTime() })),
      "Invalid Date": () => grantCredits(t.db, grantInput({ kind: "monthly", expiresAt: new Date(NaN) })),
      "year 10000": () =>
        grantCredits(t.db, grantInput({ kind: "upgrade", expiresAt: new Date(Date.UTC(10000, 0, 1)) })),
    });
  });

  test("monthly and upgrade grants must expire: without an end date they are refused", async () => {
    await expectRefused("expiresAt", {
      "monthly, no expiresAt": () => grantCredits(t.db, grantInput({ kind: "monthly" })),
      "monthly, expiresAt null": () => grantCredits(t.db, grantInput({ kind: "monthly", expiresAt: null })),
      "upgrade, no expiresAt": () => grantCredits(t.db, grantInput({ kind: "upgrade" })),
    });
    // Top-ups and adjustments may last forever.
    expect(await grantCredits(t.db, grantInput({ sourceKey: "purchase:forever" }))).toMatchObject({
      grant: { expiresAt: null },
      replayed: false,
    });
  });

  test("a timeout beyond 24 hours or not a whole positive number of milliseconds is refused", async () => {
    await expectRefused("timeoutMs", {
      "2^53": () => reserveCredits(t.db, reserveInput({ timeoutMs: 2 ** 53 })),
      "a day and a millisecond": () =>
        reserveCredits(t.db, reserveInput({ timeoutMs: MAX_RESERVATION_TIMEOUT_MS + 1 })),
      zero: () => reserveCredits(t.db, reserveInput({ timeoutMs: 0 })),
      fraction: () => reserveCredits(t.db, reserveInput({ timeoutMs: 1.5 })),
      string: () => reserveCredits(t.db, reserveInput({ timeoutMs: "60000" })),
      Infinity: () => reserveCredits(t.db, reserveInput({ timeoutMs: Infinity })),
    });
    const { reservation } = await reserveCredits(
      t.db,
      reserveInput({ idempotencyKey: "a-day", timeoutMs: MAX_RESERVATION_TIMEOUT_MS }),
      now,
    );
    expect(reservation.expiresAt).toEqual(new Date(now.getTime() + DAY));
    await releaseReservation(t.db, { shopId, idempotencyKey: "a-day" });
  });

  test("a shop id that is not a non-empty string is refused by every operation", async () => {
    for (const [what, id] of Object.entries({ number: 42, null: null, object: { id: "x" }, empty: "" })) {
      const badId = bad<string>(id);
      await expectRefused("shopId", {
        [`grantCredits, ${what}`]: () => grantCredits(t.db, grantInput({ shopId: badId })),
        [`reserveCredits, ${what}`]: () => reserveCredits(t.db, reserveInput({ shopId: badId })),
        [`captureReservation, ${what}`]: () =>
          captureReservation(t.db, { shopId: badId, idempotencyKey: "pending" }),
        [`releaseReservation, ${what}`]: () =>
          releaseReservation(t.db, { shopId: badId, idempotencyKey: "pending" }),
        [`getBalance, ${what}`]: () => getBalance(t.db, badId),
        [`checkInvariants, ${what}`]: () => checkInvariants(t.db, badId),
      });
    }
  });

  test("a now that is not a valid Date is refused by every operation that takes one", async () => {
    const nows = {
      "Invalid Date": new Date(NaN),
      "ISO string": now.toISOString(),
      "epoch number": now.getTime(),
      "year 10000": new Date(Date.UTC(10000, 0, 1)),
      null: null,
    };
    for (const [what, value] of Object.entries(nows)) {
      const badNow = bad<Date>(value);
      await expectRefused("now", {
        [`grantCredits, ${what}`]: () => grantCredits(t.db, grantInput(), badNow),
        [`reserveCredits, ${what}`]: () => reserveCredits(t.db, reserveInput(), badNow),
        [`captureReservation, ${what}`]: () => captureReservation(t.db, pending(), badNow),
        [`releaseReservation, ${what}`]: () => releaseReservation(t.db, pending(), badNow),
        [`sweep, ${what}`]: () => sweep(t.db, badNow),
        [`getBalance, ${what}`]: () => getBalance(t.db, shopId, badNow),
      });
    }
  });

  test("a missing input object, or a test flag that is not a boolean, is refused", async () => {
    await expectRefused("input", {
      "grantCredits(null)": () => grantCredits(t.db, bad<GrantInput>(null)),
      "reserveCredits(undefined)": () => reserveCredits(t.db, bad<ReserveInput>(undefined)),
    });
    await expectRefused("ref", {
      "captureReservation(null)": () =>
        captureReservation(t.db, bad<{ shopId: string; idempotencyKey: string }>(null)),
      "releaseReservation('pending')": () =>
        releaseReservation(t.db, bad<{ shopId: string; idempotencyKey: string }>("pending")),
    });
    await expectRefused("test", {
      'test: "yes"': () => grantCredits(t.db, grantInput({ test: "yes" })),
    });
  });

  test("after every refused call the ledger is still whole", async () => {
    expect(await checkInvariants(t.db, shopId)).toEqual([]);
    expect(await t.db.reservation.findFirst({ where: { shopId, idempotencyKey: "pending" } })).toMatchObject({
      status: "pending",
    });
  });
});
