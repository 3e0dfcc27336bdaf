import type { Reservation } from "@prisma-generated/sqlite";
import type { Db } from "../db/connect.server";
import { execute, query, type Script } from "../db/transaction-script";
import { changeRemaining } from "./draw-grants";
import { ReservationResolved } from "./errors";
import { findReservation, resolvePending, type ReservationRef } from "./find-reservation.server";
import { inShopTransaction, post } from "./shop-transaction.server";
import { requireDate, requireInput, requireKey } from "./validate";

/**
 * Gives a pending reservation's credits back to the grants they came from: the action failed, so it costs
 * nothing. Credits whose grant has expired meanwhile expire at once, with an expiry entry. Releasing
 * again, or after the timeout, returns `replayed: true`; a captured reservation cannot be released.
 */
export async function releaseReservation(db: Db, ref: ReservationRef, now = new Date()) {
  requireInput("ref", ref);
  requireKey("shopId", ref.shopId);
  requireKey("idempotencyKey", ref.idempotencyKey);
  requireDate("now", now);
  return inShopTransaction(db, function* () {
    const released = yield* resolveAsReleased(ref, "released", now);
    if (released) return { reservation: released, replayed: false };
    const reservation = yield* findReservation(ref);
    // Timed out already: the sweeper gave the credits back, which is all a release asks for.
    if (reservation.status === "released" || reservation.status === "expired")
      return { reservation, replayed: true };
    throw new ReservationResolved(ref.idempotencyKey, reservation.status);
  });
}

const ALLOCATIONS = `SELECT a."grantId", a."credits", g."expiredAt", g."test" FROM "ReservationAllocation" a
  JOIN "CreditGrant" g ON g."id" = a."grantId"
  WHERE a."reservationId" = ? ORDER BY a."grantId"`;

/**
 * Shared by release and the sweeper's timeout, which differ only in the status they leave. Returns the
 * resolved reservation, or nothing when it was not pending.
 */
export function* resolveAsReleased(
  ref: ReservationRef,
  status: "released" | "expired",
  now: Date,
): Script<Reservation | undefined> {
  const resolved = yield* resolvePending(ref, status, now);
  if (!resolved) return undefined;
  yield* execute(
    `UPDATE "ShopBalance" SET "held" = "held" - ?, "version" = "version" + 1 WHERE "shopId" = ?`,
    resolved.credits,
    ref.shopId,
  );
  const allocations = yield* query<{ grantId: string; credits: number; expiredAt: unknown; test: unknown }>(
    ALLOCATIONS,
    resolved.id,
  );
  for (const allocation of allocations) {
    // The grant expired meanwhile: its credits cannot go back, they expire now.
    if (allocation.expiredAt !== null)
      yield* post({
        shopId: ref.shopId,
        type: "expiry",
        credits: -allocation.credits,
        grantId: allocation.grantId,
        reservationId: resolved.id,
        actor: "system",
        test: Boolean(allocation.test),
        createdAt: now,
      });
    else yield* changeRemaining(allocation.grantId, allocation.credits);
  }
  return resolved;
}
