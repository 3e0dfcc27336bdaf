import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appWebhookApiVersion } from "./webhooks";
import { DAY_MS, DEFERRED_APPROVALS } from "./state";
import { CREATE_SUBSCRIPTION, DEV_STORE, NORMAL_STORE, setUpEmulator } from "./test-setup";

const START = new Date("2026-01-10T12:00:00Z");
const RETURN_URL = "https://app.example/billing/return?plan=pro";

let env: Awaited<ReturnType<typeof setUpEmulator>>;
let token: string;
beforeEach(async () => {
  env = await setUpEmulator({ now: () => START, approvalTimeoutMs: 2 * DAY_MS });
  token = env.emulator.grantOfflineToken(DEV_STORE);
});
afterEach(() => env.close());

async function createSubscription(
  vars: { name?: string; amount?: string; test?: boolean; behavior?: string } = {},
  shop = DEV_STORE,
  shopToken = token,
) {
  const result = await env.gql(shop, shopToken, CREATE_SUBSCRIPTION, {
    name: vars.name ?? "Pro",
    returnUrl: RETURN_URL,
    test: vars.test ?? true,
    behavior: vars.behavior,
    amount: vars.amount ?? "19.00",
  });
  return result.body.data.appSubscriptionCreate;
}

const numericId = (gid: string) => Number(gid.split("/").pop());

describe("subscription approval", () => {
  it("creates a pending subscription, shows the confirmation page, and on approval redirects with charge_id and activates it", async () => {
    const created = await createSubscription();
    expect(created.userErrors).toEqual([]);
    expect(created.appSubscription).toMatchObject({ status: "PENDING", test: true });
    const id = numericId(created.appSubscription.id);

    const page = await fetch(created.confirmationUrl);
    const html = await page.text();
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(html).toContain("Pro");
    expect(html).toContain("19.0 USD every 30 days");
    expect(html).toContain("Test charge");
    const approveAction = /<form method="post" action="([^"]+\/approve)"/.exec(html)![1]!;

    const approval = await fetch(new URL(approveAction, env.emulator.url), {
      method: "POST",
      redirect: "manual",
    });
    expect(approval.status).toBe(302);
    const location = new URL(approval.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("https://app.example/billing/return");
    expect(location.searchParams.get("plan")).toBe("pro");
    expect(location.searchParams.get("charge_id")).toBe(String(id));

    const readBack = await env.gql(
      DEV_STORE,
      token,
      `query N($id: ID!) { node(id: $id) { ... on AppSubscription { status currentPeriodEnd } } }`,
      { id: created.appSubscription.id },
    );
    expect(readBack.body.data.node).toEqual({
      status: "ACTIVE",
      currentPeriodEnd: new Date(START.getTime() + 30 * DAY_MS).toISOString().replace(".000", ""),
    });

    await env.emulator.webhooks.idle();
    const [hook] = env.receiver.received;
    expect(hook).toMatchObject({
      path: "/webhooks/app_subscriptions/update",
      topic: "app_subscriptions/update",
      shop: DEV_STORE,
      hmacValid: true,
      // The version the app subscribed with: this repository's shopify.app.toml.
      apiVersion: appWebhookApiVersion(),
      webhookId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(hook!.payload).toEqual({
      app_subscription: {
        admin_graphql_api_id: created.appSubscription.id,
        name: "Pro",
        status: "ACTIVE",
        admin_graphql_api_shop_id: `gid://shopify/Shop/${env.emulator.shop(DEV_STORE).record.id}`,
        created_at: "2026-01-10T12:00:00+00:00",
        updated_at: "2026-01-10T12:00:00+00:00",
        currency: "USD",
        capped_amount: null,
        price: "19.00",
        interval: "every_30_days",
        plan_handle: null,
      },
    });
    expect(env.emulator.webhooks.deliveries()[0]).toMatchObject({ status: 200, forged: false });
  });

  it("declines: status DECLINED, the store owner goes to the admin's Apps page (not returnUrl), webhook sent, and the page no longer offers buttons", async () => {
    const created = await createSubscription();
    const id = numericId(created.appSubscription.id);
    const decline = await fetch(created.confirmationUrl.replace(/confirm$/, "decline"), {
      method: "POST",
      redirect: "manual",
    });
    expect(decline.status).toBe(302);
    const location = new URL(decline.headers.get("location")!);
    expect(location.toString()).toBe(`${env.emulator.url}/store/dev-store/settings/apps`);
    expect((await fetch(location)).status).toBe(200);
    expect(env.emulator.charge(id).status).toBe("DECLINED");
    const page = await (await fetch(created.confirmationUrl)).text();
    expect(page).not.toContain("<form");
    expect(page).toContain("DECLINED");
    const again = await fetch(created.confirmationUrl.replace(/confirm$/, "approve"), {
      method: "POST",
      redirect: "manual",
    });
    expect(again.status).toBe(409);
    await env.emulator.webhooks.idle();
    expect(
      env.receiver.received.map(
        (h) => (h.payload as { app_subscription: { status: string } }).app_subscription.status,
      ),
    ).toEqual(["DECLINED"]);
  });

  it("expires a charge nobody answered within the approval timeout", async () => {
    const created = await createSubscription();
    const id = numericId(created.appSubscription.id);
    expect(env.emulator.advanceTime(DAY_MS).expired).toEqual([]);
    const step = env.emulator.advanceTime(DAY_MS);
    expect(step.expired.map((c) => c.id)).toEqual([id]);
    expect(env.emulator.charge(id).status).toBe("EXPIRED");
    expect(() => env.emulator.approveCharge(id)).toThrow(/EXPIRED/);
  });

  it("creates a real (test:false) charge on a development store, whose page offers an upgrade instead of Approve", async () => {
    const created = await createSubscription({ test: false });
    expect(created.userErrors).toEqual([]);
    expect(created.appSubscription).toMatchObject({ status: "PENDING", test: false });
    const page = await (await fetch(created.confirmationUrl)).text();
    expect(page).toContain("upgrade your plan");
    expect(page).not.toContain("/approve");
    const approve = await fetch(created.confirmationUrl.replace(/confirm$/, "approve"), {
      method: "POST",
      redirect: "manual",
    });
    expect(approve.status).toBe(402);
    expect(() => env.emulator.approveCharge(created.appSubscription.id)).toThrow(/upgrade/);
    expect(env.emulator.charge(created.appSubscription.id).status).toBe("PENDING");
  });

  it("makes every charge on a reviewer's staff store a test charge, whatever test says", async () => {
    env.emulator.addShop({ domain: "review.myshopify.com", partnerDevelopment: false, staffReview: true });
    const reviewToken = env.emulator.grantOfflineToken("review.myshopify.com");
    const created = await createSubscription({ test: false }, "review.myshopify.com", reviewToken);
    expect(created.appSubscription).toMatchObject({ status: "PENDING", test: true });
    env.emulator.approveCharge(created.appSubscription.id);
    const purchase = await env.gql(
      "review.myshopify.com",
      reviewToken,
      `mutation { appPurchaseOneTimeCreate(name: "100 credits", price: { amount: 5, currencyCode: USD }, returnUrl: "${RETURN_URL}", test: false) {
        appPurchaseOneTime { test } userErrors { message } } }`,
    );
    expect(purchase.body.data.appPurchaseOneTimeCreate).toEqual({
      appPurchaseOneTime: { test: true },
      userErrors: [],
    });
    expect(env.emulator.charge(created.appSubscription.id)).toMatchObject({ status: "ACTIVE", test: true });
  });

  it("lets a normal store create a real charge", async () => {
    const created = await createSubscription(
      { test: false },
      NORMAL_STORE,
      env.emulator.grantOfflineToken(NORMAL_STORE),
    );
    expect(created.userErrors).toEqual([]);
    expect(created.appSubscription.test).toBe(false);
  });
});

describe("replacement and lifecycle", () => {
  it("cancels the old subscription when a replacement is approved with APPLY_IMMEDIATELY", async () => {
    const basic = await createSubscription({ name: "Basic", amount: "9.00" });
    env.emulator.approveCharge(basic.appSubscription.id);
    const pro = await createSubscription({ name: "Pro", amount: "19.00", behavior: "APPLY_IMMEDIATELY" });
    env.emulator.approveCharge(pro.appSubscription.id);
    expect(env.emulator.charge(basic.appSubscription.id).status).toBe("CANCELLED");
    const active = await env.gql(
      DEV_STORE,
      token,
      "{ currentAppInstallation { activeSubscriptions { name status } } }",
    );
    expect(active.body.data.currentAppInstallation.activeSubscriptions).toEqual([
      { name: "Pro", status: "ACTIVE" },
    ]);
    await env.emulator.webhooks.idle();
    const statuses = env.receiver.received.map((h) => {
      const sub = (h.payload as { app_subscription: { name: string; status: string } }).app_subscription;
      return `${sub.name}:${sub.status}`;
    });
    expect(statuses).toEqual(["Basic:ACTIVE", "Basic:CANCELLED", "Pro:ACTIVE"]);
  });

  it.each(DEFERRED_APPROVALS)(
    "APPLY_ON_NEXT_BILLING_CYCLE as %s: the old plan runs until the next cycle (or not), then the new one is the only ACTIVE",
    async (variant) => {
      env.emulator.setDeferredApproval(DEV_STORE, variant);
      const pro = await createSubscription({ name: "Pro", amount: "19.00" });
      env.emulator.approveCharge(pro.appSubscription.id);
      const basic = await createSubscription({
        name: "Basic",
        amount: "9.00",
        behavior: "APPLY_ON_NEXT_BILLING_CYCLE",
      });
      const { redirectUrl } = env.emulator.approveCharge(basic.appSubscription.id);
      expect(new URL(redirectUrl).searchParams.get("charge_id")).toBe(
        String(numericId(basic.appSubscription.id)),
      );
      const statuses = () =>
        [pro, basic].map((c) => env.emulator.charge(c.appSubscription.id).status).join(" ");
      expect(statuses()).toBe(
        {
          "pending-until-cycle": "ACTIVE PENDING",
          "cancel-old-activate-new-at-once": "CANCELLED ACTIVE",
          accepted: "ACTIVE ACCEPTED",
        }[variant],
      );
      // Approved: no longer answerable, and not expired by the approval timeout.
      expect(() => env.emulator.approveCharge(basic.appSubscription.id)).toThrow();
      expect(env.emulator.advanceTime(3 * DAY_MS).expired).toEqual([]);

      env.emulator.advanceTime(27 * DAY_MS);
      expect(statuses()).toBe("CANCELLED ACTIVE");
      const active = await env.gql(
        DEV_STORE,
        token,
        "{ currentAppInstallation { activeSubscriptions { name status } } }",
      );
      expect(active.body.data.currentAppInstallation.activeSubscriptions).toEqual([
        { name: "Basic", status: "ACTIVE" },
      ]);
      await env.emulator.webhooks.idle();
      const sent = env.receiver.received.map((h) => {
        const sub = (h.payload as { app_subscription: { name: string; status: string } }).app_subscription;
        return `${sub.name}:${sub.status}`;
      });
      expect(sent).toEqual(
        {
          // Nothing changes on approval, so nothing is sent until the switch.
          "pending-until-cycle": ["Pro:ACTIVE", "Pro:CANCELLED", "Basic:ACTIVE"],
          "cancel-old-activate-new-at-once": ["Pro:ACTIVE", "Pro:CANCELLED", "Basic:ACTIVE"],
          accepted: ["Pro:ACTIVE", "Basic:ACCEPTED", "Pro:CANCELLED", "Basic:ACTIVE"],
        }[variant],
      );
    },
  );

  it("cancels an approved subscription waiting for the next cycle, which then never starts", async () => {
    const pro = await createSubscription({ name: "Pro", amount: "19.00" });
    env.emulator.approveCharge(pro.appSubscription.id);
    const basic = await createSubscription({
      name: "Basic",
      amount: "9.00",
      behavior: "APPLY_ON_NEXT_BILLING_CYCLE",
    });
    env.emulator.approveCharge(basic.appSubscription.id);
    const cancel = `mutation C($id: ID!) { appSubscriptionCancel(id: $id) { appSubscription { status } userErrors { message } } }`;
    for (const id of [basic.appSubscription.id, pro.appSubscription.id])
      expect((await env.gql(DEV_STORE, token, cancel, { id })).body.data.appSubscriptionCancel).toEqual({
        appSubscription: { status: "CANCELLED" },
        userErrors: [],
      });
    env.emulator.advanceTime(31 * DAY_MS);
    expect(env.emulator.shop(DEV_STORE).activeSubscription()).toBeUndefined();
  });

  describe("STANDARD defers only Shopify's documented cases (AppSubscriptionReplacementBehavior)", () => {
    const CREATE = `mutation Create($name: String!, $amount: Decimal!, $interval: AppPricingInterval!, $discount: AppSubscriptionDiscountInput) {
      appSubscriptionCreate(name: $name, returnUrl: "${RETURN_URL}", test: true, replacementBehavior: STANDARD,
        lineItems: [{ plan: { appRecurringPricingDetails: { price: { amount: $amount, currencyCode: USD }, interval: $interval, discount: $discount } } }]) {
        appSubscription { id } userErrors { message } } }`;
    async function approve(name: string, amount: string, interval: string, discount?: object) {
      const created = await env.gql(DEV_STORE, token, CREATE, { name, amount, interval, discount });
      const id = created.body.data.appSubscriptionCreate.appSubscription.id as string;
      env.emulator.approveCharge(id);
      return env.emulator.charge(id).status;
    }
    it.each([
      [
        "a cheaper monthly plan after a monthly one: at once",
        ["Pro", "19.00", "EVERY_30_DAYS"],
        ["Basic", "9.00", "EVERY_30_DAYS"],
        "ACTIVE",
      ],
      [
        "a dearer monthly plan: at once",
        ["Basic", "9.00", "EVERY_30_DAYS"],
        ["Pro", "19.00", "EVERY_30_DAYS"],
        "ACTIVE",
      ],
      [
        "a cheaper annual plan after an annual one: deferred",
        ["Pro", "190.00", "ANNUAL"],
        ["Basic", "90.00", "ANNUAL"],
        "PENDING",
      ],
      [
        "a dearer annual plan after an annual one: at once",
        ["Basic", "90.00", "ANNUAL"],
        ["Pro", "190.00", "ANNUAL"],
        "ACTIVE",
      ],
      [
        "a monthly plan after an annual one: deferred",
        ["Pro", "190.00", "ANNUAL"],
        ["Max", "49.00", "EVERY_30_DAYS"],
        "PENDING",
      ],
      [
        "an annual plan after a monthly one: at once",
        ["Pro", "19.00", "EVERY_30_DAYS"],
        ["Pro", "190.00", "ANNUAL"],
        "ACTIVE",
      ],
    ] as const)("%s", async (_label, [n1, a1, i1], [n2, a2, i2], expected) => {
      await approve(n1, a1, i1);
      expect(await approve(n2, a2, i2)).toBe(expected);
    });
    it("the same plan with only another discount: deferred", async () => {
      await approve("Pro", "19.00", "EVERY_30_DAYS");
      expect(
        await approve("Pro", "19.00", "EVERY_30_DAYS", {
          durationLimitInIntervals: 3,
          value: { percentage: 0.5 },
        }),
      ).toBe("PENDING");
    });
  });

  it("renews an active subscription into a new period and freezes and unfreezes it with webhooks", async () => {
    const pro = await createSubscription();
    const id = numericId(pro.appSubscription.id);
    env.emulator.approveCharge(id);
    env.emulator.advanceTime(31 * DAY_MS);
    expect(env.emulator.charge(id)).toMatchObject({
      status: "ACTIVE",
      currentPeriodEnd: new Date(START.getTime() + 60 * DAY_MS),
    });
    env.emulator.freezeSubscription(id);
    const frozen = await env.gql(
      DEV_STORE,
      token,
      "{ currentAppInstallation { activeSubscriptions { id } } }",
    );
    expect(frozen.body.data.currentAppInstallation.activeSubscriptions).toEqual([]);
    env.emulator.unfreezeSubscription(id);
    await env.emulator.webhooks.idle();
    const statuses = env.receiver.received.map(
      (h) => (h.payload as { app_subscription: { status: string } }).app_subscription.status,
    );
    expect(statuses).toEqual(["ACTIVE", "FROZEN", "ACTIVE"]);
  });

  it("cancels through appSubscriptionCancel and refuses another shop's subscription id", async () => {
    const pro = await createSubscription();
    env.emulator.approveCharge(pro.appSubscription.id);
    const cancel = `mutation C($id: ID!) { appSubscriptionCancel(id: $id, prorate: true) { appSubscription { status } userErrors { field message } } }`;
    const foreign = await env.gql(NORMAL_STORE, env.emulator.grantOfflineToken(NORMAL_STORE), cancel, {
      id: pro.appSubscription.id,
    });
    expect(foreign.body.data.appSubscriptionCancel).toEqual({
      appSubscription: null,
      userErrors: [{ field: ["id"], message: "Couldn't find subscription" }],
    });
    const own = await env.gql(DEV_STORE, token, cancel, { id: pro.appSubscription.id });
    expect(own.body.data.appSubscriptionCancel).toEqual({
      appSubscription: { status: "CANCELLED" },
      userErrors: [],
    });
  });

  it("approves a one-time purchase and sends app_purchases_one_time/update", async () => {
    const created = await env.gql(
      DEV_STORE,
      token,
      `mutation { appPurchaseOneTimeCreate(name: "100 credits", price: { amount: 5, currencyCode: USD }, returnUrl: "${RETURN_URL}", test: true) {
        appPurchaseOneTime { id status } confirmationUrl userErrors { message } } }`,
    );
    const purchase = created.body.data.appPurchaseOneTimeCreate;
    expect(purchase.confirmationUrl).toMatch(
      /\/admin\/charges\/dev-store\.myshopify\.com\/purchase\/\d+\/confirm$/,
    );
    const decision = env.emulator.approveCharge(purchase.appPurchaseOneTime.id);
    expect(new URL(decision.redirectUrl).searchParams.get("charge_id")).toBe(
      String(numericId(purchase.appPurchaseOneTime.id)),
    );
    await env.emulator.webhooks.idle();
    expect(env.receiver.received[0]).toMatchObject({
      topic: "app_purchases_one_time/update",
      hmacValid: true,
    });
    expect(env.receiver.received[0]!.payload).toEqual({
      app_purchase_one_time: {
        admin_graphql_api_id: purchase.appPurchaseOneTime.id,
        name: "100 credits",
        status: "ACTIVE",
        admin_graphql_api_shop_id: `gid://shopify/Shop/${env.emulator.shop(DEV_STORE).record.id}`,
        created_at: "2026-01-10T12:00:00+00:00",
        updated_at: "2026-01-10T12:00:00+00:00",
      },
    });
  });
});

describe("payments and what Shopify's schema refuses", () => {
  const PURCHASE = `mutation { appPurchaseOneTimeCreate(name: "100 credits", price: { amount: 5, currencyCode: USD }, returnUrl: "${RETURN_URL}", test: true) {
    appPurchaseOneTime { id status } confirmationUrl userErrors { message } } }`;

  it("a one-time purchase whose payment fails stays PENDING (no webhook, not expired); approved again once payments work, it is ACTIVE", async () => {
    const created = (await env.gql(DEV_STORE, token, PURCHASE)).body.data.appPurchaseOneTimeCreate;
    const id = created.appPurchaseOneTime.id as string;
    env.emulator.failPayments(DEV_STORE);
    const { redirectUrl } = env.emulator.approveCharge(id);
    expect(new URL(redirectUrl).searchParams.get("charge_id")).toBe(String(numericId(id)));
    expect(env.emulator.charge(id).status).toBe("PENDING");
    expect(env.emulator.advanceTime(3 * DAY_MS).expired).toEqual([]);
    await env.emulator.webhooks.idle();
    expect(env.receiver.received).toEqual([]);
    env.emulator.failPayments(DEV_STORE, false);
    env.emulator.approveCharge(id);
    expect(env.emulator.charge(id).status).toBe("ACTIVE");
  });

  it.each([
    [
      "interval on usage pricing (AppUsagePricingInput has cappedAmount and terms only)",
      `appUsagePricingDetails: { terms: "t", cappedAmount: { amount: 10, currencyCode: USD }, interval: EVERY_30_DAYS }`,
      /AppUsagePricingInput doesn't accept the field 'interval'/,
    ],
    [
      "planHandle on recurring pricing (an output field only)",
      `appRecurringPricingDetails: { price: { amount: 10, currencyCode: USD }, planHandle: "pro" }`,
      /AppRecurringPricingInput doesn't accept the field 'planHandle'/,
    ],
  ])("refuses %s and creates nothing", async (_label, details, message) => {
    const result = await env.gql(
      DEV_STORE,
      token,
      `mutation { appSubscriptionCreate(name: "Pro", returnUrl: "${RETURN_URL}", test: true, lineItems: [{ plan: { ${details} } }]) {
        appSubscription { id } userErrors { message } } }`,
    );
    expect(JSON.stringify(result.body.errors)).toMatch(message);
    expect(env.emulator.shop(DEV_STORE).charges()).toEqual([]);
  });

  it.each(["allSubscriptions", "oneTimePurchases"])(
    "refuses `query` on currentAppInstallation.%s",
    async (field) => {
      const result = await env.gql(
        DEV_STORE,
        token,
        `{ currentAppInstallation { ${field}(first: 5, query: "status:ACTIVE") { nodes { id } } } }`,
      );
      expect(result.body.data).toBeUndefined();
      expect(JSON.stringify(result.body.errors)).toMatch(/query/);
    },
  );

  it("reports the shop's primary domain as its url", async () => {
    const result = await env.gql(DEV_STORE, token, "{ shop { url myshopifyDomain } }");
    expect(result.body.data.shop).toEqual({
      url: "https://dev-store.example.com",
      myshopifyDomain: DEV_STORE,
    });
  });

  it("names the API version the app subscribed with on webhooks, or the one it was given", async () => {
    const other = await setUpEmulator({ webhookApiVersion: "2026-01" });
    try {
      other.emulator.deliverWebhook({ shop: DEV_STORE, topic: "shop/redact" });
      await other.emulator.webhooks.idle();
      expect(other.receiver.received[0]).toMatchObject({ apiVersion: "2026-01" });
    } finally {
      await other.close();
    }
    expect(appWebhookApiVersion()).toMatch(/^\d{4}-\d{2}$/);
  });
});
