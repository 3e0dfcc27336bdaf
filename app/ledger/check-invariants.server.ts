import type { CreditGrant, LedgerEntry } from "@prisma-generated/sqlite";
import type { Db } from "../db/connect.server";
import { query } from "../db/transaction-script";
import { ENTRY_COLUMNS, GRANT_COLUMNS, toEntry, toGrant } from "./rows";
import { inShopTransaction } from "./shop-transaction.server";
import { requireKey } from "./validate";

// Takes the shop's lock without changing the row (PostgreSQL; SQLite's write lock is already held), so no
// movement commits between the reads below and a healthy ledger never looks corrupt mid-movement.
const LOCK_BALANCE = `UPDATE "ShopBalance" SET "version" = "version" WHERE "shopId" = ?
  RETURNING "posted", "held"`;
const RESERVATIONS = `SELECT "id", "status", "credits" FROM "Reservation" WHERE "shopId" = ?`;
// The grant's own shop, to catch an allocation on another shop's grant.
const ALLOCATIONS = `SELECT a."reservationId", a."grantId", a."credits", g."shopId" AS "grantShopId"
  FROM "ReservationAllocation" a
  JOIN "Reservation" r ON r."id" = a."reservationId"
  LEFT JOIN "CreditGrant" g ON g."id" = a."grantId"
  WHERE r."shopId" = ?`;

interface Snapshot {
  balance: { posted: number; held: number };
  entries: LedgerEntry[];
  reservations: { id: string; status: string; credits: number }[];
  allocations: { reservationId: string; grantId: string; credits: number; grantShopId: string | null }[];
  grants: CreditGrant[];
}

function* readShop(shopId: string) {
  const [balance] = yield* query<{ posted: number; held: number }>(LOCK_BALANCE, shopId);
  if (!balance) return undefined;
  const entries = (yield* query(
    `SELECT ${ENTRY_COLUMNS} FROM "LedgerEntry" WHERE "shopId" = ? ORDER BY "id"`,
    shopId,
  )).map(toEntry);
  const reservations = yield* query<Snapshot["reservations"][number]>(RESERVATIONS, shopId);
  const allocations = yield* query<Snapshot["allocations"][number]>(ALLOCATIONS, shopId);
  const grants = (yield* query(`SELECT ${GRANT_COLUMNS} FROM "CreditGrant" WHERE "shopId" = ?`, shopId)).map(
    toGrant,
  );
  const snapshot: Snapshot = { balance, entries, reservations, allocations, grants };
  return snapshot;
}

const count = <K>(map: Map<K, number>, key: K, by: number) => map.set(key, (map.get(key) ?? 0) + by);

/**
 * The ledger's guarantees, checked from the rows themselves, read as one state under the shop's lock.
 * Returns the violations found (none when healthy); tests run it after every step, and an operator can
 * run it against production. Totals alone miss corruptions that keep them consistent (credits moved
 * between grants, a second debit taken from a grant), so every grant's credits are accounted for too.
 */
export async function checkInvariants(db: Db, shopId: string): Promise<string[]> {
  requireKey("shopId", shopId);
  const snapshot = await inShopTransaction(db, () => readShop(shopId));
  if (!snapshot) return [`shop ${shopId} has no balance row`];
  const { balance, entries, reservations, allocations, grants } = snapshot;
  const violations: string[] = [];

  // Totals: the entries' running sum is the posted balance, pending reservations are the held one.
  let running = 0;
  for (const entry of entries) {
    running += entry.credits;
    if (entry.postedAfter !== running)
      violations.push(`entry ${entry.id}: postedAfter ${entry.postedAfter}, running sum ${running}`);
  }
  if (balance.posted !== running) violations.push(`posted ${balance.posted} != sum of entries ${running}`);
  const held = reservations.filter((r) => r.status === "pending").reduce((sum, r) => sum + r.credits, 0);
  if (balance.held !== held) violations.push(`held ${balance.held} != pending reservations ${held}`);
  if (balance.posted < balance.held)
    violations.push(`available below zero: ${balance.posted - balance.held}`);
  const spendable = grants.reduce((sum, grant) => sum + grant.remaining, 0);
  if (spendable !== balance.posted - balance.held)
    violations.push(`grants hold ${spendable}, balance says ${balance.posted - balance.held} available`);

  const grantById = new Map(grants.map((g) => [g.id, g]));
  const reservationById = new Map(reservations.map((r) => [r.id, r]));

  // Allocations: a reservation drew exactly its credits, from grants of its own shop.
  const allocated = new Map<string, number>();
  // Per grant: credits still out on pending reservations or spent by captured ones (released and timed-out
  // allocations went back to the grant, or expired with an expiry entry naming it).
  const outOf = new Map<string, number>();
  for (const a of allocations) {
    count(allocated, a.reservationId, a.credits);
    if (a.credits <= 0) violations.push(`allocation ${a.reservationId}/${a.grantId}: ${a.credits} credits`);
    if (a.grantShopId !== shopId)
      violations.push(
        `allocation ${a.reservationId}/${a.grantId}: grant of shop ${a.grantShopId}, not this one`,
      );
    const status = reservationById.get(a.reservationId)?.status;
    if (status === "pending" || status === "captured") count(outOf, a.grantId, a.credits);
  }
  for (const r of reservations)
    if ((allocated.get(r.id) ?? 0) !== r.credits)
      violations.push(`reservation ${r.id}: allocations ${allocated.get(r.id) ?? 0} != ${r.credits}`);

  // Entries: each one names what it moved, and each movement was posted exactly once.
  const posted = new Map<string, number>(); // grant/adjustment entries per grant
  const debits = new Map<string, LedgerEntry[]>();
  const expired = new Map<string, number>();
  for (const entry of entries) {
    if (entry.type === "grant" || entry.type === "adjustment") {
      const grant = entry.grantId === null ? undefined : grantById.get(entry.grantId);
      if (!grant) {
        violations.push(`${entry.type} entry ${entry.id}: no grant ${entry.grantId} in this shop`);
        continue;
      }
      count(posted, grant.id, 1);
      if (entry.credits !== grant.amount)
        violations.push(
          `${entry.type} entry ${entry.id}: ${entry.credits} credits, grant ${grant.id} has ${grant.amount}`,
        );
      if ((entry.type === "adjustment") !== (grant.kind === "adjustment"))
        violations.push(`${entry.type} entry ${entry.id} for a ${grant.kind} grant`);
    } else if (entry.type === "debit") {
      const reservation = entry.reservationId === null ? undefined : reservationById.get(entry.reservationId);
      if (!reservation)
        violations.push(`debit entry ${entry.id}: no reservation ${entry.reservationId} in this shop`);
      else debits.set(reservation.id, [...(debits.get(reservation.id) ?? []), entry]);
    } else if (entry.type === "expiry") {
      if (entry.grantId === null || !grantById.has(entry.grantId))
        violations.push(`expiry entry ${entry.id}: no grant ${entry.grantId} in this shop`);
      else count(expired, entry.grantId, -entry.credits);
    } else violations.push(`entry ${entry.id}: unknown type ${entry.type}`);
  }
  for (const r of reservations) {
    const found = debits.get(r.id) ?? [];
    if (r.status === "captured") {
      if (found.length !== 1) violations.push(`captured reservation ${r.id}: ${found.length} debit entries`);
      else if (found[0]!.credits !== -r.credits)
        violations.push(`captured reservation ${r.id}: debit ${found[0]!.credits}, credits ${r.credits}`);
    } else if (found.length > 0)
      violations.push(`${r.status} reservation ${r.id}: ${found.length} debit entries`);
  }

  for (const grant of grants) {
    if (grant.remaining < 0 || grant.remaining > grant.amount)
      violations.push(`grant ${grant.id}: remaining ${grant.remaining} outside 0..${grant.amount}`);
    if (grant.expiredAt && grant.remaining !== 0)
      violations.push(`grant ${grant.id}: expired with ${grant.remaining} remaining`);
    if (posted.get(grant.id) !== 1)
      violations.push(`grant ${grant.id}: posted ${posted.get(grant.id) ?? 0} times, not once`);
    const accounted = grant.remaining + (outOf.get(grant.id) ?? 0) + (expired.get(grant.id) ?? 0);
    if (accounted !== grant.amount)
      violations.push(
        `grant ${grant.id}: amount ${grant.amount} != remaining ${grant.remaining} + held or spent ` +
          `${outOf.get(grant.id) ?? 0} + expired ${expired.get(grant.id) ?? 0}`,
      );
    if ((grant.kind === "monthly" || grant.kind === "upgrade") && !grant.expiresAt)
      violations.push(`${grant.kind} grant ${grant.id} never expires`);
  }

  // One allowance per cycle: monthly grants cover [createdAt, expiresAt) and never overlap. A new cycle's
  // grant is made no earlier than the previous cycle's end, which is where the previous grant expires.
  const monthly = grants
    .filter((g) => g.kind === "monthly" && g.expiresAt)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  let latest: CreditGrant | undefined;
  for (const grant of monthly) {
    if (latest && grant.createdAt.getTime() < latest.expiresAt!.getTime())
      violations.push(`monthly grants ${latest.id} and ${grant.id} overlap: two allowances at once`);
    if (!latest || grant.expiresAt!.getTime() > latest.expiresAt!.getTime()) latest = grant;
  }
  return violations;
}
