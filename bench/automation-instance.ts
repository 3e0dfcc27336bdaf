// One app instance of the automations bench (bench/automations.ts), in its own process. Usage:
// automation-instance.ts <url> scheduler|spends <index> <jobConcurrency> <tickMs>. It connects, prints {"ready":true}, waits for
// "go <startAtMs>" on stdin, then either
// - scheduler: runs the job queue (pg-boss on PostgreSQL) with the offline writer, saving each automation's
//   draft through saveDraftToShopify against a stand-in for Shopify's Admin API that records every article
//   it creates, and ticks the scheduler every <tickMs> until "stop" arrives; or
// - spends: the baseline, its half of the same reserve+capture spends (2 credits, one per automation of
//   every shop, interleaved with the other instance on the same shops) through the ledger alone,
// and prints one JSON line: what it did, for the parent's counts.
import { createInterface } from "node:readline";
import { performance } from "node:perf_hooks";
import { offlineWriter } from "../app/ai/offline-writer.server";
import { finishRun, tickAutomations } from "../app/automations/scheduler.server";
import { saveDraftToShopify } from "../app/content/save-to-shopify.server";
import { runJob, type SaveArticle } from "../app/credits/run-job.server";
import { connectDb, type Db } from "../app/db/connect.server";
import { startJobQueue } from "../app/jobs/queue.server";
import { captureReservation } from "../app/ledger/capture-reservation.server";
import { reserveCredits } from "../app/ledger/reserve-credits.server";
import type { AdminGraphql } from "../app/shopify/admin-api.server";

const [url, mode, index, jobConcurrency, tickMs] = process.argv.slice(2) as [
  string,
  "scheduler" | "spends",
  string,
  string,
  string,
];
const JOB_CONCURRENCY = Number(jobConcurrency);
const TICK_MS = Number(tickMs);

/** The Admin API at the network edge: articleCreate gives a new id, articleUpdate keeps it. */
function fakeShopify() {
  let creates = 0;
  let next = 0;
  const answer = (data: unknown) => new Response(JSON.stringify({ data }));
  const graphql: AdminGraphql = async (query, options) => {
    const article = { userErrors: [] as unknown[] };
    if (query.includes("mutation createArticle")) {
      creates++;
      return answer({
        articleCreate: { ...article, article: { id: `gid://shopify/Article/${index}${++next}` } },
      });
    }
    if (query.includes("mutation updateArticle"))
      return answer({ articleUpdate: { ...article, article: { id: options?.variables?.id } } });
    throw new Error(`the bench's Shopify stand-in has no answer for ${query.slice(0, 60)}`);
  };
  return { graphql, creates: () => creates };
}

/** saveDraftToShopify as the app's articleSaver calls it, counting the drafts whose article it created. */
function articleSaver(db: Db, graphql: AdminGraphql, created: string[]): SaveArticle {
  return async ({ shopId, draftId, blogId, publishAt }) => {
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
    const saved = await saveDraftToShopify(db, graphql, {
      shopId,
      shopDomain: shop.domain,
      draftId,
      blogId,
      author: "bench",
      appUrl: "https://app.example.com",
      publishAt,
    });
    if (saved.created) created.push(draftId);
    return { articleId: saved.articleId, adminUrl: saved.adminUrl };
  };
}

const lines = createInterface({ input: process.stdin });
let reported = false;
// The parent went away (killed, crashed): no one will say stop, so go too.
lines.on("close", () => reported || process.exit(1));
const nextLine = () => new Promise<string>((resolve) => lines.once("line", resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job id no row has: handing it over waits for pg-boss to start (its schema made) before the start line. */
const WARM_UP = "bench-warm-up";

async function scheduler(db: Db) {
  const shopify = fakeShopify();
  const created: string[] = [];
  let jobsRun = 0;
  const saveArticle = articleSaver(db, shopify.graphql, created);
  const queue = await startJobQueue(
    db,
    url,
    async (jobId) => {
      if (jobId !== WARM_UP) jobsRun++;
      await runJob(db, offlineWriter(), jobId, { saveArticle, onFinished: (job) => finishRun(db, job) });
    },
    { concurrency: JOB_CONCURRENCY },
  );
  await queue.enqueue(WARM_UP);
  console.log(JSON.stringify({ ready: true }));
  const startAt = Number((await nextLine()).split(" ")[1]);
  let stopping = false;
  void nextLine().then(() => (stopping = true));
  await sleep(startAt - Date.now());

  const tickMs: number[] = [];
  const totals = { due: 0, queued: 0, started: 0, busy: 0, skipped: 0, failed: 0, settled: 0, errors: 0 };
  while (!stopping) {
    const began = performance.now();
    try {
      const tick = await tickAutomations(db, { now: new Date(), queue, senders: {}, limit: 500 });
      for (const key of Object.keys(totals) as (keyof typeof totals)[])
        if (key !== "errors") totals[key] += tick[key];
    } catch (error) {
      totals.errors++;
      console.error(`instance ${index}: tick failed`, error);
    }
    const took = performance.now() - began;
    tickMs.push(took);
    await sleep(Math.max(0, TICK_MS - took));
  }
  await queue.stop();
  return { ticks: tickMs.length, tickMs, totals, jobsRun, articleCreates: shopify.creates(), created };
}

async function spends(db: Db) {
  // The shops and automations the scheduler side would spend for, in the same order on both instances.
  const rows = await db.automation.findMany({ select: { id: true, shopId: true }, orderBy: { id: "asc" } });
  const mine = rows.filter((_, i) => i % 2 === Number(index));
  console.log(JSON.stringify({ ready: true }));
  const startAt = Number((await nextLine()).split(" ")[1]);
  await sleep(startAt - Date.now());
  let next = 0;
  let errors = 0;
  const worker = async () => {
    while (next < mine.length) {
      const { id, shopId } = mine[next++]!;
      const ref = { shopId, idempotencyKey: `bench-${id}` };
      try {
        await reserveCredits(db, { ...ref, actions: ["automation.run"], actor: `automation:${id}` });
        await captureReservation(db, ref);
      } catch (error) {
        errors++;
        console.error(`instance ${index}: spend failed`, error);
      }
    }
  };
  await Promise.all(Array.from({ length: JOB_CONCURRENCY }, worker));
  return { spends: mine.length, errors };
}

const db = connectDb(url);
await db.shop.count(); // connected before the start line
const report = mode === "scheduler" ? await scheduler(db) : await spends(db);
console.log(JSON.stringify(report));
reported = true;
lines.close();
await db.$disconnect();
