import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { applyMigrations } from "../scripts/migrations.mjs";
import { createTestDb, ENGINES, POSTGRES_ADMIN_URL } from "../tests/db";
import { connectDb } from "./db/connect.server";
import { checkDatabase } from "./health.server";

const migrations = readdirSync("prisma/migrations").sort();

describe.each(ENGINES)("checkDatabase on %s", (engine) => {
  test("a migrated database is ok", async () => {
    const t = await createTestDb(engine);
    try {
      expect(await checkDatabase(t.db, engine)).toEqual({ ok: true });
    } finally {
      await t.drop();
    }
  });

  test("a database never migrated is not", async () => {
    const t = await createTestDb(engine, { migrate: false });
    try {
      expect(await checkDatabase(t.db, engine)).toMatchObject({
        ok: false,
        reason: "database not migrated",
        detail: expect.stringMatching(/^database not migrated: .*_prisma_migrations/),
      });
    } finally {
      await t.drop();
    }
  });

  test("a database missing the newest migration names what is pending", async () => {
    const t = await createTestDb(engine, { migrate: false });
    try {
      await applyMigrations(t.url, { until: migrations.at(-2) });
      expect(await checkDatabase(t.db, engine)).toMatchObject({
        ok: false,
        reason: `database not migrated: 1 of ${migrations.length} migrations pending (first: ${migrations.at(-1)})`,
      });
    } finally {
      await t.drop();
    }
  });

  test("a database that cannot be reached is unreachable, in one line", async () => {
    const url =
      engine === "sqlite"
        ? "file:/nonexistent-directory/app.db"
        : Object.assign(new URL(POSTGRES_ADMIN_URL), { port: "1" }).toString();
    const db = connectDb(url);
    try {
      const check = await checkDatabase(db, engine);
      expect(check).toMatchObject({ ok: false, reason: "database unreachable" });
      expect(check.ok || check.detail).toMatch(/^database unreachable: \S/);
      expect(check.ok || check.detail).not.toContain("\n");
    } finally {
      await db.$disconnect().catch(() => {});
    }
  });
});

test("a database that does not answer in time fails the check instead of hanging it", async () => {
  const t = await createTestDb("postgres");
  const blocker = t.connectAnother();
  try {
    // Holds a lock the check's query must wait for: an ACCESS EXCLUSIVE lock on the migrations table.
    const held = blocker.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`LOCK TABLE "_prisma_migrations" IN ACCESS EXCLUSIVE MODE`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await checkDatabase(t.db, "postgres", 300)).toMatchObject({
      ok: false,
      reason: "database did not answer within 300 ms",
    });
    await held;
  } finally {
    await t.drop();
  }
});
