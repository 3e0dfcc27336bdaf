import type { Db } from "../db/connect.server";
import { resolveAsReleased } from "./release-reservation.server";
import { inShopTransaction, post } from "./shop-transaction.server";

/**
 * Releases reservations nobody captured within their timeout and expires grants past their end date
 * (unused monthly credits do not roll over). Each item is settled in its own shop transaction and
 * re-checked under the lock, so several instances may sweep at once and each item resolves once.
 */
export async function sweep(db: Db, now = new Date()) {
  let expiredReservations = 0;
  let expiredGrants = 0;

  const stale = await db.reservation.findMany({
    where: { status: "pending", expiresAt: { lte: now } },
    select: { id: true, shopId: true },
  });
  for (const { id, shopId } of stale) {
    const resolved = await inShopTransaction(db, shopId, async (tx) => {
      const reservation = await tx.reservation.findFirst({
        where: { id, shopId, status: "pending" },
        include: { allocations: true },
      });
      if (!reservation) return false;
      await resolveAsReleased(tx, reservation, "expired", now);
      return true;
    });
    if (resolved) expiredReservations += 1;
  }

  const ended = await db.creditGrant.findMany({
    where: { expiredAt: null, expiresAt: { lte: now } },
    select: { id: true, shopId: true },
  });
  for (const { id, shopId } of ended) {
    const expired = await inShopTransaction(db, shopId, async (tx) => {
      const grant = await tx.creditGrant.findFirst({ where: { id, shopId, expiredAt: null } });
      if (!grant) return false;
      await tx.creditGrant.update({ where: { id }, data: { remaining: 0, expiredAt: now } });
      if (grant.remaining > 0)
        await post(tx, {
          shopId,
          type: "expiry",
          credits: -grant.remaining,
          grantId: id,
          actor: "system",
          test: grant.test,
          createdAt: now,
        });
      return true;
    });
    if (expired) expiredGrants += 1;
  }
  return { expiredReservations, expiredGrants };
}
