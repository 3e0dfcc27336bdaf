// The admin side's trust boundary, over HTTP through Remix's request handler (tests/app-harness.ts): what a
// store owner's browser, a stale link or anyone holding a URL can send the embedded app. Permanent bad
// input is a 4xx with a sentence and no internals; only a fault a retry can fix is a 5xx; banners come
// only from codes the server knows. Run once per engine (admin-trust.<engine>.test.ts).
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import type { Engine } from "../../app/db/connect.server";
import { hostParam, sessionToken } from "../../tools/shopify-emulator";
import { BROWSER, startAppHarness, type AppHarness, type ThrownResponse } from "../app-harness";

const BILLING_PAGE = "routes/app.billing._index";

/** What no production body may carry: stack frames, module paths, zod or Prisma internals. */
const INTERNALS = /\n\s+at |node_modules|ZodError|"issues"|Prisma|InvalidShopError|TypeError/;
// A document under the harness's dev server links scripts from /node_modules/: only the rest applies.
const DOCUMENT_INTERNALS = /\n\s+at |ZodError|"issues"|Prisma|InvalidShopError|TypeError/;

/** A session token as Shopify signs it (the app's secret) for any destination, known to Shopify or not. */
function signedToken(dest: string) {
  return sessionToken(dest, {
    apiKey: process.env.SHOPIFY_API_KEY as string,
    apiSecret: process.env.SHOPIFY_API_SECRET as string,
  });
}

export function adminTrustScenarios(engine: Engine) {
  describe(`admin trust boundaries on ${engine}`, () => {
    let h: AppHarness;
    beforeAll(async () => {
      h = await startAppHarness(engine);
    });
    afterAll(() => h.close());
    afterEach(() => {
      vi.restoreAllMocks();
    });

    const installedStore = () => h.installStore("trust");

    /** Counts the Admin GraphQL requests the app makes for `shop` while `work` runs. */
    async function graphqlCallsDuring(shop: string, work: () => Promise<void>) {
      const spy = vi.spyOn(h.emulator, "resolversFor");
      await work();
      const calls = spy.mock.calls.filter(([domain]) => domain === shop).length;
      spy.mockRestore();
      return calls;
    }

    /** A thrown Response's status and `{ error }` body, as single fetch carries it to the browser. */
    async function thrown(response: Response) {
      const result = await h.actionResult(response);
      expect(result, JSON.stringify(result)).toHaveProperty("error");
      return (result as { error: ThrownResponse }).error;
    }

    function postBilling(shop: string, body: BodyInit | null, contentType?: string) {
      const headers: Record<string, string> = { Origin: h.appUrl };
      if (contentType) headers["Content-Type"] = contentType;
      return h.appFetch(shop, "/app/billing.data?index", {
        method: "POST",
        body,
        headers,
        redirect: "manual",
      });
    }

    test("the Billing action answers a body that is not a form with 415 or 400 and asks Shopify nothing", async () => {
      const store = await installedStore();
      const bodies: [string, BodyInit | null, string | undefined, number][] = [
        ["JSON", JSON.stringify({ intent: "cancel" }), "application/json", 415],
        ["text", "intent=cancel", "text/plain", 415],
        ["no content type", new Uint8Array(Buffer.from("intent=cancel")), undefined, 415],
        ["no body", null, undefined, 415],
        ["broken multipart", "--x\r\nContent-Disposition: form-da", "multipart/form-data; boundary=x", 400],
        ["multipart without a boundary", "intent=cancel", "multipart/form-data", 400],
      ];
      for (const [name, body, type, status] of bodies) {
        let response!: Response;
        const calls = await graphqlCallsDuring(store, async () => {
          response = await postBilling(store, body, type);
        });
        expect(response.status, name).toBe(status);
        const error = await thrown(response);
        expect(error.data, name).toEqual({ error: expect.any(String) });
        expect(JSON.stringify(error.data), name).not.toMatch(INTERNALS);
        expect(calls, `${name}: Shopify calls`).toBe(0);
      }
      expect(h.emulator.shop(store).charges()).toEqual([]);
    });

    test("a billing request for no plan, no pack or nothing to cancel is a 400 before any Shopify round trip", async () => {
      const store = await installedStore();
      const requests: Record<string, string>[] = [
        { intent: "refund" },
        { plan: "starter" },
        { intent: "subscribe" },
        { intent: "subscribe", plan: "platinum" },
        { intent: "buy-top-up", pack: "pack-1" },
        { intent: "subscribe", plan: "free" },
        { intent: "cancel" },
      ];
      for (const fields of requests) {
        let response!: Response;
        const calls = await graphqlCallsDuring(store, async () => {
          response = await h.submitBilling(store, fields);
        });
        expect(response.status, JSON.stringify(fields)).toBe(400);
        expect(calls, `${JSON.stringify(fields)}: Shopify calls`).toBe(0);
      }
      // A valid request does ask Shopify (whether the store makes test charges, then the charge).
      const calls = await graphqlCallsDuring(store, async () => {
        h.chargeIdFrom(await h.submitBilling(store, { intent: "buy-top-up", pack: "pack-25" }));
      });
      expect(calls).toBe(2);
    });

    test("a validly signed session token for a shop Shopify does not know is a 403, for data and documents", async () => {
      const unknown = `nobody-${randomUUID().slice(0, 8)}.myshopify.com`;
      const headers = { Authorization: `Bearer ${signedToken(unknown)}`, "User-Agent": BROWSER };
      const page = await fetch(`${h.appUrl}/app/billing.data`, { headers, redirect: "manual" });
      expect(page.status).toBe(403);
      const action = await fetch(`${h.appUrl}/app/billing.data?index`, {
        method: "POST",
        headers: { ...headers, Origin: h.appUrl },
        body: new URLSearchParams({ intent: "cancel" }),
        redirect: "manual",
      });
      expect(action.status).toBe(403);
      expect((await thrown(action)).data).toEqual({ error: expect.stringMatching(/Shopify/) });

      const query = new URLSearchParams({
        embedded: "1",
        shop: unknown,
        host: hostParam(unknown),
        id_token: signedToken(unknown),
      });
      const document = await fetch(`${h.appUrl}/app?${query}`, {
        headers: { "User-Agent": BROWSER },
        redirect: "manual",
      });
      expect(document.status).toBe(403);
      const html = await document.text();
      expect(html).toContain("Shopify did not give this store access to the app");
      expect(html).not.toMatch(DOCUMENT_INTERNALS);
      expect(await h.db.shop.count({ where: { domain: unknown } })).toBe(0);
    });

    test("a session token whose destination is not a Shopify store is a 400", async () => {
      for (const dest of ["evil.example.com", "shop.myshopify.com.evil.example"]) {
        const headers = { Authorization: `Bearer ${signedToken(dest)}`, "User-Agent": BROWSER };
        for (const path of ["/app/billing.data", "/app.data", "/auth/anything.data"]) {
          const response = await fetch(`${h.appUrl}${path}`, { headers, redirect: "manual" });
          expect(response.status, `${dest} ${path}`).toBe(400);
          expect(await response.text()).not.toMatch(INTERNALS);
        }
        const action = await fetch(`${h.appUrl}/app/billing.data?index`, {
          method: "POST",
          headers: { ...headers, Origin: h.appUrl },
          body: new URLSearchParams({ intent: "cancel" }),
          redirect: "manual",
        });
        expect(action.status, dest).toBe(400);
        expect((await thrown(action)).data).toEqual({
          error: "The session token does not name a Shopify store",
        });
      }
    });

    test("Shopify failing the token exchange is a 503 a retry gets past", async () => {
      const domain = `flaky-${randomUUID().slice(0, 8)}.myshopify.com`;
      h.emulator.addShop({ domain, partnerDevelopment: false });
      vi.spyOn(h.emulator.tokens, "handle").mockImplementationOnce(() => {
        throw new Error("Shopify is down");
      });
      const first = await h.navigate(domain, "/app/billing");
      expect(first.response.status).toBe(503);
      expect(first.response.headers.get("Retry-After")).toBeTruthy();
      const retry = await h.loaderData<{ plan: { key: string } }>(domain, "/app/billing", BILLING_PAGE);
      expect(retry).toMatchObject({ plan: { key: "free" } });
    });

    test("/auth/login answers a body that is not a form with 4xx, and a bad shop domain with 400 and the form", async () => {
      const post = (body: BodyInit | null, contentType?: string) =>
        fetch(`${h.appUrl}/auth/login`, {
          method: "POST",
          body,
          headers: {
            "User-Agent": BROWSER,
            Origin: h.appUrl,
            ...(contentType ? { "Content-Type": contentType } : {}),
          },
          redirect: "manual",
        });
      const bad: [string, Response, number][] = [
        ["JSON", await post(JSON.stringify({ shop: "a.myshopify.com" }), "application/json"), 415],
        ["text", await post("shop=a.myshopify.com", "text/plain"), 415],
        ["no content type", await post(new Uint8Array(Buffer.from("shop=a"))), 415],
        [
          "broken multipart",
          await post("--x\r\nContent-Disposition: form", "multipart/form-data; boundary=x"),
          400,
        ],
      ];
      const file = new FormData();
      file.set("shop", new Blob(["a.myshopify.com"]), "shop.txt");
      bad.push(["a file for a shop", await post(file), 400]);
      for (const [name, response, status] of bad) {
        expect(response.status, name).toBe(status);
        expect(await response.text(), name).not.toMatch(DOCUMENT_INTERNALS);
      }

      const invalid = await post(new URLSearchParams({ shop: "not a shop!" }));
      expect(invalid.status).toBe(400);
      expect(await invalid.text()).toContain("Please enter a valid shop domain to log in");
      const missing = await post(new URLSearchParams({}));
      expect(missing.status).toBe(400);
      expect(await missing.text()).toContain("Please enter your shop domain to log in");
      const loader = await fetch(`${h.appUrl}/auth/login?shop=not%20a%20shop`, {
        headers: { "User-Agent": BROWSER },
      });
      expect(loader.status).toBe(400);

      const good = await post(new URLSearchParams({ shop: "some-store" }));
      expect(good.status).toBe(302);
      expect(good.headers.get("location")).toMatch(
        /^https:\/\/admin\.shopify\.com\/store\/some-store\/oauth\/install/,
      );
    });

    test("the return route refuses a charge id that cannot be Shopify's without asking Shopify", async () => {
      const store = await installedStore();
      for (const query of [
        "kind=plan&charge_id=abc",
        "kind=plan&charge_id=0",
        "kind=top-up&charge_id=0123",
        `kind=top-up&charge_id=${"9".repeat(40)}`,
        "kind=refund&charge_id=1",
        "kind=plan",
      ]) {
        let response!: Response;
        const calls = await graphqlCallsDuring(store, async () => {
          response = await h.openDocument(store, `/app/billing/return?${query}`);
        });
        expect(response.status, query).toBe(400);
        expect(await response.text(), query).not.toMatch(DOCUMENT_INTERNALS);
        expect(calls, query).toBe(0);
      }
      const missing = await h.openDocument(store, "/app/billing/return?kind=plan&charge_id=424242");
      expect(missing.status).toBe(404);
    });

    test("the Billing page shows no banner from a link's text or tone, only for codes and keys it knows", async () => {
      const store = await installedStore();
      const notice = async (query: string) =>
        (await h.loaderData<{ notice: unknown }>(store, `/app/billing?${query}`, BILLING_PAGE)).notice;
      const suspended = "Your store is suspended. Call +1 555 0100 to pay.";
      expect(
        await notice(new URLSearchParams({ message: suspended, tone: "critical" }).toString()),
      ).toBeNull();
      // A code that contradicts the page (Starter approved, yet the store is on Free) shows nothing.
      expect(await notice("notice=plan-approved&plan=starter")).toBeNull();
      expect(await notice("notice=plan-not-approved&plan=pro&status=declined")).toEqual({
        tone: "critical",
        text: "Pro plan not approved (declined).",
        toast: false,
      });
      expect(await notice("notice=top-up-added&pack=pack-100")).toEqual({
        tone: "success",
        text: "100 credits added.",
        toast: true,
      });
      for (const query of [
        "notice=plan-approved&plan=platinum",
        "notice=plan-approved&plan=free",
        "notice=plan-not-approved&plan=pro&status=suspended",
        "notice=top-up-not-bought&pack=pack-25",
        `notice=${encodeURIComponent(suspended)}`,
      ])
        expect(await notice(query), query).toBeNull();

      const page = await h.openDocument(store, `/app/billing?${new URLSearchParams({ message: suspended })}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      // The URL itself is in the document (Remix's hydration data); no banner renders it.
      expect(html.split(suspended).length - 1).toBeLessThanOrEqual(1);
      expect(html).not.toContain(`>${suspended}<`);
    });

    test("coming back from Shopify's confirmation page (or to the return URL after a decline) redirects with a code, never with text", async () => {
      const store = await installedStore();
      const back = async (fields: Record<string, string>, answer: "approve" | "decline") => {
        const chargeId = h.chargeIdFrom(await h.submitBilling(store, fields));
        // Shopify sends a decline to the admin's Apps page; the return URL is still reachable by hand.
        const kind = fields.intent === "subscribe" ? "plan" : "top-up";
        let redirectUrl = `https://admin.shopify.com/store/x/apps/k/app/billing/return?kind=${kind}&charge_id=${chargeId}`;
        if (answer === "approve") redirectUrl = h.emulator.approveCharge(chargeId).redirectUrl;
        else h.emulator.declineCharge(chargeId);
        const response = await h.returnFrom(store, redirectUrl);
        await h.emulator.webhooks.idle();
        expect(response.status).toBe(302);
        const location = new URL(response.headers.get("location") as string, h.appUrl);
        expect(location.searchParams.has("message")).toBe(false);
        expect(location.searchParams.has("tone")).toBe(false);
        return Object.fromEntries(
          ["notice", "plan", "pack", "status"].flatMap((key) =>
            location.searchParams.has(key) ? [[key, location.searchParams.get(key)]] : [],
          ),
        );
      };
      expect(await back({ intent: "subscribe", plan: "pro" }, "decline")).toEqual({
        notice: "plan-not-approved",
        plan: "pro",
        status: "declined",
      });
      expect(await back({ intent: "subscribe", plan: "starter" }, "approve")).toEqual({
        notice: "plan-approved",
        plan: "starter",
      });
      expect(await back({ intent: "buy-top-up", pack: "pack-100" }, "approve")).toEqual({
        notice: "top-up-added",
        pack: "pack-100",
      });
      expect(await back({ intent: "buy-top-up", pack: "pack-25" }, "decline")).toEqual({
        notice: "top-up-not-bought",
        pack: "pack-25",
        status: "declined",
      });
    });
  });
}
