// The ledger listing's cost: the SQL Prisma sends for a page, on both engines. A page must walk the
// (shopId, id) index from its cursor (LIMIT, no OFFSET, no COUNT) in a bounded number of queries, whatever
// the page names (drafts, staff members).
import { PrismaClient as PostgresClient } from "@prisma-generated/postgres";
import { PrismaClient as SqliteClient } from "@prisma-generated/sqlite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop } from "../../tests/ledger-fixtures";
import type { Db } from "../db/connect.server";
import { SharedPostgresAdapter } from "../db/postgres-driver.server";
import { SharedSqliteAdapter } from "../db/sqlite-driver.server";
import { listLedger, startOfDayIn } from "./ledger.server";
import { ensureShopTimezone } from "../shops/timezone.server";

/** A client on the test database that records every SQL statement Prisma sends. */
function loggingClient(t: TestDb) {
  const statements: { sql: string; params: unknown[] }[] = [];
  const log: { emit: "event"; level: "query" }[] = [{ emit: "event", level: "query" }];
  const client =
    t.engine === "sqlite"
      ? new SqliteClient({ adapter: new SharedSqliteAdapter({ url: t.url.replace(/^file:/, "") }), log })
      : (new PostgresClient({
          adapter: new SharedPostgresAdapter(t.url, 2),
          log,
        }) as unknown as SqliteClient);
  type QueryEvent = { query: string; params: string };
  (client as unknown as { $on(event: "query", cb: (e: QueryEvent) => void): void }).$on("query", (e) =>
    statements.push({ sql: e.query, params: JSON.parse(e.params) as unknown[] }),
  );
  return { db: client as Db, statements };
}

describe.each(ENGINES)("the ledger listing's SQL on %s", (engine) => {
  let t: TestDb;
  let logged: ReturnType<typeof loggingClient>;
  let shopId: string;
  beforeAll(async () => {
    t = await createTestDb(engine);
    logged = loggingClient(t);
    const shop = await createShop(t.db);
    shopId = shop.id;
    // 120 debits, each for its own draft and its own staff member (with a named online session).
    await t.db.draft.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        id: `d${i}`,
        shopId,
        title: `Draft ${i}`,
        currentVersion: 1,
      })),
    });
    await t.db.session.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        id: `s${i}`,
        shop: shop.domain,
        state: "s",
        isOnline: true,
        accessToken: "t",
        userId: BigInt(i + 1),
        firstName: `Staff ${i}`,
      })),
    });
    await t.db.ledgerEntry.createMany({
      data: Array.from({ length: 120 }, (_, i) => ({
        shopId,
        type: "debit",
        credits: -2,
        postedAfter: 1000 - i,
        action: "draft.generate",
        actor: `user:${i + 1}`,
        reference: `d${i}`,
      })),
    });
  });
  afterAll(async () => {
    await logged.db.$disconnect();
    await t.drop();
  });

  test("a page is a few index walks with LIMIT (OFFSET 0): no COUNT, no query per row", async () => {
    const first = await listLedger(logged.db, shopId);
    logged.statements.length = 0;
    const page = await listLedger(logged.db, shopId, { cursor: { after: first.nextCursor! } });
    expect(page.rows).toHaveLength(50);
    expect(page.rows[0]!.who.name).toMatch(/^Staff \d+$/);
    expect(page.rows[0]!.what).toMatch(/^Draft generated: Draft \d+$/);
    const selects = logged.statements.filter((s) => /^\s*SELECT/i.test(s.sql));
    // Entries, their grants, the drafts, the shop's domain, the sessions, and "is there a newer page".
    expect(selects.length).toBeLessThanOrEqual(6);
    for (const { sql, params } of selects) {
      expect(sql).not.toMatch(/\bCOUNT\s*\(/i);
      // Prisma writes OFFSET with every LIMIT; a keyset page's is always 0.
      if (/\bOFFSET\b/i.test(sql)) expect(String(params.at(-1))).toBe("0");
    }
    const entries = selects.filter((s) => /FROM\s+\S*LedgerEntry\S*\s/i.test(s.sql));
    expect(entries).toHaveLength(2);
    for (const { sql } of entries) expect(sql).toMatch(/\bLIMIT\b/i);
    // SQLite's plan for them: a search of the (shopId, id) index, never a scan of the table.
    if (engine === "sqlite")
      for (const { sql, params } of entries) {
        const plan = await t.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...params);
        expect(plan.map((step) => step.detail).join("; ")).toMatch(
          /^SEARCH (main\.)?LedgerEntry USING (COVERING )?INDEX LedgerEntry_shopId_id_idx \(shopId=\? AND id[<>]\?\)$/,
        );
      }
  });
});

describe("the shop's time zone", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb("sqlite");
  });
  afterAll(() => t.drop());
  const timezoneOf = async (id: string) =>
    (await t.db.shop.findUniqueOrThrow({ where: { id }, select: { timezone: true } })).timezone;

  test("is read from Shopify once, kept, and then never asked again", async () => {
    const shop = await createShop(t.db);
    let asked = 0;
    const read = async () => {
      asked += 1;
      return "Asia/Tokyo";
    };
    expect(await ensureShopTimezone(t.db, shop, read)).toBe("Asia/Tokyo");
    expect(await timezoneOf(shop.id)).toBe("Asia/Tokyo");
    expect(await ensureShopTimezone(t.db, { id: shop.id, timezone: "Asia/Tokyo" }, read)).toBe("Asia/Tokyo");
    expect(asked).toBe(1);
  });

  test("a Shopify failure or a zone Intl does not know shows UTC and keeps nothing, so the next visit asks again", async () => {
    const shop = await createShop(t.db);
    const failing = async (): Promise<string> => {
      throw new Error("Shopify is down");
    };
    const quiet = console.error;
    console.error = () => {};
    try {
      expect(await ensureShopTimezone(t.db, shop, failing)).toBe("UTC");
    } finally {
      console.error = quiet;
    }
    expect(await ensureShopTimezone(t.db, shop, async () => "Mars/Olympus_Mons")).toBe("UTC");
    expect(await timezoneOf(shop.id)).toBeNull();
  });
});

describe("days in a time zone", () => {
  test("a day starts at its local midnight, across DST changes", () => {
    expect(startOfDayIn("2026-03-09", "America/New_York").toISOString()).toBe("2026-03-09T04:00:00.000Z");
    // The day after the spring-forward change starts at UTC-4, the day of it at UTC-5.
    expect(startOfDayIn("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(startOfDayIn("2026-11-01", "America/New_York").toISOString()).toBe("2026-11-01T04:00:00.000Z");
    expect(startOfDayIn("2026-11-02", "America/New_York").toISOString()).toBe("2026-11-02T05:00:00.000Z");
    expect(startOfDayIn("2026-06-01", "Asia/Kolkata").toISOString()).toBe("2026-05-31T18:30:00.000Z");
    expect(startOfDayIn("2026-06-01", "Etc/UTC").toISOString()).toBe("2026-06-01T00:00:00.000Z");
  });
});
