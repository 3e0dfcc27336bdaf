// Bare reserve+capture on node-postgres, with a pool the size of the Prisma adapter's.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { RESERVATION_TIMEOUT_MS } from "../app/ledger/index.server";
import type { BareSql } from "./bare-sql";
import { BENCH_CREDITS } from "./service";

// connectDb gives PrismaPg `max: 10`.
const POOL_SIZE = 10;

const HOLD = `UPDATE "ShopBalance" SET "held" = "held" + $1 WHERE "shopId" = $2 AND "posted" - "held" >= $1`;
const INSERT_RESERVATION = `INSERT INTO "Reservation" ("id", "shopId", "idempotencyKey", "fingerprint", "action",
    "credits", "status", "expiresAt", "actor", "createdAt")
  VALUES ($1, $2, $1, 'bench', 'cover.generate', $3, 'pending', $4, 'user:bench', $5)`;
const DEBIT = `UPDATE "ShopBalance" SET "posted" = "posted" - $1, "held" = "held" - $1
  WHERE "shopId" = $2 AND "held" >= $1 RETURNING "posted"`;
const INSERT_ENTRY = `INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "action",
    "reservationId", "actor", "createdAt")
  VALUES ($1, 'debit', $2, $3, 'cover.generate', $4, 'user:bench', $5)`;

export function openBarePostgres(url: string): BareSql {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });

  async function inTransaction(work: (client: pg.PoolClient) => Promise<void>) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await work(client);
      await client.query("COMMIT");
      client.release();
    } catch (error) {
      // A connection left mid-transaction must not go back to the pool.
      client.release(true);
      throw error;
    }
  }

  const n = BENCH_CREDITS;
  return {
    async reserveCapture(shopId) {
      const id = randomUUID();
      const now = new Date();
      const expiresAt = new Date(now.getTime() + RESERVATION_TIMEOUT_MS);
      await inTransaction(async (client) => {
        const held = await client.query(HOLD, [n, shopId]);
        if (held.rowCount !== 1) throw new Error(`bare hold failed for ${shopId}`);
        await client.query(INSERT_RESERVATION, [id, shopId, n, expiresAt.toISOString(), now.toISOString()]);
      });
      await inTransaction(async (client) => {
        const debited = await client.query<{ posted: number }>(DEBIT, [n, shopId]);
        const row = debited.rows[0];
        if (!row) throw new Error(`bare debit failed for ${shopId}`);
        await client.query(INSERT_ENTRY, [shopId, -n, row.posted, id, new Date().toISOString()]);
      });
    },
    async close() {
      await pool.end();
    },
  };
}
