import { PrismaClient as PostgresClient } from "@prisma-generated/postgres";
import { PrismaClient as SqliteClient } from "@prisma-generated/sqlite";
import { SharedPostgresAdapter } from "./postgres-driver.server";
import { SharedSqliteAdapter } from "./sqlite-driver.server";
import type { MoneyDriver } from "./transaction-script";

/**
 * Both generated clients come from one schema (prisma/postgres/schema.prisma is generated), so they share
 * one shape; the SQLite client's types name it for the whole app.
 */
export type Db = SqliteClient;
export type Engine = "sqlite" | "postgres";

export function engineOf(url: string): Engine {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)");
}

// A burst of interactive transactions must wait, not fail after Prisma's 2 s default. (The ledger's money
// transactions run on the money driver, not through Prisma.)
const transactionOptions = { maxWait: 60_000, timeout: 30_000 };

const moneyDrivers = new WeakMap<Db, MoneyDriver>();

export function connectDb(url: string): Db {
  let db: Db;
  if (engineOf(url) === "sqlite") {
    // A second process on the same file (a worker, another instance) waits up to 10 s for the write lock.
    const adapter = new SharedSqliteAdapter({ url: url.replace(/^file:/, ""), timeout: 10_000 });
    db = new SqliteClient({ adapter, transactionOptions });
    moneyDrivers.set(
      db,
      adapter.moneyDriver(() => db.$connect()),
    );
  } else {
    const adapter = new SharedPostgresAdapter(url, 10);
    db = new PostgresClient({ adapter, transactionOptions }) as unknown as Db;
    moneyDrivers.set(
      db,
      adapter.moneyDriver(() => db.$connect()),
    );
  }
  return db;
}

/**
 * The driver-level executor on the client's own connection (SQLite) or pool (PostgreSQL): money
 * transactions run there without Prisma's per-statement query compilation (docs/decisions/004).
 */
export function moneyDriverOf(db: Db): MoneyDriver {
  const driver = moneyDrivers.get(db);
  if (!driver) throw new Error("This client was not made by connectDb, so it has no money driver");
  return driver;
}
