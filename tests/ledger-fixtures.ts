// Small builders for ledger tests: a shop with a balance, a grant, a reservation key.
import { randomUUID } from "node:crypto";
import type { Db } from "../app/db/connect.server";
import { ensureShop } from "../app/ledger/ensure-shop.server";
import { grantCredits, type GrantInput } from "../app/ledger/grant-credits.server";

export async function createShop(db: Db, name = "shop") {
  return ensureShop(db, `${name}-${randomUUID().slice(0, 8)}.myshopify.com`);
}

export async function grant(
  db: Db,
  shopId: string,
  credits: number,
  extra: Partial<GrantInput> = {},
  now = new Date(),
) {
  const { grant } = await grantCredits(
    db,
    { shopId, sourceKey: `purchase:${randomUUID()}`, kind: "top_up", credits, ...extra },
    now,
  );
  return grant;
}

/** Counts every ledger row of a shop, to prove a failed call wrote nothing. */
export async function rowCounts(db: Db, shopId: string) {
  const [grants, reservations, entries, balance] = await Promise.all([
    db.creditGrant.count({ where: { shopId } }),
    db.reservation.count({ where: { shopId } }),
    db.ledgerEntry.count({ where: { shopId } }),
    db.shopBalance.findUnique({ where: { shopId }, select: { posted: true, held: true } }),
  ]);
  return { grants, reservations, entries, balance };
}
