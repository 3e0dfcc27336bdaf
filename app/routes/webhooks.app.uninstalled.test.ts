import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { createTestDb, type TestDb } from "../../tests/db";
import { deliver } from "../../tests/shopify-webhook";

const SHOP = "uninstalling.myshopify.com";
const OTHER_SHOP = "staying.myshopify.com";

let testDb: TestDb;
let action: typeof import("./webhooks.app.uninstalled").action;

beforeAll(async () => {
  testDb = await createTestDb("sqlite");
  // app/db.server.ts reuses a client found here, so the route writes to this test's database.
  vi.stubEnv("DATABASE_URL", testDb.url);
  globalThis.prismaGlobal = testDb.db;
  ({ action } = await import("./webhooks.app.uninstalled"));
});

afterAll(async () => {
  globalThis.prismaGlobal = undefined;
  vi.unstubAllEnvs();
  await testDb.drop();
});

async function seedSession(shop: string) {
  const id = `offline_${shop}`;
  await testDb.db.session.upsert({
    where: { id },
    create: { id, shop, state: "", accessToken: "token", scope: "write_content" },
    update: {},
  });
}

const sessionsOf = (shop: string) => testDb.db.session.count({ where: { shop } });

/** The body Shopify sends: the shop, named by its myshopify domain (`domain` is its primary domain). */
const shopBody = (shop: string) => ({ id: 1, myshopify_domain: shop, domain: "www.example.com" });

describe("app/uninstalled", () => {
  test("a delivery signed with another secret is refused with 401 and deletes nothing", async () => {
    await seedSession(SHOP);

    const status = await deliver(action, { topic: "app/uninstalled", shop: SHOP, secret: "forged" });

    expect(status).toBe(401);
    expect(await sessionsOf(SHOP)).toBe(1);
  });

  test("a signed delivery removes that shop's sessions and no other shop's", async () => {
    await seedSession(SHOP);
    await seedSession(OTHER_SHOP);

    const status = await deliver(action, { topic: "app/uninstalled", shop: SHOP, body: shopBody(SHOP) });

    expect(status).toBe(200);
    expect(await sessionsOf(SHOP)).toBe(0);
    expect(await sessionsOf(OTHER_SHOP)).toBe(1);
  });

  test("a repeated delivery after the sessions are gone still answers 200", async () => {
    await testDb.db.session.deleteMany({ where: { shop: SHOP } });

    expect(await deliver(action, { topic: "app/uninstalled", shop: SHOP, body: shopBody(SHOP) })).toBe(200);
  });

  test("another shop's signed body under this shop's domain is refused with 400 and deletes nothing", async () => {
    await seedSession(OTHER_SHOP);

    const status = await deliver(action, {
      topic: "app/uninstalled",
      shop: OTHER_SHOP,
      body: shopBody(SHOP),
    });

    expect(status).toBe(400);
    expect(await sessionsOf(OTHER_SHOP)).toBe(1);
  });
});
