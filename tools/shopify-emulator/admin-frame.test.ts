// The admin frame and the stand-in App Bridge in a real browser, around a minimal fake app: session tokens
// on the app's fetches, and billing's two ways out of the iframe (a 401 with the reauthorize header, an
// exit-iframe page) to the confirmation page and, after approval, back into the admin frame.

import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, type Browser } from "../../tests/e2e/chromium";
import { adminFrameUrl } from "./admin-urls";
import type { ShopifyEmulator } from "./emulator";
import { startEmulator } from "./server";
import { API_KEY, API_SECRET, DEV_STORE } from "./test-setup";
import { verifySessionToken } from "./token-exchange";

let emulator: ShopifyEmulator;
let browser: Browser;
let page: Page;
const app = createServer((req, res) => fakeApp(req, res));
const bearerTokens: string[] = [];
const RETURN_URL = `https://admin.shopify.com/store/dev-store/apps/${API_KEY}/app/billing/return`;

function createCharge(): string {
  const { confirmationUrl } = emulator.billing.createSubscription(DEV_STORE, {
    name: "Pro",
    returnUrl: RETURN_URL,
    test: true,
    lineItems: [
      {
        kind: "recurring",
        price: { amount: "19.0", currencyCode: "USD" },
        interval: "EVERY_30_DAYS",
        discount: null,
      },
    ],
  });
  return confirmationUrl!;
}

// Pages load the stand-in App Bridge as shopify-app-remix's AppProvider and exit-iframe page do.
function fakeApp(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url!, "http://localhost");
  const appBridge = `<script src="${emulator.url}/app-bridge.js" data-api-key="${API_KEY}"></script>`;
  if (req.method === "POST" && url.pathname === "/subscribe") {
    bearerTokens.push(req.headers.authorization ?? "");
    res.writeHead(401, { "X-Shopify-API-Request-Failure-Reauthorize-Url": createCharge() }).end();
  } else if (url.pathname === "/auth/exit-iframe") {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`${appBridge}<script>window.open(${JSON.stringify(createCharge())}, "_top")</script>`);
  } else {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`<!doctype html><html><head><title>Fake app</title></head><body>${appBridge}
      <ui-nav-menu><a href="/app" rel="home">Home</a><a href="/app/billing">Billing</a></ui-nav-menu>
      <ui-title-bar title="Fake app ${url.pathname}"></ui-title-bar>
      <h1>Fake app ${url.pathname}</h1><p id="charge">${url.searchParams.get("charge_id") ?? ""}</p>
      <button onclick="fetch('/subscribe', { method: 'POST' })">Subscribe</button></body></html>`);
  }
}

beforeAll(async () => {
  app.listen(0, "localhost");
  await once(app, "listening");
  const appUrl = `http://localhost:${(app.address() as AddressInfo).port}`;
  emulator = await startEmulator({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    appUrl,
    appName: "Fake app",
    host: "localhost",
    adminConfirmationUrls: true,
  });
  // No webhook receiver: deliveries to the fake app are not what this test looks at.
  emulator.webhooks.mode = "hold";
  browser = await launchChromium();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
  app.close();
});

const frame = () => page.frameLocator("#app-frame");

async function approveAndReturn() {
  await page.waitForURL(/\/store\/dev-store\/charges\/subscription\/\d+\/confirm$/);
  await page.getByRole("button", { name: "Approve" }).click();
  await page.waitForURL(/\/apps\/.+\/app\/billing\/return\?charge_id=\d+$/);
  const chargeId = new URL(page.url()).searchParams.get("charge_id")!;
  await expect.poll(() => frame().locator("#charge").textContent()).toBe(chargeId);
  expect(emulator.charge(chargeId).status).toBe("ACTIVE");
}

describe("admin frame with the stand-in App Bridge", () => {
  it("embeds the app with Shopify's parameters and shows its nav and title", async () => {
    await page.goto(adminFrameUrl(emulator.url, DEV_STORE, API_KEY, "/app"));
    await frame().getByRole("heading", { name: "Fake app /app" }).waitFor();
    const src = new URL((await page.locator("#app-frame").getAttribute("src"))!);
    expect(Object.fromEntries(src.searchParams)).toMatchObject({
      embedded: "1",
      shop: DEV_STORE,
      host: "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGV2LXN0b3Jl",
      locale: "en",
    });
    expect(
      verifySessionToken(
        src.searchParams.get("id_token")!,
        { apiKey: API_KEY, apiSecret: API_SECRET },
        DEV_STORE,
      ),
    ).toMatchObject({ dest: `https://${DEV_STORE}` });
    await expect
      .poll(() => page.getByRole("list", { name: "Fake app navigation" }).getByRole("link").allTextContents())
      .toEqual(["Home", "Billing"]);
    await expect.poll(() => page.locator("#app-title").textContent()).toBe("Fake app /app");
    // ui-nav-menu and ui-title-bar stay hidden inside the app.
    expect(await frame().getByRole("link", { name: "Billing" }).isVisible()).toBe(false);
  });

  it("follows a fetch's reauthorize header to the confirmation page and returns into the admin frame", async () => {
    await frame().getByRole("button", { name: "Subscribe" }).click();
    await approveAndReturn();
    const token = bearerTokens.at(-1)!.replace(/^Bearer /, "");
    expect(verifySessionToken(token, { apiKey: API_KEY, apiSecret: API_SECRET }, DEV_STORE)).toMatchObject({
      dest: `https://${DEV_STORE}`,
    });
  });

  it("leaves the iframe for an exit-iframe page's open(url, '_top')", async () => {
    await page.goto(adminFrameUrl(emulator.url, DEV_STORE, API_KEY, "/auth/exit-iframe"));
    await approveAndReturn();
  });
});
