// Billing end to end, as a store owner and Shopify drive it: the app behind Remix's request handler over
// HTTP (tests/app-harness.ts), the local Shopify Admin emulator, a real database. Run once per engine
// (billing.<engine>.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { getBalance } from "../../app/ledger/balance.server";
import { checkInvariants } from "../../app/ledger/check-invariants.server";
import { reserveCredits } from "../../app/ledger/reserve-credits.server";
import { startAppHarness, type AppHarness } from "../app-harness";

const DAY = 24 * 60 * 60 * 1000;

/** The Billing page's route: its loader's data is what the page shows. */
const BILLING_PAGE = "routes/app.billing._index";

interface BillingPage {
  plan: { key: string };
  nextPlan: { key: string };
  subscription: { status: string; test: boolean } | null;
  balance: { available: number };
}

export function billingScenarios(engine: Engine) {
  describe(`billing end to end on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());

    /**
     * A store of its own for each scenario: a normal store, a development store (test charges only), or
     * an App Store reviewer's staff store (test charges only whatever `test` says, not a development store).
     */
    const installedStore = ({ development = false, staffReview = false } = {}) =>
      h.installStore("store", { partnerDevelopment: development, staffReview });

    /** The Billing page's data, as the app's client-side navigation to it loads it (single fetch). */
    async function open(domain: string) {
      return h.loaderData<BillingPage>(domain, "/app/billing", BILLING_PAGE);
    }

    async function available(domain: string) {
      return (await getBalance(h.db, (await h.shopRow(domain)).id)).available;
    }

    /**
     * Asks for a charge from the Billing page and answers Shopify's confirmation page. An approval comes
     * back to the app's return route; a decline goes to the admin's Apps page, not to the app.
     */
    async function charge(
      domain: string,
      fields: Record<string, string>,
      answer: "approve" | "decline" | "none",
    ) {
      const chargeId = h.chargeIdFrom(await h.submitBilling(domain, fields));
      if (answer === "none") return { chargeId, back: null };
      if (answer === "decline") {
        const { redirectUrl } = h.emulator.declineCharge(chargeId);
        expect(redirectUrl).not.toContain("charge_id");
        expect(new URL(redirectUrl).pathname).toMatch(/^\/store\/[^/]+\/settings\/apps$/);
        await h.emulator.webhooks.idle();
        return { chargeId, back: null };
      }
      const back = await h.returnFrom(domain, h.emulator.approveCharge(chargeId).redirectUrl);
      await h.emulator.webhooks.idle();
      return { chargeId, back };
    }

    async function invariantsHold(domain: string) {
      expect(await checkInvariants(h.db, (await h.shopRow(domain)).id)).toEqual([]);
    }

    test("a new shop starts on Free with 10 credits", async () => {
      const store = await installedStore();
      expect(await open(store)).toMatchObject({ plan: { key: "free" }, balance: { available: 10 } });
    });

    test("upgrading: approve on Shopify's page, come back, and the plan and credits apply at once", async () => {
      const store = await installedStore();
      const { chargeId, back } = await charge(store, { intent: "subscribe", plan: "starter" }, "approve");
      expect(h.emulator.charge(chargeId)).toMatchObject({ status: "ACTIVE", test: false });
      expect(back?.status).toBe(302);
      expect(back?.headers.get("location")).toMatch(/\/app\/billing\?.*approved/);
      const shop = await h.shopRow(store);
      expect(shop).toMatchObject({ planKey: "starter" });
      expect(shop.subscriptions).toMatchObject([{ status: "ACTIVE", planKey: "starter", test: false }]);
      expect(await available(store)).toBe(100);

      // Upgrading again mid-cycle tops the allowance up, less what was used.
      await reserveCredits(h.db, {
        shopId: shop.id,
        idempotencyKey: "d1",
        actions: ["draft.generate"],
        actor: "user:1",
      });
      await charge(store, { intent: "subscribe", plan: "growth" }, "approve");
      expect(await available(store)).toBe(400 - 2);
      const subscriptions = (await h.shopRow(store)).subscriptions;
      expect(subscriptions.map((s) => [s.planKey, s.status]).sort()).toEqual([
        ["growth", "ACTIVE"],
        ["starter", "CANCELLED"],
      ]);
      await invariantsHold(store);
    });

    test("bad billing requests get a clear 400 and change nothing", async () => {
      const store = await installedStore();
      const requests: Record<string, string>[] = [
        { intent: "refund" },
        { intent: "subscribe", plan: "platinum" },
        { intent: "buy-top-up", pack: "pack-1" },
        { intent: "subscribe", plan: "free" },
        { intent: "cancel" },
      ];
      for (const fields of requests) {
        const response = await h.submitBilling(store, fields);
        expect(response.status, JSON.stringify(fields)).toBe(400);
        expect(await h.actionResult(response)).toMatchObject({ data: { error: expect.any(String) } });
      }
      expect(h.emulator.shop(store).charges()).toEqual([]);
      expect(await open(store)).toMatchObject({ plan: { key: "free" }, balance: { available: 10 } });
    });

    test("declining on Shopify's page changes nothing; the webhook records DECLINED with no visit back", async () => {
      const store = await installedStore();
      await charge(store, { intent: "subscribe", plan: "pro" }, "decline");
      expect(await open(store)).toMatchObject({ plan: { key: "free" }, balance: { available: 10 } });
      expect((await h.shopRow(store)).subscriptions).toMatchObject([{ status: "DECLINED" }]);
    });

    // The next cycle of a downgrade, under each answer Shopify may give meanwhile: billing-downgrade-scenarios.ts.
    test("a downgrade waits for the next billing cycle, and the page says so", async () => {
      const store = await installedStore();
      await charge(store, { intent: "subscribe", plan: "growth" }, "approve");
      const { back } = await charge(store, { intent: "subscribe", plan: "starter" }, "approve");
      expect(back?.headers.get("location")).toMatch(/notice=plan-scheduled&plan=starter/);
      const page = await open(store);
      expect(page).toMatchObject({
        plan: { key: "growth" },
        nextPlan: { key: "starter" },
        balance: { available: 400 },
      });
      // Shopify reports it PENDING until then (the emulator's default answer), and the app holds it so.
      expect((await h.shopRow(store)).subscriptions.map((s) => [s.planKey, s.status]).sort()).toEqual([
        ["growth", "ACTIVE"],
        ["starter", "PENDING"],
      ]);
    });

    test("cancelling keeps this cycle's credits and returns the shop to Free at the next cycle", async () => {
      const store = await installedStore();
      await charge(store, { intent: "subscribe", plan: "starter" }, "approve");
      const cancelled = await h.submitBilling(store, { intent: "cancel" });
      expect(cancelled.status).toBe(200);
      expect(await h.actionResult(cancelled)).toMatchObject({ data: { notice: expect.any(String) } });
      await h.emulator.webhooks.idle();
      expect(h.emulator.shop(store).activeSubscription()).toBeFalsy();
      expect(await open(store)).toMatchObject({
        plan: { key: "starter" },
        nextPlan: { key: "free" },
        balance: { available: 100 },
      });
    });

    test("a FROZEN subscription pauses the paid plan from the next cycle and comes back when ACTIVE", async () => {
      const store = await installedStore();
      const { chargeId } = await charge(store, { intent: "subscribe", plan: "pro" }, "approve");
      h.emulator.freezeSubscription(chargeId);
      await h.emulator.webhooks.idle();
      expect(await open(store)).toMatchObject({
        subscription: { status: "FROZEN" },
        nextPlan: { key: "free" },
      });
      h.emulator.unfreezeSubscription(chargeId);
      await h.emulator.webhooks.idle();
      expect(await open(store)).toMatchObject({
        subscription: { status: "ACTIVE" },
        nextPlan: { key: "pro" },
      });
    });

    test("a top-up whose payment fails stays PENDING: nothing granted, shown as pending, granted once paid", async () => {
      const store = await installedStore();
      h.emulator.failPayments(store);
      const { chargeId, back } = await charge(store, { intent: "buy-top-up", pack: "pack-100" }, "approve");
      expect(h.emulator.charge(chargeId).status).toBe("PENDING");
      expect(back?.headers.get("location")).toMatch(/notice=top-up-pending&pack=pack-100/);
      const banner = await h.loaderData<{ notice: { tone: string; toast: boolean } | null }>(
        store,
        `/app/billing?${new URL(back!.headers.get("location")!, "http://x").searchParams}`,
        BILLING_PAGE,
      );
      expect(banner.notice).toMatchObject({ tone: "warning", toast: false });
      expect(await available(store)).toBe(10);

      h.emulator.failPayments(store, false);
      const again = await h.returnFrom(store, h.emulator.approveCharge(chargeId).redirectUrl);
      expect(again.headers.get("location")).toMatch(/notice=top-up-added/);
      await h.emulator.webhooks.idle();
      expect(await available(store)).toBe(110);
    });

    test("a top-up is granted once on approval; declined and expired ones grant nothing", async () => {
      const store = await installedStore();
      const { back } = await charge(store, { intent: "buy-top-up", pack: "pack-100" }, "approve");
      expect(back?.headers.get("location")).toMatch(/added/);
      await charge(store, { intent: "buy-top-up", pack: "pack-500" }, "decline");
      await charge(store, { intent: "buy-top-up", pack: "pack-25" }, "none");
      h.emulator.advanceTime(3 * DAY); // the unanswered charge expires, and Shopify says so by webhook
      await h.emulator.webhooks.idle();
      const shop = await h.shopRow(store);
      expect(await h.db.creditGrant.findMany({ where: { shopId: shop.id, kind: "top_up" } })).toMatchObject([
        { amount: 100, test: false },
      ]);
      expect(await available(store)).toBe(110);
      await invariantsHold(store);
    });

    test("the return visit and the webhook racing for the same purchase grant once, 50 rounds", async () => {
      const store = await installedStore();
      h.emulator.webhooks.mode = "hold";
      try {
        for (let round = 0; round < 50; round++) {
          const chargeId = h.chargeIdFrom(
            await h.submitBilling(store, { intent: "buy-top-up", pack: "pack-25" }),
          );
          const { redirectUrl } = h.emulator.approveCharge(chargeId);
          await Promise.all([h.returnFrom(store, redirectUrl), h.emulator.webhooks.release()]);
        }
      } finally {
        h.emulator.webhooks.mode = "auto";
      }
      const shop = await h.shopRow(store);
      const grants = await h.db.creditGrant.findMany({ where: { shopId: shop.id, kind: "top_up" } });
      expect(grants).toHaveLength(50);
      expect(new Set(grants.map((g) => g.sourceKey)).size).toBe(50);
      expect(await available(store)).toBe(10 + 50 * 25);
      await invariantsHold(store);
    });

    test("replayed (x3) and reordered webhooks never grant twice nor move a plan back", async () => {
      const store = await installedStore();
      h.emulator.webhooks.mode = "hold";
      try {
        await charge(store, { intent: "subscribe", plan: "starter" }, "none").then(({ chargeId }) =>
          h.emulator.approveCharge(chargeId),
        );
        await charge(store, { intent: "buy-top-up", pack: "pack-100" }, "none").then(({ chargeId }) =>
          h.emulator.approveCharge(chargeId),
        );
        const held = h.emulator.webhooks.held();
        h.emulator.webhooks.reverse();
        await h.emulator.webhooks.release();
        for (const webhook of held)
          for (let i = 0; i < 3; i++) await h.emulator.webhooks.redeliver(webhook.webhookId);
        const statuses = h.emulator.webhooks.deliveries({ shop: store }).map((d) => d.status);
        expect(statuses.every((status) => status === 200)).toBe(true);
        expect(statuses.length).toBe(held.length * 4);
      } finally {
        h.emulator.webhooks.mode = "auto";
      }
      const shop = await h.shopRow(store);
      expect(shop).toMatchObject({ planKey: "starter" });
      expect(
        await h.db.creditGrant.count({ where: { shopId: shop.id, kind: { in: ["top_up", "upgrade"] } } }),
      ).toBe(2);
      expect(await available(store)).toBe(100 + 100);
      await invariantsHold(store);
    });

    test("a webhook with a forged signature is refused with 401 and changes nothing", async () => {
      const store = await installedStore();
      h.emulator.webhooks.mode = "hold";
      try {
        const { chargeId } = await charge(store, { intent: "buy-top-up", pack: "pack-500" }, "none");
        h.emulator.approveCharge(chargeId);
        const [webhook] = h.emulator.webhooks.held();
        const attempt = await h.emulator.webhooks.forge(webhook!.webhookId);
        expect(attempt.status).toBe(401);
        h.emulator.webhooks.drop(webhook!.webhookId);
      } finally {
        h.emulator.webhooks.mode = "auto";
      }
      expect(await available(store)).toBe(10);
      expect(await h.db.webhookDelivery.count({ where: { shop: store } })).toBe(0);
    });

    test("another shop's charge id answers 404 and grants nothing", async () => {
      const alice = await installedStore();
      const bob = await installedStore();
      const { chargeId } = await charge(alice, { intent: "buy-top-up", pack: "pack-500" }, "none");
      const { redirectUrl } = h.emulator.approveCharge(chargeId);
      const stolen = await h.returnFrom(bob, redirectUrl);
      expect(stolen.status).toBe(404);
      expect(await available(bob)).toBe(10);
      await h.emulator.webhooks.idle();
      expect(await available(alice)).toBe(510);
    });

    test("uninstall releases work in flight and ends the plan; reinstall asks for approval again; shop/redact erases the shop", async () => {
      const store = await installedStore();
      await charge(store, { intent: "subscribe", plan: "starter" }, "approve");
      const shop = await h.shopRow(store);
      await reserveCredits(h.db, {
        shopId: shop.id,
        idempotencyKey: "in-flight",
        actions: ["draft.generate"],
        actor: "user:1",
      });

      h.emulator.uninstallApp(store);
      await h.emulator.webhooks.idle();
      expect(await h.db.session.count({ where: { shop: store } })).toBe(0);
      expect(await h.db.reservation.findFirst({ where: { shopId: shop.id } })).toMatchObject({
        status: "released",
      });
      expect((await h.shopRow(store)).subscriptions).toMatchObject([{ status: "CANCELLED" }]);

      const again = await open(store); // reinstall: token exchange, afterAuth
      expect(again).toMatchObject({
        subscription: null,
        nextPlan: { key: "free" },
        balance: { available: 100 },
      });
      expect((await h.shopRow(store)).uninstalledAt).toBeNull();

      h.emulator.redactShop(store);
      await h.emulator.webhooks.idle();
      expect(await h.db.shop.count({ where: { domain: store } })).toBe(0);
      expect(await h.db.ledgerEntry.count({ where: { shopId: shop.id } })).toBe(0);
    });

    test("an App Store reviewer's staff store makes test charges whatever the app asks: no approval loop, grants marked test", async () => {
      const store = await installedStore({ staffReview: true });
      const { chargeId, back } = await charge(store, { intent: "subscribe", plan: "growth" }, "approve");
      expect(h.emulator.charge(chargeId)).toMatchObject({ test: true, status: "ACTIVE" });
      expect(back?.headers.get("location")).toMatch(/notice=plan-approved/);
      const { response, results } = await h.navigate(store, "/app/billing");
      expect(response.status).toBe(200);
      expect((results[BILLING_PAGE] as { data: BillingPage }).data).toMatchObject({
        plan: { key: "growth" },
        subscription: { status: "ACTIVE", test: true },
      });
      const top = await charge(store, { intent: "buy-top-up", pack: "pack-25" }, "approve");
      expect(h.emulator.charge(top.chargeId)).toMatchObject({ test: true, status: "ACTIVE" });
      const grants = await h.db.creditGrant.findMany({
        where: { shopId: (await h.shopRow(store)).id, kind: { in: ["upgrade", "top_up"] } },
      });
      expect(grants.map((g) => [g.kind, g.test]).sort()).toEqual([
        ["top_up", true],
        ["upgrade", true],
      ]);
    });

    test("an App Store reviewer's development store gets test charges and no approval loop", async () => {
      const store = await installedStore({ development: true });
      const { chargeId } = await charge(store, { intent: "subscribe", plan: "growth" }, "approve");
      expect(h.emulator.charge(chargeId)).toMatchObject({ test: true, status: "ACTIVE" });
      // Coming back to the app shows the plan; nothing sends the reviewer to approve again.
      const { response, results } = await h.navigate(store, "/app/billing");
      expect(response.status).toBe(200);
      expect(results[BILLING_PAGE]).toMatchObject({ data: expect.anything() });
      expect((results[BILLING_PAGE] as { data: BillingPage }).data).toMatchObject({
        plan: { key: "growth" },
        subscription: { status: "ACTIVE", test: true },
      });
      const grants = await h.db.creditGrant.findMany({
        where: { shopId: (await h.shopRow(store)).id, kind: "upgrade" },
      });
      expect(grants).toMatchObject([{ test: true }]);
    });
  });
}
