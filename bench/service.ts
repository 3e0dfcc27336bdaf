// One benchmark op through the credit service: reserve, then capture, under a fresh idempotency key.
import { randomUUID } from "node:crypto";
import type { Db } from "../app/db/connect.server";
import { captureReservation, priceOf, reserveCredits, type Action } from "../app/ledger/index.server";

export const BENCH_ACTIONS: readonly Action[] = ["cover.generate"];
/** What one op moves; the bare SQL moves the same. */
export const BENCH_CREDITS = priceOf(BENCH_ACTIONS);

export function serviceReserveCapture(db: Db) {
  return async (shopId: string): Promise<void> => {
    const idempotencyKey = `bench:${randomUUID()}`;
    await reserveCredits(db, { shopId, idempotencyKey, actions: BENCH_ACTIONS, actor: "user:bench" });
    await captureReservation(db, { shopId, idempotencyKey });
  };
}
