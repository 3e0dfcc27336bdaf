// Shopify Flow end to end: the emulator invokes the app's "Generate blog draft" action as Flow does (the
// body signed with the app's secret, POSTed to the runtime URL's path), the app behind Remix's request
// handler (tests/app-harness.ts) runs the job with the offline writer and saves the article to the
// emulator's blog, and the Flow triggers it sends are read back from the emulator. Run once per engine
// (flow-action.<engine>.test.ts); every scenario ends with the ledger's invariants checked.
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { saveAlertSettings } from "../../app/alerts/low-balance.server";
import { DEFAULT_ALERT_SETTINGS } from "../../app/alerts/settings";
import type { Engine } from "../../app/db/connect.server";
import { checkInvariants } from "../../app/ledger/check-invariants.server";
import { getBalance } from "../../app/ledger/balance.server";
import { startAppHarness, type AppHarness } from "../app-harness";

const ACTION = "generate-blog-draft";
const PATH = "/flow/actions/generate-blog-draft";

export function flowActionScenarios(engine: Engine) {
  describe(`the Shopify Flow action and triggers on ${engine}`, () => {
    let h: AppHarness;
    const stores: string[] = [];
    beforeAll(async () => {
      h = await startAppHarness(engine, { env: { LOG_LEVEL: "warning" } });
    }, 120_000);
    afterAll(() => h?.close());
    afterEach(async () => {
      for (const store of stores.splice(0))
        expect(await checkInvariants(h.db, await shopId(store)), store).toEqual([]);
    });

    /** A store of the scenario's own, installed: Free, 10 credits. */
    async function newStore() {
      const store = await h.installStore("flow");
      stores.push(store);
      return store;
    }

    async function shopId(domain: string) {
      return (await h.db.shop.findUniqueOrThrow({ where: { domain } })).id;
    }

    /** Every row a Flow action may write for the shop, to show that a refused one wrote none. */
    async function spending(domain: string) {
      const where = { shopId: await shopId(domain) };
      const [balance, jobs, reservations, debits, drafts] = await Promise.all([
        getBalance(h.db, where.shopId),
        h.db.job.count({ where }),
        h.db.reservation.count({ where }),
        h.db.ledgerEntry.count({ where: { ...where, type: "debit" } }),
        h.db.draft.count({ where }),
      ]);
      return { available: balance.available, held: balance.held, jobs, reservations, debits, drafts };
    }

    /** Waits for the shop's Flow jobs to finish, as the app's queue runs them. */
    async function settled(domain: string, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const where = { shopId: await shopId(domain) };
      for (;;) {
        const open = await h.db.job.count({ where: { ...where, status: { in: ["queued", "running"] } } });
        if (!open) return h.db.job.findMany({ where, orderBy: { createdAt: "asc" } });
        if (Date.now() > deadline)
          throw new Error(`${domain}: ${open} jobs still open after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    /** The triggers arrive after the job's outcome is written: waits for `count` of them. */
    async function triggers(domain: string, handle: string, count: number) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const sent = h.emulator.shop(domain).flowTriggers(handle);
        if (sent.length >= count || Date.now() > deadline) return sent;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    /** A body of our own making, signed as Flow signs (or with another secret), POSTed to the route. */
    async function post(body: unknown, secret = process.env.SHOPIFY_API_SECRET!) {
      const raw = typeof body === "string" ? body : JSON.stringify(body);
      const response = await fetch(`${h.appUrl}${PATH}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(raw).digest("base64"),
        },
        body: raw,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    function flowBody(domain: string, properties: Record<string, unknown>, shopNumber?: number) {
      return {
        shop_id: String(shopNumber ?? h.emulator.shop(domain).record.id),
        shopify_domain: domain,
        action_run_id: randomUUID(),
        action_definition_id: "Generate blog draft",
        handle: ACTION,
        properties,
      };
    }

    test("a Flow action saves one hidden article for 2 credits by Shopify Flow; the same action run id again, even at once, is the same job: one draft, one debit", async () => {
      const store = await newStore();
      const properties = { topic: "Trail running in the rain", tone: "playful", keywords: "rain, trails" };
      const first = await h.emulator.invokeFlowAction(store, ACTION, properties);
      expect(first).toMatchObject({ status: 200, response: { jobId: expect.any(String), replayed: false } });
      // Flow retries with the same run id (a lost answer, a 5xx): twice at once here.
      const retries = await Promise.all(
        [1, 2].map(() =>
          h.emulator.invokeFlowAction(store, ACTION, properties, { actionRunId: first.actionRunId }),
        ),
      );
      for (const retry of retries)
        expect(retry).toMatchObject({
          status: 200,
          response: { jobId: (first.response as { jobId: string }).jobId, replayed: true },
        });
      const [job, ...others] = await settled(store);
      expect(others).toEqual([]);
      expect(job).toMatchObject({ kind: "automation.run", status: "succeeded", actor: "automation:flow" });

      const articles = h.emulator.shop(store).articles();
      expect(articles).toHaveLength(1);
      expect(articles[0]).toMatchObject({ isPublished: false, publishedAt: null });
      expect(await spending(store)).toEqual({
        available: 8,
        held: 0,
        jobs: 1,
        reservations: 1,
        debits: 1,
        drafts: 1,
      });
      const [debit] = await h.db.ledgerEntry.findMany({
        where: { shopId: await shopId(store), type: "debit" },
      });
      expect(debit).toMatchObject({ credits: -2, action: "automation.run", actor: "automation:flow" });

      // Once the article is in Shopify, "Blog draft ready" goes to Flow, naming it.
      const [ready, ...more] = await triggers(store, "blog-draft-ready", 1);
      expect(more).toEqual([]);
      const version = await h.db.draftVersion.findFirstOrThrow({ where: { draftId: job!.draftId! } });
      expect(ready!.payload).toEqual({
        "Draft title": version.title,
        "Article ID": `gid://shopify/Article/${articles[0]!.id}`,
        "Article admin URL": `https://admin.shopify.com/store/${store.split(".")[0]}/content/articles/${articles[0]!.id}`,
        "Automation name": "Shopify Flow",
        "Publish date": "",
      });
    });

    test("a forged signature is 401, a missing one too, and nothing is spent", async () => {
      const store = await newStore();
      const before = await spending(store);
      const forged = await h.emulator.invokeFlowAction(
        store,
        ACTION,
        { topic: "Rain gear" },
        { secret: "guess" },
      );
      expect(forged).toMatchObject({
        status: 401,
        response: { error: "The request is not signed by Shopify Flow" },
      });
      const unsigned = await fetch(`${h.appUrl}${PATH}`, {
        method: "POST",
        body: JSON.stringify(flowBody(store, { topic: "Rain gear" })),
      });
      expect(unsigned.status).toBe(401);
      expect(await spending(store)).toEqual(before);
      expect(h.emulator.shop(store).articles()).toEqual([]);
    });

    test("another shop's body, an unknown or uninstalled store, bad properties and a foreign blog are 4xx with the reason, and nothing is spent", async () => {
      const alice = await newStore();
      const bob = await newStore();
      const before = await spending(alice);
      const bobsNumber = h.emulator.shop(bob).record.id;
      // Signed, but Alice's domain with Bob's shop id: Shopify's read-back with Alice's token disagrees.
      expect(await post(flowBody(alice, { topic: "Rain gear" }, bobsNumber))).toEqual({
        status: 400,
        body: { error: "The body names another shop" },
      });
      expect((await post(flowBody(alice, { topic: "ab" }))).body).toMatchObject({
        error: "Give a topic of at least 3 characters",
        fieldErrors: { topic: "Give a topic of at least 3 characters" },
      });
      expect((await post(flowBody(alice, { topic: "Rain gear", length: "epic" }))).status).toBe(400);
      const bobsBlog = `gid://shopify/Blog/${h.emulator.shop(bob).record.blogs[0]!.id}`;
      expect(await post(flowBody(alice, { topic: "Rain gear", blog_id: bobsBlog }))).toMatchObject({
        status: 400,
        body: { fieldErrors: { blog_id: "Choose one of the store's blogs" } },
      });
      expect(
        (await post({ ...flowBody(alice, { topic: "Rain gear" }), handle: "other-action" })).status,
      ).toBe(400);
      expect((await post("not json")).status).toBe(400);
      expect(await spending(alice)).toEqual(before);

      // A store the emulator knows but that never installed the app, and one that uninstalled it.
      const stranger = `stranger-${randomUUID().slice(0, 8)}.myshopify.com`;
      h.emulator.addShop({ domain: stranger, partnerDevelopment: false });
      expect(await h.emulator.invokeFlowAction(stranger, ACTION, { topic: "Rain gear" })).toMatchObject({
        status: 404,
        response: { error: "This store has not installed the app" },
      });
      const gone = await h.installStore("flow-gone");
      h.emulator.uninstallApp(gone);
      await h.emulator.webhooks.idle();
      expect((await h.emulator.invokeFlowAction(gone, ACTION, { topic: "Rain gear" })).status).toBe(404);
      expect(await h.db.job.count({ where: { shopId: await shopId(gone) } })).toBe(0);
    });

    test("a balance short of the price and the polishing reserve is 402 (Flow fails the step, no retries) and leaves nothing", async () => {
      const store = await newStore();
      await saveAlertSettings(h.db, await shopId(store), { ...DEFAULT_ALERT_SETTINGS, polishingReserve: 9 });
      const before = await spending(store);
      const call = await h.emulator.invokeFlowAction(store, ACTION, { topic: "Rain gear" });
      expect(call).toMatchObject({
        status: 402,
        // The price (2) plus the reserve (9) must be there.
        response: { code: "insufficient_credits", required: 11, available: 10 },
      });
      expect(await spending(store)).toEqual(before);
    });

    test("spending below an alert threshold sends Credits running low to Flow once per threshold", async () => {
      const store = await newStore();
      // 10 credits, 2 per draft: the third leaves 4, below 50% of the allowance; the fourth 2, not yet 20%.
      for (let i = 0; i < 4; i++) {
        const call = await h.emulator.invokeFlowAction(store, ACTION, { topic: `Rain gear, part ${i + 1}` });
        expect(call.status).toBe(200);
        await settled(store);
      }
      expect((await spending(store)).available).toBe(2);
      const [low, ...more] = await triggers(store, "credits-running-low", 1);
      expect(more).toEqual([]);
      expect(low!.payload).toMatchObject({
        Threshold: 50,
        "Credits available": 4,
        "Monthly allowance": 10,
        "Plan name": "Free",
      });
      expect(await triggers(store, "blog-draft-ready", 4)).toHaveLength(4);
    });
  });
}
