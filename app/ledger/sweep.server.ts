import type { Db } from "../db/connect.server";
import { execute, queryOne } from "../db/transaction-script";
import { resolveAsReleased } from "./release-reservation.server";
import { inShopTransaction, lockShop, post } from "./shop-transaction.server";
import { requireDate } from "./validate";

/**
 * Releases reservations nobody captured within their timeout and expires grants past their end date
 * (unused monthly credits do not roll over). Each item is settled in its own shop transaction and
 * re-checked under the lock, so several instances may sweep at once and each item resolves once.
 */
export async function sweep(db: Db, now = new Date()) {
  requireDate("now", now);
  let expiredReservations = 0;
  let expiredGrants = 0;

  const stale = await db.reservation.findMany({
    where: { status: "pending", expiresAt: { lte: now } },
    select: { shopId: true, idempotencyKey: true },
  });
  for (const ref of stale) {
    const resolved = await inShopTransaction(db, () => resolveAsReleased(ref, "expired", now));
    if (resolved) expiredReservations += 1;
  }

  const ended = await db.creditGrant.findMany({
    where: { expiredAt: null, expiresAt: { lte: now } },
    select: { id: true, shopId: true },
  });
  for (const { id, shopId } of ended) {
    const expired = await inShopTransaction(db, function* () {
      yield* lockShop(shopId);
      const grant = yield* queryOne<{ remaining: number; test: unknown }>(
        `SELECT "remaining", "test" FROM "CreditGrant" WHERE "id" = ? AND "shopId" = ? AND "expiredAt" IS NULL`,
        id,
        shopId,
      );
      if (!grant) return false;
      yield* execute(`UPDATE "CreditGrant" SET "remaining" = 0, "expiredAt" = ? WHERE "id" = ?`, now, id);
      if (grant.remaining > 0)
        yield* post({
          shopId,
          type: "expiry",
          credits: -grant.remaining,
          grantId: id,
          actor: "system",
          test: Boolean(grant.test),
          createdAt: now,
        });
      return true;
    });
    if (expired) expiredGrants += 1;
  }
  return { expiredReservations, expiredGrants };
}
