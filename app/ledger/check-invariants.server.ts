import type { Db } from "../db/connect.server";
import { requireKey } from "./validate";

/**
 * The ledger's guarantees, checked from the rows themselves. Returns the violations found (none when
 * healthy); tests run it after every step, and an operator can run it against production.
 */
export async function checkInvariants(db: Db, shopId: string): Promise<string[]> {
  requireKey("shopId", shopId);
  const violations: string[] = [];
  const [balance, entries, reservations, grants] = await Promise.all([
    db.shopBalance.findUnique({ where: { shopId } }),
    db.ledgerEntry.findMany({ where: { shopId }, orderBy: { id: "asc" } }),
    db.reservation.findMany({ where: { shopId }, include: { allocations: true } }),
    db.creditGrant.findMany({ where: { shopId } }),
  ]);
  if (!balance) return [`shop ${shopId} has no balance row`];

  let running = 0;
  for (const entry of entries) {
    running += entry.credits;
    if (entry.postedAfter !== running)
      violations.push(`entry ${entry.id}: postedAfter ${entry.postedAfter}, running sum ${running}`);
  }
  if (balance.posted !== running) violations.push(`posted ${balance.posted} != sum of entries ${running}`);

  const pending = reservations.filter((r) => r.status === "pending");
  const held = pending.reduce((sum, r) => sum + r.credits, 0);
  if (balance.held !== held) violations.push(`held ${balance.held} != pending reservations ${held}`);
  if (balance.posted < balance.held)
    violations.push(`available below zero: ${balance.posted - balance.held}`);

  for (const r of reservations) {
    const allocated = r.allocations.reduce((sum, a) => sum + a.credits, 0);
    if (allocated !== r.credits)
      violations.push(`reservation ${r.id}: allocations ${allocated} != ${r.credits}`);
  }
  for (const grant of grants) {
    if (grant.remaining < 0 || grant.remaining > grant.amount)
      violations.push(`grant ${grant.id}: remaining ${grant.remaining} outside 0..${grant.amount}`);
    if (grant.expiredAt && grant.remaining !== 0)
      violations.push(`grant ${grant.id}: expired with ${grant.remaining} remaining`);
  }
  const spendable = grants.reduce((sum, grant) => sum + grant.remaining, 0);
  if (spendable !== balance.posted - balance.held)
    violations.push(`grants hold ${spendable}, balance says ${balance.posted - balance.held} available`);
  return violations;
}
