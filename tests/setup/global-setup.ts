// PostgreSQL is part of the normal test run, not optional: fail fast with the fix when it is not there.
import pg from "pg";
import { POSTGRES_ADMIN_URL } from "../db";

export default async function setup() {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL} (${(error as Error).message}). ` +
        "Start it (bash .ci/ensure-postgres) or set TEST_POSTGRES_URL.",
    );
  } finally {
    await client.end().catch(() => {});
  }
}
