// Webhook bursts against the production build: `npm run build` in a temp copy of the repository (as
// tests/scenarios/deployment-boot.test.ts does), `npm start` there with NODE_ENV=production, its Shopify
// clients pointed at a local emulator (tools/shopify-emulator/register.ts, bundled and loaded with
// `node --import` as scripts/dev.mjs does). Per engine, on a fresh migrated database: shops installed by
// opening the app with a session token, real charges created and approved in the emulator, then 500 validly
// signed deliveries at concurrency 50 (billing updates whose read-back runs, plus compliance topics), with
// the same burst against /healthz and against a signed webhook that does no read-back as the baseline.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Db, Engine } from "../app/db/connect.server";
import { TOP_UP_PACKS } from "../app/billing/plans";
import { createTestDb } from "../tests/db";
import { buildInCopy, freePort } from "../tests/production-build";
import { webhookHeaders } from "../tests/shopify-webhook";
import { bundleEmulatorRegister } from "../scripts/emulator-register.mjs";
import { hostParam, startEmulator, type ShopifyEmulator } from "../tools/shopify-emulator";
import { purchasePayload, subscriptionPayload, topicPayload } from "../tools/shopify-emulator/payloads";
import { appWebhookApiVersion } from "../tools/shopify-emulator/webhooks";
import { engineVersion } from "./machine";

export const DELIVERIES = 500;
export const CONCURRENCY = 50;
/** Shopify gives up on a delivery after 5 s; the target leaves room for a slower day. */
export const P99_TARGET_MS = 1000;
const SHOPS = 25;
const PURCHASES_PER_SHOP = 3;

const ROOT = new URL("..", import.meta.url).pathname;
export const API_KEY = "bench-api-key";
export const API_SECRET = "bench-api-secret";
const APP_URL = "https://app.example.com"; // production refuses http://; requests go to 127.0.0.1 directly
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36";

export interface Burst {
  label: string;
  count: number;
  concurrency: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  perSecond: number;
  statuses: Record<number, number>;
  /** CPU the app's processes spent during the burst, in ms, and as a share of one core over the wall time. */
  appCpuMs: number;
  appCores: number;
  /** CPU of this process (the load generator and the emulator answering the read-backs), per request. */
  benchCpuMsPerRequest: number;
}

export interface BurstChecks {
  /** Billing deliveries sent, and WebhookDelivery rows for them by outcome (each id once). */
  billingSent: number;
  rows: Record<string, number>;
  unprocessed: number;
  missing: number;
  /** Grants sharing a (shop, sourceKey): a grant made twice. */
  duplicateGrants: number;
  topUpGrants: number;
  topUpExpected: number;
  /** Shops on the Starter plan after the burst (every subscription recorded). */
  starterShops: number;
  shops: number;
  /** Admin API GraphQL requests the emulator served during the mix: the read-backs. */
  graphqlRequests: number;
}

export interface WebhookEngineResult {
  engine: Engine;
  version: string;
  logLevel: string;
  bursts: Burst[];
  checks: BurstChecks;
  ok: boolean;
}

// ---------------------------------------------------------------------------------------------- the build

export interface AppBuild {
  dir: string;
  register: string;
  remove(): void;
}

/** The production build in a copy of the repository, and the emulator's fetch override bundled beside it. */
export async function buildApp(): Promise<AppBuild> {
  const build = await buildInCopy("webhook-burst");
  try {
    const register = bundleEmulatorRegister(join(build.dir, "emulator-register.mjs"));
    return { dir: build.dir, register, remove: build.remove };
  } catch (error) {
    build.remove();
    throw error;
  }
}

// ------------------------------------------------------------------------------------------ the app process

/** utime + stime of every process in the group (npm and the node server under it), in ms. */
function groupCpuMs(pgid: number): number {
  const tick = 100; // USER_HZ on Linux
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name (which may contain spaces): state ppid pgrp ... utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[2]) !== pgid) continue;
    total += ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
  }
  return total;
}

export interface App {
  url: string;
  cpuMs(): number;
  output(): string;
  stop(): Promise<void>;
}

export async function startApp(build: AppBuild, databaseUrl: string, emulatorUrl: string, logLevel: string) {
  const port = await freePort();
  // BENCH_APP_CPU_PROF=<dir>: a probe, not the measured setup. npm start's command (node scripts/serve.mjs)
  // run directly with a V8 CPU profile, written when the server stops (NODE_OPTIONS may not carry it).
  const profile = process.env.BENCH_APP_CPU_PROF;
  const [command, args] = profile
    ? [process.execPath, ["--cpu-prof", `--cpu-prof-dir=${profile}`, "scripts/serve.mjs"]]
    : ["npm", ["start"]];
  const child: ChildProcess = spawn(command, args, {
    cwd: build.dir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      LOG_LEVEL: logLevel,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: databaseUrl,
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      SHOPIFY_APP_URL: APP_URL,
      SCOPES: "write_content,read_products",
      SHOPIFY_EMULATOR_URL: emulatorUrl,
      NODE_OPTIONS: `--import ${new URL(`file://${build.register}`).href}`,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
    if (performance.now() - started > 30_000) throw new Error(`npm start did not serve in 30 s:\n${output}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const app: App = {
    url,
    cpuMs: () => groupCpuMs(child.pid!),
    output: () => output,
    async stop() {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
      await exited;
    },
  };
  return app;
}

// ------------------------------------------------------------------------------------------------ a burst

interface Send {
  path: string;
  init: RequestInit;
}

const apiVersion = appWebhookApiVersion(ROOT) ?? "2025-10";

function signed(topic: string, shop: string, body: unknown, webhookId = randomUUID()): Send {
  const raw = JSON.stringify(body);
  return {
    path: `/webhooks/${topic}`,
    init: {
      method: "POST",
      body: raw,
      headers: webhookHeaders({ topic, shop, raw, secret: API_SECRET, webhookId, apiVersion }),
    },
  };
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function burst(app: App, label: string, sends: Send[], concurrency = CONCURRENCY): Promise<Burst> {
  const times: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  const cpuStart = app.cpuMs();
  const benchCpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sends.length) {
        const send = sends[next++]!;
        const t0 = performance.now();
        const response = await fetch(`${app.url}${send.path}`, send.init).catch(() => undefined);
        await response?.arrayBuffer();
        times.push(performance.now() - t0);
        const status = response?.status ?? 0;
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const appCpuMs = app.cpuMs() - cpuStart;
  const ownCpu = process.cpuUsage(benchCpu);
  times.sort((a, b) => a - b);
  return {
    label,
    count: sends.length,
    concurrency,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: times[times.length - 1] ?? Number.NaN,
    perSecond: sends.length / seconds,
    statuses,
    appCpuMs,
    appCores: appCpuMs / 1000 / seconds,
    benchCpuMsPerRequest: (ownCpu.user + ownCpu.system) / 1000 / sends.length,
  };
}

// ------------------------------------------------------------------------------------- shops and charges

interface BenchShop {
  domain: string;
  subscriptionBody: unknown;
  purchaseBodies: unknown[];
  complianceBodies: { topic: string; body: unknown }[];
}

/** Opens the app once per shop as the admin does (a session token: token exchange, afterAuth), then
 * creates and approves a Starter subscription and top-up purchases in the emulator. */
async function installShops(emulator: ShopifyEmulator, app: App): Promise<BenchShop[]> {
  const shops: BenchShop[] = [];
  for (let i = 0; i < SHOPS; i += 1) {
    const domain = `burst-${i}-${randomUUID().slice(0, 6)}.myshopify.com`;
    const record = emulator.addShop({ domain, partnerDevelopment: false });
    const url = new URL("/app", app.url);
    url.searchParams.set("embedded", "1");
    url.searchParams.set("shop", domain);
    url.searchParams.set("host", hostParam(domain));
    url.searchParams.set("id_token", emulator.sessionToken(domain));
    const page = await fetch(url, { redirect: "manual", headers: { "User-Agent": BROWSER } });
    await page.arrayBuffer();
    if (page.status !== 200)
      throw new Error(`opening the app for ${domain}: ${page.status}\n${app.output()}`);

    const returnUrl = `https://admin.shopify.com/store/${domain.split(".")[0]}/apps/${API_KEY}/app/billing`;
    const sub = emulator.billing.createSubscription(domain, {
      name: "Starter",
      returnUrl,
      lineItems: [
        {
          kind: "recurring",
          price: { amount: "9.99", currencyCode: "USD" },
          interval: "EVERY_30_DAYS",
          discount: null,
        },
      ],
    }).charge!;
    emulator.approveCharge(sub.id);
    const purchaseBodies: unknown[] = [];
    for (let p = 0; p < PURCHASES_PER_SHOP; p += 1) {
      const pack = TOP_UP_PACKS[p % TOP_UP_PACKS.length]!;
      const purchase = emulator.billing.createPurchase(domain, {
        name: pack.name,
        returnUrl,
        price: { amount: pack.price.toFixed(2), currencyCode: "USD" },
      }).charge!;
      emulator.approveCharge(purchase.id);
      purchaseBodies.push(purchasePayload(emulator.charge(purchase.id) as typeof purchase, record));
    }
    shops.push({
      domain,
      subscriptionBody: subscriptionPayload(emulator.charge(sub.id) as typeof sub, record),
      purchaseBodies,
      complianceBodies: ["customers/data_request", "customers/redact"].map((topic) => ({
        topic,
        body: topicPayload(topic, record),
      })),
    });
  }
  return shops;
}

/**
 * The mix: 40 % app_subscriptions/update (each shop's subscription 8 times), 40 %
 * app_purchases_one_time/update (each of the 75 purchases 2–3 times), 20 % compliance requests, each
 * delivery under its own webhook id, interleaved so the same charge often arrives concurrently.
 */
function mix(shops: BenchShop[]): { sends: Send[]; billing: string[] } {
  const sends: Send[] = [];
  const billing: string[] = [];
  const purchases = shops.flatMap((shop) => shop.purchaseBodies.map((body) => ({ shop, body })));
  const counts = { subscription: 0, purchase: 0, compliance: 0 };
  for (let i = 0; i < DELIVERIES; i += 1) {
    const slot = i % 10;
    const id = randomUUID();
    if (slot < 4) {
      const shop = shops[counts.subscription++ % shops.length]!;
      sends.push(signed("app_subscriptions/update", shop.domain, shop.subscriptionBody, id));
      billing.push(id);
    } else if (slot < 8) {
      const { shop, body } = purchases[counts.purchase++ % purchases.length]!;
      sends.push(signed("app_purchases_one_time/update", shop.domain, body, id));
      billing.push(id);
    } else {
      const n = counts.compliance++;
      const shop = shops[n % shops.length]!;
      const c = shop.complianceBodies[Math.floor(n / shops.length) % shop.complianceBodies.length]!;
      sends.push(signed(c.topic, shop.domain, c.body, id));
    }
  }
  return { sends, billing };
}

async function check(db: Db, billing: string[], graphqlRequests: number): Promise<BurstChecks> {
  const rows = await db.webhookDelivery.findMany({ where: { webhookId: { in: billing } } });
  const outcomes: Record<string, number> = {};
  for (const row of rows) outcomes[row.outcome ?? "none"] = (outcomes[row.outcome ?? "none"] ?? 0) + 1;
  const grants = await db.creditGrant.findMany({ select: { shopId: true, sourceKey: true, kind: true } });
  const keys = new Set(grants.map((g) => `${g.shopId} ${g.sourceKey}`));
  return {
    billingSent: billing.length,
    rows: outcomes,
    unprocessed: rows.filter((r) => r.processedAt === null).length,
    missing: billing.length - rows.length,
    duplicateGrants: grants.length - keys.size,
    topUpGrants: grants.filter((g) => g.kind === "top_up").length,
    topUpExpected: SHOPS * PURCHASES_PER_SHOP,
    starterShops: await db.shop.count({ where: { planKey: "starter" } }),
    shops: SHOPS,
    graphqlRequests,
  };
}

// ----------------------------------------------------------------------------------------- one engine run

export async function webhookBurst(
  build: AppBuild,
  engine: Engine,
  logLevel = process.env.BENCH_LOG_LEVEL ?? "warning",
): Promise<WebhookEngineResult> {
  const t = await createTestDb(engine);
  let emulator: ShopifyEmulator | undefined;
  let app: App | undefined;
  try {
    const version = await engineVersion(t.db, engine);
    emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, appUrl: APP_URL, port: 0 });
    // Approvals emit webhooks; the bench sends its own, so the emulator's stay queued.
    emulator.webhooks.mode = "hold";
    let graphql = 0;
    const resolversFor = emulator.resolversFor.bind(emulator);
    emulator.resolversFor = (shop: string) => {
      graphql += 1;
      return resolversFor(shop);
    };
    app = await startApp(build, t.url, emulator.url, logLevel);
    const shops = await installShops(emulator, app);

    const healthz = () => Array.from({ length: DELIVERIES }, () => ({ path: "/healthz", init: {} }));
    const bare = () =>
      Array.from({ length: DELIVERIES }, (_, i) => {
        const shop = shops[i % shops.length]!;
        const c = shop.complianceBodies[0]!;
        return signed(c.topic, shop.domain, c.body);
      });
    // Warm-up: JIT, the pool's connections, the Admin API client.
    await burst(app, "warm-up", healthz().slice(0, 100));
    await burst(app, "warm-up", bare().slice(0, 100));

    const bursts = [
      await burst(app, "GET /healthz", healthz()),
      await burst(app, "signed customers/data_request (no read-back)", bare()),
    ];
    const { sends, billing } = mix(shops);
    graphql = 0;
    bursts.push(await burst(app, "mix: billing read-backs + compliance", sends));
    const graphqlRequests = graphql;
    const checks = await check(t.db, billing, graphqlRequests);
    const mixed = bursts[bursts.length - 1]!;
    const ok =
      bursts.every((b) => (b.statuses[200] ?? 0) === b.count) &&
      checks.missing === 0 &&
      checks.unprocessed === 0 &&
      checks.duplicateGrants === 0 &&
      checks.topUpGrants === checks.topUpExpected &&
      checks.starterShops === checks.shops &&
      mixed.p99 < P99_TARGET_MS;
    return { engine, version, logLevel, bursts, checks, ok };
  } finally {
    await app?.stop();
    await emulator?.close();
    await t.drop();
  }
}
