import { execute, query, type Script } from "../db/transaction-script";

// Consumption order: credits that expire soonest first (the monthly allowance and its upgrade top), then the
// rest oldest first (top-up packs, adjustments), then by id. Grants past their end date are not spendable,
// swept or not.
const SPENDABLE = `FROM "CreditGrant"
    WHERE "shopId" = ? AND "remaining" > 0 AND "expiredAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > ?)`;
const CONSUMPTION_ORDER = `"expiresAt" IS NULL, "expiresAt", "createdAt", "id"`;

// The usual case, without a window function or RETURNING: the first spendable grant covers the credits.
const DRAW_FIRST = `INSERT INTO "ReservationAllocation" ("reservationId", "grantId", "credits")
  SELECT ?, "id", ? FROM (SELECT "id", "remaining" ${SPENDABLE} ORDER BY ${CONSUMPTION_ORDER} LIMIT 1) AS "first"
  WHERE "remaining" >= ?`;
const TAKE_FIRST = `UPDATE "CreditGrant" SET "remaining" = "remaining" - ?
  WHERE "id" = (SELECT "grantId" FROM "ReservationAllocation" WHERE "reservationId" = ?)`;

// Otherwise across grants: the running sum stops the draw once the credits are covered.
const DRAW = `INSERT INTO "ReservationAllocation" ("reservationId", "grantId", "credits")
  SELECT ?, "id", CAST(CASE WHEN "remaining" < ? - "before" THEN "remaining" ELSE ? - "before" END AS INTEGER)
  FROM (
    SELECT "id", "remaining",
      SUM("remaining") OVER (ORDER BY ${CONSUMPTION_ORDER} ROWS UNBOUNDED PRECEDING) - "remaining" AS "before"
    ${SPENDABLE}
  ) AS "spendable"
  WHERE "before" < ?
  RETURNING "grantId", "credits"`;

/**
 * Takes `credits` from the shop's spendable grants and records the allocations, under the shop's lock.
 * Returns how many were drawn: `credits`, or every spendable credit when that is less, for the caller to
 * refuse (its throw rolls the draw back).
 */
export function* drawGrants(
  reservationId: string,
  shopId: string,
  credits: number,
  now: Date,
): Script<number> {
  if ((yield* execute(DRAW_FIRST, reservationId, credits, shopId, now, credits)) === 1) {
    yield* execute(TAKE_FIRST, credits, reservationId);
    return credits;
  }
  const allocations = yield* query<{ grantId: string; credits: number }>(
    DRAW,
    reservationId,
    credits,
    credits,
    shopId,
    now,
    credits,
  );
  let drawn = 0;
  for (const allocation of allocations) {
    yield* changeRemaining(allocation.grantId, -allocation.credits);
    drawn += allocation.credits;
  }
  return drawn;
}

export function* changeRemaining(grantId: string, change: number): Script<void> {
  yield* execute(`UPDATE "CreditGrant" SET "remaining" = "remaining" + ? WHERE "id" = ?`, change, grantId);
}
