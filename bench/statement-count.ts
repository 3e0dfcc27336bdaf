// How many statements the service sends per reserve and per capture, read from Prisma's query log. Each is
// a round-trip inside the transaction, which is what the bare SQL's 4 per step is compared with.
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresClient } from "@prisma-generated/postgres";
import { PrismaClient as SqliteClient } from "@prisma-generated/sqlite";
import type { Engine } from "../app/db/connect.server";
import { captureReservation, reserveCredits } from "../app/ledger/index.server";
import { BENCH_ACTIONS } from "./service";

export interface StatementCounts {
  reserve: number;
  capture: number;
}

const log = [{ emit: "event" as const, level: "query" as const }];
type LoggingClient = SqliteClient<{ log: typeof log }>;

// connectDb takes no log option, so this diagnostic builds its own client the same way, plus the log.
function loggingClient(engine: Engine, url: string): LoggingClient {
  if (engine === "sqlite")
    return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: url.replace(/^file:/, "") }), log });
  // Both clients come from one schema (see connect.server.ts), so the SQLite client's type names both.
  return new PostgresClient({
    adapter: new PrismaPg({ connectionString: url }),
    log,
  }) as unknown as LoggingClient;
}

export async function statementsPerOp(engine: Engine, url: string, shopId: string): Promise<StatementCounts> {
  const db = loggingClient(engine, url);
  let logged = 0;
  db.$on("query", () => {
    logged += 1;
  });
  // Prisma logs COMMIT but not BEGIN: one more round-trip per transaction.
  const counted = async (step: () => Promise<unknown>) => {
    logged = 0;
    await step();
    return logged + 1;
  };
  try {
    const idempotencyKey = `bench:count:${Date.now()}`;
    const reserve = await counted(() =>
      reserveCredits(db, { shopId, idempotencyKey, actions: BENCH_ACTIONS, actor: "user:bench" }),
    );
    const capture = await counted(() => captureReservation(db, { shopId, idempotencyKey }));
    return { reserve, capture };
  } finally {
    await db.$disconnect();
  }
}
