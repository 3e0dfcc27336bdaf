import type { Db } from "../db/connect.server";
import { IdempotencyConflict, InsufficientCredits, InvalidInput } from "./errors";
import { isAction, priceOf, type Action } from "./prices";
import { inShopTransaction } from "./shop-transaction.server";
import { spendableGrants } from "./spendable-grants.server";
import { fingerprint, optionalText, requireKey } from "./validate";

/** How long credits stay held before the sweeper gives them back (a crash mid-generation loses nothing). */
export const RESERVATION_TIMEOUT_MS = 15 * 60 * 1000;

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
}

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
  const idempotencyKey = requireKey("idempotencyKey", input.idempotencyKey);
  const actions = requireActions(input.actions);
  const actor = requireKey("actor", input.actor);
  const reference = optionalText("reference", input.reference);
  const timeoutMs = input.timeoutMs ?? RESERVATION_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new InvalidInput("timeoutMs", "must be a positive whole number of milliseconds");
  const credits = priceOf(actions);
  if (credits === 0) throw new InvalidInput("actions", `${actions.join(" + ")} costs nothing to reserve`);
  const action = actions.join("+");
  const print = fingerprint({ action, actor, reference });

  return inShopTransaction(db, input.shopId, async (tx) => {
    const existing = await tx.reservation.findUnique({
      where: { shopId_idempotencyKey: { shopId: input.shopId, idempotencyKey } },
    });
    if (existing) {
      if (existing.fingerprint !== print) throw new IdempotencyConflict(idempotencyKey);
      return { reservation: existing, replayed: true };
    }

    const grants = await spendableGrants(tx, input.shopId, now);
    const available = grants.reduce((sum, grant) => sum + grant.remaining, 0);
    if (available < credits) throw new InsufficientCredits(credits, available);

    const allocations: { grantId: string; credits: number }[] = [];
    let needed = credits;
    for (const grant of grants) {
      if (needed === 0) break;
      const take = Math.min(needed, grant.remaining);
      await tx.creditGrant.update({ where: { id: grant.id }, data: { remaining: { decrement: take } } });
      allocations.push({ grantId: grant.id, credits: take });
      needed -= take;
    }
    const reservation = await tx.reservation.create({
      data: {
        shopId: input.shopId,
        idempotencyKey,
        fingerprint: print,
        action,
        credits,
        status: "pending",
        expiresAt: new Date(now.getTime() + timeoutMs),
        actor,
        reference,
        createdAt: now,
        allocations: { create: allocations },
      },
    });
    await tx.shopBalance.update({
      where: { shopId: input.shopId },
      data: { held: { increment: credits } },
    });
    return { reservation, replayed: false };
  });
}
