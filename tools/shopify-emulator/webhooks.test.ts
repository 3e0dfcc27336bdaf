import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEV_STORE, NORMAL_STORE, setUpEmulator } from "./test-setup";

let env: Awaited<ReturnType<typeof setUpEmulator>>;
beforeEach(async () => {
  env = await setUpEmulator();
});
afterEach(() => env.close());

function approvedPurchase(name: string) {
  const { charge } = env.emulator.billing.createPurchase(DEV_STORE, {
    name,
    returnUrl: "https://app.example/r",
    price: { amount: "5.0", currencyCode: "USD" },
    test: true,
  });
  env.emulator.approveCharge(charge!.id);
  return charge!;
}

const names = () =>
  env.receiver.received.map(
    (h) => (h.payload as { app_purchase_one_time: { name: string } }).app_purchase_one_time.name,
  );

describe("held webhook queue", () => {
  it("holds webhooks until released, then delivers them in order", async () => {
    env.emulator.webhooks.mode = "hold";
    approvedPurchase("first");
    approvedPurchase("second");
    await env.emulator.webhooks.idle();
    expect(env.receiver.received).toEqual([]);
    expect(env.emulator.webhooks.held()).toHaveLength(2);
    const attempts = await env.emulator.webhooks.release();
    expect(attempts.map((a) => a.status)).toEqual([200, 200]);
    expect(names()).toEqual(["first", "second"]);
    expect(env.emulator.webhooks.held()).toEqual([]);
  });

  it("reverses and reorders the held queue", async () => {
    env.emulator.webhooks.mode = "hold";
    for (const name of ["a", "b", "c"]) approvedPurchase(name);
    env.emulator.webhooks.reverse();
    const [c, b, a] = env.emulator.webhooks.held().map((w) => w.webhookId);
    expect(() => env.emulator.webhooks.reorder([a!, b!])).toThrow(/exactly the held/);
    env.emulator.webhooks.reorder([b!, c!, a!]);
    await env.emulator.webhooks.release();
    expect(names()).toEqual(["b", "c", "a"]);
  });

  it("redelivers and duplicates a webhook with the same webhook id, body and valid signature", async () => {
    env.emulator.webhooks.mode = "hold";
    approvedPurchase("pack");
    const [webhook] = env.emulator.webhooks.held();
    env.emulator.webhooks.duplicate(webhook!.webhookId);
    expect(env.emulator.webhooks.held()).toHaveLength(2);
    await env.emulator.webhooks.release();
    await env.emulator.webhooks.redeliver(webhook!.webhookId);
    expect(env.receiver.received).toHaveLength(3);
    expect(new Set(env.receiver.received.map((h) => h.webhookId))).toEqual(new Set([webhook!.webhookId]));
    expect(new Set(env.receiver.received.map((h) => h.body)).size).toBe(1);
    expect(env.receiver.received.every((h) => h.hmacValid)).toBe(true);
    expect(env.emulator.webhooks.deliveries({ webhookId: webhook!.webhookId }).map((d) => d.attempt)).toEqual(
      [1, 2, 3],
    );
  });

  it("forges a delivery with a bad HMAC and records the app's 401", async () => {
    env.emulator.webhooks.mode = "hold";
    approvedPurchase("pack");
    const [webhook] = env.emulator.webhooks.held();
    const attempt = await env.emulator.webhooks.forge(webhook!.webhookId);
    expect(attempt).toMatchObject({ forged: true, status: 401 });
    expect(env.receiver.received[0]!.hmacValid).toBe(false);
  });

  it("drops a held webhook so it is never delivered", async () => {
    env.emulator.webhooks.mode = "hold";
    approvedPurchase("lost");
    approvedPurchase("kept");
    env.emulator.webhooks.drop(env.emulator.webhooks.held()[0]!.webhookId);
    await env.emulator.webhooks.release();
    expect(names()).toEqual(["kept"]);
  });

  it("records a failed delivery when the app is unreachable", async () => {
    await env.receiver.close();
    approvedPurchase("pack");
    await env.emulator.webhooks.idle();
    const [attempt] = env.emulator.webhooks.deliveries();
    expect(attempt!.status).toBeNull();
    expect(attempt!.error).toBeTruthy();
  });
});

describe("installation and compliance", () => {
  it("uninstalling revokes the shop's tokens, cancels its subscription and sends app/uninstalled", async () => {
    const token = env.emulator.grantOfflineToken(DEV_STORE);
    const otherToken = env.emulator.grantOfflineToken(NORMAL_STORE);
    const { charge } = env.emulator.billing.createSubscription(DEV_STORE, {
      name: "Pro",
      returnUrl: "https://app.example/r",
      lineItems: [
        {
          kind: "recurring",
          price: { amount: "19.0", currencyCode: "USD" },
          interval: "EVERY_30_DAYS",
          discount: null,
        },
      ],
      test: true,
    });
    env.emulator.approveCharge(charge!.id);
    env.emulator.uninstallApp(DEV_STORE);
    expect(env.emulator.charge(charge!.id).status).toBe("CANCELLED");
    expect((await env.gql(DEV_STORE, token, "{ shop { name } }")).status).toBe(401);
    expect((await env.gql(NORMAL_STORE, otherToken, "{ shop { name } }")).status).toBe(200);
    await env.emulator.webhooks.idle();
    expect(env.receiver.received.map((h) => h.topic)).toEqual([
      "app_subscriptions/update",
      "app_subscriptions/update",
      "app/uninstalled",
    ]);
    expect(env.receiver.received[2]!.payload).toMatchObject({
      myshopify_domain: DEV_STORE,
      // The shop's primary domain, not the myshopify one.
      domain: "dev-store.example.com",
    });
  });

  it("sends shop/redact and customer compliance webhooks to their paths", async () => {
    env.emulator.redactShop(DEV_STORE);
    env.emulator.deliverWebhook({
      shop: DEV_STORE,
      topic: "customers/redact",
      customer: { id: 7, email: "c@example.com" },
    });
    await env.emulator.webhooks.idle();
    expect(env.receiver.received.map((h) => [h.path, h.payload])).toEqual([
      ["/webhooks/shop/redact", { shop_id: env.emulator.shop(DEV_STORE).record.id, shop_domain: DEV_STORE }],
      [
        "/webhooks/customers/redact",
        {
          shop_id: env.emulator.shop(DEV_STORE).record.id,
          shop_domain: DEV_STORE,
          customer: { id: 7, email: "c@example.com" },
          orders_to_redact: [],
        },
      ],
    ]);
  });
});

describe("HTTP control routes", () => {
  async function control(method: string, path: string, body?: unknown) {
    const response = await fetch(`${env.emulator.url}/_emulator${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- control answers vary by route
    return { status: response.status, body: (await response.json()) as any };
  }

  it("drive the same world: hold, approve, release, advance the clock", async () => {
    expect((await control("POST", "/webhooks/mode", { mode: "hold" })).body.mode).toBe("hold");
    const { charge } = env.emulator.billing.createPurchase(DEV_STORE, {
      name: "Pack",
      returnUrl: "https://app.example/r",
      price: { amount: "5.0", currencyCode: "USD" },
      test: true,
    });
    const approved = await control(
      "POST",
      `/charges/gid%3A%2F%2Fshopify%2FAppPurchaseOneTime%2F${charge!.id}/approve`,
    );
    expect(approved.body.charge.status).toBe("ACTIVE");
    expect((await control("GET", "/webhooks")).body.held).toHaveLength(1);
    const released = await control("POST", "/webhooks/release");
    expect(released.body.map((a: { status: number }) => a.status)).toEqual([200]);
    const before = new Date((await control("GET", "/state")).body.now).getTime();
    const advanced = await control("POST", "/clock/advance", { days: 3 });
    expect(new Date(advanced.body.now).getTime() - before).toBeGreaterThanOrEqual(3 * 24 * 3600 * 1000);
    const token = await control("POST", `/shops/${DEV_STORE}/session-token`, { userId: 5 });
    expect(token.body.token.split(".")).toHaveLength(3);
    expect((await control("POST", "/nope")).status).toBe(404);
    expect((await control("POST", "/charges/999999/approve")).status).toBe(400);
  });
});
