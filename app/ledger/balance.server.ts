import type { Db } from "../db/connect.server";
import { ShopNotFound } from "./errors";
import { requireDate, requireKey } from "./validate";

/**
 * The shop's balance in O(1): the maintained balance row, less what sits in grants that have passed their
 * end date but not been swept yet (an indexed look-up that is empty almost always). One statement, so one
 * snapshot on both engines: read as two queries, a sweep committing in between made the two halves
 * disagree (a negative or inflated `available`).
 */
export async function getBalance(db: Db, shopId: string, now = new Date()) {
  requireKey("shopId", shopId);
  requireDate("now", now);
  const [balance] = await db.$queryRaw<{ posted: number; held: number; lapsed: number | bigint }[]>`
    SELECT b."posted", b."held",
      (SELECT CAST(COALESCE(SUM(g."remaining"), 0) AS INTEGER) FROM "CreditGrant" g
        WHERE g."shopId" = b."shopId" AND g."expiredAt" IS NULL AND g."expiresAt" <= ${now}) AS "lapsed"
    FROM "ShopBalance" b WHERE b."shopId" = ${shopId}`;
  if (!balance) throw new ShopNotFound(shopId);
  // SQLite hands the sum back as a bigint, PostgreSQL as a number.
  const posted = Number(balance.posted);
  const held = Number(balance.held);
  return { posted, held, available: posted - held - Number(balance.lapsed) };
}
