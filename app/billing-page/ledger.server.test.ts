// The ledger listing's cost and its names, on both engines. A page must be one statement on the driver
// that walks the (shopId, id) index from its cursor (LIMIT, no OFFSET, no COUNT), whatever the page names
// (drafts, staff members, automations).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { createShop } from "../../tests/ledger-fixtures";
import { automationActor, FLOW_ACTOR } from "../automations/types";
import { moneyDriverOf } from "../db/connect.server";
import type { Script, Statement } from "../db/transaction-script";
import { listLedger, startOfDayIn } from "./ledger.server";
import { ensureShopTimezone } from "../shops/timezone.server";

/** Records the statements `t.db`'s driver reads while `step` runs (nothing else may read meanwhile). */
async function readsOf(t: TestDb, step: () => Promise<unknown>) {
  const driver = moneyDriverOf(t.db);
  const read = driver.read;
  const statements: Statement[] = [];
  function* recording<T>(script: Script<T>): Script<T> {
    let next = script.next();
    while (!next.done) {
      statements.push(next.value);
      next = script.next(yield next.value);
    }
    return next.value;
  }
  driver.read = <T>(script: () => Script<T>) => read.call(driver, () => recording(script())) as Promise<T>;
  try {
    await step();
  } finally {
    driver.read = read;
  }
  return statements;
}

describe.each(ENGINES)("the ledger listing on %s", (engine) => {
  let t: TestDb;
  let shopId: string;
  let automationId: string;
  beforeAll(async () => {
    t = await createTestDb(engine);
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
        ...(i === 0 ? { lastName: "Lovelace" } : {}),
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
    // Then spends by automations: one of this shop's, a Shopify Flow action, one deleted since, and one
    // whose id is another shop's automation (never named from there).
    const other = await createShop(t.db, "other");
    const automation = (name: string, owner: string) =>
      t.db.automation.create({
        data: {
          shopId: owner,
          name,
          status: "active",
          schedule: JSON.stringify({ kind: "daily", time: "09:00" }),
          topicSource: "queue",
          brief: "{}",
          blogId: "gid://shopify/Blog/1",
          publishMode: "draft",
          maxRunsPerDay: 1,
          monthlyBudget: 100,
        },
      });
    automationId = (await automation("Weekly recipes", shopId)).id;
    const foreign = await automation("Someone else's", other.id);
    await t.db.ledgerEntry.createMany({
      data: [automationActor(automationId), FLOW_ACTOR, "automation:gone", automationActor(foreign.id)].map(
        (actor, i) => ({
          shopId,
          type: "debit",
          credits: -2,
          postedAfter: 760 - 2 * i,
          action: "automation.run",
          actor,
        }),
      ),
    });
  });
  afterAll(() => t.drop());

  test("a page is one statement on the driver: a keyset walk with LIMIT, no OFFSET, no COUNT", async () => {
    const first = await listLedger(t.db, shopId);
    let page: Awaited<ReturnType<typeof listLedger>> | undefined;
    const statements = await readsOf(t, async () => {
      page = await listLedger(t.db, shopId, { cursor: { after: first.nextCursor! } });
    });
    expect(page!.rows).toHaveLength(50);
    expect(page!.previousCursor).toBe(page!.rows[0]!.id);
    expect(page!.rows[0]!.who.name).toMatch(/^Staff \d+$/);
    expect(page!.rows[0]!.what).toMatch(/^Draft generated: Draft \d+$/);
    expect(statements).toHaveLength(1);
    const [{ sql, params }] = statements as [Statement];
    expect(sql).not.toMatch(/\bCOUNT\s*\(|\bOFFSET\b/i);
    expect(sql).toMatch(/\bLIMIT\b/i);
    // SQLite's plan: the entries are a search of the (shopId, id) index, never a scan of the table.
    if (engine === "sqlite") {
      const plan = await t.db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`, ...params);
      const steps = plan.map((step) => step.detail);
      // "SCAN e" reads the page's rows back from the co-routine that walked the index, not the table.
      expect(steps.filter((step) => step.startsWith("SCAN"))).toEqual(["SCAN e"]);
      const walks = steps.filter((step) => step.startsWith("SEARCH e "));
      expect(walks).toHaveLength(2); // the page, and "is there a newer page"
      for (const walk of walks)
        expect(walk).toMatch(
          /^SEARCH e USING (COVERING )?INDEX LedgerEntry_shopId_id_idx \(shopId=\? AND id[<>]\?\)$/,
        );
    }
  });

  test("the last page has no next cursor, and the first page no previous one", async () => {
    let page = await listLedger(t.db, shopId);
    expect(page.previousCursor).toBeNull();
    let rows = page.rows.length;
    while (page.nextCursor !== null) {
      page = await listLedger(t.db, shopId, { cursor: { after: page.nextCursor } });
      rows += page.rows.length;
    }
    expect(rows).toBe(124);
    const back = await listLedger(t.db, shopId, { cursor: { before: page.rows[0]!.id } });
    expect(back.rows).toHaveLength(50);
    expect(back.nextCursor).toBe(back.rows.at(-1)!.id);
  });

  test("names the staff member from the online session, and the automation by name", async () => {
    const { rows } = await listLedger(t.db, shopId, { filters: { who: "automation" } });
    expect(rows.map((row) => row.who)).toEqual([
      { kind: "automation", name: "Automation" },
      { kind: "automation", name: "Automation" },
      { kind: "automation", name: "Shopify Flow" },
      { kind: "automation", name: "Weekly recipes" },
    ]);
    const staff = await listLedger(t.db, shopId, { filters: { who: "staff" }, take: 200 });
    expect(staff.rows).toHaveLength(120);
    expect(staff.rows.at(-1)!.who).toEqual({ kind: "staff", name: "Staff 0 Lovelace" });
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
