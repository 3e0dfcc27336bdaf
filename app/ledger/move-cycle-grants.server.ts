import type { CreditGrant } from "@prisma-generated/sqlite";
import type { Db } from "../db/connect.server";
import { query } from "../db/transaction-script";
import { InvalidInput } from "./errors";
import { GRANT_COLUMNS, toGrant } from "./rows";
import { inShopTransaction, lockShop } from "./shop-transaction.server";
import { requireDate, requireInput, requireKey } from "./validate";

export interface MoveCycleInput {
  shopId: string;
  /** The cycle's current end: the grants expiring exactly then are the cycle's allowance. */
  from: Date;
  /** The new end, in the future. */
  to: Date;
}

// Lapsed grants (`expiresAt` <= now) stay lapsed even before the sweeper reaches them: their credits are
// already out of the balance, and moving them would bring them back.
const MOVE = `UPDATE "CreditGrant" SET "expiresAt" = ?
  WHERE "shopId" = ? AND "kind" IN ('monthly', 'upgrade') AND "expiredAt" IS NULL
    AND "expiresAt" = ? AND "expiresAt" > ?
  RETURNING ${GRANT_COLUMNS}`;

/**
 * Moves the end of a shop's cycle allowance (its unexpired monthly and upgrade grants ending at `from`) to
 * `to`, when an upgrade puts the cycle on the subscription's billing period. Usually later; earlier too,
 * since Shopify's period end has whole seconds and can fall just before the cycle's end, and the allowance
 * must end with the cycle or it would overlap the next one. Under the shop's lock, like every change to a
 * grant. Returns the grants it moved.
 */
export async function moveCycleGrants(db: Db, input: MoveCycleInput, now = new Date()) {
  requireInput("input", input);
  const shopId = requireKey("shopId", input.shopId);
  requireDate("now", now);
  const from = requireDate("from", input.from);
  const to = requireDate("to", input.to);
  // An end already past would expire the allowance retroactively.
  if (!(to.getTime() > now.getTime())) throw new InvalidInput("to", "must be in the future");

  return inShopTransaction(db, function* () {
    yield* lockShop(shopId);
    if (to.getTime() === from.getTime()) return { grants: [] as CreditGrant[] };
    const rows = yield* query(MOVE, to, shopId, from, now);
    return { grants: rows.map(toGrant).sort((a, b) => (a.id < b.id ? -1 : 1)) };
  });
}
