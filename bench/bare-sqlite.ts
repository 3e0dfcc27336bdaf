// Bare reserve+capture on better-sqlite3, opened on the service's file the way the Prisma adapter opens it.
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { RESERVATION_TIMEOUT_MS } from "../app/ledger/index.server";
import type { BareSql } from "./bare-sql";
import { BENCH_CREDITS } from "./service";

// Prisma's SQLite adapter stores DateTime as ISO text with a +00:00 offset; write the same.
const stored = (date: Date) => date.toISOString().replace("Z", "+00:00");

export function openBareSqlite(url: string): BareSql {
  // Same busy timeout as connectDb gives the adapter.
  const db = new Database(url.replace(/^file:/, ""), { timeout: 10_000 });
  db.pragma("journal_mode = WAL");
  const hold = db.prepare(
    `UPDATE "ShopBalance" SET "held" = "held" + ? WHERE "shopId" = ? AND "posted" - "held" >= ?`,
  );
  const insertReservation = db.prepare(
    `INSERT INTO "Reservation" ("id", "shopId", "idempotencyKey", "fingerprint", "action", "credits", "status",
       "expiresAt", "actor", "createdAt")
     VALUES (?, ?, ?, 'bench', 'cover.generate', ?, 'pending', ?, 'user:bench', ?)`,
  );
  const debit = db.prepare<unknown[], { posted: number }>(
    `UPDATE "ShopBalance" SET "posted" = "posted" - ?, "held" = "held" - ?
     WHERE "shopId" = ? AND "held" >= ? RETURNING "posted"`,
  );
  const insertEntry = db.prepare(
    `INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "action", "reservationId", "actor",
       "createdAt")
     VALUES (?, 'debit', ?, ?, 'cover.generate', ?, 'user:bench', ?)`,
  );

  const n = BENCH_CREDITS;
  const reserve = db.transaction((shopId: string, id: string, now: Date) => {
    if (hold.run(n, shopId, n).changes !== 1) throw new Error(`bare hold failed for ${shopId}`);
    insertReservation.run(
      id,
      shopId,
      id,
      n,
      stored(new Date(now.getTime() + RESERVATION_TIMEOUT_MS)),
      stored(now),
    );
  });
  const capture = db.transaction((shopId: string, id: string, now: Date) => {
    const row = debit.get(n, n, shopId, n);
    if (!row) throw new Error(`bare debit failed for ${shopId}`);
    insertEntry.run(shopId, -n, row.posted, id, stored(now));
  });

  return {
    // Async like the service op, so concurrent callers interleave between the two steps as they do there.
    async reserveCapture(shopId) {
      const id = randomUUID();
      reserve.immediate(shopId, id, new Date());
      await Promise.resolve();
      capture.immediate(shopId, id, new Date());
    },
    async close() {
      db.close();
    },
  };
}
