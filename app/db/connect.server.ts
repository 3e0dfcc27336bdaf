import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresClient } from "@prisma-generated/postgres";
import { Prisma, PrismaClient as SqliteClient } from "@prisma-generated/sqlite";

/**
 * Both generated clients come from one schema (prisma/postgres/schema.prisma is generated), so they share
 * one shape; the SQLite client's types name it for the whole app.
 */
export type Db = SqliteClient;
export type Tx = Prisma.TransactionClient;
export type Engine = "sqlite" | "postgres";

export function engineOf(url: string): Engine {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)");
}

// Money transactions queue behind one shop's lock; a burst of callers must wait, not fail after
// Prisma's 2 s default.
const transactionOptions = { maxWait: 60_000, timeout: 30_000 };

export function connectDb(url: string): Db {
  if (engineOf(url) === "sqlite") {
    // A second process on the same file (a worker, another instance) waits up to 10 s for the write lock.
    const adapter = new PrismaBetterSQLite3({ url: url.replace(/^file:/, ""), timeout: 10_000 });
    return new SqliteClient({ adapter, transactionOptions });
  }
  const adapter = new PrismaPg({ connectionString: url, max: 10 });
  return new PostgresClient({ adapter, transactionOptions }) as unknown as Db;
}
