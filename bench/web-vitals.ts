// The Billing page in a browser, as a merchant opens it: the production build (`npm run build` in a temp
// copy, `npm start` with NODE_ENV=production, bench/webhook-burst.ts) inside the emulator's admin frame,
// in Debian's headless Chromium (tests/e2e/chromium.ts). The app's frame measures itself with
// PerformanceObservers (bench/web-vitals-page.ts): LCP, CLS, and the latency of clicks on the page (INP).
// Baseline in the same run: the Home page, loaded and clicked the same way, rounds alternating between the
// two, each page cold (browser cache cleared) then warm. JS size: every script the app's frame fetched
// before the first click, gzipped (zlib's default level, as the server's compression middleware sends it).
//
// App Bridge comes from Shopify's CDN in production (APP_BRIDGE_URL is refused there); this machine has no
// network, so Chromium is answered that one URL with the emulator's stand-in, and every other request off
// this machine (the Inter font stylesheet) is aborted. Playwright's routing then sees every request of the
// page, on both pages alike.
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { FrameLocator, Page } from "playwright-core";
import { captureReservation, grantCredits, reserveCredits } from "../app/ledger/index.server";
import { createTestDb } from "../tests/db";
import { launchChromium } from "../tests/e2e/chromium";
import { freePort } from "../tests/production-build";
import { adminFrameUrl, startEmulator } from "../tools/shopify-emulator";
import { engineVersion } from "./machine";
import { API_KEY, API_SECRET, startApp, type App, type AppBuild } from "./webhook-burst";
import {
  cumulativeLayoutShift,
  interactionLatency,
  largestContentfulPaint,
  OBSERVERS,
  READ_VITALS,
  type FrameVitals,
} from "./web-vitals-page";

export const LOADS = Number(process.env.BENCH_WEB_VITALS_LOADS ?? 10);
/** Built for Shopify's thresholds (p75 of real visits), and the aims. */
export const BUDGETS = { lcpMs: 2500, cls: 0.1, inpMs: 200 };
export const AIMS = { lcpMs: 1000, cls: 0.05 };

const SHOP = "normal-store.myshopify.com";
const CDN_APP_BRIDGE = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
/** After the page's heading shows: time for late paints and shifts (App Bridge, the nav) before reading. */
const SETTLE_MS = 1500;
/** After a click: event-timing entries arrive after the next paint. */
const AFTER_CLICK_MS = 300;
const LEDGER_DEBITS = 30;

export type PageName = "Home" | "Billing";
export type Cache = "cold" | "warm";

interface Step {
  name: string;
  act(app: FrameLocator): Promise<void>;
}

interface PageSpec {
  name: PageName;
  path: string;
  ready(app: FrameLocator): Promise<void>;
  steps: Step[];
}

const heading = (app: FrameLocator, name: string, level?: number) =>
  app.getByRole("heading", { name, exact: true, ...(level ? { level } : {}) });

const PAGES: PageSpec[] = [
  {
    name: "Home",
    path: "/app",
    ready: (app) => heading(app, "AI blog content", 1).waitFor(),
    steps: [
      // The floor: a click that changes nothing, so its latency is the page's input delay and next frame.
      { name: "click the page title", act: (app) => heading(app, "AI blog content", 1).click() },
      {
        name: "New brief (client navigation)",
        act: async (app) => {
          await app.getByRole("link", { name: "New brief" }).first().click();
          await heading(app, "New brief", 1).waitFor();
        },
      },
    ],
  },
  {
    name: "Billing",
    path: "/app/billing",
    ready: (app) => heading(app, "Billing", 1).waitFor(),
    steps: [
      { name: "click the page title", act: (app) => heading(app, "Billing", 1).click() },
      {
        name: "Upgrade to Starter (opens its confirmation)",
        act: async (app) => {
          await app.getByRole("button", { name: "Upgrade to Starter" }).click();
          await app.getByRole("dialog").waitFor();
        },
      },
      {
        name: "Not now (closes it)",
        act: async (app) => {
          await app.getByRole("dialog").getByRole("button", { name: "Not now" }).click();
          await app.getByRole("dialog").waitFor({ state: "hidden" });
        },
      },
      {
        name: "Activity Ledger tab",
        act: async (app) => {
          await app.getByRole("tab", { name: "Activity Ledger" }).click();
          await heading(app, "Activity Ledger").waitFor();
        },
      },
      {
        name: "Plan and balance tab",
        act: async (app) => {
          await app.getByRole("tab", { name: "Plan and balance" }).click();
          await app.getByRole("button", { name: "Upgrade to Starter" }).waitFor();
        },
      },
    ],
  },
];

export interface Script {
  path: string;
  bytes: number;
  gzipBytes: number;
  /** Content-Encoding the server answered with. */
  encoding: string;
}

export interface Visit {
  page: PageName;
  cache: Cache;
  /** LCP in the app's frame, from the frame's navigation start (what App Bridge reports for the app). */
  lcpMs: number;
  /** The same paint from the admin page's navigation start (the merchant's click). */
  lcpFromAdminMs: number;
  /** The app document's first byte (responseStart), on the frame's clock: the loaders' share of LCP. */
  ttfbMs: number;
  lcpElement: string;
  /** CLS up to the first click, and over the whole visit (clicks and tab changes included). */
  loadCls: number;
  visitCls: number;
  clsSources: string[];
  interactions: { name: string; ms: number; handlersMs: number }[];
  inpMs: number;
  /** Cold visits only: the scripts and the document the app's frame fetched before the first click. */
  scripts: Script[];
  documentGzipBytes: number;
}

export interface WebVitalsResult {
  version: string;
  chromium: string;
  loads: number;
  visits: Visit[];
  /** Requests off this machine that were aborted (App Bridge excepted), once each. */
  aborted: string[];
  pageErrors: string[];
}

/** A Free shop with some history: a top-up, debits, so the cards and the ledger are not empty. */
async function seedShop(db: Parameters<typeof grantCredits>[0]): Promise<void> {
  const shop = await db.shop.findUniqueOrThrow({ where: { domain: SHOP } });
  await grantCredits(db, {
    shopId: shop.id,
    sourceKey: `purchase:bench-${randomUUID()}`,
    kind: "top_up",
    credits: 100,
  });
  for (let i = 0; i < LEDGER_DEBITS; i += 1) {
    const ref = { shopId: shop.id, idempotencyKey: `bench-${randomUUID()}` };
    await reserveCredits(db, { ...ref, actions: ["draft.generate"], actor: "user:1" });
    await captureReservation(db, ref);
  }
}

async function visit(page: Page, admin: string, app: App, spec: PageSpec, cache: Cache): Promise<Visit> {
  const appOrigin = new URL(app.url.replace("127.0.0.1", "localhost")).origin;
  if (cache === "cold") {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.clearBrowserCache");
    await cdp.detach();
  }
  const fetched: Promise<Script | undefined>[] = [];
  let documentGzipBytes = 0;
  let loading = true;
  const onResponse = (response: import("playwright-core").Response) => {
    const url = new URL(response.url());
    if (!loading || url.origin !== appOrigin) return;
    if (response.request().resourceType() === "document")
      fetched.push(
        response.body().then((body) => {
          documentGzipBytes = gzipSync(body).length;
          return undefined;
        }),
      );
    else if (url.pathname.endsWith(".js"))
      fetched.push(
        response.body().then((body) => ({
          path: url.pathname,
          bytes: body.length,
          gzipBytes: gzipSync(body).length,
          encoding: response.headers()["content-encoding"] ?? "identity",
        })),
      );
  };
  page.on("response", onResponse);
  const frame = page.frameLocator("#app-frame");
  await page.goto(adminFrameUrl(admin, SHOP, API_KEY, spec.path));
  await spec.ready(frame);
  await page.waitForTimeout(SETTLE_MS);
  loading = false;
  page.off("response", onResponse);
  const scripts = (await Promise.all(fetched)).filter((s): s is Script => s !== undefined);

  const appFrame = page.frames().find((f) => f.url().startsWith(`${appOrigin}/`));
  if (!appFrame) throw new Error(`no app frame on ${page.url()}`);
  const read = () => appFrame.evaluate(READ_VITALS) as Promise<FrameVitals>;
  const adminOrigin = (await page.evaluate("performance.timeOrigin")) as number;
  const loaded = await read();
  const lcp = largestContentfulPaint(loaded);
  if (!lcp) throw new Error(`${spec.name}: no largest-contentful-paint entry`);
  const loadCls = cumulativeLayoutShift(loaded.shifts);

  const interactions: Visit["interactions"] = [];
  for (const step of spec.steps) {
    const seen = (await read()).events.length;
    await step.act(frame);
    await page.waitForTimeout(AFTER_CLICK_MS);
    interactions.push({ name: step.name, ...interactionLatency(await read(), seen) });
  }
  const after = await read();
  const visitCls = cumulativeLayoutShift(after.shifts);
  return {
    page: spec.name,
    cache,
    lcpMs: lcp.startTime,
    lcpFromAdminMs: loaded.timeOrigin - adminOrigin + lcp.startTime,
    ttfbMs: (await appFrame.evaluate(
      "performance.getEntriesByType('navigation')[0].responseStart",
    )) as number,
    lcpElement: lcp.element,
    loadCls: loadCls.value,
    visitCls: visitCls.value,
    clsSources: visitCls.sources,
    interactions,
    inpMs: Math.max(...interactions.map((i) => i.ms)),
    scripts: cache === "cold" ? scripts : [],
    documentGzipBytes,
  };
}

/**
 * The emulator's stand-in App Bridge, to answer for Shopify's CDN: it finds the admin by its own script's
 * origin, which is the CDN's here, so it is told the emulator's instead.
 */
async function standInAppBridge(emulatorUrl: string): Promise<string> {
  const source = await (await fetch(`${emulatorUrl}/app-bridge.js`)).text();
  const ownOrigin = "const adminOrigin = new URL(script.src).origin;";
  if (!source.includes(ownOrigin))
    throw new Error("the stand-in App Bridge no longer finds the admin by its src");
  return source.replace(ownOrigin, `const adminOrigin = ${JSON.stringify(new URL(emulatorUrl).origin)};`);
}

export async function webVitalsBench(build: AppBuild, loads = LOADS): Promise<WebVitalsResult> {
  const t = await createTestDb("postgres");
  const emulatorPort = await freePort();
  // The admin and the app on one site (localhost), so the framed app keeps its sessionStorage.
  const adminUrl = `http://localhost:${emulatorPort}`;
  let app: App | undefined;
  let emulator: Awaited<ReturnType<typeof startEmulator>> | undefined;
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    const version = await engineVersion(t.db, "postgres");
    app = await startApp(build, t.url, adminUrl, "warning");
    emulator = await startEmulator({
      apiKey: API_KEY,
      apiSecret: API_SECRET,
      appUrl: app.url.replace("127.0.0.1", "localhost"),
      port: emulatorPort,
      host: "localhost",
      appName: "AI blog content",
      adminConfirmationUrls: true,
    });
    emulator.webhooks.mode = "hold";
    const appBridge = await standInAppBridge(emulator.url);

    browser = await launchChromium();
    const chromium = browser.context.browser()?.version() ?? "unknown";
    const aborted = new Set<string>();
    await browser.context.addInitScript(OBSERVERS);
    await browser.context.route(
      (url) => url.hostname !== "localhost" && url.hostname !== "127.0.0.1",
      (route) => {
        const url = route.request().url();
        if (url.split("?")[0] === CDN_APP_BRIDGE)
          return route.fulfill({ contentType: "text/javascript", body: appBridge });
        aborted.add(url);
        return route.abort("internetdisconnected");
      },
    );
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    // Warm-up, not measured: installs the shop (token exchange, the first cycle's grant), then its history.
    for (const spec of PAGES) await visit(page, emulator.url, app, spec, "cold");
    await seedShop(t.db);
    for (const spec of PAGES) await visit(page, emulator.url, app, spec, "cold");

    const visits: Visit[] = [];
    for (let round = 0; round < loads; round += 1) {
      const order = round % 2 === 0 ? PAGES : [...PAGES].reverse();
      for (const spec of order)
        for (const cache of ["cold", "warm"] as const)
          visits.push(await visit(page, emulator.url, app, spec, cache));
      console.log(`web-vitals: round ${round + 1}/${loads} done`);
    }
    return { version, chromium, loads, visits, aborted: [...aborted].sort(), pageErrors };
  } catch (error) {
    if (app) console.error(`npm start's output:\n${app.output().split("\n").slice(-40).join("\n")}`);
    throw error;
  } finally {
    await browser?.close();
    await app?.stop();
    await emulator?.close();
    await t.drop();
  }
}
