// `npm run bench`: the credit service against bare SQL on SQLite and PostgreSQL, plus balance reads with a
// long ledger, then webhook bursts against the production build (bench/webhook-burst.ts). Exits non-zero
// only when something errors; a missed target prints MISSED. `npm run bench -- ledger`,
// `npm run bench -- ledger-page` (bench/ledger-page.ts: the Activity Ledger's page and CSV export) or
// `npm run bench -- webhooks` runs one part alone (or BENCH=ledger / BENCH=webhooks);
// `npm run bench -- billing-loader` (bench/billing-loader.ts: the Billing and Home loaders' latency and CPU);
// `npm run bench -- web-vitals` (bench/web-vitals.ts: the Billing page of the production build in Chromium);
// `npm run bench -- automations` (bench/automations.ts: 10,000 automations due at once, two instances).
import type { Engine } from "../app/db/connect.server";
import { createTestDb, ENGINES, type TestDb } from "../tests/db";
import { balanceReads } from "./balance-read";
import { openBareSql, type BareSql } from "./bare-sql";
import { engineVersion, loadAverage, machine } from "./machine";
import { printReport, printWebhookReport, type EngineResult, type ShapeResult } from "./report";
import { serviceReserveCapture } from "./service";
import { ledgerPageBench, printLedgerPageReport, type LedgerPageResult } from "./ledger-page";
import { fundedShops } from "./shops";
import { statementsPerOp } from "./statement-count";
import { compare, SHAPES, SHOPS_NEEDED } from "./throughput";
import { buildApp, webhookBurst, type AppBuild, type WebhookEngineResult } from "./webhook-burst";
import { webVitalsBench } from "./web-vitals";
import { printWebVitalsReport } from "./web-vitals-report";
import { billingLoaderBench, printBillingLoaderReport, type BillingLoaderResult } from "./billing-loader";
import { AUTOMATIONS_MAX_MS, automationsBench, printAutomationsReport } from "./automations";

const PARTS = ["ledger", "ledger-page", "webhooks", "billing-loader", "web-vitals", "automations"] as const;
const asked = process.argv.slice(2).concat(process.env.BENCH ? process.env.BENCH.split(",") : []);
for (const part of asked)
  if (!(PARTS as readonly string[]).includes(part)) {
    console.error(`bench: unknown part ${part}; choose from ${PARTS.join(", ")}`);
    process.exit(2);
  }
const runs = (part: (typeof PARTS)[number]) => asked.length === 0 || asked.includes(part);

// The whole bench takes a few minutes; past this something hangs (a lock wait), so clean up and fail.
const WATCHDOG_MS = 15 * 60_000 + (runs("automations") ? AUTOMATIONS_MAX_MS : 0);

const open = new Set<TestDb>();
let appBuild: AppBuild | undefined;

async function freshDb(engine: Engine): Promise<TestDb> {
  const t = await createTestDb(engine);
  open.add(t);
  return t;
}

async function dropDb(t: TestDb): Promise<void> {
  open.delete(t);
  await t.drop();
}

async function benchEngine(engine: Engine): Promise<EngineResult> {
  const t = await freshDb(engine);
  let bare: BareSql | undefined;
  try {
    const version = await engineVersion(t.db, engine);
    // Separate shops per side: the bare SQL moves balances without touching grants, which the service reads.
    const serviceShops = await fundedShops(t.db, "service", SHOPS_NEEDED);
    const bareShops = await fundedShops(t.db, "bare", SHOPS_NEEDED);
    const service = { op: serviceReserveCapture(t.db), shopIds: serviceShops };
    bare = openBareSql(engine, t.url);
    const bareSide = { op: bare.reserveCapture, shopIds: bareShops };
    const shapes: ShapeResult[] = [];
    for (const shape of SHAPES) {
      const rates = await compare(service, bareSide, shape);
      console.log(
        `${engine} ${shape.label}: service ${rates.service.opsPerSecond.toFixed(0)}/s, ` +
          `bare ${rates.bare.opsPerSecond.toFixed(0)}/s`,
      );
      shapes.push({ shape, ...rates });
    }
    const [shopId] = serviceShops;
    if (shopId === undefined) throw new Error("no service shop");
    const statements = await statementsPerOp(t.db, shopId);

    // Balance reads get their own fresh database, free of the throughput runs' rows.
    const b = await freshDb(engine);
    try {
      return { engine, version, shapes, statements, balance: await balanceReads(b.db) };
    } finally {
      await dropDb(b);
    }
  } finally {
    await bare?.close();
    await dropDb(t);
  }
}

async function main(): Promise<void> {
  console.log(`${machine()}; load average at the start ${loadAverage()}`);
  if (runs("ledger")) {
    const results: EngineResult[] = [];
    for (const engine of ENGINES) results.push(await benchEngine(engine));
    printReport(`${machine()}; load average at the end ${loadAverage()}`, results);
  }
  if (runs("ledger-page")) {
    const results: LedgerPageResult[] = [];
    for (const engine of ENGINES) {
      const t = await freshDb(engine);
      try {
        results.push(await ledgerPageBench(t));
      } finally {
        await dropDb(t);
      }
    }
    printLedgerPageReport(`${machine()}; load average at the end ${loadAverage()}`, results);
  }
  if (runs("webhooks")) {
    console.log("webhooks: npm run build in a temp copy");
    appBuild = await buildApp();
    try {
      const results: WebhookEngineResult[] = [];
      for (const engine of ENGINES) {
        console.log(`webhooks ${engine}: load average ${loadAverage()}`);
        results.push(await webhookBurst(appBuild, engine));
      }
      printWebhookReport(`${machine()}; load average at the end ${loadAverage()}`, results);
    } finally {
      appBuild.remove();
      appBuild = undefined;
    }
  }
  if (runs("billing-loader")) {
    console.log("billing-loader: npm run build in a temp copy");
    appBuild = await buildApp();
    try {
      const results: BillingLoaderResult[] = [];
      for (const engine of ENGINES) {
        console.log(`billing-loader ${engine}: load average ${loadAverage()}`);
        results.push(await billingLoaderBench(appBuild, engine));
      }
      printBillingLoaderReport(`${machine()}; load average at the end ${loadAverage()}`, results);
    } finally {
      appBuild.remove();
      appBuild = undefined;
    }
  }
  if (runs("web-vitals")) {
    console.log("web-vitals: npm run build in a temp copy");
    appBuild = await buildApp();
    try {
      const result = await webVitalsBench(appBuild);
      printWebVitalsReport(`${machine()}; load average at the end ${loadAverage()}`, result);
    } finally {
      appBuild.remove();
      appBuild = undefined;
    }
  }
  if (runs("automations")) {
    const result = await automationsBench();
    printAutomationsReport(`${machine()}; load average at the end ${loadAverage()}`, result);
    if (!result.ok) process.exitCode = 1;
  }
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
  appBuild?.remove();
  void Promise.allSettled([...open].map((t) => t.drop())).finally(() => process.exit(1));
}, WATCHDOG_MS);

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  clearTimeout(watchdog);
}
