import type { Db, Tx } from "../db/connect.server";
import { ShopNotFound } from "./errors";

/**
 * Runs one money movement of one shop. The first statement bumps the shop's balance row: on PostgreSQL
 * that takes the row lock, on SQLite the database write lock, so the read-then-write that follows never
 * races another movement of the same shop (NOTES.md measured lost updates without it on PostgreSQL).
 * Other shops' movements proceed in parallel on PostgreSQL.
 */
export function inShopTransaction<T>(db: Db, shopId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$executeRaw`
      UPDATE "ShopBalance" SET "version" = "version" + 1 WHERE "shopId" = ${shopId}`;
    if (locked !== 1) throw new ShopNotFound(shopId);
    return work(tx);
  });
}

/** Posts a signed movement: the balance row and the ledger entry change together, in one transaction. */
export async function post(
  tx: Tx,
  entry: {
    shopId: string;
    type: "grant" | "adjustment" | "debit" | "expiry";
    credits: number;
    heldChange?: number;
    action?: string;
    grantId?: string;
    reservationId?: string;
    actor?: string | null;
    reference?: string | null;
    test?: boolean;
    createdAt: Date;
  },
) {
  const { heldChange = 0, ...fields } = entry;
  const balance = await tx.shopBalance.update({
    where: { shopId: entry.shopId },
    data: { posted: { increment: entry.credits }, held: { increment: heldChange } },
  });
  return tx.ledgerEntry.create({ data: { ...fields, postedAfter: balance.posted } });
}
