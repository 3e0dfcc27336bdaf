import type { Reservation } from "@prisma-generated/sqlite";
import { queryOne, type Script } from "../db/transaction-script";
import { ReservationNotFound } from "./errors";
import { date, RESERVATION_COLUMNS, toReservation } from "./rows";
import { lockShop } from "./shop-transaction.server";

export interface ReservationRef {
  shopId: string;
  /** The key the reservation was made with. */
  idempotencyKey: string;
}

/** Reads a reservation of this shop only: another shop's key is simply not found. */
export function* selectReservation(shopId: string, idempotencyKey: string): Script<Reservation | undefined> {
  const row = yield* queryOne(
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

// Only the columns the UPDATE does not already know: SQLite's RETURNING costs by the column.
const RESOLVED_COLUMNS = `"id", "fingerprint", "action", "credits", "expiresAt", "actor", "reference", "createdAt"`;
const RESOLVE = `UPDATE "Reservation" SET "status" = ?, "resolvedAt" = ?
  WHERE "shopId" = ? AND "idempotencyKey" = ? AND "status" = 'pending' AND (? = 0 OR "expiresAt" > ?)
  RETURNING ${RESOLVED_COLUMNS}`;

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
  const row = yield* queryOne<Reservation>(
    RESOLVE,
    status,
    now,
    ref.shopId,
    ref.idempotencyKey,
    unexpired ? 1 : 0,
    now,
  );
  if (!row) return undefined;
  // Field by field: spreading the driver's row allocates several times as much, on every capture.
  return {
    id: row.id,
    shopId: ref.shopId,
    idempotencyKey: ref.idempotencyKey,
    fingerprint: row.fingerprint,
    action: row.action,
    credits: row.credits,
    status,
    expiresAt: date(row.expiresAt),
    actor: row.actor,
    reference: row.reference,
    createdAt: date(row.createdAt),
    resolvedAt: new Date(now.getTime()),
  };
}
