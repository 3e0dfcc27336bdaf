// A webhook Shopify delivers again after the app processed it (a retry whose 200 Shopify never saw, a
// redelivery) must not run its work again: the app over HTTP (tests/app-harness.ts), the webhooks signed
// and sent by the local Shopify Admin emulator, a real database. Run once per engine
// (webhook-dedup.<engine>.test.ts).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { reserveCredits } from "../../app/ledger/reserve-credits.server";
import { startAppHarness, type AppHarness } from "../app-harness";

export function webhookDedupScenarios(engine: Engine) {
  describe(`webhook de-duplication on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h?.close());

    /** The store owner opens the app from the admin (a first load installs it: token exchange, afterAuth). */
    async function openApp(store: string) {
      const page = await h.openDocument(store, "/app/billing");
      expect(page.status).toBe(200);
      await page.text();
    }

    test("an app/uninstalled delivered again after a reinstall does not uninstall the shop again", async () => {
      const store = `dedup-${randomUUID().slice(0, 8)}.myshopify.com`;
      h.emulator.addShop({ domain: store, partnerDevelopment: false });
      await openApp(store);

      h.emulator.uninstallApp(store);
      await h.emulator.webhooks.idle();
      const [uninstalled] = h.emulator.webhooks.webhooks({ shop: store, topic: "app/uninstalled" });
      const webhookId = uninstalled!.webhookId;
      expect(h.emulator.webhooks.deliveries({ webhookId }).map((d) => d.status)).toEqual([200]);
      expect(await h.db.session.count({ where: { shop: store } })).toBe(0);
      expect((await h.shopRow(store)).uninstalledAt).not.toBeNull();

      // The store owner reinstalls, and starts work that holds credits.
      await openApp(store);
      const shop = await h.shopRow(store);
      expect(shop.uninstalledAt).toBeNull();
      const sessions = await h.db.session.count({ where: { shop: store } });
      expect(sessions).toBeGreaterThan(0);
      await reserveCredits(h.db, {
        shopId: shop.id,
        idempotencyKey: "after-reinstall",
        actions: ["draft.generate"],
        actor: "user:1",
      });
      const tokens = h.emulator.shop(store).accessTokens().length;

      // Shopify sends the processed webhook again: same id, body and signature. The app acknowledges it
      // and does nothing: the reinstalled shop keeps its session, its installation and its work in flight.
      for (let i = 0; i < 2; i++) expect((await h.emulator.webhooks.redeliver(webhookId)).status).toBe(200);
      expect(await h.db.session.count({ where: { shop: store } })).toBe(sessions);
      expect(await h.shopRow(store)).toMatchObject({ uninstalledAt: null });
      expect(await h.db.reservation.findFirst({ where: { shopId: shop.id } })).toMatchObject({
        status: "pending",
      });
      // The app still holds the shop's token: the next page needs no new token exchange.
      await h.loaderData(store, "/app/billing", "routes/app.billing._index");
      expect(h.emulator.shop(store).accessTokens()).toHaveLength(tokens);
    });
  });
}
