// A money transaction written once for both engines: a generator that yields SQL statements and receives
// what each gives back (its rows, its first row, the rows it changed, or the id it inserted). The SQLite driver runs it synchronously inside one better-sqlite3 transaction (never across an
// await); the PostgreSQL driver awaits each statement on one pooled connection. SQL uses `?` placeholders
// and the subset both engines share (UPDATE … RETURNING, INSERT … SELECT … ON CONFLICT DO NOTHING).

export type SqlValue = string | number | boolean | Date | null;
export type Row = Record<string, unknown>;

/**
 * What a statement hands back. SQLite's RETURNING costs about as much as the statement itself, so writes
 * that need only a count or a new integer id ask for `changes` or `id` and carry no RETURNING clause.
 */
export type Returns = "rows" | "row" | "changes" | "id";

export interface Statement {
  sql: string;
  params: readonly SqlValue[];
  returns: Returns;
}

export type Script<T> = Generator<Statement, T, unknown>;

export interface MoneyDriver {
  /**
   * Runs the script as one transaction: under SQLite's write lock, or with the row locks its statements take
   * on PostgreSQL. A throw rolls everything back and reaches the caller unchanged.
   */
  transaction<T>(script: () => Script<T>): Promise<T>;
  /**
   * Runs a script of reads outside any write transaction, for pages: no write lock on SQLite (its
   * statements share one snapshot), no BEGIN or COMMIT round trips on PostgreSQL (each statement is its own
   * snapshot there, so a script that needs one snapshot is one statement).
   */
  read<T>(script: () => Script<T>): Promise<T>;
}

/** One statement of a script: `const rows = yield* query<R>(sql, …params)`. */
export function* query<R extends Row>(sql: string, ...params: SqlValue[]): Script<R[]> {
  return (yield { sql, params, returns: "rows" }) as R[];
}

/** The first row of a SELECT or RETURNING, if any; a RETURNING statement still makes all its changes. */
export function* queryOne<R extends Row>(sql: string, ...params: SqlValue[]): Script<R | undefined> {
  return (yield { sql, params, returns: "row" }) as R | undefined;
}

/** An INSERT, UPDATE or DELETE without RETURNING: how many rows it wrote (skipped conflicts not counted). */
export function* execute(sql: string, ...params: SqlValue[]): Script<number> {
  return (yield { sql, params, returns: "changes" }) as number;
}

/**
 * An INSERT of one row into a table whose `id` is an integer primary key, without RETURNING: the new id.
 * SQLite reads it as the last inserted rowid (the id is its alias), PostgreSQL adds `RETURNING "id"`.
 */
export function* insertedId(sql: string, ...params: SqlValue[]): Script<number> {
  return (yield { sql, params, returns: "id" }) as number;
}
