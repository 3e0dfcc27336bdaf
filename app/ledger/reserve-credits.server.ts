import type { Reservation } from "@prisma-generated/sqlite";
import type { Db } from "../db/connect.server";
import { execute, queryOne } from "../db/transaction-script";
import { cuid } from "./cuid";
import { drawGrants } from "./draw-grants";
import { IdempotencyConflict, InsufficientCredits, InvalidInput, ShopNotFound } from "./errors";
import { selectReservation } from "./find-reservation.server";
import { isAction, priceOf, type Action } from "./prices";
import { inShopTransaction, lockShop } from "./shop-transaction.server";
import { fingerprint, optionalText, requireDate, requireInput, requireKey } from "./validate";

/** How long credits stay held before the sweeper gives them back (a crash mid-generation loses nothing). */
export const RESERVATION_TIMEOUT_MS = 15 * 60 * 1000;
/** The longest hold a caller may ask for: longer is a bug, and far enough out would not even be a date. */
export const MAX_RESERVATION_TIMEOUT_MS = 24 * 60 * 60 * 1000;

export interface ReserveInput {
  shopId: string;
  /** Made by the caller and reused on every retry; it also names the reservation for capture/release. */
  idempotencyKey: string;
  actions: readonly Action[];
  /** Who spends: `user:<id>`, `automation:<id>`, `system`. */
  actor: string;
  /** What the credits are for: a draft id, an automation run id. */
  reference?: string | null;
  timeoutMs?: number;
  /**
   * Credits that must still be available after the hold: an automation keeps the shop's polishing reserve
   * back. The guarded UPDATE enforces it, so two runs racing for the last credits cannot both pass.
   */
  keep?: number;
}

// Written only for a shop that has a balance row; a retried key writes nothing.
const INSERT_RESERVATION = `INSERT INTO "Reservation" ("id", "shopId", "idempotencyKey", "fingerprint", "action",
    "credits", "status", "expiresAt", "actor", "reference", "createdAt")
  SELECT ?, "shopId", ?, ?, ?, ?, 'pending', ?, ?, ?, ? FROM "ShopBalance" WHERE "shopId" = ?
  ON CONFLICT ("shopId", "idempotencyKey") DO NOTHING`;
// Holds the credits if the balance row covers them; changes nothing otherwise.
const HOLD = `UPDATE "ShopBalance" SET "held" = "held" + ?, "version" = "version" + 1
  WHERE "shopId" = ? AND "posted" - "held" >= ?`;

const AVAILABLE = `SELECT "posted" - "held" AS "available" FROM "ShopBalance" WHERE "shopId" = ?`;

function requireActions(actions: unknown): Action[] {
  if (!Array.isArray(actions) || actions.length === 0)
    throw new InvalidInput("actions", "must list at least one action");
  for (const action of actions)
    if (!isAction(action)) throw new InvalidInput("actions", `unknown action ${JSON.stringify(action)}`);
  return actions as Action[];
}

/**
 * Holds the price of one or more actions before the work starts. Draws from grants in consumption order
 * and records which grants it drew from. A short balance throws InsufficientCredits and writes nothing.
 */
export async function reserveCredits(db: Db, input: ReserveInput, now = new Date()) {
  requireInput("input", input);
  const shopId = requireKey("shopId", input.shopId);
  requireDate("now", now);
  const idempotencyKey = requireKey("idempotencyKey", input.idempotencyKey);
  const actions = requireActions(input.actions);
  const actor = requireKey("actor", input.actor);
  const reference = optionalText("reference", input.reference);
  const timeoutMs = input.timeoutMs ?? RESERVATION_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_RESERVATION_TIMEOUT_MS)
    throw new InvalidInput(
      "timeoutMs",
      `must be a whole number of milliseconds from 1 to ${MAX_RESERVATION_TIMEOUT_MS}`,
    );
  const keep = input.keep ?? 0;
  if (!Number.isInteger(keep) || keep < 0 || keep > 1_000_000_000)
    throw new InvalidInput("keep", "must be a whole number of credits, 0 or more");
  const credits = priceOf(actions);
  if (credits === 0) throw new InvalidInput("actions", `${actions.join(" + ")} costs nothing to reserve`);
  const action = actions.join("+");
  if (action.length > 255) throw new InvalidInput("actions", "too many actions for one reservation");
  const print = fingerprint({ action, actor, reference });

  // The row as Prisma would return it; the database only confirms it was written.
  const reservation: Reservation = {
    id: cuid(),
    shopId,
    idempotencyKey,
    fingerprint: print,
    action,
    credits,
    status: "pending",
    expiresAt: new Date(now.getTime() + timeoutMs),
    actor,
    reference,
    createdAt: now,
    resolvedAt: null,
  };
  return inShopTransaction(db, () => reserve(reservation, keep));
}

// A module-level generator: a generator function made per call costs a new prototype and object shape
// on every reserve, several times the script's own JavaScript.
function* reserve(reservation: Reservation, keep: number) {
  const { shopId, idempotencyKey, fingerprint: print, credits, createdAt: now } = reservation;
  // Nothing inserted: the key was used before (a retry), or the shop has no balance row.
  const inserted = yield* execute(
    INSERT_RESERVATION,
    reservation.id,
    idempotencyKey,
    print,
    reservation.action,
    credits,
    reservation.expiresAt,
    reservation.actor,
    reservation.reference,
    now,
    shopId,
  );
  if (inserted === 0) {
    const existing = yield* selectReservation(shopId, idempotencyKey);
    if (!existing) throw new ShopNotFound(shopId);
    if (existing.fingerprint !== print) throw new IdempotencyConflict(idempotencyKey);
    return { reservation: existing, replayed: true };
  }

  // The hold is also the shop's lock. When the balance looks short, take the lock and ask again, so the
  // answer (and the `available` reported) is read under the lock.
  let held = (yield* execute(HOLD, credits, shopId, credits + keep)) === 1;
  if (!held) {
    yield* lockShop(shopId);
    held = (yield* execute(HOLD, credits, shopId, credits + keep)) === 1;
  }
  if (!held && keep > 0) {
    const row = yield* queryOne(AVAILABLE, shopId);
    throw new InsufficientCredits(credits + keep, Number(row?.available ?? 0));
  }
  // Lapsed-but-unswept grants still count in the balance row but cannot be spent: the draw decides.
  const drawn = yield* drawGrants(reservation.id, shopId, credits, now);
  if (!held || drawn < credits) throw new InsufficientCredits(credits, drawn);
  return { reservation, replayed: false };
}
