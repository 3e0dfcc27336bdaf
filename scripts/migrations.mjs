// Applies prisma/migrations (SQLite) or prisma/postgres/migrations (PostgreSQL) through the plain drivers,
// recording each in Prisma's own `_prisma_migrations` table so that `prisma migrate status|deploy` would
// agree with us wherever the native engine exists. Used by `npm run db:migrate`, the dev server and tests.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;

export const ENGINES = {
  sqlite: { name: "sqlite", schema: "prisma/schema.prisma", migrations: "prisma/migrations" },
  postgres: {
    name: "postgres",
    schema: "prisma/postgres/schema.prisma",
    migrations: "prisma/postgres/migrations",
  },
};

export function engineFor(url) {
  if (/^file:/.test(url)) return ENGINES.sqlite;
  if (/^postgres(ql)?:\/\//.test(url)) return ENGINES.postgres;
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)`);
}

/** The PostgreSQL schema is the SQLite schema with another provider and client output. */
export function postgresSchemaFrom(sqliteSchema) {
  const body = sqliteSchema
    .replace(/^\/\/ SQLite schema:[\s\S]*?\n\n/, "")
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace("../node_modules/@prisma-generated/sqlite", "../../node_modules/@prisma-generated/postgres");
  return (
    "// GENERATED from prisma/schema.prisma by `node scripts/prisma.mjs schemas`. Do not edit.\n\n" + body
  );
}

export function sqliteFilePath(url) {
  const path = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return resolve(path);
}

function migrationsOf(engine) {
  const dir = join(root, engine.migrations);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => {
      const sql = readFileSync(join(dir, entry.name, "migration.sql"), "utf8");
      return { name: entry.name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

const HISTORY_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

function pending(engine, applied, until) {
  const pendingOnes = [];
  for (const migration of migrationsOf(engine)) {
    if (until && migration.name > until) break;
    const done = applied.get(migration.name);
    if (done === undefined) pendingOnes.push(migration);
    else if (done !== migration.checksum)
      throw new Error(`migration ${migration.name} was edited after it was applied`);
  }
  return pendingOnes;
}

async function applySqlite(url, until) {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(sqliteFilePath(url), { timeout: 10_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.exec(HISTORY_TABLE.replace(/TIMESTAMPTZ/g, "DATETIME").replace("now()", "current_timestamp"));
    // Prisma's table-redefining migrations switch foreign keys off with a PRAGMA, which SQLite ignores inside
    // a transaction: DROP TABLE would then cascade-delete every child row. So they go off out here, and the
    // result is checked before commit.
    db.pragma("foreign_keys = OFF");
    // IMMEDIATE: two instances deploying at once queue here instead of applying a migration twice.
    const applied = db
      .transaction(() => {
        const rows = db
          .prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`)
          .all();
        const todo = pending(ENGINES.sqlite, new Map(rows.map((r) => [r.migration_name, r.checksum])), until);
        for (const m of todo) {
          db.exec(m.sql);
          db.prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
             VALUES (?, ?, ?, current_timestamp, 1)`,
          ).run(randomUUID(), m.checksum, m.name);
        }
        const broken = db.pragma("foreign_key_check");
        if (broken.length > 0) throw new Error(`migrations broke foreign keys: ${JSON.stringify(broken)}`);
        return todo.map((m) => m.name);
      })
      .immediate();
    db.pragma("foreign_keys = ON");
    return applied;
  } finally {
    db.close();
  }
}

async function applyPostgres(url, until) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The same advisory lock number Prisma's own migrate takes, so our runner and Prisma's exclude each other.
    await client.query("SELECT pg_advisory_lock(72707369)");
    await client.query(HISTORY_TABLE);
    const { rows } = await client.query(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const todo = pending(ENGINES.postgres, new Map(rows.map((r) => [r.migration_name, r.checksum])), until);
    for (const m of todo) {
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${error.message}`);
      }
    }
    return todo.map((m) => m.name);
  } finally {
    await client.end();
  }
}

/** Applies what is pending (up to and including `until`, when given); returns the names applied. */
export async function applyMigrations(url, { until } = {}) {
  return engineFor(url) === ENGINES.sqlite ? applySqlite(url, until) : applyPostgres(url, until);
}
