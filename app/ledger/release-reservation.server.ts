import type { Db, Tx } from "../db/connect.server";
import { ReservationResolved } from "./errors";
import { findReservation, type ReservationRef } from "./find-reservation.server";
import { inShopTransaction, post } from "./shop-transaction.server";

type Reservation = Awaited<ReturnType<typeof findReservation>>;

/**
 * Gives a pending reservation's credits back to the grants they came from: the action failed, so it costs
 * nothing. Credits whose grant has expired meanwhile expire at once, with an expiry entry. Releasing
 * again, or after the timeout, returns `replayed: true`; a captured reservation cannot be released.
 */
export async function releaseReservation(db: Db, ref: ReservationRef, now = new Date()) {
  return inShopTransaction(db, ref.shopId, async (tx) => {
    const reservation = await findReservation(tx, ref);
    // Timed out already: the sweeper gave the credits back, which is all a release asks for.
    if (reservation.status === "released" || reservation.status === "expired")
      return { reservation, replayed: true };
    if (reservation.status !== "pending")
      throw new ReservationResolved(ref.idempotencyKey, reservation.status);
    return { reservation: await resolveAsReleased(tx, reservation, "released", now), replayed: false };
  });
}

/** Shared by release and the sweeper's timeout, which differ only in the status they leave. */
export async function resolveAsReleased(
  tx: Tx,
  reservation: Reservation,
  status: "released" | "expired",
  now: Date,
) {
  const resolved = await tx.reservation.update({
    where: { id: reservation.id },
    data: { status, resolvedAt: now },
  });
  await tx.shopBalance.update({
    where: { shopId: reservation.shopId },
    data: { held: { decrement: reservation.credits } },
  });
  for (const allocation of reservation.allocations) {
    const grant = await tx.creditGrant.findUniqueOrThrow({ where: { id: allocation.grantId } });
    if (grant.expiredAt) {
      await post(tx, {
        shopId: reservation.shopId,
        type: "expiry",
        credits: -allocation.credits,
        grantId: grant.id,
        reservationId: reservation.id,
        actor: "system",
        test: grant.test,
        createdAt: now,
      });
    } else {
      await tx.creditGrant.update({
        where: { id: grant.id },
        data: { remaining: { increment: allocation.credits } },
      });
    }
  }
  return resolved;
}
