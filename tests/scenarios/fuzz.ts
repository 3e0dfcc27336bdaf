// Generated requests against every action and webhook route of the app, through the app's real request
// handler, authenticated or signed so the handlers are reached: bad input must answer 4xx (never 5xx) and
// leave the ledger exactly as it was. Run once per engine (fuzz.<engine>.test.ts); the seed is printed,
// FUZZ_SEED replays a run and FUZZ_RUNS sets how many requests it sends.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { checkInvariants } from "../../app/ledger/check-invariants.server";
import { sessionToken } from "../../tools/shopify-emulator";
import { BROWSER, startAppHarness, type AppHarness } from "../app-harness";
import { WEBHOOK_TOPICS, webhookHeaders } from "../shopify-webhook";

/** A session token as Shopify signs it with the app's secret, naming any shop (dest https://<shop>). */
const tokenFor = (shop: string) =>
  sessionToken(shop, {
    apiKey: process.env.SHOPIFY_API_KEY as string,
    apiSecret: process.env.SHOPIFY_API_SECRET as string,
  });

interface Fuzzed {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
  describe: string;
}

/** Everything the ledger holds, for every shop: what no bad request may change. */
async function ledgerSnapshot(h: AppHarness) {
  const [balances, grants, reservations, entries] = await Promise.all([
    h.db.shopBalance.findMany({ orderBy: { shopId: "asc" } }),
    h.db.creditGrant.findMany({ orderBy: { id: "asc" } }),
    h.db.reservation.findMany({ orderBy: { id: "asc" } }),
    h.db.ledgerEntry.findMany({ orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify({
    balances: balances.map(({ shopId, posted, held }) => ({ shopId, posted, held })),
    grants,
    reservations,
    entries,
  });
}

export function fuzzScenarios(engine: Engine) {
  describe(`generated bad requests on ${engine}`, () => {
    let h: AppHarness;
    const installed = ["fuzz-a.myshopify.com", "fuzz-b.myshopify.com"];
    beforeAll(async () => {
      h = await startAppHarness(engine, {
        shops: installed.map((domain) => ({ domain, partnerDevelopment: false })),
      });
      // Each shop installed (its first allowance granted) before the snapshot is taken.
      for (const shop of installed) expect((await h.appFetch(shop, "/app/billing")).status).toBe(200);
    });
    afterAll(() => h?.close());

    const shopDomain = fc.oneof(
      fc.constantFrom(...installed),
      fc.constantFrom("unknown-store.myshopify.com", "evil.example.com", "", "fuzz-a.myshopify.com.evil.io"),
      fc.string({ maxLength: 40 }),
    );

    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom("starter", "growth", "pro", "free", "pack-25", "pack-100", "subscribe", "cancel"),
      fc.constantFrom("gid://shopify/AppSubscription/abc", "gid://shopify/AppSubscription/1", "-1", "1e309"),
    );

    const formBody = fc
      .dictionary(fc.constantFrom("intent", "plan", "pack", "shop", "x", "__proto__"), text, {
        maxKeys: 4,
      })
      .map((fields) => new URLSearchParams(fields).toString());

    // A body as the Billing page's <Form> would send it, or anything else under any content type.
    const adminBody = fc.oneof(
      formBody.map((body) => ({ type: "application/x-www-form-urlencoded", body })),
      fc.jsonValue().map((value) => ({ type: "application/json", body: JSON.stringify(value) })),
      fc.string({ maxLength: 200 }).map((body) => ({ type: "text/plain", body })),
      fc.constant({ type: "multipart/form-data; boundary=xyz", body: "--xyz\r\nbroken" }),
      fc.constant({ type: "multipart/form-data", body: "no boundary" }),
      formBody.map((body) => ({ type: "", body })),
      fc.nat({ max: 300_000 }).map((size) => ({
        type: "application/x-www-form-urlencoded",
        body: `intent=${"x".repeat(size)}`,
      })),
    );

    // Made as each request is generated: a session token lives 60 s.
    const token = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...installed).map(tokenFor) },
      fc
        .constantFrom(
          "unknown-store.myshopify.com",
          "evil.example.com",
          "fuzz-a.myshopify.com.evil.io",
          "a b",
        )
        .map(tokenFor),
      fc.constantFrom("", "garbage", "a.b.c").map((bad) => bad || `${tokenFor(installed[0]!)}x`),
    );

    const adminPath = fc.constantFrom("/app/billing?index", "/app/billing.data?index", "/app/billing.data");

    const adminAction = fc
      .tuple(token, adminPath, adminBody)
      .map(([bearer, path, { type, body }]): Fuzzed => ({
        method: "POST",
        path,
        headers: {
          Authorization: `Bearer ${bearer}`,
          "User-Agent": BROWSER,
          ...(type ? { "Content-Type": type } : {}),
        },
        body,
        describe: `POST ${path} ${type} ${body.slice(0, 80)}`,
      }));

    const query = fc
      .dictionary(
        fc.constantFrom("kind", "charge_id", "message", "tone", "notice", "plan", "pack", "shop", "host"),
        text,
        { maxKeys: 4 },
      )
      .map((fields) => new URLSearchParams(fields).toString());

    const adminLoader = fc
      .tuple(token, fc.constantFrom("/app", "/app/billing", "/app/billing/return", "/app.data"), query)
      .map(([bearer, path, search]): Fuzzed => ({
        method: "GET",
        path: `${path}?${search}`,
        headers: { Authorization: `Bearer ${bearer}`, "User-Agent": BROWSER },
        describe: `GET ${path}?${search}`,
      }));

    const login = fc.oneof(
      fc.tuple(shopDomain, adminBody).map(([shop, { type, body }]): Fuzzed => ({
        method: "POST",
        path: "/auth/login",
        headers: { "User-Agent": BROWSER, ...(type ? { "Content-Type": type } : {}) },
        body: type.startsWith("application/x-www") ? `shop=${encodeURIComponent(shop)}&${body}` : body,
        describe: `POST /auth/login ${type}`,
      })),
      fc
        .tuple(fc.constantFrom("/auth/login", "/", "/auth/session-token", "/auth"), shopDomain)
        .map(([path, shop]): Fuzzed => ({
          method: "GET",
          path: `${path}?shop=${encodeURIComponent(shop)}`,
          headers: { "User-Agent": BROWSER },
          describe: `GET ${path}?shop=${shop}`,
        })),
    );

    // Webhook bodies: the topic's real shape with fields dropped, nulled or replaced, another topic's shape,
    // JSON that is not an object, and text that is not JSON — all signed with the app's secret.
    const fieldValue = fc.oneof(
      fc.constant(null),
      fc.constantFrom(...installed, "unknown-store.myshopify.com"),
      fc.constantFrom("gid://shopify/AppSubscription/1", "gid://shopify/Shop/1", "not-a-gid", ""),
      fc.integer(),
      fc.string({ maxLength: 20 }),
      fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    );
    const shapedBody = fc
      .tuple(
        fc.constantFrom(...WEBHOOK_TOPICS),
        fc.dictionary(
          fc.constantFrom(
            "admin_graphql_api_id",
            "admin_graphql_api_shop_id",
            "name",
            "status",
            "updated_at",
            "shop_domain",
            "shop_id",
            "myshopify_domain",
            "domain",
            "id",
            "current",
          ),
          fieldValue,
          { maxKeys: 6 },
        ),
      )
      .map(([topic, fields]) =>
        topic === "app_subscriptions/update"
          ? { app_subscription: fields }
          : topic === "app_purchases_one_time/update"
            ? { app_purchase_one_time: fields }
            : fields,
      );
    const webhookBody = fc.oneof(
      { weight: 4, arbitrary: shapedBody.map((value) => JSON.stringify(value)) },
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 100 }),
      fc.constantFrom("", "{", "null", "[]", '{"app_subscription":null}', '"text"'),
    );

    const webhook = fc
      .record({
        route: fc.oneof(
          { weight: 9, arbitrary: fc.constantFrom(...WEBHOOK_TOPICS) },
          fc.constantFrom("unknown/topic"),
        ),
        topicHeader: fc.oneof(
          { weight: 3, arbitrary: fc.constant("same") },
          fc.constantFrom(...WEBHOOK_TOPICS),
          fc.string({ maxLength: 20 }),
        ),
        shop: shopDomain,
        body: webhookBody,
        signed: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
        contentType: fc.constantFrom("application/json", "application/json", "text/plain", ""),
      })
      .map(({ route, topicHeader, shop, body, signed, contentType }): Fuzzed => {
        // A correctly bound shop/redact of an installed shop would erase its ledger, as it should: that
        // genuine path is tested elsewhere, so the fuzz keeps the body's shop apart from the header's.
        const raw =
          route === "shop/redact" && body.includes(`"${shop}"`)
            ? body.replaceAll(shop, "other.myshopify.com")
            : body;
        const headers = webhookHeaders({
          topic: topicHeader === "same" ? route : topicHeader,
          shop,
          raw,
          ...(signed ? {} : { secret: "forged" }),
        });
        if (contentType) headers["Content-Type"] = contentType;
        else delete headers["Content-Type"];
        return {
          method: "POST",
          path: `/webhooks/${route}`,
          headers,
          body: raw,
          describe: `POST /webhooks/${route} topic=${topicHeader} shop=${shop} ${raw.slice(0, 120)}`,
        };
      });

    const request = fc.oneof(
      { weight: 4, arbitrary: webhook },
      { weight: 3, arbitrary: adminAction },
      { weight: 2, arbitrary: adminLoader },
      { weight: 1, arbitrary: login },
    );

    test("at least 1,000 generated requests: none answers 5xx, and the ledger is unchanged", async () => {
      const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
      const numRuns = Number(process.env.FUZZ_RUNS ?? 1_000);
      console.log(`fuzz on ${engine}: seed ${seed} (replay with FUZZ_SEED=${seed}), ${numRuns} requests`);
      const before = await ledgerSnapshot(h);
      const statuses = new Map<number, number>();

      await fc.assert(
        fc.asyncProperty(request, async (fuzzed) => {
          const response = await fetch(`${h.appUrl}${fuzzed.path}`, {
            method: fuzzed.method,
            headers: fuzzed.headers,
            body: fuzzed.body,
            redirect: "manual",
          });
          const body = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status >= 500)
            throw new Error(`${fuzzed.describe}\n→ ${response.status} ${body.slice(0, 300)}`);
          // Production bodies never carry stack traces or validation internals.
          expect(body).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)|ZodError|PrismaClient/);
        }),
        { seed, numRuns, endOnFailure: true },
      );
      await h.emulator.webhooks.idle();

      console.log(`fuzz on ${engine}: statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      expect(await ledgerSnapshot(h)).toBe(before);
      for (const shop of await h.db.shop.findMany()) expect(await checkInvariants(h.db, shop.id)).toEqual([]);
    });
  });
}
