// The Activity Ledger's read model at scale (`npm run bench -- ledger-page`): one page of 50 for a shop with
// 1,000,000 entries against a shop with an empty ledger, and the CSV export of 100,000 entries against a
// bare SELECT of the same rows on the same driver, with the process's memory high-water at 10,000 and
// 100,000 rows (flat: the export pulls keyset pages of 500).
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import Database from "better-sqlite3";
import pg from "pg";
import { ledgerCsv, listLedger } from "../app/billing-page/ledger.server";
import type { Db, Engine } from "../app/db/connect.server";
import { ensureShop, grantCredits } from "../app/ledger/index.server";
import type { TestDb } from "../tests/db";
import { engineVersion } from "./machine";
import { latencies, median } from "./measure";

export const MILLION = 1_000_000;
const EXPORT_ROWS = 100_000;
const SMALL_EXPORT_ROWS = 10_000;
// Pages alternate between the shops in blocks, so load from elsewhere on the machine hits both alike.
const BLOCKS = 20;
const READS_PER_BLOCK = 25;
const DRAFTS = 1000;
const STAFF = 50;

export interface LedgerPageResult {
  engine: Engine;
  version: string;
  seedSeconds: number;
  /** Median ms of one page of 50 (with its drafts and staff names): one SQL statement. */
  emptyMs: number;
  /** A ledger of exactly one page: the same joins as the million's page, none of its length. */
  onePageMs: number;
  millionFirstMs: number;
  /** A page from a cursor half way down the million. */
  millionDeepMs: number;
  exportRowsPerSecond: number;
  bareRowsPerSecond: number;
  /** Over the export's start: heap high-water (garbage included), live heap after GCs, RSS high-water. */
  memory: { rows: number; heapMb: number; liveMb: number; rssMb: number; seconds: number }[];
}

/**
 * A shop with `count` debits in bulk (one statement): each names one of DRAFTS drafts and one of STAFF staff
 * members (each with an online session that names them), so a page joins as the real one does. Dates are copied from a grant, so each engine keeps the
 * DateTime format its Prisma client reads back.
 */
export async function shopWithEntries(
  db: Db,
  label: string,
  count: number,
  domain = `${label}-${randomUUID().slice(0, 8)}.myshopify.com`,
): Promise<string> {
  const shop = await ensureShop(db, domain);
  const { grant } = await grantCredits(db, {
    shopId: shop.id,
    sourceKey: `purchase:bench-${randomUUID()}`,
    kind: "top_up",
    credits: count,
  });
  await db.draft.createMany({
    data: Array.from({ length: DRAFTS }, (_, i) => ({
      id: `${shop.id}-d${i}`,
      shopId: shop.id,
      title: `Draft ${i}, "quoted"`,
      currentVersion: 1,
    })),
  });
  // Each staff member's online session, which names them.
  await db.session.createMany({
    data: Array.from({ length: STAFF }, (_, i) => ({
      id: `${shop.id}-s${i}`,
      shop: shop.domain,
      state: "bench",
      isOnline: true,
      accessToken: "bench",
      userId: BigInt(i),
      firstName: `Staff`,
      lastName: `${i}`,
    })),
  });
  const debits = count - 1;
  const seq = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${debits})`;
  await db.$executeRawUnsafe(`${seq}
    INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "action", "actor", "reference",
      "createdAt")
    SELECT g."shopId", 'debit', -1, g."amount" - i, 'draft.generate', 'user:' || (i % ${STAFF}),
      g."shopId" || '-d' || (i % ${DRAFTS}), g."createdAt"
    FROM seq CROSS JOIN "CreditGrant" g WHERE g."id" = '${grant.id}' ORDER BY i`);
  const entries = await db.ledgerEntry.count({ where: { shopId: shop.id } });
  if (entries !== count) throw new Error(`${label} has ${entries} entries, not ${count}`);
  return shop.id;
}

async function pageMedians(db: Db, emptyId: string, onePageId: string, millionId: string) {
  const deep = await db.ledgerEntry.findFirstOrThrow({
    where: { shopId: millionId },
    orderBy: { id: "asc" },
    skip: MILLION / 2,
    select: { id: true },
  });
  const reads = {
    empty: () => listLedger(db, emptyId),
    onePage: () => listLedger(db, onePageId),
    first: () => listLedger(db, millionId),
    deep: () => listLedger(db, millionId, { cursor: { after: deep.id } }),
  };
  const firstPage = await reads.first();
  if (
    firstPage.rows.length !== 50 ||
    !firstPage.rows[0]?.what.startsWith("Draft generated: Draft ") ||
    !/^Staff \d+$/.test(firstPage.rows[0].who.name)
  )
    throw new Error("the million-entry shop's page is not 50 named debits by named staff members");
  const times = {
    empty: [] as number[],
    onePage: [] as number[],
    first: [] as number[],
    deep: [] as number[],
  };
  for (const read of Object.values(reads)) await latencies(read, 50);
  for (let block = 0; block < BLOCKS; block += 1)
    for (const [key, read] of Object.entries(reads))
      times[key as keyof typeof times].push(...(await latencies(read, READS_PER_BLOCK)));
  return {
    emptyMs: median(times.empty),
    onePageMs: median(times.onePage),
    millionFirstMs: median(times.first),
    millionDeepMs: median(times.deep),
  };
}

// The bench runs without --expose-gc; V8 lets a running process turn it on.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Reads the whole export, sampling the process's memory meanwhile; rows counted from the CSV's lines. */
async function exportAll(db: Db, shopId: string) {
  gc();
  const base = process.memoryUsage();
  let heap = base.heapUsed;
  let rss = base.rss;
  const sample = () => {
    const now = process.memoryUsage();
    heap = Math.max(heap, now.heapUsed);
    rss = Math.max(rss, now.rss);
  };
  // A timer for PostgreSQL's waits, and a sample per chunk: SQLite's reads resolve without ever
  // yielding to timers.
  const timer = setInterval(sample, 5);
  const start = performance.now();
  const reader = ledgerCsv(db, shopId).getReader();
  const decoder = new TextDecoder();
  let records = 0;
  let chunks = 0;
  let live = base.heapUsed;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    sample();
    // What the export holds on to, without the garbage V8 has not collected yet: collected every 20 chunks.
    chunks += 1;
    if (chunks % 20 === 0) {
      gc();
      live = Math.max(live, process.memoryUsage().heapUsed);
    }
    // Each record ends in CRLF; a title's own newline is a bare LF inside quotes.
    records += decoder.decode(value).split("\r\n").length - 1;
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(timer);
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    rows: records - 1,
    seconds,
    heapMb: mb(heap - base.heapUsed),
    liveMb: mb(live - base.heapUsed),
    rssMb: mb(rss - base.rss),
  };
}

const BARE_SELECT = `SELECT "id", "type", "credits", "postedAfter", "action", "actor", "reference", "test",
  "createdAt", "grantId" FROM "LedgerEntry" WHERE "shopId" = $1 ORDER BY "id" DESC`;

/** Seconds for one SELECT of the shop's entries, every row read, on the driver Prisma's adapter wraps. */
async function bareSelect(
  engine: Engine,
  url: string,
  shopId: string,
): Promise<{ rows: number; seconds: number }> {
  if (engine === "sqlite") {
    const db = new Database(url.replace(/^file:/, ""), { readonly: true });
    try {
      const start = performance.now();
      let rows = 0;
      for (const row of db.prepare(BARE_SELECT.replace("$1", "?")).iterate(shopId)) if (row) rows += 1;
      return { rows, seconds: (performance.now() - start) / 1000 };
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const start = performance.now();
    const { rows } = await client.query(BARE_SELECT, [shopId]);
    return { rows: rows.length, seconds: (performance.now() - start) / 1000 };
  } finally {
    await client.end();
  }
}

export async function ledgerPageBench(t: TestDb): Promise<LedgerPageResult> {
  const { db, engine } = t;
  const version = await engineVersion(db, engine);
  const seedStart = performance.now();
  const empty = await ensureShop(db, `empty-${randomUUID().slice(0, 8)}.myshopify.com`);
  const onePage = await shopWithEntries(db, "one-page", 50);
  const million = await shopWithEntries(db, "million", MILLION);
  const exported = await shopWithEntries(db, "export", EXPORT_ROWS);
  const small = await shopWithEntries(db, "small", SMALL_EXPORT_ROWS);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  console.log(
    `ledger-page ${engine}: seeded ${MILLION + EXPORT_ROWS + SMALL_EXPORT_ROWS} entries in ${seedSeconds.toFixed(0)} s`,
  );

  const pages = await pageMedians(db, empty.id, onePage, million);
  console.log(
    `ledger-page ${engine}: page of 50 empty ${pages.emptyMs.toFixed(2)} ms, ` +
      `one page ${pages.onePageMs.toFixed(2)} ms, ` +
      `1M first ${pages.millionFirstMs.toFixed(2)} ms, 1M deep ${pages.millionDeepMs.toFixed(2)} ms`,
  );

  // Best of two each, so one hiccup elsewhere on the machine does not decide the figure.
  const exports = [await exportAll(db, exported), await exportAll(db, exported)];
  const bares = [await bareSelect(engine, t.url, exported), await bareSelect(engine, t.url, exported)];
  for (const run of [...exports, ...bares])
    if (run.rows !== EXPORT_ROWS) throw new Error(`read ${run.rows} rows, not ${EXPORT_ROWS}`);
  const best = (runs: { seconds: number }[]) => Math.min(...runs.map((run) => run.seconds));
  const memory = [await exportAll(db, small), await exportAll(db, exported)].map(
    ({ rows, heapMb, liveMb, rssMb, seconds }) => ({ rows, heapMb, liveMb, rssMb, seconds }),
  );
  return {
    engine,
    version,
    seedSeconds,
    ...pages,
    exportRowsPerSecond: EXPORT_ROWS / best(exports),
    bareRowsPerSecond: EXPORT_ROWS / best(bares),
    memory,
  };
}

export function printLedgerPageReport(header: string, results: LedgerPageResult[]): void {
  console.log(`\n## Activity Ledger: a page of 50, the CSV export (${header})\n`);
  console.log(
    // The 2× target is the page's request (billing-loader); a read of 50 rows cannot be within 2× of a read of none.
    "| Engine | Empty ledger | 50 entries | 1M, first page | 1M, half way | 1M / empty | 1M / 50 entries |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    const worst = Math.max(r.millionFirstMs, r.millionDeepMs);
    const ratio = worst / r.emptyMs;
    console.log(
      `| ${r.version} | ${r.emptyMs.toFixed(2)} ms | ${r.onePageMs.toFixed(2)} ms | ` +
        `${r.millionFirstMs.toFixed(2)} ms | ${r.millionDeepMs.toFixed(2)} ms | ` +
        `${ratio.toFixed(2)}× | ${(worst / r.onePageMs).toFixed(2)}× |`,
    );
  }
  console.log("\n| Engine | CSV export of 100k | Bare SELECT of the same rows | Export / bare |");
  console.log("|---|---|---|---|");
  for (const r of results)
    console.log(
      `| ${r.version} | ${r.exportRowsPerSecond.toFixed(0)} rows/s | ${r.bareRowsPerSecond.toFixed(0)} rows/s | ` +
        `${(r.exportRowsPerSecond / r.bareRowsPerSecond).toFixed(3)} |`,
    );
  console.log(
    "\n| Engine | Rows | Export time | Heap high-water (garbage included) | Live heap high-water | RSS high-water |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const r of results)
    for (const m of r.memory)
      console.log(
        `| ${r.version} | ${m.rows} | ${m.seconds.toFixed(2)} s | ${m.heapMb.toFixed(1)} MB | ` +
          `${m.liveMb.toFixed(1)} MB | ${m.rssMb.toFixed(1)} MB |`,
      );
}
