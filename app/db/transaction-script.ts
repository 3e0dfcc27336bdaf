// A money transaction written once for both engines: a generator that yields SQL statements and receives
// their rows. The SQLite driver runs it synchronously inside one better-sqlite3 transaction (never across an
// await); the PostgreSQL driver awaits each statement on one pooled connection. SQL uses `?` placeholders
// and the subset both engines share (UPDATE … RETURNING, INSERT … SELECT … ON CONFLICT DO NOTHING).

export type SqlValue = string | number | boolean | Date | null;
export type Row = Record<string, unknown>;

export interface Statement {
  sql: string;
  params: readonly SqlValue[];
}

export type Script<T> = Generator<Statement, T, Row[]>;

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
export function* query<R extends Row>(sql: string, ...params: SqlValue[]): Generator<Statement, R[], Row[]> {
  return (yield { sql, params }) as R[];
}
