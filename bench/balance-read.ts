// getBalance latency for a shop with an empty ledger and for one with 100,000 ledger entries.
import { randomUUID } from "node:crypto";
import type { Db } from "../app/db/connect.server";
import { checkInvariants, ensureShop, getBalance, grantCredits } from "../app/ledger/index.server";
import { latencies, median } from "./measure";

export const HISTORY_ENTRIES = 100_000;
const WARMUP_READS = 300;
// Reads alternate between the two shops in blocks, so load from elsewhere on the machine hits both alike.
const BLOCKS = 30;
const READS_PER_BLOCK = 100;
export const READS_PER_SHOP = BLOCKS * READS_PER_BLOCK;

export interface BalanceReads {
  emptyMs: number;
  fullMs: number;
}

async function interleavedMedians(db: Db, emptyId: string, fullId: string): Promise<BalanceReads> {
  const readEmpty = () => getBalance(db, emptyId);
  const readFull = () => getBalance(db, fullId);
  await latencies(readEmpty, WARMUP_READS);
  await latencies(readFull, WARMUP_READS);
  const empty: number[] = [];
  const full: number[] = [];
  for (let block = 0; block < BLOCKS; block += 1) {
    empty.push(...(await latencies(readEmpty, READS_PER_BLOCK)));
    full.push(...(await latencies(readFull, READS_PER_BLOCK)));
  }
  return { emptyMs: median(empty), fullMs: median(full) };
}

/**
 * A shop whose ledger holds HISTORY_ENTRIES entries: one top-up grant, then captured 1-credit reservations,
 * each with its allocation and debit entry, written in bulk by one SQL statement per table. The balance row
 * and the grant's remainder are moved to match, and checkInvariants must find nothing wrong.
 */
export async function shopWithHistory(
  db: Db,
  domain = `history-${randomUUID().slice(0, 8)}.myshopify.com`,
): Promise<string> {
  const shop = await ensureShop(db, domain);
  const { grant } = await grantCredits(db, {
    shopId: shop.id,
    sourceKey: `purchase:bench-${randomUUID()}`,
    kind: "top_up",
    credits: HISTORY_ENTRIES * 10,
  });
  const debits = HISTORY_ENTRIES - 1;
  // A recursive CTE counts 1..debits on both engines; dates are copied from the grant so each engine keeps
  // the DateTime format its Prisma client reads back.
  const seq = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${debits})`;
  const fromGrant = `FROM seq CROSS JOIN "CreditGrant" g WHERE g."id" = '${grant.id}'`;
  await db.$transaction([
    db.$executeRawUnsafe(`${seq}
      INSERT INTO "Reservation" ("id", "shopId", "idempotencyKey", "fingerprint", "action", "credits", "status",
        "expiresAt", "actor", "createdAt", "resolvedAt")
      SELECT 'hist-' || i, g."shopId", 'hist-' || i, 'bench', 'cover.generate', 1, 'captured',
        g."createdAt", 'user:bench', g."createdAt", g."createdAt" ${fromGrant}`),
    db.$executeRawUnsafe(`${seq}
      INSERT INTO "ReservationAllocation" ("reservationId", "grantId", "credits")
      SELECT 'hist-' || i, g."id", 1 ${fromGrant}`),
    db.$executeRawUnsafe(`${seq}
      INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "action", "reservationId", "actor",
        "createdAt")
      SELECT g."shopId", 'debit', -1, g."amount" - i, 'cover.generate', 'hist-' || i, 'user:bench', g."createdAt"
      ${fromGrant} ORDER BY i`),
    db.shopBalance.update({ where: { shopId: shop.id }, data: { posted: { decrement: debits } } }),
    db.creditGrant.update({ where: { id: grant.id }, data: { remaining: { decrement: debits } } }),
  ]);
  const entries = await db.ledgerEntry.count({ where: { shopId: shop.id } });
  if (entries !== HISTORY_ENTRIES) throw new Error(`history has ${entries} entries, not ${HISTORY_ENTRIES}`);
  const violations = await checkInvariants(db, shop.id);
  if (violations.length > 0) throw new Error(`bulk history broke the ledger: ${violations.join("; ")}`);
  return shop.id;
}

/** On a fresh database: the two shops are the only ones, one with no ledger entries, one with 100,000. */
export async function balanceReads(db: Db): Promise<BalanceReads> {
  const empty = await ensureShop(db, `empty-${randomUUID().slice(0, 8)}.myshopify.com`);
  return interleavedMedians(db, empty.id, await shopWithHistory(db));
}
