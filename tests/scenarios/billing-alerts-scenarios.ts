// Billing → Alerts through the real stack: settings saved and refused with field errors, the low-balance
// banner the app's layout gives every page, dismissed from it. Run once per engine.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { captureReservation } from "../../app/ledger/capture-reservation.server";
import { reserveCredits } from "../../app/ledger/reserve-credits.server";
import { startAppHarness, type AppHarness } from "../app-harness";

const ALERTS = "routes/app.billing.alerts";
const LAYOUT = "routes/app";

export function billingAlertsScenarios(engine: Engine) {
  describe(`Billing alerts on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());

    async function spend(domain: string, credits: number) {
      const shop = await h.db.shop.findUniqueOrThrow({ where: { domain } });
      for (let i = 0; i < credits; i++) {
        const idempotencyKey = `spend:${randomUUID()}`;
        await reserveCredits(h.db, {
          shopId: shop.id,
          idempotencyKey,
          actions: ["draft.rewrite"],
          actor: "user:1",
        });
        await captureReservation(h.db, { shopId: shop.id, idempotencyKey });
      }
    }
    const banner = async (domain: string, path = "/app") =>
      (await h.loaderData<{ lowBalance: unknown }>(domain, path, LAYOUT)).lowBalance;

    test("defaults, a save, and bad settings refused field by field with nothing written", async () => {
      const store = await h.installStore("alerts");
      const page = await h.loaderData<{ settings: unknown; allowance: number }>(
        store,
        "/app/billing/alerts",
        ALERTS,
      );
      expect(page).toMatchObject({
        settings: { thresholds: [50, 20, 0], email: null, webhookUrl: null, polishingReserve: 0 },
        allowance: 10,
      });

      const bad = await h.submitForm(store, "/app/billing/alerts", {
        intent: "save",
        thresholds: "200",
        email: "not-an-address",
        webhookUrl: "ftp://example.com",
        polishingReserve: "lots",
      });
      expect(bad.status).toBe(400);
      const answer = await h.actionResult(bad);
      expect(JSON.stringify(answer)).toMatch(/thresholds/);
      expect(JSON.stringify(answer)).toMatch(/webhookUrl/);
      expect(await h.db.alertSettings.count()).toBe(0);

      const good = await h.submitForm(store, "/app/billing/alerts", {
        intent: "save",
        thresholds: "30, 10",
        email: "owner@example.com",
        webhookUrl: "https://hooks.example.com/credits",
        polishingReserve: "6",
      });
      expect(good.status).toBe(200);
      expect(await h.loaderData<{ settings: unknown }>(store, "/app/billing/alerts", ALERTS)).toMatchObject({
        settings: {
          thresholds: [30, 10],
          email: "owner@example.com",
          webhookUrl: "https://hooks.example.com/credits",
          polishingReserve: 6,
        },
      });
      const json = await h.submitForm(store, "/app/billing/alerts", "{}", {
        contentType: "application/json",
      });
      expect(json.status).toBe(415);
    });

    test("below a threshold every page's layout carries the banner until it is dismissed", async () => {
      const store = await h.installStore("banner");
      // The first Billing visit starts the Free cycle: 10 credits.
      await h.loaderData(store, "/app/billing/alerts", ALERTS);
      expect(await banner(store)).toBeNull();
      await spend(store, 6);
      expect(await banner(store, "/app/drafts")).toEqual({ threshold: 50, available: 4, allowance: 10 });
      const dismissed = await h.submitForm(store, "/app/billing/alerts", {
        intent: "dismiss",
        threshold: "50",
      });
      expect(dismissed.status).toBe(200);
      expect(await banner(store)).toBeNull();
      await spend(store, 4);
      expect(await banner(store, "/app/briefs")).toEqual({ threshold: 0, available: 0, allowance: 10 });
      const bad = await h.submitForm(store, "/app/billing/alerts", { intent: "dismiss", threshold: "x" });
      expect(bad.status).toBe(400);
    });
  });
}
