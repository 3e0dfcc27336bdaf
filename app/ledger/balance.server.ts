import { moneyDriverOf, type Db } from "../db/connect.server";
import { queryOne, type Row, type Script } from "../db/transaction-script";
import { ShopNotFound } from "./errors";
import { requireDate, requireKey } from "./validate";

/**
 * What the balance row `b` holds that cannot be spent: the credits in grants past their end date that the
 * sweeper has not reached yet (an indexed look-up that is empty almost always). One parameter: now. For
 * reads that take the balance with other rows in one statement, with availableOf.
 */
export const LAPSED_CREDITS = `(SELECT CAST(COALESCE(SUM(g."remaining"), 0) AS INTEGER) FROM "CreditGrant" g
  WHERE g."shopId" = b."shopId" AND g."expiredAt" IS NULL AND g."expiresAt" <= ?)`;

/** Credits available now: posted, less what work in progress holds and what lapsed unswept. */
export function availableOf(row: Row): number {
  // SQLite may hand a sum back as a bigint, PostgreSQL as a number.
  return Number(row.posted) - Number(row.held) - Number(row.lapsed);
}

const BALANCE = `SELECT b."posted", b."held", ${LAPSED_CREDITS} AS "lapsed"
  FROM "ShopBalance" b WHERE b."shopId" = ?`;

function* balanceRow(shopId: string, now: Date): Script<Row | undefined> {
  return yield* queryOne(BALANCE, now, shopId);
}

/**
 * The shop's balance in O(1): the maintained balance row less its lapsed credits. One statement, so one
 * snapshot on both engines: read as two queries, a sweep committing in between made the two halves
 * disagree (a negative or inflated `available`).
 */
export async function getBalance(db: Db, shopId: string, now = new Date()) {
  requireKey("shopId", shopId);
  requireDate("now", now);
  const balance = await moneyDriverOf(db).read(() => balanceRow(shopId, now));
  if (!balance) throw new ShopNotFound(shopId);
  return { posted: Number(balance.posted), held: Number(balance.held), available: availableOf(balance) };
}
