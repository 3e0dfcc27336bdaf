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

// The entry's columns in the order INSERT_ENTRY takes them; the row itself comes from the same names.
const ENTRY_COLUMNS = [
  "shopId",
  "type",
  "credits",
  "postedAfter",
  "action",
  "grantId",
  "reservationId",
  "actor",
  "reference",
  "test",
  "createdAt",
] as const satisfies readonly (keyof LedgerEntry)[];

const INSERT_ENTRY = `INSERT INTO "LedgerEntry" (${ENTRY_COLUMNS.map((c) => `"${c}"`).join(", ")})
  VALUES (${ENTRY_COLUMNS.map(() => "?").join(", ")})`;

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
  const entry: Omit<LedgerEntry, "id"> = {
    shopId,
    type,
    credits,
    postedAfter: balance.posted,
    action: movement.action ?? null,
    grantId: movement.grantId ?? null,
    reservationId: movement.reservationId ?? null,
    actor: movement.actor ?? null,
    reference: movement.reference ?? null,
    test: movement.test ?? false,
    createdAt,
  };
  const id = yield* insertedId(INSERT_ENTRY, ...ENTRY_COLUMNS.map((column) => entry[column]));
  // The row as Prisma would return it; only its id comes from the database.
  return { id, ...entry };
}
