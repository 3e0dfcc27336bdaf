// Downgrades end to end, under each answer Shopify is reported to give for a subscription approved with
// APPLY_ON_NEXT_BILLING_CYCLE before the next cycle (undocumented: ACCEPTED is deprecated since 2021-01):
// PENDING until the cycle, the old one CANCELLED and the new one ACTIVE at once, or ACCEPTED. The app reads
// Shopify's billing back at the cycle boundary (the reconcile, due as soon as the cycle ends) and grants the
// next cycle from that read, never from what it last heard. Run once per engine
// (billing-downgrade.<engine>.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureCurrentCycle } from "../../app/billing/cycle.server";
import { claimBillingCheck, reconcileBilling } from "../../app/billing/reconcile.server";
import type { Engine } from "../../app/db/connect.server";
import { getBalance } from "../../app/ledger/balance.server";
import { checkInvariants } from "../../app/ledger/check-invariants.server";
import { DEFERRED_APPROVALS, type DeferredApproval } from "../../tools/shopify-emulator/state";
import { startAppHarness, type AppHarness } from "../app-harness";

const BILLING_PAGE = "routes/app.billing._index";
const MINUTE = 60_000;

interface BillingPage {
  plan: { key: string };
  nextPlan: { key: string };
  subscription: { status: string; test: boolean } | null;
  balance: { available: number };
}

export function billingDowngradeScenarios(engine: Engine) {
  describe(`downgrades on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());

    const installedStore = (deferredApproval: DeferredApproval) =>
      h.installStore("down", { deferredApproval });

    const open = (domain: string) => h.loaderData<BillingPage>(domain, "/app/billing", BILLING_PAGE);

    /** Asks for a plan on the Billing page and approves it; `lost` loses the return visit and the webhooks. */
    async function subscribe(domain: string, plan: string, { lost = false } = {}) {
      if (lost) h.emulator.webhooks.mode = "hold";
      try {
        const chargeId = h.chargeIdFrom(await h.submitBilling(domain, { intent: "subscribe", plan }));
        const { redirectUrl } = h.emulator.approveCharge(chargeId);
        if (lost) {
          for (const webhook of h.emulator.webhooks.held()) h.emulator.webhooks.drop(webhook.webhookId);
          return { chargeId, back: null };
        }
        const back = await h.returnFrom(domain, redirectUrl);
        await h.emulator.webhooks.idle();
        return { chargeId, back };
      } finally {
        h.emulator.webhooks.mode = "auto";
      }
    }

    /**
     * The cycle boundary: Shopify's clock passes the running subscription's period end (it switches to the
     * waiting plan, or renews), and the app, at its own cycle end, reads billing back as the reconcile does.
     */
    async function crossBoundary(domain: string, runningChargeId: string, { paid = true } = {}) {
      const running = h.emulator.charge(runningChargeId);
      const shopifyEnd = running.kind === "subscription" ? running.currentPeriodEnd : null;
      h.emulator.advanceTime((shopifyEnd as Date).getTime() - h.emulator.now().getTime() + MINUTE);
      await h.emulator.webhooks.idle();
      const shop = await h.shopRow(domain);
      const boundary = new Date((shop.cycleEnd as Date).getTime() + MINUTE);
      // No paid allowance from what the app last heard: the shop waits in its ended cycle (Free needs no read)...
      await ensureCurrentCycle(h.db, shop.id, boundary);
      expect((await getBalance(h.db, shop.id, boundary)).available).toBe(paid ? 0 : 10);
      // ...and its billing check is due at once, whenever it was last checked.
      expect(await claimBillingCheck(h.db, { ...shop, billingCheckedAt: new Date() }, boundary)).toBe(true);
      const { admin } = await h.offlineAdmin(domain);
      await reconcileBilling(h.db, shop.id, admin.graphql, boundary);
      return { shopId: shop.id, boundary };
    }

    describe.each(DEFERRED_APPROVALS)("when Shopify reports a deferred approval as %s", (variant) => {
      test("a downgrade waits for the next billing cycle, the page says so, and the next cycle carries it", async () => {
        const store = await installedStore(variant);
        const growth = await subscribe(store, "growth");
        const starter = await subscribe(store, "starter");
        expect(starter.back?.headers.get("location")).toMatch(/notice=plan-scheduled&plan=starter/);
        expect(await open(store)).toMatchObject({
          plan: { key: "growth" },
          nextPlan: { key: "starter" },
          balance: { available: 400 },
        });

        const { shopId, boundary } = await crossBoundary(store, growth.chargeId);
        expect((await getBalance(h.db, shopId, boundary)).available).toBe(100);
        expect(await h.shopRow(store)).toMatchObject({ planKey: "starter" });
        expect(h.emulator.shop(store).activeSubscription()?.name).toMatch(/starter/i);
        expect(await checkInvariants(h.db, shopId)).toEqual([]);
      });

      test("cancelling stops a downgrade approved for the next cycle too: the next cycle is Free", async () => {
        const store = await installedStore(variant);
        const growth = await subscribe(store, "growth");
        await subscribe(store, "starter");
        const cancelled = await h.submitBilling(store, { intent: "cancel" });
        expect(cancelled.status).toBe(200);
        await h.emulator.webhooks.idle();
        expect(
          h.emulator
            .shop(store)
            .subscriptions()
            .filter((s) => s.status !== "CANCELLED"),
        ).toEqual([]);
        expect(await open(store)).toMatchObject({ plan: { key: "growth" }, nextPlan: { key: "free" } });

        const { shopId, boundary } = await crossBoundary(store, growth.chargeId, { paid: false });
        expect(h.emulator.shop(store).activeSubscription()).toBeUndefined();
        expect((await getBalance(h.db, shopId, boundary)).available).toBe(10);
        expect(await h.shopRow(store)).toMatchObject({ planKey: "free" });
      });

      test("a downgrade whose return visit and webhooks were lost is granted from Shopify's answer at the boundary", async () => {
        const store = await installedStore(variant);
        const growth = await subscribe(store, "growth");
        await subscribe(store, "starter", { lost: true });
        const { shopId, boundary } = await crossBoundary(store, growth.chargeId);
        // Never Growth's 400 for a cycle Shopify bills as Starter.
        expect((await getBalance(h.db, shopId, boundary)).available).toBe(100);
        expect(await h.shopRow(store)).toMatchObject({ planKey: "starter" });
      });
    });

    test("a plan Shopify renews is granted again at the boundary read", async () => {
      const store = await installedStore("pending-until-cycle");
      const growth = await subscribe(store, "growth");
      const { shopId, boundary } = await crossBoundary(store, growth.chargeId);
      expect((await getBalance(h.db, shopId, boundary)).available).toBe(400);
      expect(await h.shopRow(store)).toMatchObject({ planKey: "growth" });
    });
  });
}
