import type { Reservation } from "@prisma-generated/sqlite";
import { query, type Script } from "../db/transaction-script";
import { ReservationNotFound } from "./errors";
import { RESERVATION_COLUMNS, toReservation } from "./rows";
import { lockShop } from "./shop-transaction.server";

export interface ReservationRef {
  shopId: string;
  /** The key the reservation was made with. */
  idempotencyKey: string;
}

/** Reads a reservation of this shop only: another shop's key is simply not found. */
export function* selectReservation(shopId: string, idempotencyKey: string): Script<Reservation | undefined> {
  const [row] = yield* query(
    `SELECT ${RESERVATION_COLUMNS} FROM "Reservation" WHERE "shopId" = ? AND "idempotencyKey" = ?`,
    shopId,
    idempotencyKey,
  );
  return row && toReservation(row);
}

/**
 * The reservation, for a capture or release that found it not pending. A missing shop is reported as such
 * before a missing key.
 */
export function* findReservation(ref: ReservationRef): Script<Reservation> {
  const reservation = yield* selectReservation(ref.shopId, ref.idempotencyKey);
  if (!reservation) {
    yield* lockShop(ref.shopId);
    throw new ReservationNotFound(ref.idempotencyKey);
  }
  return reservation;
}

/**
 * Resolves a pending reservation (capture, release, timeout) by its key. The UPDATE takes the reservation's
 * row lock, so of several racing resolutions exactly one gets the row back; the others see it resolved.
 * `unexpired`: capture also needs the timeout not to have passed (release and the sweeper do not).
 */
export function* resolvePending(
  ref: ReservationRef,
  status: "captured" | "released" | "expired",
  now: Date,
  { unexpired = false } = {},
): Script<Reservation | undefined> {
  const [row] = yield* query(
    `UPDATE "Reservation" SET "status" = ?, "resolvedAt" = ?
      WHERE "shopId" = ? AND "idempotencyKey" = ? AND "status" = 'pending' AND (? = 0 OR "expiresAt" > ?)
      RETURNING ${RESERVATION_COLUMNS}`,
    status,
    now,
    ref.shopId,
    ref.idempotencyKey,
    unexpired ? 1 : 0,
    now,
  );
  return row && toReservation(row);
}
