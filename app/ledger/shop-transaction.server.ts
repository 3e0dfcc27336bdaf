import type { LedgerEntry } from "@prisma-generated/sqlite";
import { moneyDriverOf, type Db } from "../db/connect.server";
import { execute, insertedId, queryOne, type Script } from "../db/transaction-script";
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
  const locked = yield* execute(
    `UPDATE "ShopBalance" SET "version" = "version" + 1 WHERE "shopId" = ?`,
    shopId,
  );
  if (locked === 0) throw new ShopNotFound(shopId);
}

const MOVE_BALANCE = `UPDATE "ShopBalance"
  SET "posted" = "posted" + ?, "held" = "held" + ?, "version" = "version" + 1
  WHERE "shopId" = ? RETURNING "posted"`;

const INSERT_ENTRY = `INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "action", "grantId",
    "reservationId", "actor", "reference", "test", "createdAt")
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Posts a signed movement: the balance row and the ledger entry change together. The balance UPDATE takes
 * the shop's lock, so `postedAfter` and the entry ids follow one order.
 */
export function* post(movement: {
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
  const { shopId, type, credits, createdAt } = movement;
  const balance = yield* queryOne<{ posted: number }>(
    MOVE_BALANCE,
    credits,
    movement.heldChange ?? 0,
    shopId,
  );
  if (!balance) throw new ShopNotFound(shopId);
  const action = movement.action ?? null;
  const grantId = movement.grantId ?? null;
  const reservationId = movement.reservationId ?? null;
  const actor = movement.actor ?? null;
  const reference = movement.reference ?? null;
  const test = movement.test ?? false;
  const postedAfter = balance.posted;
  const id = yield* insertedId(
    INSERT_ENTRY,
    shopId,
    type,
    credits,
    postedAfter,
    action,
    grantId,
    reservationId,
    actor,
    reference,
    test,
    createdAt,
  );
  // The row as Prisma would return it; only its id comes from the database.
  return {
    id,
    shopId,
    type,
    credits,
    postedAfter,
    action,
    grantId,
    reservationId,
    actor,
    reference,
    test,
    createdAt,
  };
}
