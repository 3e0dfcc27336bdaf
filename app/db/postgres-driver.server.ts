import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { MoneyDriver, Script, SqlValue, Statement } from "./transaction-script";

/**
 * Prisma's pg adapter, lending its pool to the money driver: one pool per client, so the connection limit
 * is the one connectDb sets, and Prisma's $disconnect closes both.
 */
export class SharedPostgresAdapter extends PrismaPg {
  #pool: pg.Pool | undefined;

  constructor(connectionString: string, max: number) {
    super({ connectionString, max, types: { getTypeParser } });
  }

  override async connect() {
    const adapter = await super.connect();
    this.#pool = (adapter as unknown as { underlyingDriver(): pg.Pool }).underlyingDriver();
    return adapter;
  }

  /** `connect` makes Prisma open (or reopen after $disconnect) its pool. */
  moneyDriver(connect: () => Promise<void>): MoneyDriver {
    return postgresDriver(async () => {
      if (!this.#pool || this.#pool.ended) await connect();
      if (!this.#pool || this.#pool.ended) throw new Error("Prisma did not open its PostgreSQL pool");
      return this.#pool;
    });
  }
}

// DateTime columns are `timestamp(3)` holding UTC. node-postgres would read them as local time; Prisma's own
// queries pass their own parsers, so this pool-wide default only shapes the driver's rows.
const getTypeParser = ((oid: number, format?: "text" | "binary") =>
  oid === pg.types.builtins.TIMESTAMP
    ? (text: string) => new Date(`${text.replace(" ", "T")}Z`)
    : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser;

// A zone in a `timestamp` literal is ignored, so the UTC fields of toISOString are what gets stored.
const toPostgres = (value: SqlValue) => (value instanceof Date ? value.toISOString() : value);

function postgresDriver(pool: () => Promise<pg.Pool>): MoneyDriver {
  // Named statements are parsed once per connection: `?` becomes `$n`, and each SQL text gets one name.
  const named = new Map<string, { name: string; text: string }>();
  const prepared = (sql: string) => {
    let statement = named.get(sql);
    if (!statement) {
      let n = 0;
      statement = { name: `money_${named.size}`, text: sql.replace(/\?/g, () => `$${++n}`) };
      named.set(sql, statement);
    }
    return statement;
  };
  const send = async (client: pg.PoolClient, { sql, params, returns }: Statement): Promise<unknown> => {
    const text = returns === "id" ? `${sql} RETURNING "id"` : sql;
    const result = await client.query({ ...prepared(text), values: params.map(toPostgres) });
    if (returns === "changes") return result.rowCount ?? 0;
    if (returns === "id") return result.rows[0]?.id;
    return returns === "row" ? result.rows[0] : result.rows;
  };

  return {
    async read<T>(script: () => Script<T>): Promise<T> {
      const client = await (await pool()).connect();
      try {
        const steps = script();
        let step = steps.next();
        while (!step.done) step = steps.next(await send(client, step.value));
        client.release();
        return step.value;
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    },
    async transaction<T>(script: () => Script<T>): Promise<T> {
      const client = await (await pool()).connect();
      try {
        await client.query("BEGIN");
        const steps = script();
        let step = steps.next();
        while (!step.done) step = steps.next(await send(client, step.value));
        await client.query("COMMIT");
        client.release();
        return step.value;
      } catch (error) {
        // Back to the pool rolled back; a connection that cannot even roll back is discarded.
        await client.query("ROLLBACK").then(
          () => client.release(),
          (failure: Error) => client.release(failure),
        );
        throw error;
      }
    },
  };
}
