import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { checkInvariants } from "../app/ledger/check-invariants.server";
import { applyMigrations } from "../scripts/migrations.mjs";
import { createTestDb, ENGINES } from "./db";

const migrations = readdirSync("prisma/migrations", { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe.each(ENGINES)("migrations on %s", (engine) => {
  test("upgrading a database that holds credits keeps every row", async () => {
    const t = await createTestDb(engine, { migrate: false });
    try {
      await applyMigrations(t.url, { until: migrations[0] });
      // Rows written with the first schema's columns only, as a shop installed then would have them.
      const now = new Date();
      await t.db
        .$executeRaw`INSERT INTO "Shop" ("id", "domain", "updatedAt") VALUES ('s1', 'old.myshopify.com', ${now})`;
      await t.db.$executeRaw`INSERT INTO "ShopBalance" ("shopId", "posted") VALUES ('s1', 25)`;
      await t.db.$executeRaw`
        INSERT INTO "CreditGrant" ("id", "shopId", "kind", "sourceKey", "fingerprint", "amount", "remaining")
        VALUES ('g1', 's1', 'top_up', 'purchase:1', 'f', 25, 25)`;
      await t.db.$executeRaw`
        INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "grantId")
        VALUES ('s1', 'grant', 25, 25, 'g1')`;

      expect(await applyMigrations(t.url)).toEqual(migrations.slice(1));
      expect(await t.db.shop.findUnique({ where: { id: "s1" } })).toMatchObject({ planKey: "free" });
      expect(await t.db.ledgerEntry.count({ where: { shopId: "s1" } })).toBe(1);
      expect(await t.db.creditGrant.count({ where: { shopId: "s1" } })).toBe(1);
      expect(await checkInvariants(t.db, "s1")).toEqual([]);
      expect(await applyMigrations(t.url)).toEqual([]);
    } finally {
      await t.drop();
    }
  });
});
