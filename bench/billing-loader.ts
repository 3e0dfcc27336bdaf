// The Billing page's loaders against the production build (`npm run bench -- billing-loader`): the build and
// `npm start` of bench/webhook-burst.ts, its Shopify clients on a local emulator. Per engine, on a fresh
// migrated database, two shops installed by opening the app with a session token (token exchange, Free's
// allowance), one of them holding 100,000 ledger entries before (bench/balance-read.ts's captured reservations). Each
// request is what Remix's client sends on a navigation: GET `<path>.data` with App Bridge's session token,
// which runs the layout's loader (app/routes/app.tsx) beside the page's. Sides alternate in blocks of
// sequential requests: Billing and Home on the empty shop, Billing and Home on the 100,000-entry shop, and the
// Activity Ledger's first page of 50 on the empty shop and on a third shop holding 1,000,000 entries
// (bench/ledger-page.ts's named debits). Per side: latency p50/p95, and the app process's CPU per request
// (utime + stime of its process group).
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Engine } from "../app/db/connect.server";
import { createTestDb } from "../tests/db";
import { hostParam, startEmulator } from "../tools/shopify-emulator";
import { HISTORY_ENTRIES, shopWithHistory } from "./balance-read";
import { MILLION, shopWithEntries } from "./ledger-page";
import { engineVersion } from "./machine";
import { API_KEY, API_SECRET, startApp, type App, type AppBuild } from "./webhook-burst";

const APP_URL = "https://app.example.com";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36";
const WARMUP = 100;
const BLOCKS = 12;
const PER_BLOCK = 40;
// Targets of issue 9: Billing p95 with 100,000 entries within 1.5× of an empty shop's; Billing's CPU per
// request within 1.5× of Home's; a ledger page of 50 with 1,000,000 entries within 2× of an empty ledger's.
export const P95_TARGET = 1.5;
export const CPU_TARGET = 1.5;
export const LEDGER_PAGE_TARGET = 2;

export interface LoaderSide {
  label: string;
  requests: number;
  p50: number;
  p95: number;
  /** App CPU per request over all blocks, and the lowest and highest block's. */
  cpuMs: number;
  cpuMinMs: number;
  cpuMaxMs: number;
}

export interface BillingLoaderResult {
  engine: Engine;
  version: string;
  sides: Record<
    "billingEmpty" | "homeEmpty" | "billingFull" | "homeFull" | "ledgerEmpty" | "ledgerMillion",
    LoaderSide
  >;
  /** The app's CPU while no request runs (sweeper, job queue), ms per second. */
  idleCpuMsPerSecond: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

async function openApp(app: App, token: string, domain: string) {
  const url = new URL("/app", app.url);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", domain);
  url.searchParams.set("host", hostParam(domain));
  url.searchParams.set("id_token", token);
  const page = await fetch(url, { redirect: "manual", headers: { "User-Agent": BROWSER } }).catch(
    async (error: unknown) => {
      // What a dying server prints last comes after its socket closed.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      throw new Error(`opening the app for ${domain} failed; the app said:\n${app.output().slice(-3000)}`, {
        cause: error,
      });
    },
  );
  await page.arrayBuffer();
  if (page.status !== 200) throw new Error(`opening the app for ${domain}: ${page.status}\n${app.output()}`);
}

export async function billingLoaderBench(build: AppBuild, engine: Engine): Promise<BillingLoaderResult> {
  const t = await createTestDb(engine);
  const emulator = await startEmulator({ apiKey: API_KEY, apiSecret: API_SECRET, appUrl: APP_URL, port: 0 });
  let app: App | undefined;
  try {
    const version = await engineVersion(t.db, engine);
    const domains = {
      empty: `loader-empty-${randomUUID().slice(0, 6)}.myshopify.com`,
      full: `loader-full-${randomUUID().slice(0, 6)}.myshopify.com`,
      million: `loader-million-${randomUUID().slice(0, 6)}.myshopify.com`,
    };
    // The history first (its shop row made as the app makes it), and before the app starts: its long write
    // would hold SQLite's lock against the app's sweeper. Then the install grants Free on top.
    await shopWithHistory(t.db, domains.full);
    await shopWithEntries(t.db, "loader-million", MILLION, domains.million);
    app = await startApp(build, t.url, emulator.url, process.env.BENCH_LOG_LEVEL ?? "warning");
    for (const domain of Object.values(domains)) {
      emulator.addShop({ domain, partnerDevelopment: false });
      await openApp(app, emulator.sessionToken(domain), domain);
    }

    const running = app;
    const request = async (domain: string, path: string) => {
      const start = performance.now();
      const response = await fetch(`${running.url}${path}`, {
        headers: { Authorization: `Bearer ${emulator.sessionToken(domain)}`, "User-Agent": BROWSER },
        redirect: "manual",
      }).catch((error: unknown) => {
        throw new Error(`GET ${path} failed; the app said:\n${running.output().slice(-3000)}`, {
          cause: error,
        });
      });
      const body = await response.text();
      const ms = performance.now() - start;
      if (response.status !== 200 || body.includes("SanitizedError") || body.includes("ErrorResponse"))
        throw new Error(`GET ${path} for ${domain}: ${response.status} ${body.slice(0, 500)}`);
      return ms;
    };
    const sides = {
      billingEmpty: { label: "Billing, empty shop", run: () => request(domains.empty, "/app/billing.data") },
      homeEmpty: { label: "Home, empty shop", run: () => request(domains.empty, "/app.data") },
      billingFull: {
        label: `Billing, ${HISTORY_ENTRIES.toLocaleString("en-US")} entries`,
        run: () => request(domains.full, "/app/billing.data"),
      },
      homeFull: {
        label: `Home, ${HISTORY_ENTRIES.toLocaleString("en-US")} entries`,
        run: () => request(domains.full, "/app.data"),
      },
      // The install's Free grant is the new shop's only entry.
      ledgerEmpty: {
        label: "Activity Ledger, new shop (1 entry)",
        run: () => request(domains.empty, "/app/billing/activity.data"),
      },
      ledgerMillion: {
        label: `Activity Ledger, ${MILLION.toLocaleString("en-US")} entries`,
        run: () => request(domains.million, "/app/billing/activity.data"),
      },
    };
    type Key = keyof typeof sides;
    // Warm-up: JIT, the pool's connections, the first visit's time zone read and billing check.
    for (const side of Object.values(sides)) for (let i = 0; i < WARMUP; i += 1) await side.run();

    const idleStart = running.cpuMs();
    const idleWall = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleCpuMsPerSecond = ((running.cpuMs() - idleStart) / (performance.now() - idleWall)) * 1000;

    const times = Object.fromEntries(Object.keys(sides).map((key) => [key, [] as number[]])) as Record<
      Key,
      number[]
    >;
    const blockCpu = Object.fromEntries(Object.keys(sides).map((key) => [key, [] as number[]])) as Record<
      Key,
      number[]
    >;
    for (let block = 0; block < BLOCKS; block += 1)
      for (const [key, side] of Object.entries(sides) as [Key, (typeof sides)[Key]][]) {
        const cpuStart = running.cpuMs();
        for (let i = 0; i < PER_BLOCK; i += 1) times[key].push(await side.run());
        blockCpu[key].push((running.cpuMs() - cpuStart) / PER_BLOCK);
      }
    const result = {} as BillingLoaderResult["sides"];
    for (const key of Object.keys(sides) as Key[]) {
      const sorted = [...times[key]].sort((a, b) => a - b);
      const cpu = blockCpu[key];
      result[key] = {
        label: sides[key].label,
        requests: sorted.length,
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        cpuMs: cpu.reduce((sum, ms) => sum + ms, 0) / cpu.length,
        cpuMinMs: Math.min(...cpu),
        cpuMaxMs: Math.max(...cpu),
      };
    }
    return { engine, version, sides: result, idleCpuMsPerSecond };
  } finally {
    await app?.stop();
    await emulator.close();
    await t.drop();
  }
}

export function printBillingLoaderReport(header: string, results: BillingLoaderResult[]): void {
  console.log(`\n## Billing loader: production build, GET .data with a session token (${header})\n`);
  console.log("| Engine | Side | Requests | p50 | p95 | App CPU / request (block min–max) |");
  console.log("|---|---|---|---|---|---|");
  for (const r of results)
    for (const s of Object.values(r.sides))
      console.log(
        `| ${r.version} | ${s.label} | ${s.requests} | ${s.p50.toFixed(2)} ms | ${s.p95.toFixed(2)} ms | ` +
          `${s.cpuMs.toFixed(2)} ms (${s.cpuMinMs.toFixed(2)}–${s.cpuMaxMs.toFixed(2)}) |`,
      );
  console.log(
    `\n| Engine | Billing p95, 100k / empty (≤ ${P95_TARGET}×) | Billing / Home CPU, empty (≤ ${CPU_TARGET}×) | ` +
      `Billing / Home CPU, 100k | Ledger page p95, 1M / new shop (≤ ${LEDGER_PAGE_TARGET}×) | ` +
      `Ledger page p50, 1M / new shop | Idle app CPU |`,
  );
  console.log("|---|---|---|---|---|---|---|");
  const verdict = (ratio: number, target: number) =>
    `${ratio.toFixed(2)}× ${ratio <= target ? "met" : "MISSED"}`;
  for (const r of results) {
    const { billingEmpty, homeEmpty, billingFull, homeFull, ledgerEmpty, ledgerMillion } = r.sides;
    console.log(
      `| ${r.version} | ${verdict(billingFull.p95 / billingEmpty.p95, P95_TARGET)} | ` +
        `${verdict(billingEmpty.cpuMs / homeEmpty.cpuMs, CPU_TARGET)} | ` +
        `${verdict(billingFull.cpuMs / homeFull.cpuMs, CPU_TARGET)} | ` +
        `${verdict(ledgerMillion.p95 / ledgerEmpty.p95, LEDGER_PAGE_TARGET)} | ` +
        `${(ledgerMillion.p50 / ledgerEmpty.p50).toFixed(2)}× | ${r.idleCpuMsPerSecond.toFixed(1)} ms/s |`,
    );
  }
}
