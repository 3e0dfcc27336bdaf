import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY_MS } from "./state";
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
      apiVersion: "2025-10",
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

  it("declines: status DECLINED, redirect back with charge_id, webhook sent, and the page no longer offers buttons", async () => {
    const created = await createSubscription();
    const id = numericId(created.appSubscription.id);
    const decline = await fetch(created.confirmationUrl.replace(/confirm$/, "decline"), {
      method: "POST",
      redirect: "manual",
    });
    expect(decline.status).toBe(302);
    expect(new URL(decline.headers.get("location")!).searchParams.get("charge_id")).toBe(String(id));
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

  it("rejects a real (test:false) charge on a development store with a userError", async () => {
    const created = await createSubscription({ test: false });
    expect(created.appSubscription).toBeNull();
    expect(created.confirmationUrl).toBeNull();
    expect(created.userErrors).toEqual([
      { field: ["test"], message: expect.stringMatching(/development store/) },
    ]);
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

  it("keeps the old subscription until its period ends with APPLY_ON_NEXT_BILLING_CYCLE, then switches", async () => {
    const pro = await createSubscription({ name: "Pro", amount: "19.00" });
    env.emulator.approveCharge(pro.appSubscription.id);
    const basic = await createSubscription({
      name: "Basic",
      amount: "9.00",
      behavior: "APPLY_ON_NEXT_BILLING_CYCLE",
    });
    env.emulator.approveCharge(basic.appSubscription.id);
    expect(env.emulator.charge(pro.appSubscription.id).status).toBe("ACTIVE");
    expect(env.emulator.charge(basic.appSubscription.id).status).toBe("ACCEPTED");

    const step = env.emulator.advanceTime(30 * DAY_MS);
    expect(step.renewed.map((s) => s.name)).toEqual(["Basic"]);
    expect(env.emulator.charge(pro.appSubscription.id).status).toBe("CANCELLED");
    const basicNow = env.emulator.shop(DEV_STORE).activeSubscription();
    expect(basicNow?.name).toBe("Basic");
    expect(basicNow?.currentPeriodEnd?.getTime()).toBe(START.getTime() + 60 * DAY_MS);
  });

  it("defers a cheaper plan under STANDARD but applies an upgrade at once", async () => {
    const pro = await createSubscription({ name: "Pro", amount: "19.00" });
    env.emulator.approveCharge(pro.appSubscription.id);
    const basic = await createSubscription({ name: "Basic", amount: "9.00", behavior: "STANDARD" });
    env.emulator.approveCharge(basic.appSubscription.id);
    expect(env.emulator.charge(basic.appSubscription.id).status).toBe("ACCEPTED");
    const max = await createSubscription({ name: "Max", amount: "49.00" });
    env.emulator.approveCharge(max.appSubscription.id);
    expect(env.emulator.charge(pro.appSubscription.id).status).toBe("CANCELLED");
    expect(env.emulator.charge(basic.appSubscription.id).status).toBe("CANCELLED");
    expect(env.emulator.charge(max.appSubscription.id).status).toBe("ACTIVE");
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
