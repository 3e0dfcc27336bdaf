// The "Plan and balance" tab end to end: what its loader shows after grants, a top-up and spends; plan
// changes only through their confirmations' intents; a scheduled downgrade or cancellation shown, undone,
// and the next cycle granted from the plan that stayed; notices that agree with the page. The app behind
// Remix's request handler (tests/app-harness.ts), the Shopify Admin emulator, a real database. Run once per
// engine (billing-page.<engine>.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { balanceCard } from "../../app/billing-page/balance.server";
import { ensureCurrentCycle } from "../../app/billing/cycle.server";
import { reconcileBilling } from "../../app/billing/reconcile.server";
import type { Engine } from "../../app/db/connect.server";
import { captureReservation } from "../../app/ledger/capture-reservation.server";
import { checkInvariants } from "../../app/ledger/check-invariants.server";
import { chargesAwaitingShopify } from "../../app/billing-page/top-up-purchases.server";
import { reserveCredits } from "../../app/ledger/reserve-credits.server";
import type { DeferredApproval } from "../../tools/shopify-emulator/state";
import { startAppHarness, type AppHarness } from "../app-harness";
import { webhookHeaders } from "../shopify-webhook";

const BILLING_PAGE = "routes/app.billing._index";
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Lot {
  label: string;
  amount: number;
  remaining: number;
  expiresAt: string | null;
}
interface Page {
  plan: { key: string };
  nextPlan: { key: string };
  status: string;
  cycleEnd: string | null;
  scheduled: { kind: string; plan: { key: string }; from: string; undo: string } | null;
  balance: {
    available: number;
    held: number;
    plan: { allowance: number; used: number; left: number; resetsAt: string | null };
    topUp: number;
    lots: Lot[];
  };
  plans: { key: string; change: string; pricePerCredit: number }[];
  topUpPacks: { key: string; pricePerCredit: number }[];
  recent: { label: string; credits: number; postedAfter: number }[];
  notice: { tone: string; text: string; toast: boolean } | null;
  charges: {
    pendingTopUps: {
      id: string;
      packKey: string;
      credits: number;
      test: boolean;
      approvalUrl: string | null;
    }[];
    declinedPlan: { key: string; name: string } | null;
  };
}

export function billingPageScenarios(engine: Engine) {
  describe(`the Plan and balance tab on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());

    const installedStore = (deferredApproval: DeferredApproval = "pending-until-cycle") =>
      h.installStore("page", { deferredApproval });
    const open = (domain: string, query = "") =>
      h.loaderData<Page>(domain, `/app/billing${query}`, BILLING_PAGE);

    /** A confirmation's request, approved on Shopify's page; the return visit's redirect. */
    async function approved(domain: string, fields: Record<string, string>) {
      const chargeId = h.chargeIdFrom(await h.submitBilling(domain, fields));
      const back = await h.returnFrom(domain, h.emulator.approveCharge(chargeId).redirectUrl);
      await h.emulator.webhooks.idle();
      expect(back.status).toBe(302);
      return { chargeId, location: new URL(back.headers.get("location")!, h.appUrl) };
    }

    /** Shopify's clock passes the running subscription's period end, and the app reads billing back then. */
    async function crossBoundary(domain: string, runningChargeId: string) {
      const running = h.emulator.charge(runningChargeId);
      const shopifyEnd = (running.kind === "subscription" ? running.currentPeriodEnd : null) as Date;
      h.emulator.advanceTime(shopifyEnd.getTime() - h.emulator.now().getTime() + MINUTE);
      await h.emulator.webhooks.idle();
      const shop = await h.shopRow(domain);
      const boundary = new Date((shop.cycleEnd as Date).getTime() + MINUTE);
      const { admin } = await h.offlineAdmin(domain);
      await reconcileBilling(h.db, shop.id, admin.graphql, boundary);
      await ensureCurrentCycle(h.db, shop.id, boundary);
      // The app's own clock does not move with the emulator's: the balance card is read at the boundary.
      const after = await h.shopRow(domain);
      return { shop: after, balance: await balanceCard(h.db, after, boundary) };
    }

    test("the balance splits plan credits (used of the allowance) from top-ups, holds apart, lots in spend order", async () => {
      const store = await installedStore();
      const fresh = await open(store);
      expect(fresh.balance).toMatchObject({
        available: 10,
        held: 0,
        plan: { allowance: 10, used: 0, left: 10 },
        topUp: 0,
      });
      expect(fresh.balance.lots.map((lot) => lot.label)).toEqual(["Monthly allowance — Free"]);

      await approved(store, { intent: "upgrade", plan: "starter" });
      await approved(store, { intent: "buy-top-up", pack: "pack-100" });
      const { id: shopId } = await h.shopRow(store);
      // Six drafts: 12 credits drawn from the allowance (Free's 10 first, then the upgrade's top), none
      // from the top-up; four captured, two still in progress.
      for (let i = 0; i < 6; i++)
        await reserveCredits(h.db, {
          shopId,
          idempotencyKey: `draft-${i}`,
          actions: ["draft.generate"],
          actor: "user:1",
        });
      for (let i = 0; i < 4; i++) await captureReservation(h.db, { shopId, idempotencyKey: `draft-${i}` });

      const page = await open(store);
      expect(page.balance).toMatchObject({
        available: 100 - 12 + 100,
        held: 4,
        plan: { allowance: 100, used: 12, left: 88, resetsAt: page.cycleEnd },
        topUp: 100,
      });
      expect(page.balance.plan.left + page.balance.topUp).toBe(page.balance.available);
      // The spent-out Free lot is gone; the upgrade's lot ends with the cycle, the top-up never.
      expect(page.balance.lots).toEqual([
        expect.objectContaining({
          label: "Upgrade to Starter",
          amount: 90,
          remaining: 88,
          expiresAt: page.cycleEnd,
        }),
        expect.objectContaining({
          label: "Top-up: 100 credits",
          amount: 100,
          remaining: 100,
          expiresAt: null,
        }),
      ]);
      // The five newest ledger entries, named by their source: four debits and the top-up.
      expect(page.recent.map((entry) => [entry.label, entry.credits])).toEqual([
        ["Draft generated", -2],
        ["Draft generated", -2],
        ["Draft generated", -2],
        ["Draft generated", -2],
        ["Top-up: 100 credits", 100],
      ]);
      expect(page.recent[0]?.postedAfter).toBe(192);
      // Price per credit, plans beside packs.
      expect(page.plans.find((plan) => plan.key === "starter")).toMatchObject({
        change: "same",
        pricePerCredit: 0.1,
      });
      expect(page.topUpPacks.find((pack) => pack.key === "pack-100")?.pricePerCredit).toBe(0.15);
      expect(await checkInvariants(h.db, shopId)).toEqual([]);
    });

    test("plan changes go through their confirmation's intent: a bare subscribe to Free and a wrong direction are refused", async () => {
      const store = await installedStore();
      await approved(store, { intent: "upgrade", plan: "growth" });
      const refused: [Record<string, string>, RegExp][] = [
        [{ intent: "subscribe", plan: "free" }, /cancel your plan/],
        [{ intent: "upgrade", plan: "free" }, /cancel your plan/],
        [{ intent: "upgrade", plan: "starter" }, /Starter is a downgrade from Growth, not an upgrade/],
        [{ intent: "downgrade", plan: "pro" }, /Pro is an upgrade from Growth, not a downgrade/],
        [{ intent: "upgrade", plan: "growth" }, /already on Growth/],
        [{ intent: "downgrade", plan: "platinum" }, /No such plan/],
        [{ intent: "downgrade" }, /Unknown billing request/],
        [{ intent: "undo-scheduled" }, /No plan change is scheduled/],
      ];
      const charges = h.emulator.shop(store).charges().length;
      for (const [fields, message] of refused) {
        const response = await h.submitBilling(store, fields);
        expect(response.status, JSON.stringify(fields)).toBe(400);
        expect(await h.actionResult(response)).toMatchObject({
          data: { error: expect.stringMatching(message) },
        });
      }
      expect(h.emulator.shop(store).charges()).toHaveLength(charges);
      expect(await open(store)).toMatchObject({ plan: { key: "growth" }, status: "active", scheduled: null });

      // The Free card's confirmation is the cancel: it says until when this cycle's credits stay.
      const cancelled = await h.submitBilling(store, { intent: "downgrade", plan: "free" });
      expect(cancelled.status).toBe(200);
      expect(await h.actionResult(cancelled)).toMatchObject({
        data: {
          notice: expect.stringMatching(/^Growth is cancelled\. You keep this cycle's credits until /),
        },
      });
      await h.emulator.webhooks.idle();
      const page = await open(store);
      expect(page).toMatchObject({
        plan: { key: "growth" },
        status: "cancelled",
        scheduled: { kind: "cancel", plan: { key: "free" }, from: page.cycleEnd, undo: "approve-again" },
        balance: { available: 400 },
      });
    });

    for (const variant of ["pending-until-cycle", "accepted"] as const) {
      test(`a scheduled downgrade (${variant}) shows as scheduled, is undone on Shopify, and the next cycle carries the plan that stayed`, async () => {
        const store = await installedStore(variant);
        const growth = await approved(store, { intent: "upgrade", plan: "growth" });
        const starter = await approved(store, { intent: "downgrade", plan: "starter" });
        expect(starter.location.searchParams.get("notice")).toBe("plan-scheduled");

        const scheduled = await open(store, starter.location.search);
        expect(scheduled).toMatchObject({
          plan: { key: "growth" },
          nextPlan: { key: "starter" },
          scheduled: { kind: "downgrade", plan: { key: "starter" }, undo: "cancel-waiting" },
          notice: { tone: "success", text: expect.stringMatching(/^Starter starts on \w{3} \d+, \d{4}\.$/) },
        });
        expect(scheduled.scheduled?.from).toBe(scheduled.cycleEnd);
        // Growth's card stays "Current plan"; Starter's says when it starts, neither asks again.
        const again = await h.submitBilling(store, { intent: "downgrade", plan: "starter" });
        expect(again.status).toBe(400);
        expect(await h.actionResult(again)).toMatchObject({ data: { error: /already scheduled/ } });

        const undone = await h.submitBilling(store, { intent: "undo-scheduled" });
        expect(undone.status).toBe(200);
        expect(await h.actionResult(undone)).toMatchObject({
          data: { notice: "You stay on Growth: the change to Starter is undone." },
        });
        await h.emulator.webhooks.idle();
        expect(h.emulator.charge(starter.chargeId)).toMatchObject({ status: "CANCELLED" });
        expect(h.emulator.charge(growth.chargeId)).toMatchObject({ status: "ACTIVE" });
        // The old link's "Starter starts on" no longer agrees with the page: no notice.
        const after = await open(store, starter.location.search);
        expect(after).toMatchObject({ nextPlan: { key: "growth" }, scheduled: null, notice: null });

        const { shop, balance } = await crossBoundary(store, growth.chargeId);
        expect(shop.planKey).toBe("growth");
        expect(balance.plan).toMatchObject({ allowance: 400, used: 0 });
        expect(balance.lots.map((lot) => lot.label)).toEqual(["Monthly allowance — Growth"]);
        expect(await checkInvariants(h.db, shop.id)).toEqual([]);
      });
    }

    test("a downgrade Shopify switched at once is undone by approving the plan again, and the cycle keeps it", async () => {
      const store = await installedStore("cancel-old-activate-new-at-once");
      await approved(store, { intent: "upgrade", plan: "growth" });
      await approved(store, { intent: "downgrade", plan: "starter" });
      expect(await open(store)).toMatchObject({
        plan: { key: "growth" },
        scheduled: { kind: "downgrade", plan: { key: "starter" }, undo: "approve-again" },
      });
      const { location } = await approved(store, { intent: "undo-scheduled" });
      expect(Object.fromEntries(location.searchParams)).toMatchObject({
        notice: "plan-approved",
        plan: "growth",
      });
      const page = await open(store, location.search);
      expect(page).toMatchObject({
        plan: { key: "growth" },
        nextPlan: { key: "growth" },
        scheduled: null,
        notice: { text: "Growth plan approved.", toast: true },
      });
      expect(h.emulator.shop(store).activeSubscription()?.name).toBe("Growth");
    });

    test("a cancellation is undone by approving the plan again: the plan stays and no credits are added", async () => {
      const store = await installedStore();
      await approved(store, { intent: "upgrade", plan: "starter" });
      await h.submitBilling(store, { intent: "cancel" });
      await h.emulator.webhooks.idle();
      const { chargeId, location } = await approved(store, { intent: "undo-scheduled" });
      expect(location.searchParams.get("notice")).toBe("plan-approved");
      expect(await open(store)).toMatchObject({
        plan: { key: "starter" },
        status: "active",
        scheduled: null,
        balance: { available: 100 },
      });
      const { shop, balance } = await crossBoundary(store, chargeId);
      expect(shop.planKey).toBe("starter");
      expect(balance.plan).toMatchObject({ allowance: 100, used: 0 });
    });

    /** Buy's answer: the 401 naming Shopify's confirmation page, its charge id and the purchase's gid. */
    async function pendingTopUp(domain: string, pack: string) {
      const response = await h.submitBilling(domain, { intent: "buy-top-up", pack });
      const chargeId = h.chargeIdFrom(response);
      return {
        chargeId,
        gid: `gid://shopify/AppPurchaseOneTime/${chargeId}`,
        confirmationUrl: response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url"),
      };
    }
    const topUpGrants = async (domain: string) =>
      h.db.creditGrant.findMany({ where: { shop: { domain }, kind: "top_up" } });

    test("a top-up Shopify has not confirmed shows as pending with its approval page; the webhook's ACTIVE grants it once and it is pending no more", async () => {
      const store = await installedStore();
      const bought = await pendingTopUp(store, "pack-100");
      const pending = await open(store);
      expect(pending.charges.pendingTopUps).toEqual([
        {
          id: bought.gid,
          packKey: "pack-100",
          credits: 100,
          test: false,
          approvalUrl: bought.confirmationUrl,
          createdAt: expect.any(String),
        },
      ]);
      expect(pending.balance).toMatchObject({ available: 10, topUp: 0 });

      // Approved on Shopify's page; only the webhook reaches the app (no return visit yet).
      const { redirectUrl } = h.emulator.approveCharge(bought.chargeId);
      await h.emulator.webhooks.idle();
      const [webhook] = h.emulator.webhooks.deliveries({
        shop: store,
        topic: "app_purchases_one_time/update",
      });
      expect(webhook?.status).toBe(200);
      const granted = await open(store);
      expect(granted.charges.pendingTopUps).toEqual([]);
      expect(granted.balance).toMatchObject({ available: 110, topUp: 100 });

      // Shopify's retry, a duplicate and the late return visit grant nothing more.
      await h.emulator.webhooks.redeliver(webhook!.webhookId);
      h.emulator.webhooks.duplicate(webhook!.webhookId);
      await h.emulator.webhooks.idle();
      const back = await h.returnFrom(store, redirectUrl);
      expect(new URL(back.headers.get("location")!, h.appUrl).searchParams.get("notice")).toBe(
        "top-up-added",
      );
      expect(await topUpGrants(store)).toMatchObject([{ amount: 100, sourceKey: `purchase:${bought.gid}` }]);
      expect(await open(store)).toMatchObject({
        charges: { pendingTopUps: [] },
        balance: { available: 110 },
      });
      expect(await h.db.topUpPurchase.findUnique({ where: { id: bought.gid } })).toMatchObject({
        status: "ACTIVE",
      });
    });

    test("a declined top-up drops off, and one nobody answered drops off when Shopify expires it, or two days on if its webhook was lost", async () => {
      const store = await installedStore();
      const declined = await pendingTopUp(store, "pack-25");
      const unanswered = await pendingTopUp(store, "pack-500");
      expect((await open(store)).charges.pendingTopUps.map((p) => p.packKey)).toEqual([
        "pack-25",
        "pack-500",
      ]);

      h.emulator.declineCharge(declined.chargeId);
      await h.emulator.webhooks.idle();
      expect((await open(store)).charges.pendingTopUps.map((p) => p.packKey)).toEqual(["pack-500"]);

      // Shopify expires the unanswered one after two days; its webhook is lost.
      h.emulator.webhooks.mode = "hold";
      try {
        expect(h.emulator.advanceTime(3 * DAY).expired.map((c) => c.id)).toEqual([
          Number(unanswered.chargeId),
        ]);
        for (const held of h.emulator.webhooks.held()) h.emulator.webhooks.drop(held.webhookId);
      } finally {
        h.emulator.webhooks.mode = "auto";
      }
      const { id: shopId } = await h.shopRow(store);
      const now = new Date();
      expect((await chargesAwaitingShopify(h.db, shopId, now)).pendingTopUps).toHaveLength(1);
      expect(
        (await chargesAwaitingShopify(h.db, shopId, new Date(now.getTime() + 2 * DAY + MINUTE)))
          .pendingTopUps,
      ).toEqual([]);

      // A read-back that sees it EXPIRED (here the retried webhook) settles the row for good.
      const third = await pendingTopUp(store, "pack-100");
      h.emulator.advanceTime(3 * DAY);
      await h.emulator.webhooks.idle();
      expect(await h.db.topUpPurchase.findUnique({ where: { id: third.gid } })).toMatchObject({
        status: "EXPIRED",
      });
      expect(await h.db.topUpPurchase.findUnique({ where: { id: declined.gid } })).toMatchObject({
        status: "DECLINED",
      });
      expect((await open(store)).charges.pendingTopUps.map((p) => p.packKey)).toEqual(["pack-500"]);
      expect(await topUpGrants(store)).toEqual([]);
    });

    test("another shop's purchase id, by webhook or return visit, changes nothing for either shop", async () => {
      const alice = await installedStore();
      const bob = await installedStore();
      const bought = await pendingTopUp(alice, "pack-500");
      // Approved on Shopify, and its genuine webhook held back: only the forged one reaches the app.
      h.emulator.webhooks.mode = "hold";
      h.emulator.approveCharge(bought.chargeId);
      // Signed, and bound to bob's shop as the body says, but naming alice's purchase.
      const raw = JSON.stringify({
        app_purchase_one_time: {
          admin_graphql_api_id: bought.gid,
          admin_graphql_api_shop_id: `gid://shopify/Shop/${h.emulator.shop(bob).record.id}`,
          name: "Top-up: 500 credits",
          status: "ACTIVE",
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        },
      });
      try {
        const forged = await fetch(`${h.appUrl}/webhooks/app_purchases_one_time/update`, {
          method: "POST",
          headers: webhookHeaders({ topic: "app_purchases_one_time/update", shop: bob, raw }),
          body: raw,
        });
        expect(forged.status).toBe(200);
        const back = await h.openDocument(
          bob,
          `/app/billing/return?kind=top-up&charge_id=${bought.chargeId}`,
        );
        expect(back.status).toBe(404);
        expect(await topUpGrants(alice)).toEqual([]);
        expect(await topUpGrants(bob)).toEqual([]);
        expect(await h.db.topUpPurchase.findMany({ where: { shop: { domain: bob } } })).toEqual([]);
        expect((await open(alice)).charges.pendingTopUps.map((p) => p.id)).toEqual([bought.gid]);
        expect((await open(bob)).charges.pendingTopUps).toEqual([]);
      } finally {
        for (const held of h.emulator.webhooks.held()) h.emulator.webhooks.drop(held.webhookId);
        h.emulator.webhooks.mode = "auto";
      }
    });

    test("a declined upgrade is named on the page, which shows the plan and credits as they were", async () => {
      const store = await installedStore();
      await approved(store, { intent: "upgrade", plan: "starter" });
      const before = await open(store);
      expect(before.charges.declinedPlan).toBeNull();
      const chargeId = h.chargeIdFrom(await h.submitBilling(store, { intent: "upgrade", plan: "growth" }));
      h.emulator.declineCharge(chargeId);
      await h.emulator.webhooks.idle();
      const after = await open(store);
      expect(after.charges.declinedPlan).toEqual({ key: "growth", name: "Growth" });
      expect(after).toMatchObject({ plan: { key: "starter" }, status: "active", balance: before.balance });
      // A day later the page no longer brings it up.
      const { id: shopId } = await h.shopRow(store);
      expect(
        (await chargesAwaitingShopify(h.db, shopId, new Date(Date.now() + DAY + MINUTE))).declinedPlan,
      ).toBeNull();
    });
  });
}
