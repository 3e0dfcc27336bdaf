// Is the database there, and does it have the schema this build was made for? Asked by /healthz (uptime
// monitors, load balancers) and once at production start-up (app/boot.server.ts).
import type { Db, Engine } from "./db/connect.server";

/** The migration folders this build was made with, per engine (bundled at build time, not read at run time). */
const EXPECTED: Record<Engine, string[]> = {
  sqlite: folderNames(
    import.meta.glob("../prisma/migrations/*/migration.sql", { query: "?raw", eager: true }),
  ),
  postgres: folderNames(
    import.meta.glob("../prisma/postgres/migrations/*/migration.sql", { query: "?raw", eager: true }),
  ),
};

function folderNames(files: Record<string, unknown>) {
  return Object.keys(files)
    .map((path) => path.split("/").at(-2)!)
    .sort();
}

export type DatabaseCheck =
  | { ok: true }
  /** `reason` is safe to answer to anyone; `detail` adds the driver's message, for the operator's log. */
  | { ok: false; reason: string; detail: string };

const failed = (reason: string, detail = reason): DatabaseCheck => ({ ok: false, reason, detail });

/** The driver's own words, without Prisma's framing ("Raw query failed. Code: `X`. Message: `…`", newlines). */
function cause(error: unknown) {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ").trim();
  return /Message: `(.*)`$/.exec(text)?.[1] ?? text;
}

/**
 * One cheap query: the applied migrations in Prisma's `_prisma_migrations` table (scripts/migrations.mjs
 * records them there), compared with the folders this build expects. A second query (`SELECT 1`) runs only
 * to tell a missing table from a database that does not answer.
 */
export async function checkDatabase(db: Db, engine: Engine, timeoutMs = 3_000): Promise<DatabaseCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DatabaseCheck>((resolve) => {
    timer = setTimeout(() => resolve(failed(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([check(db, EXPECTED[engine]), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(db: Db, expected: string[]): Promise<DatabaseCheck> {
  let applied: { migration_name: string }[];
  try {
    applied = await db.$queryRawUnsafe(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
  } catch (error) {
    const reachable = await db.$queryRawUnsafe("SELECT 1").then(
      () => true,
      () => false,
    );
    return reachable
      ? failed("database not migrated", `database not migrated: ${cause(error)}`)
      : failed("database unreachable", `database unreachable: ${cause(error)}`);
  }
  const done = new Set(applied.map((row) => row.migration_name));
  const pending = expected.filter((name) => !done.has(name));
  if (pending.length === 0) return { ok: true };
  return failed(
    `database not migrated: ${pending.length} of ${expected.length} migrations pending (first: ${pending[0]})`,
  );
}
