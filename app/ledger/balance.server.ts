import type { Db } from "../db/connect.server";
import { ShopNotFound } from "./errors";

/**
 * The shop's balance in O(1): the maintained balance row, less what sits in grants that have passed their
 * end date but not been swept yet (an indexed look-up that is empty almost always).
 */
export async function getBalance(db: Db, shopId: string, now = new Date()) {
  const [balance, lapsed] = await Promise.all([
    db.shopBalance.findUnique({ where: { shopId } }),
    db.creditGrant.aggregate({
      where: { shopId, expiredAt: null, expiresAt: { lte: now } },
      _sum: { remaining: true },
    }),
  ]);
  if (!balance) throw new ShopNotFound(shopId);
  return {
    posted: balance.posted,
    held: balance.held,
    available: balance.posted - balance.held - (lapsed._sum.remaining ?? 0),
  };
}
