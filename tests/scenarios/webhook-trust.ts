// Webhooks an attacker can send: the HMAC covers only the body, so a genuine signed body can come back
// under another shop's X-Shopify-Shop-Domain, another topic's route or X-Shopify-Topic, or with a webhook
// id it should not take. Each must answer 4xx and leave both shops' rows exactly as they were; the genuine
// delivery must still work. And no webhook answers 5xx for bad input. Through HTTP, against the app's
// handlers and the Shopify Admin emulator; run once per engine (webhook-trust.<engine>.test.ts).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { startAppHarness, type AppHarness } from "../app-harness";
import { WEBHOOK_TOPICS, webhookHeaders } from "../shopify-webhook";

type Topic = (typeof WEBHOOK_TOPICS)[number];

interface Post {
  /** The route: /webhooks/<route>. */
  route: Topic;
  /** X-Shopify-Topic; the route's own unless a test forges it. */
  topic?: string;
  shop: string;
  body: unknown;
  webhookId?: string;
  secret?: string;
}

export function webhookTrustScenarios(engine: Engine) {
  describe(`webhook trust on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());

    /** A delivery as Shopify sends one: the raw body signed with the app's secret, headers unsigned. */
    async function post({ route, topic = route, shop, body, webhookId, secret }: Post) {
      const raw = typeof body === "string" ? body : JSON.stringify(body);
      const response = await fetch(`${h.appUrl}/webhooks/${route}`, {
        method: "POST",
        headers: webhookHeaders({ topic, shop, raw, secret, webhookId }),
        body: raw,
      });
      return { status: response.status, text: await response.text() };
    }

    const installedStore = () => h.installStore("store");

    const shopGid = (domain: string) => `gid://shopify/Shop/${h.emulator.shop(domain).record.id}`;

    /** Asks for a charge from the Billing page and approves it; webhooks are sent unless held. */
    async function approvedCharge(domain: string, fields: Record<string, string>) {
      const chargeId = h.chargeIdFrom(await h.submitBilling(domain, fields));
      const { redirectUrl } = h.emulator.approveCharge(chargeId);
      return { chargeId, redirectUrl };
    }

    /** What Shopify would send for `shop` on `topic`, captured from the emulator and not delivered. */
    async function genuine(shop: string, topic: Topic, act?: () => unknown) {
      h.emulator.webhooks.mode = "hold";
      try {
        if (act) await act();
        else h.emulator.deliverWebhook({ shop, topic });
        const webhook = h.emulator.webhooks.held().find((w) => w.shop === shop && w.topic === topic);
        if (!webhook) throw new Error(`no ${topic} webhook for ${shop}`);
        for (const held of h.emulator.webhooks.held()) h.emulator.webhooks.drop(held.webhookId);
        return { webhookId: webhook.webhookId, body: JSON.parse(webhook.body) as Record<string, unknown> };
      } finally {
        h.emulator.webhooks.mode = "auto";
      }
    }

    /** Every row the app holds for a shop. */
    async function rowsOf(domain: string) {
      return {
        shop: await h.db.shop.findUnique({
          where: { domain },
          include: { balance: true, subscriptions: true, grants: true, reservations: true, entries: true },
        }),
        sessions: await h.db.session.findMany({ where: { shop: domain }, orderBy: { id: "asc" } }),
        deliveries: await h.db.webhookDelivery.findMany({
          where: { shop: domain },
          orderBy: { webhookId: "asc" },
        }),
      };
    }

    /** Runs `attack` and checks it answered `status` and changed none of the shops' rows. */
    async function changesNothing(shops: string[], attack: () => Promise<{ status: number }>, status = 400) {
      const before = await Promise.all(shops.map(rowsOf));
      const answer = await attack();
      expect(answer.status).toBe(status);
      expect(await Promise.all(shops.map(rowsOf))).toEqual(before);
    }

    const delivery = (webhookId: string) => h.db.webhookDelivery.findUnique({ where: { webhookId } });

    describe("app_subscriptions/update", () => {
      test("a genuine body under another shop's domain is refused with 400; the genuine delivery still upgrades", async () => {
        const alice = await installedStore();
        const bob = await installedStore();
        const sent = await genuine(alice, "app_subscriptions/update", () =>
          approvedCharge(alice, { intent: "subscribe", plan: "pro" }),
        );
        const forged = { route: "app_subscriptions/update", shop: bob, body: sent.body } as const;

        // Under the genuine webhook's own id too: a forged header must not take it.
        await changesNothing([alice, bob], () => post({ ...forged, webhookId: sent.webhookId }));
        await changesNothing([alice, bob], () => post(forged));
        expect(await delivery(sent.webhookId)).toBeNull();

        expect((await post({ ...forged, shop: alice, webhookId: sent.webhookId })).status).toBe(200);
        expect(await h.shopRow(alice)).toMatchObject({ planKey: "pro" });
        expect(await h.shopRow(bob)).toMatchObject({ planKey: "free" });
        expect(await delivery(sent.webhookId)).toMatchObject({ outcome: "processed", shop: alice });
      });

      test("a subscription Shopify does not return is recorded as rejected and changes no plan or credits", async () => {
        const alice = await installedStore();
        const bob = await installedStore();
        const { chargeId } = await approvedCharge(bob, { intent: "subscribe", plan: "starter" });
        await h.emulator.webhooks.idle();
        const claim = (id: string) => ({
          app_subscription: {
            admin_graphql_api_id: id,
            name: "Pro",
            status: "ACTIVE",
            admin_graphql_api_shop_id: shopGid(alice),
            created_at: "2026-01-01T00:00:00+00:00",
            updated_at: "2030-01-01T00:00:00+00:00",
            currency: "USD",
            capped_amount: null,
          },
        });
        const before = await rowsOf(alice);
        for (const id of [
          "gid://shopify/AppSubscription/987654321",
          `gid://shopify/AppSubscription/${chargeId}`,
        ]) {
          const webhookId = randomUUID();
          const answer = await post({
            route: "app_subscriptions/update",
            shop: alice,
            body: claim(id),
            webhookId,
          });
          expect(answer.status).toBe(200);
          expect(await delivery(webhookId)).toMatchObject({
            outcome: "rejected",
            reason: "subscription not found on Shopify for this shop",
          });
        }
        const after = await rowsOf(alice);
        expect({ ...after, deliveries: [] }).toEqual({ ...before, deliveries: [] });
        expect(after.shop).toMatchObject({ planKey: "free", balance: { posted: 10 } });
        expect((await h.shopRow(bob)).subscriptions).toMatchObject([
          { planKey: "starter", status: "ACTIVE" },
        ]);
      });

      test("after uninstall (no token) a body claiming a plan is acknowledged and changes nothing", async () => {
        const carol = await installedStore();
        h.emulator.uninstallApp(carol);
        await h.emulator.webhooks.idle();
        const body = {
          app_subscription: {
            admin_graphql_api_id: "gid://shopify/AppSubscription/1",
            name: "Pro",
            status: "ACTIVE",
            admin_graphql_api_shop_id: shopGid(carol),
            updated_at: "2030-01-01T00:00:00+00:00",
          },
        };
        await changesNothing(
          [carol],
          () => post({ route: "app_subscriptions/update", shop: carol, body }),
          200,
        );
      });

      test("another topic's body, or another topic in X-Shopify-Topic, is refused with 400", async () => {
        const alice = await installedStore();
        const subscription = await genuine(alice, "app_subscriptions/update", () =>
          approvedCharge(alice, { intent: "subscribe", plan: "growth" }),
        );
        const purchase = await genuine(alice, "app_purchases_one_time/update", () =>
          approvedCharge(alice, { intent: "buy-top-up", pack: "pack-500" }),
        );
        const uninstall = await genuine(alice, "app/uninstalled");
        for (const body of [purchase.body, uninstall.body])
          await changesNothing([alice], () => post({ route: "app_subscriptions/update", shop: alice, body }));
        await changesNothing([alice], () =>
          post({
            route: "app_subscriptions/update",
            topic: "app_purchases_one_time/update",
            shop: alice,
            body: subscription.body,
          }),
        );
      });

      test("a bound body that can never be processed is acknowledged and recorded as rejected, with its reason", async () => {
        const alice = await installedStore();
        const cases: [unknown, RegExp][] = [
          [null, /^malformed body: app_subscription\.admin_graphql_api_id$/],
          ["not-a-gid", /^Shopify refused the read-back: .*Invalid global id/],
        ];
        for (const [id, reason] of cases) {
          const webhookId = randomUUID();
          const body = {
            app_subscription: { admin_graphql_api_id: id, admin_graphql_api_shop_id: shopGid(alice) },
          };
          const before = await rowsOf(alice);
          const answer = await post({ route: "app_subscriptions/update", shop: alice, body, webhookId });
          expect(answer.status).toBe(200);
          expect(answer.text).not.toMatch(/ZodError|\n\s+at /);
          expect(await delivery(webhookId)).toMatchObject({
            outcome: "rejected",
            reason: expect.stringMatching(reason),
          });
          expect({ ...(await rowsOf(alice)), deliveries: [] }).toEqual({ ...before, deliveries: [] });
        }
      });

      test("a revoked token is a 503 Shopify retries; once app/uninstalled is through, the retry is acknowledged", async () => {
        const dave = await installedStore();
        const { chargeId } = await approvedCharge(dave, { intent: "subscribe", plan: "starter" });
        await h.emulator.webhooks.idle();
        const sent = await genuine(dave, "app_subscriptions/update", () => h.emulator.uninstallApp(dave));
        const retry = {
          route: "app_subscriptions/update",
          shop: dave,
          body: sent.body,
          webhookId: sent.webhookId,
        } as const;
        const first = await post(retry);
        expect(first).toMatchObject({ status: 503, text: "Shopify could not be reached; retry later" });

        h.emulator.deliverWebhook({ shop: dave, topic: "app/uninstalled" });
        await h.emulator.webhooks.idle();
        expect((await post(retry)).status).toBe(200);
        expect((await h.shopRow(dave)).subscriptions).toMatchObject([
          { id: `gid://shopify/AppSubscription/${chargeId}`, status: "CANCELLED" },
        ]);
      });
    });

    describe("app_purchases_one_time/update", () => {
      test("a genuine body under another shop's domain is refused with 400; the genuine delivery still grants once", async () => {
        const alice = await installedStore();
        const bob = await installedStore();
        const sent = await genuine(alice, "app_purchases_one_time/update", () =>
          approvedCharge(alice, { intent: "buy-top-up", pack: "pack-500" }),
        );
        const forged = { route: "app_purchases_one_time/update", shop: bob, body: sent.body } as const;
        await changesNothing([alice, bob], () => post({ ...forged, webhookId: sent.webhookId }));
        await changesNothing([alice, bob], () =>
          post({ ...forged, shop: alice, topic: "app_subscriptions/update" }),
        );
        const subscription = await genuine(alice, "app_subscriptions/update", () =>
          approvedCharge(alice, { intent: "subscribe", plan: "starter" }),
        );
        await changesNothing([alice], () => post({ ...forged, shop: alice, body: subscription.body }));

        expect((await post({ ...forged, shop: alice, webhookId: sent.webhookId })).status).toBe(200);
        expect((await rowsOf(alice)).shop).toMatchObject({ balance: { posted: 510 } });
        expect((await rowsOf(bob)).shop).toMatchObject({ balance: { posted: 10 } });
      });
    });

    describe("app/uninstalled", () => {
      test("a genuine body under another shop's domain is refused with 400: its sessions and active plan stay", async () => {
        const alice = await installedStore();
        const bob = await installedStore();
        const { redirectUrl } = await approvedCharge(bob, { intent: "subscribe", plan: "starter" });
        await (await h.returnFrom(bob, redirectUrl)).arrayBuffer();
        await h.emulator.webhooks.idle();
        const sent = await genuine(alice, "app/uninstalled");

        await changesNothing([alice, bob], () =>
          post({ route: "app/uninstalled", shop: bob, body: sent.body, webhookId: sent.webhookId }),
        );
        // A body whose primary `domain` is bob's still names alice's shop.
        await changesNothing([alice, bob], () =>
          post({ route: "app/uninstalled", shop: bob, body: { ...sent.body, domain: bob } }),
        );
        expect((await h.shopRow(bob)).subscriptions).toMatchObject([{ status: "ACTIVE" }]);
        expect(await h.db.session.count({ where: { shop: bob } })).toBeGreaterThan(0);

        const ok = await post({
          route: "app/uninstalled",
          shop: alice,
          body: { ...sent.body, domain: "www.alice.example" },
          webhookId: sent.webhookId,
        });
        expect(ok.status).toBe(200);
        expect(await h.db.session.count({ where: { shop: alice } })).toBe(0);
        expect((await h.shopRow(alice)).uninstalledAt).not.toBeNull();
      });

      test("another topic's body, or another topic in X-Shopify-Topic, is refused with 400", async () => {
        const alice = await installedStore();
        const redact = await genuine(alice, "shop/redact");
        const uninstall = await genuine(alice, "app/uninstalled");
        await changesNothing([alice], () =>
          post({ route: "app/uninstalled", shop: alice, body: redact.body }),
        );
        await changesNothing([alice], () =>
          post({ route: "app/uninstalled", topic: "shop/update", shop: alice, body: uninstall.body }),
        );
      });
    });

    describe("shop/redact", () => {
      test("another topic's or another shop's body under this shop's domain is refused with 400 and erases nothing", async () => {
        const alice = await installedStore();
        const bob = await installedStore();
        const bodies = [
          (await genuine(alice, "app/uninstalled")).body,
          (await genuine(alice, "customers/redact")).body,
          (await genuine(alice, "customers/data_request")).body,
          (await genuine(alice, "shop/redact")).body,
        ];
        for (const body of bodies)
          await changesNothing([alice, bob], () => post({ route: "shop/redact", shop: bob, body }));
        for (const body of bodies.slice(1, 3))
          await changesNothing([alice, bob], () => post({ route: "shop/redact", shop: alice, body }));
        await changesNothing([alice, bob], () =>
          post({ route: "shop/redact", topic: "app/uninstalled", shop: alice, body: bodies[3] }),
        );
      });

      test("the genuine delivery erases the shop's rows and webhook deliveries, and nothing of another shop", async () => {
        const alice = await installedStore();
        const bob = await installedStore();
        await approvedCharge(alice, { intent: "buy-top-up", pack: "pack-100" });
        await approvedCharge(bob, { intent: "buy-top-up", pack: "pack-100" });
        await h.emulator.webhooks.idle();
        expect(await h.db.webhookDelivery.count({ where: { shop: alice } })).toBeGreaterThan(0);
        const bobBefore = await rowsOf(bob);

        const sent = await genuine(alice, "shop/redact");
        expect((await post({ route: "shop/redact", shop: alice, body: sent.body })).status).toBe(200);
        expect(await rowsOf(alice)).toEqual({ shop: null, sessions: [], deliveries: [] });
        expect(await rowsOf(bob)).toEqual(bobBefore);
      });
    });

    describe("customers/redact and customers/data_request", () => {
      test.each(["customers/redact", "customers/data_request"] as const)(
        "%s: another shop's domain or another topic's body is refused with 400; the genuine one is acknowledged",
        async (topic) => {
          const alice = await installedStore();
          const bob = await installedStore();
          const sent = await genuine(alice, topic);
          const other = await genuine(
            alice,
            topic === "customers/redact" ? "customers/data_request" : "shop/redact",
          );
          await changesNothing([alice, bob], () => post({ route: topic, shop: bob, body: sent.body }));
          await changesNothing([alice, bob], () => post({ route: topic, shop: alice, body: other.body }));
          await changesNothing([alice, bob], () => post({ route: topic, shop: alice, body: sent.body }), 200);
        },
      );
    });

    describe("app/scopes_update", () => {
      test("a genuine body under another shop's domain is refused with 400; the genuine one updates the scopes", async () => {
        // Two stores that installed the app before it asked for read_products.
        const alice = await h.installStore("store", { grantedScopes: "write_content" });
        const bob = await h.installStore("store", { grantedScopes: "write_content" });
        const record = h.emulator.shop(alice).record;
        const body = {
          id: record.id,
          shop_id: shopGid(alice),
          previous: ["write_content"],
          current: ["write_content", "read_products"],
          updated_at: new Date().toISOString(),
        };
        await changesNothing([alice, bob], () => post({ route: "app/scopes_update", shop: bob, body }));
        const uninstall = await genuine(alice, "app/uninstalled");
        await changesNothing([alice], () =>
          post({ route: "app/scopes_update", shop: alice, body: uninstall.body }),
        );

        const malformed = { ...body, current: "write_content,read_products" };
        await changesNothing(
          [bob],
          () => post({ route: "app/scopes_update", shop: alice, body: malformed }),
          200,
        );
        expect(await h.db.webhookDelivery.findMany({ where: { shop: alice } })).toMatchObject([
          { outcome: "rejected", reason: "malformed body: current" },
        ]);

        expect((await post({ route: "app/scopes_update", shop: alice, body })).status).toBe(200);
        const scopes = await h.db.session.findMany({
          where: { shop: alice, isOnline: false },
          select: { scope: true },
        });
        expect(scopes).toEqual([{ scope: "write_content,read_products" }]);
        expect((await rowsOf(bob)).sessions.map((s) => s.scope)).not.toContain("write_content,read_products");
      });
    });

    describe("bad input on every route", () => {
      test.each(WEBHOOK_TOPICS)(
        "%s: not JSON, not an object, no fields or no shop domain is a 400 with a short message; a bad signature is a 401",
        async (route) => {
          const alice = await installedStore();
          for (const body of ["{", "", "[]", "null", "42", '"text"', "{}", '{"app_subscription":null}']) {
            const answer = await post({ route, shop: alice, body });
            expect(answer.status, `${route} ${body}`).toBe(400);
            expect(answer.text.length).toBeLessThan(100);
            expect(answer.text).not.toMatch(/ZodError|Prisma|\n\s+at /);
          }
          const sent = await genuine(alice, "shop/redact");
          const notAShop = await post({ route, shop: `${alice}.evil.example`, body: sent.body });
          expect(notAShop).toMatchObject({ status: 400, text: "X-Shopify-Shop-Domain is not a shop domain" });
          expect((await post({ route, shop: alice, body: sent.body, secret: "forged" })).status).toBe(401);
          expect(await rowsOf(alice)).toMatchObject({ deliveries: [] });
        },
      );
    });
  });
}
