// Lost webhooks and skipped return visits, end to end: the store owner approves a charge and closes the tab
// (no return visit) and Shopify's webhooks never arrive (dropped in the emulator, as after 8 failed
// retries). The app converges by reading billing back: on a due Billing page load (HTTP, through Remix's
// request handler) and in the background job, once however many instances race. Run once per engine
// (billing-reconcile.<engine>.test.ts).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import {
  claimBillingCheck,
  reconcileBilling,
  BILLING_CHECK_EVERY_MS,
} from "../../app/billing/reconcile.server";
import type { Engine } from "../../app/db/connect.server";
import { reconcileDueShops } from "../../app/jobs/billing-reconcile.server";
import { startSweeper } from "../../app/jobs/sweeper.server";
import { getBalance } from "../../app/ledger/balance.server";
import { checkInvariants } from "../../app/ledger/check-invariants.server";
import { startAppHarness, type AppHarness } from "../app-harness";

const BILLING_PAGE = "routes/app.billing._index";
const run = promisify(execFile);

interface BillingPage {
  plan: { key: string };
  subscription: { status: string; test: boolean } | null;
  balance: { available: number };
}

export function billingReconcileScenarios(engine: Engine) {
  describe(`billing reconcile on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());
    afterEach(() => {
      vi.restoreAllMocks();
    });

    const installedStore = () => h.installStore("lost");

    /** Asks for a charge, approves it on Shopify's page, and loses both the return visit and the webhooks. */
    async function lostCharge(store: string, fields: Record<string, string>) {
      h.emulator.webhooks.mode = "hold";
      try {
        const chargeId = h.chargeIdFrom(await h.submitBilling(store, fields));
        h.emulator.approveCharge(chargeId);
        for (const webhook of h.emulator.webhooks.held()) h.emulator.webhooks.drop(webhook.webhookId);
        return chargeId;
      } finally {
        h.emulator.webhooks.mode = "auto";
      }
    }

    /** Time passes: the shop's last billing check is `ms` old (default: just past the throttle). */
    async function checkedAgo(store: string, ms = BILLING_CHECK_EVERY_MS + 60_000) {
      await h.db.shop.update({
        where: { domain: store },
        data: { billingCheckedAt: new Date(Date.now() - ms) },
      });
    }

    /**
     * Another app instance, in its own process (tests/billing-instance.ts), starting `mode` at `startAt`
     * (a shared start line, so it overlaps with what this process starts then).
     */
    async function secondInstance(
      store: string,
      mode: "claim" | "reconcile" | "job",
      startAt: number,
      count = 1,
    ) {
      const { stdout } = await run("node", [
        "--import",
        "tsx",
        "tests/billing-instance.ts",
        h.t.url,
        h.emulator.url,
        store,
        mode,
        String(count),
        String(startAt),
      ]);
      return JSON.parse(stdout) as Record<string, unknown>;
    }

    /** Waits for the shared start line. */
    const at = (startAt: number) => new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));

    const page = (store: string) => h.loaderData<BillingPage>(store, "/app/billing", BILLING_PAGE);

    async function topUpGrants(store: string) {
      const shop = await h.shopRow(store);
      return h.db.creditGrant.findMany({ where: { shopId: shop.id, kind: "top_up" } });
    }

    /** Admin GraphQL requests the app makes for `shop` while `work` runs. */
    async function graphqlCallsDuring(shop: string, work: () => Promise<unknown>) {
      const spy = vi.spyOn(h.emulator, "resolversFor");
      await work();
      const calls = spy.mock.calls.filter(([domain]) => domain === shop).length;
      spy.mockRestore();
      return calls;
    }

    test("a top-up whose webhook and return visit were lost is granted by the next due Billing page load, once", async () => {
      const store = await installedStore();
      await lostCharge(store, { intent: "buy-top-up", pack: "pack-100" });

      // Checked when the shop first opened the page, minutes ago: not due, Shopify is not asked.
      const calls = await graphqlCallsDuring(store, async () => {
        expect(await page(store)).toMatchObject({ balance: { available: 10 } });
      });
      expect(calls).toBe(0);

      await checkedAgo(store);
      expect(await page(store)).toMatchObject({ balance: { available: 110 } });
      await checkedAgo(store);
      expect(await page(store)).toMatchObject({ balance: { available: 110 } });
      expect(await topUpGrants(store)).toMatchObject([
        { amount: 100, sourceKey: expect.stringMatching(/^purchase:/) },
      ]);
      expect(await checkInvariants(h.db, (await h.shopRow(store)).id)).toEqual([]);
    });

    test("a plan approved with its webhook and return visit lost applies on the next due check", async () => {
      const store = await installedStore();
      await lostCharge(store, { intent: "subscribe", plan: "starter" });
      expect(await page(store)).toMatchObject({ plan: { key: "free" }, subscription: null });
      await checkedAgo(store);
      expect(await page(store)).toMatchObject({
        plan: { key: "starter" },
        subscription: { status: "ACTIVE", test: false },
        balance: { available: 100 },
      });
    });

    test("a subscription Shopify froze without a webhook reaching the app is read back and shows frozen", async () => {
      const store = await installedStore();
      const chargeId = h.chargeIdFrom(await h.submitBilling(store, { intent: "subscribe", plan: "growth" }));
      await h.returnFrom(store, h.emulator.approveCharge(chargeId).redirectUrl);
      await h.emulator.webhooks.idle();
      h.emulator.webhooks.mode = "hold";
      try {
        h.emulator.freezeSubscription(chargeId);
        for (const webhook of h.emulator.webhooks.held()) h.emulator.webhooks.drop(webhook.webhookId);
      } finally {
        h.emulator.webhooks.mode = "auto";
      }
      expect(await page(store)).toMatchObject({ subscription: { status: "ACTIVE" } });
      await checkedAgo(store);
      expect(await page(store)).toMatchObject({ subscription: { status: "FROZEN" } });
    });

    test("page loads and a second instance's job racing for one due check read Shopify once and grant once", async () => {
      const store = await installedStore();
      await lostCharge(store, { intent: "buy-top-up", pack: "pack-500" });
      await checkedAgo(store);
      const startAt = Date.now() + 2000;
      let job!: Record<string, unknown>;
      const calls = await graphqlCallsDuring(store, () =>
        Promise.all([
          secondInstance(store, "job", startAt).then((outcomes) => (job = outcomes)),
          at(startAt).then(() => Promise.all([page(store), page(store), page(store)])),
        ]),
      );
      expect(calls, JSON.stringify(job)).toBe(1);
      expect(await topUpGrants(store)).toHaveLength(1);
      expect(await page(store)).toMatchObject({ balance: { available: 510 } });
    });

    test("two unthrottled reconciles in two processes at once still grant once", async () => {
      const store = await installedStore();
      await lostCharge(store, { intent: "buy-top-up", pack: "pack-25" });
      await lostCharge(store, { intent: "buy-top-up", pack: "pack-100" });
      const shop = await h.shopRow(store);
      const { admin } = await h.offlineAdmin(store);
      const startAt = Date.now() + 2000;
      const [there, here] = await Promise.all([
        secondInstance(store, "reconcile", startAt),
        at(startAt).then(() => reconcileBilling(h.db, shop.id, admin.graphql)),
      ]);
      expect((there.topUps as number) + here.topUps).toBe(2);
      expect((await topUpGrants(store)).map((g) => g.amount).sort((a, b) => a - b)).toEqual([25, 100]);
      expect((await getBalance(h.db, shop.id)).available).toBe(10 + 25 + 100);
      expect(await checkInvariants(h.db, shop.id)).toEqual([]);
    });

    test("of twenty claims of one due check from two processes, one wins", async () => {
      const store = await installedStore();
      await checkedAgo(store);
      const shop = await h.shopRow(store);
      const startAt = Date.now() + 2000;
      const [there, here] = await Promise.all([
        secondInstance(store, "claim", startAt, 10),
        at(startAt).then(() => Promise.all(Array.from({ length: 10 }, () => claimBillingCheck(h.db, shop)))),
      ]);
      expect((there.won as number) + here.filter(Boolean).length).toBe(1);
    });

    test("a Shopify failure in the reconcile logs one line and the Billing page still shows; the next check converges", async () => {
      const store = await installedStore();
      await lostCharge(store, { intent: "buy-top-up", pack: "pack-100" });
      await checkedAgo(store);
      vi.spyOn(h.emulator, "resolversFor").mockImplementation(() => {
        throw new Error("Shopify is having a bad day");
      });
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      expect(await page(store)).toMatchObject({ balance: { available: 10 } });
      const lines = warn.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes(store));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^billing reconcile for \S+ failed: HTTP 500$/);
      vi.restoreAllMocks();

      await checkedAgo(store);
      expect(await page(store)).toMatchObject({ balance: { available: 110 } });
    });

    test("the background job reconciles installed shops whose check is due, a bounded number per tick", async () => {
      const [first, second, gone] = [await installedStore(), await installedStore(), await installedStore()];
      for (const store of [first, second, gone])
        await lostCharge(store, { intent: "buy-top-up", pack: "pack-25" });
      h.emulator.uninstallApp(gone);
      await h.emulator.webhooks.idle();
      // Longer unchecked than any other shop of this file: the job takes the oldest first.
      await checkedAgo(gone, 30 * 24 * 3600e3);
      await checkedAgo(first, 20 * 24 * 3600e3);
      await checkedAgo(second, 10 * 24 * 3600e3);

      const tick1 = await reconcileDueShops(h.db, h.offlineAdmin, { limit: 1 });
      expect(tick1).toEqual({ [first]: { checked: true, subscriptions: 0, topUps: 1 } });
      const tick2 = await reconcileDueShops(h.db, h.offlineAdmin, { limit: 1 });
      expect(tick2).toEqual({ [second]: { checked: true, subscriptions: 0, topUps: 1 } });
      const tick3 = await reconcileDueShops(h.db, h.offlineAdmin, { limit: 10 });
      expect(Object.keys(tick3)).not.toContain(gone);
      expect(Object.keys(tick3)).not.toContain(first);
      for (const store of [first, second]) expect(await topUpGrants(store)).toHaveLength(1);
      expect(await topUpGrants(gone)).toHaveLength(0);
    });

    test("the sweeper's tick runs the reconcile", async () => {
      const store = await installedStore();
      await lostCharge(store, { intent: "buy-top-up", pack: "pack-25" });
      await checkedAgo(store, 40 * 24 * 3600e3);
      // Replace the app's sweeper (started by entry.server.tsx) with one ticking fast.
      clearInterval(globalThis.sweeperTimer);
      globalThis.sweeperTimer = undefined;
      startSweeper(h.db, 20, h.offlineAdmin);
      try {
        await vi.waitFor(async () => expect(await topUpGrants(store)).toHaveLength(1), { timeout: 10_000 });
      } finally {
        clearInterval(globalThis.sweeperTimer);
        globalThis.sweeperTimer = undefined;
      }
    });
  });
}
