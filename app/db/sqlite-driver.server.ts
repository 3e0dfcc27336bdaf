import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import type { MoneyDriver, Script, SqlValue, Statement } from "./transaction-script";

type Connection = Database.Database;

/**
 * Prisma's better-sqlite3 adapter, lending its one connection to the money driver. One connection per
 * process means the driver never waits on a lock this process holds: Prisma's own transactions (which
 * hold the write lock across awaits) run on the same connection, and the driver waits for them to end
 * without blocking the event loop. Only another process makes BEGIN IMMEDIATE wait, on the busy timeout.
 */
export class SharedSqliteAdapter extends PrismaBetterSQLite3 {
  #connection: Connection | undefined;

  override async connect() {
    const adapter = await super.connect();
    // adapter-better-sqlite3 (pinned at 6.19.3) keeps its Database in `client`; fail loudly if that moves.
    const client = (adapter as unknown as { client?: unknown }).client;
    if (!(client instanceof Database))
      throw new Error("adapter-better-sqlite3 no longer exposes its connection");
    this.#connection = client;
    return adapter;
  }

  /** `connect` makes Prisma open (or reopen after $disconnect) its connection. */
  moneyDriver(connect: () => Promise<void>): MoneyDriver {
    return sqliteDriver(() => (this.#connection?.open ? this.#connection : undefined), connect);
  }
}

// The adapter writes DateTime as ISO-8601 text with a +00:00 offset and Boolean as 0/1; write the same, so
// Prisma reads these rows back unchanged and text comparisons of dates stay in order.
function toSqlite(value: SqlValue) {
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}

function sqliteDriver(current: () => Connection | undefined, connect: () => Promise<void>): MoneyDriver {
  // Per connection: its prepared statements (the adapter prepares every statement anew) and one
  // transaction function, built once because better-sqlite3 builds a wrapper on every db.transaction().
  type Runner = (script: () => Script<unknown>) => unknown;
  const runners = new WeakMap<Connection, { write: Runner; read: Runner }>();

  function execute(
    db: Connection,
    cache: Map<string, Database.Statement>,
    { sql, params, returns }: Statement,
  ): unknown {
    let statement = cache.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      // The adapter turns on safe integers for the whole connection; money columns and ids fit in a double.
      statement.safeIntegers(false);
      cache.set(sql, statement);
    }
    const args = params.map(toSqlite);
    if (returns === "changes") return statement.run(args).changes;
    if (returns === "id") return statement.run(args).lastInsertRowid;
    if (!statement.reader) {
      statement.run(args);
      return returns === "rows" ? [] : undefined;
    }
    return returns === "row" ? statement.get(args) : statement.all(args);
  }

  function runnerOf(db: Connection) {
    let runner = runners.get(db);
    if (!runner) {
      const cache = new Map<string, Database.Statement>();
      const run = db.transaction((script: () => Script<unknown>) => {
        const steps = script();
        let step = steps.next();
        while (!step.done) step = steps.next(execute(db, cache, step.value));
        return step.value;
      });
      // Reads take a deferred transaction: one snapshot, and no write lock to wait for (WAL).
      runner = { write: (script) => run.immediate(script), read: (script) => run.deferred(script) };
      runners.set(db, runner);
    }
    return runner;
  }

  async function idle(): Promise<Connection> {
    let db = current();
    if (!db) {
      await connect();
      db = current();
      if (!db) throw new Error("Prisma did not open its SQLite connection");
    }
    // A Prisma transaction is open on this connection between its awaits: let it finish first.
    while (db.inTransaction) await new Promise((resolve) => setTimeout(resolve, 1));
    return db;
  }

  // The usual case, an open connection with no Prisma transaction on it, runs the script at once: no
  // promise to wait for and no turn of the microtask queue, which a reserve+capture would pay four times.
  function run<T>(kind: "write" | "read", script: () => Script<T>): Promise<T> {
    const db = current();
    if (!db || db.inTransaction) return idle().then((open) => runnerOf(open)[kind](script) as T);
    try {
      return Promise.resolve(runnerOf(db)[kind](script) as T);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  return {
    transaction: (script) => run("write", script),
    read: (script) => run("read", script),
  };
}
