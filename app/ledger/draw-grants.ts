import { query, type Script } from "../db/transaction-script";

// Consumption order: credits that expire soonest first (the monthly allowance and its upgrade top), then the
// rest oldest first (top-up packs, adjustments), then by id. Grants past their end date are not spendable,
// swept or not. The running sum stops the draw once the credits are covered.
const DRAW = `INSERT INTO "ReservationAllocation" ("reservationId", "grantId", "credits")
  SELECT ?, "id", CAST(CASE WHEN "remaining" < ? - "before" THEN "remaining" ELSE ? - "before" END AS INTEGER)
  FROM (
    SELECT "id", "remaining", SUM("remaining") OVER (
        ORDER BY "expiresAt" IS NULL, "expiresAt", "createdAt", "id" ROWS UNBOUNDED PRECEDING
      ) - "remaining" AS "before"
    FROM "CreditGrant"
    WHERE "shopId" = ? AND "remaining" > 0 AND "expiredAt" IS NULL AND ("expiresAt" IS NULL OR "expiresAt" > ?)
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
  yield* query(`UPDATE "CreditGrant" SET "remaining" = "remaining" + ? WHERE "id" = ?`, change, grantId);
}
