// The three privacy topics every App Store app must answer (README "Privacy"): a forged signature gets a
// 401, the customer topics are acknowledged, and shop/redact erases the shop.
import type { ActionFunction } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createTestDb, type TestDb } from "../../tests/db";
import { deliver } from "../../tests/shopify-webhook";

const SHOP = "leaving.myshopify.com";
const OTHER_SHOP = "staying.myshopify.com";

let testDb: TestDb;
let routes: Record<string, ActionFunction>;

beforeAll(async () => {
  testDb = await createTestDb("sqlite");
  // app/db.server.ts reuses a client found here, so the routes write to this test's database.
  vi.stubEnv("DATABASE_URL", testDb.url);
  globalThis.prismaGlobal = testDb.db;
  routes = {
    "customers/data_request": (await import("./webhooks.customers.data_request")).action,
    "customers/redact": (await import("./webhooks.customers.redact")).action,
    "shop/redact": (await import("./webhooks.shop.redact")).action,
  };
  await seedShop(SHOP);
  await seedShop(OTHER_SHOP);
});

afterAll(async () => {
  globalThis.prismaGlobal = undefined;
  vi.unstubAllEnvs();
  await testDb.drop();
});

/** A shop with a session and a row in every credit table: a grant, its entry, a held reservation. */
async function seedShop(domain: string) {
  const { ensureShop, grantCredits, reserveCredits } = await import("../ledger/index.server");
  const { db } = testDb;
  await db.session.create({
    data: { id: `offline_${domain}`, shop: domain, state: "", accessToken: "token" },
  });
  const shop = await ensureShop(db, domain);
  await grantCredits(db, { shopId: shop.id, sourceKey: "purchase:1", kind: "top_up", credits: 10 });
  await reserveCredits(db, {
    shopId: shop.id,
    idempotencyKey: "draft-1",
    actions: ["draft.generate"],
    actor: "system",
  });
}

/** Every row the app holds for a shop, table by table. */
async function rowsOf(domain: string) {
  const { db } = testDb;
  const shop = await db.shop.findUnique({ where: { domain } });
  const shopId = shop?.id ?? "none";
  return {
    shops: shop ? 1 : 0,
    sessions: await db.session.count({ where: { shop: domain } }),
    balances: await db.shopBalance.count({ where: { shopId } }),
    grants: await db.creditGrant.count({ where: { shopId } }),
    reservations: await db.reservation.count({ where: { shopId } }),
    allocations: await db.reservationAllocation.count({ where: { reservation: { shopId } } }),
    entries: await db.ledgerEntry.count({ where: { shopId } }),
  };
}

const SEEDED = { shops: 1, sessions: 1, balances: 1, grants: 1, reservations: 1, allocations: 1, entries: 1 };

describe("compliance webhooks", () => {
  test.each(["customers/data_request", "customers/redact", "shop/redact"])(
    "%s signed with another secret is refused with 401 and changes nothing",
    async (topic) => {
      const status = await deliver(routes[topic]!, { topic, shop: SHOP, secret: "forged" });

      expect(status).toBe(401);
      expect(await rowsOf(SHOP)).toEqual(SEEDED);
    },
  );

  test.each(["customers/data_request", "customers/redact"])(
    "%s is acknowledged with 200: the app holds no customer data",
    async (topic) => {
      const customer = { id: 1, email: "c@example.com", phone: null };
      const body =
        topic === "customers/redact"
          ? { shop_id: 1, shop_domain: SHOP, customer, orders_to_redact: [] }
          : { shop_id: 1, shop_domain: SHOP, customer, orders_requested: [], data_request: { id: 9 } };
      const status = await deliver(routes[topic]!, { topic, shop: SHOP, body });

      expect(status).toBe(200);
      expect(await rowsOf(SHOP)).toEqual(SEEDED);
    },
  );

  test("shop/redact for another shop's domain is refused with 400 and erases nothing", async () => {
    const status = await deliver(routes["shop/redact"]!, {
      topic: "shop/redact",
      shop: OTHER_SHOP,
      body: { shop_id: 1, shop_domain: SHOP },
    });

    expect(status).toBe(400);
    expect(await rowsOf(SHOP)).toEqual(SEEDED);
    expect(await rowsOf(OTHER_SHOP)).toEqual(SEEDED);
  });

  test("shop/redact erases that shop's sessions, credit rows and webhook deliveries, and no other shop's", async () => {
    await testDb.db.webhookDelivery.createMany({
      data: [
        { webhookId: "w-leaving", topic: "APP_UNINSTALLED", shop: SHOP },
        { webhookId: "w-staying", topic: "APP_UNINSTALLED", shop: OTHER_SHOP },
      ],
    });
    const status = await deliver(routes["shop/redact"]!, {
      topic: "shop/redact",
      shop: SHOP,
      body: { shop_id: 1, shop_domain: SHOP },
    });

    expect(status).toBe(200);
    expect(await rowsOf(SHOP)).toEqual({
      shops: 0,
      sessions: 0,
      balances: 0,
      grants: 0,
      reservations: 0,
      allocations: 0,
      entries: 0,
    });
    expect(await rowsOf(OTHER_SHOP)).toEqual(SEEDED);
    expect(await testDb.db.webhookDelivery.findMany({ select: { shop: true } })).toEqual([
      { shop: OTHER_SHOP },
    ]);
  });
});
