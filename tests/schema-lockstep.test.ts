// The two schema files and the two migration folders must describe one database. Prisma's own drift check
// needs a shadow database on the native engine (docs/decisions/002-prisma-offline.md), so this test plays
// its part: the migrations must build exactly what the schema describes, on each engine.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { ENGINES as ENGINE_FILES, postgresSchemaFrom, sqliteFilePath } from "../scripts/migrations.mjs";
import { createTestDb, ENGINES, type TestDb } from "./db";

const run = promisify(execFile);

interface Shape {
  columns: string[];
  indexes: string[];
}

async function shapeOf({ engine, url }: TestDb): Promise<Shape> {
  if (engine === "sqlite") {
    const db = new Database(sqliteFilePath(url), { readonly: true });
    try {
      const tables = db
        .prepare(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'`,
        )
        .all() as { name: string }[];
      const columns = tables.flatMap(({ name }) =>
        (
          db.pragma(`table_info("${name}")`) as {
            name: string;
            type: string;
            notnull: number;
            dflt_value: string | null;
            pk: number;
          }[]
        ).map((c) => `${name}.${c.name} ${c.type} notnull=${c.notnull} default=${c.dflt_value} pk=${c.pk}`),
      );
      const indexes = (
        db
          .prepare(`SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
          .all() as { sql: string }[]
      ).map((i) => i.sql);
      return { columns: columns.sort(), indexes: indexes.sort() };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '') AS c
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const indexes = await client.query(
      `SELECT indexdef AS c FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`,
    );
    const foreignKeys = await client.query(
      `SELECT conname || ' ' || pg_get_constraintdef(oid) AS c FROM pg_constraint WHERE contype = 'f'`,
    );
    return {
      columns: columns.rows.map((r) => r.c).sort(),
      indexes: [...indexes.rows, ...foreignKeys.rows].map((r) => r.c).sort(),
    };
  } finally {
    await client.end();
  }
}

async function execute({ engine, url }: TestDb, sql: string) {
  if (engine === "sqlite") {
    const db = new Database(sqliteFilePath(url));
    db.exec(sql);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql);
  await client.end();
}

describe("schema lock-step", () => {
  test("the PostgreSQL schema is the one generated from the SQLite schema", () => {
    const sqlite = readFileSync(ENGINE_FILES.sqlite.schema, "utf8");
    expect(readFileSync(ENGINE_FILES.postgres.schema, "utf8")).toBe(postgresSchemaFrom(sqlite));
  });

  test("both engines have the same migrations, in the same order", () => {
    const names = (dir: string) =>
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    expect(names(ENGINE_FILES.postgres.migrations)).toEqual(names(ENGINE_FILES.sqlite.migrations));
  });

  // Beyond what the schema language says: the hot path's allocation rows are clustered on their key
  // (prisma/migrations/20261201200000_allocation_without_rowid).
  test("on sqlite ReservationAllocation is a WITHOUT ROWID table", async () => {
    const migrated = await createTestDb("sqlite");
    try {
      const db = new Database(sqliteFilePath(migrated.url), { readonly: true });
      const tables = db.pragma("table_list") as { name: string; wr: number }[];
      db.close();
      expect(tables.find((t) => t.name === "ReservationAllocation")?.wr).toBe(1);
      expect(tables.find((t) => t.name === "Reservation")?.wr).toBe(0);
    } finally {
      await migrated.drop();
    }
  });

  test.each(ENGINES)(
    "on %s the migrations build exactly the tables and indexes the schema describes",
    async (engine) => {
      const migrated = await createTestDb(engine);
      const fromSchema = await createTestDb(engine, { migrate: false });
      try {
        const { stdout } = await run("node", ["scripts/prisma.mjs", "sql", engine]);
        await execute(fromSchema, stdout);
        expect(await shapeOf(migrated)).toEqual(await shapeOf(fromSchema));
      } finally {
        await Promise.all([migrated.drop(), fromSchema.drop()]);
      }
    },
  );
});
