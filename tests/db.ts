// A fresh, migrated database per test file, on either engine. PostgreSQL databases are created on the
// local server and dropped afterwards; SQLite files live in a temp folder.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { connectDb, type Db, type Engine } from "../app/db/connect.server";
import { applyMigrations } from "../scripts/migrations.mjs";

export const ENGINES: Engine[] = ["sqlite", "postgres"];

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDb {
  engine: Engine;
  url: string;
  db: Db;
  /** Another client on the same database: a second app instance. */
  connectAnother(): Db;
  drop(): Promise<void>;
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDb(engine: Engine, { migrate = true } = {}): Promise<TestDb> {
  const others: Db[] = [];
  let url: string;
  let cleanup: () => Promise<void>;
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "credits-test-"));
    url = `file:${join(dir, "test.db")}`;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const name = `credits_test_${randomBytes(6).toString("hex")}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    const admin = new URL(POSTGRES_ADMIN_URL);
    admin.pathname = `/${name}`;
    url = admin.toString();
    cleanup = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  if (migrate) await applyMigrations(url);
  const db = connectDb(url);
  return {
    engine,
    url,
    db,
    connectAnother() {
      const other = connectDb(url);
      others.push(other);
      return other;
    },
    async drop() {
      await Promise.all([db, ...others].map((client) => client.$disconnect()));
      await cleanup();
    },
  };
}
