import type { LedgerEntry } from "@prisma-generated/sqlite";
import { moneyDriverOf, type Db } from "../db/connect.server";
import { query, type Script } from "../db/transaction-script";
import { ShopNotFound } from "./errors";

/**
 * Runs one money movement as a transaction script on the money driver (docs/decisions/004): SQLite runs it
 * under the write lock without yielding, PostgreSQL on one pooled connection. Lock order on PostgreSQL, to
 * rule out deadlocks: the reservation row being resolved, then the shop's balance row, then grant rows.
 * A reservation or grant that is new is inserted before the balance row is locked; its unique key is what
 * serialises retries of it.
 */
export function inShopTransaction<T>(db: Db, script: () => Script<T>): Promise<T> {
  return moneyDriverOf(db).transaction(script);
}

/** Takes the shop's lock (a no-op under SQLite's write lock) where no movement of the balance takes it. */
export function* lockShop(shopId: string): Script<void> {
  const locked = yield* query(
    `UPDATE "ShopBalance" SET "version" = "version" + 1 WHERE "shopId" = ? RETURNING "shopId"`,
    shopId,
  );
  if (locked.length === 0) throw new ShopNotFound(shopId);
}

const MOVE_BALANCE = `UPDATE "ShopBalance"
  SET "posted" = "posted" + ?, "held" = "held" + ?, "version" = "version" + 1
  WHERE "shopId" = ? RETURNING "posted"`;

const INSERT_ENTRY = `INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "action", "grantId",
    "reservationId", "actor", "reference", "test", "createdAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "id"`;

/**
 * Posts a signed movement: the balance row and the ledger entry change together. The balance UPDATE takes
 * the shop's lock, so `postedAfter` and the entry ids follow one order.
 */
export function* post({
  heldChange = 0,
  ...entry
}: {
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
}): Script<LedgerEntry> {
  const [balance] = yield* query<{ posted: number }>(MOVE_BALANCE, entry.credits, heldChange, entry.shopId);
  if (!balance) throw new ShopNotFound(entry.shopId);
  // The row as Prisma would return it, in the INSERT's column order; only the id comes back.
  const row = {
    shopId: entry.shopId,
    type: entry.type,
    credits: entry.credits,
    postedAfter: balance.posted,
    action: entry.action ?? null,
    grantId: entry.grantId ?? null,
    reservationId: entry.reservationId ?? null,
    actor: entry.actor ?? null,
    reference: entry.reference ?? null,
    test: entry.test ?? false,
    createdAt: entry.createdAt,
  };
  const [inserted] = yield* query<{ id: number }>(INSERT_ENTRY, ...Object.values(row));
  return { id: inserted!.id, ...row };
}
