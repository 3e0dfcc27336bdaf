import type { Db } from "../db/connect.server";
import { ReservationExpired, ReservationResolved } from "./errors";
import { findReservation, type ReservationRef } from "./find-reservation.server";
import { inShopTransaction, post } from "./shop-transaction.server";

/**
 * Turns a pending reservation into a debit once the work succeeded. Capturing again returns the same
 * debit (`replayed: true`); a released or timed-out reservation cannot be captured.
 */
export async function captureReservation(db: Db, ref: ReservationRef, now = new Date()) {
  return inShopTransaction(db, ref.shopId, async (tx) => {
    const reservation = await findReservation(tx, ref);
    if (reservation.status === "captured") {
      const entry = await tx.ledgerEntry.findFirstOrThrow({
        where: { shopId: ref.shopId, reservationId: reservation.id, type: "debit" },
      });
      return { reservation, entry, replayed: true };
    }
    if (reservation.status !== "pending")
      throw new ReservationResolved(ref.idempotencyKey, reservation.status);
    if (reservation.expiresAt.getTime() <= now.getTime()) throw new ReservationExpired(ref.idempotencyKey);

    const captured = await tx.reservation.update({
      where: { id: reservation.id },
      data: { status: "captured", resolvedAt: now },
    });
    const entry = await post(tx, {
      shopId: ref.shopId,
      type: "debit",
      credits: -reservation.credits,
      heldChange: -reservation.credits,
      action: reservation.action,
      reservationId: reservation.id,
      actor: reservation.actor,
      reference: reservation.reference,
      createdAt: now,
    });
    return { reservation: captured, entry, replayed: false };
  });
}
