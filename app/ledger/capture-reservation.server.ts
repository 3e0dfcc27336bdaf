import type { Db } from "../db/connect.server";
import { queryOne } from "../db/transaction-script";
import { ReservationExpired, ReservationResolved } from "./errors";
import { findReservation, resolvePending, type ReservationRef } from "./find-reservation.server";
import { ENTRY_COLUMNS, toEntry } from "./rows";
import { inShopTransaction, post } from "./shop-transaction.server";
import { requireDate, requireInput, requireKey } from "./validate";

/**
 * Turns a pending reservation into a debit once the work succeeded. Capturing again returns the same
 * debit (`replayed: true`); a released or timed-out reservation cannot be captured.
 */
export async function captureReservation(db: Db, ref: ReservationRef, now = new Date()) {
  requireInput("ref", ref);
  requireKey("shopId", ref.shopId);
  requireKey("idempotencyKey", ref.idempotencyKey);
  requireDate("now", now);
  return inShopTransaction(db, () => capture(ref, now));
}

const DEBIT_OF = `SELECT ${ENTRY_COLUMNS} FROM "LedgerEntry"
  WHERE "shopId" = ? AND "reservationId" = ? AND "type" = 'debit'`;

// Module-level, like reserve's script: no generator function made per call.
function* capture(ref: ReservationRef, now: Date) {
  const captured = yield* resolvePending(ref, "captured", now, { unexpired: true });
  if (captured) {
    const entry = yield* post({
      shopId: ref.shopId,
      type: "debit",
      credits: -captured.credits,
      heldChange: -captured.credits,
      action: captured.action,
      reservationId: captured.id,
      actor: captured.actor,
      reference: captured.reference,
      createdAt: now,
    });
    return { reservation: captured, entry, replayed: false };
  }

  // Not pending, or timed out: say which.
  const reservation = yield* findReservation(ref);
  if (reservation.status === "captured") {
    const entry = yield* queryOne(DEBIT_OF, ref.shopId, reservation.id);
    if (!entry) throw new Error(`captured reservation ${reservation.id} has no debit entry`);
    return { reservation, entry: toEntry(entry), replayed: true };
  }
  if (reservation.status !== "pending") throw new ReservationResolved(ref.idempotencyKey, reservation.status);
  throw new ReservationExpired(ref.idempotencyKey);
}
