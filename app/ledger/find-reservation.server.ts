import type { Tx } from "../db/connect.server";
import { ReservationNotFound } from "./errors";
import { requireKey } from "./validate";

export interface ReservationRef {
  shopId: string;
  /** The key the reservation was made with. */
  idempotencyKey: string;
}

/** Reads a reservation of this shop only: another shop's key is simply not found. */
export async function findReservation(tx: Tx, ref: ReservationRef) {
  const idempotencyKey = requireKey("idempotencyKey", ref.idempotencyKey);
  const reservation = await tx.reservation.findUnique({
    where: { shopId_idempotencyKey: { shopId: ref.shopId, idempotencyKey } },
    include: { allocations: true },
  });
  if (!reservation) throw new ReservationNotFound(idempotencyKey);
  return reservation;
}
