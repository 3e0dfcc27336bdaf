// `npm run bench -- automations`: 10,000 automations across 1,000 shops due in the same minute, two app
// instances (bench/automation-instance.ts, two processes) on one PostgreSQL database racing the same due
// slots with the job queue (pg-boss), the offline writer and a stand-in for Shopify at the network edge.
// Measured from the start signal until every slot's run is final (saved, failed or skipped). Baseline, in
// the same round on a database seeded alike: the same 10,000 spends of 2 credits (reserve + capture through
// the ledger) done by the same two processes at the same concurrency, interleaved on the same shops. It is
// the money movement every run must make, so the ratio is what the scheduler, the jobs, the writer and the
// draft add around it. Then counted: runs per slot, jobs per run, debits per run, articles per draft,
// balances; any double (or a slot not run) fails the bench.
import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import pg from "pg";
import { checkInvariants } from "../app/ledger/check-invariants.server";
import { createTestDb, type TestDb } from "../tests/db";
import { engineVersion } from "./machine";

const SHOPS = Number(process.env.BENCH_AUTOMATION_SHOPS ?? 1000);
const PER_SHOP = 10;
const CREDITS_PER_SHOP = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
/** Jobs one instance runs at once (the app's default), and as many spends at once on the baseline side. */
const JOB_CONCURRENCY = Number(process.env.BENCH_JOB_CONCURRENCY ?? 4);
/** How often each instance ticks: racers a fraction of a tick apart, as two app instances would be. */
const TICK_MS = 300;
/** Shops whose whole ledger checkInvariants reads after each round. */
const SAMPLE = 25;
const ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney"];
/**
 * How long the instances get to make every run final; past it they are stopped and what they did is
 * counted (a busy shared machine may need longer: BENCH_AUTOMATION_LIMIT_MIN).
 */
const ROUND_LIMIT_MS = Number(process.env.BENCH_AUTOMATION_LIMIT_MIN ?? 30) * 60_000;
/** What the whole part may take: its rounds' runs, plus seeding and the baseline side of each. */
export const AUTOMATIONS_MAX_MS = ROUNDS * (ROUND_LIMIT_MS + 15 * 60_000);
const ROOT = new URL("..", import.meta.url).pathname;

export interface AutomationChecks {
  automations: number;
  runs: Record<string, number>;
  /** (automation, slot) pairs with more than one run, and automations with no run for the slot. */
  doubleRuns: number;
  missingRuns: number;
  /** Runs with more than one automation.run job; finished runs (saved/failed) with none. */
  doubleJobs: number;
  runsWithoutJob: number;
  /** Runs with two debits; final runs other than saved with one, saved ones without. */
  wrongDebits: number;
  /** Drafts whose article the stand-in for Shopify created more than once; articleCreate calls. */
  doubleArticles: number;
  articlesCreated: number;
  debitSum: number;
  /** Shops whose posted balance is not their grant − 2 × their saved runs; credits still held. */
  wrongBalances: number;
  held: number;
  invariantViolations: string[];
}

export interface AutomationRound {
  /** Every run final (else the time limit stopped the instances), and how many were. */
  finished: boolean;
  final: number;
  seconds: number;
  runsPerSecond: number;
  /** Database transactions per final run (the instances' and this process's polling; about). */
  transactionsPerRun: number;
  baselineSeconds: number;
  baselinePerSecond: number;
  /** Each instance's ticks: how many, median and longest in ms, and what the ticks did in total. */
  instances: { ticks: number; medianTickMs: number; maxTickMs: number; totals: Record<string, number> }[];
  checks: AutomationChecks;
  ok: boolean;
}

export interface AutomationsResult {
  version: string;
  shops: number;
  automations: number;
  rounds: AutomationRound[];
  ok: boolean;
}

// ------------------------------------------------------------------------------------------------ seed

/** Local "HH:MM" of `at` in `zone`: each automation's daily time is its slot's time in its shop's zone. */
function localTime(zone: string, at: Date) {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
}

/**
 * The shops (a top-up grant each, posted like grantCredits posts it, their cycle current so no monthly
 * allowance is added mid-run), and their automations, all due at `slot`, one topic waiting each. In SQL,
 * in one transaction: the app's own calls would take minutes for 1,000 shops.
 */
export async function seed(client: pg.Client, slot: Date) {
  const now = new Date();
  const day = 24 * 60 * 60 * 1000;
  const schedules = ZONES.map((zone) => JSON.stringify({ kind: "daily", time: localTime(zone, slot) }));
  const brief = JSON.stringify({
    audience: "Store owners",
    tone: "friendly",
    keywords: ["bench"],
    length: "short",
    language: "en",
    products: [],
  });
  const at = (date: Date) => date.toISOString();
  await client.query("BEGIN");
  await client.query(
    `INSERT INTO "Shop" ("id", "domain", "planKey", "cycleStart", "cycleEnd", "timezone", "createdAt", "updatedAt")
     SELECT 'shop-' || lpad(i::text, 5, '0'), 'bench-' || i || '.myshopify.com', 'free',
       $2::timestamptz AT TIME ZONE 'UTC', $3::timestamptz AT TIME ZONE 'UTC',
       ($4::text[])[1 + i % cardinality($4::text[])], $5::timestamptz AT TIME ZONE 'UTC', $5::timestamptz AT TIME ZONE 'UTC'
     FROM generate_series(0, $1 - 1) AS i`,
    [SHOPS, at(new Date(now.getTime() - day)), at(new Date(now.getTime() + 29 * day)), ZONES, at(now)],
  );
  await client.query(
    `INSERT INTO "ShopBalance" ("shopId", "posted", "held", "version") SELECT "id", $1, 0, 0 FROM "Shop"`,
    [CREDITS_PER_SHOP],
  );
  await client.query(
    `INSERT INTO "CreditGrant" ("id", "shopId", "kind", "sourceKey", "fingerprint", "amount", "remaining", "createdAt")
     SELECT 'grant-' || "id", "id", 'top_up', 'purchase:bench-' || "id", 'bench-seed', $1, $1, $2::timestamptz AT TIME ZONE 'UTC'
     FROM "Shop"`,
    [CREDITS_PER_SHOP, at(now)],
  );
  await client.query(
    `INSERT INTO "LedgerEntry" ("shopId", "type", "credits", "postedAfter", "grantId", "createdAt")
     SELECT "shopId", 'grant', "amount", "amount", "id", "createdAt" FROM "CreditGrant" ORDER BY "shopId"`,
  );
  await client.query(
    `INSERT INTO "Automation" ("id", "shopId", "name", "status", "schedule", "topicSource", "brief", "blogId",
       "publishMode", "maxRunsPerDay", "monthlyBudget", "nextSlotAt", "createdAt", "updatedAt")
     SELECT s."id" || '-a' || k, s."id", 'Automation ' || k, 'active',
       ($1::text[])[array_position($2::text[], s."timezone")], 'queue', $3, 'gid://shopify/Blog/1',
       'draft', 10, 1000, $4::timestamptz AT TIME ZONE 'UTC', s."createdAt", s."createdAt"
     FROM "Shop" s, generate_series(0, $5 - 1) AS k`,
    [schedules, ZONES, brief, at(slot), PER_SHOP],
  );
  await client.query(
    `INSERT INTO "AutomationTopic" ("id", "automationId", "position", "topic", "createdAt")
     SELECT 'topic-' || "id", "id", 0, 'Caring for ' || "name" || ' products in ' || "shopId", "createdAt"
     FROM "Automation"`,
  );
  await client.query("COMMIT");
  await client.query("ANALYZE");
}

async function one<T>(client: pg.Client, sql: string): Promise<T> {
  return (await client.query(sql)).rows[0] as T;
}

/** The seed as the app would have written it: every sampled shop's ledger healthy, the totals as planned. */
async function checkSeed(t: TestDb, client: pg.Client) {
  const totals = await one<{ shops: number; posted: number; due: number; topics: number }>(
    client,
    `SELECT (SELECT count(*)::int FROM "Shop") AS shops, (SELECT sum("posted")::int FROM "ShopBalance") AS posted,
       (SELECT count(*)::int FROM "Automation" WHERE "status" = 'active' AND "nextSlotAt" <= now() AT TIME ZONE 'UTC') AS due,
       (SELECT count(*)::int FROM "AutomationTopic" WHERE "runId" IS NULL) AS topics`,
  );
  const expected = {
    shops: SHOPS,
    posted: SHOPS * CREDITS_PER_SHOP,
    due: SHOPS * PER_SHOP,
    topics: SHOPS * PER_SHOP,
  };
  if (JSON.stringify(totals) !== JSON.stringify(expected))
    throw new Error(`seed: ${JSON.stringify(totals)}, expected ${JSON.stringify(expected)}`);
  const violations = await sampleInvariants(t, client);
  if (violations.length > 0) throw new Error(`seed: ${violations.join("; ")}`);
}

async function sampleInvariants(t: TestDb, client: pg.Client) {
  const { rows } = await client.query<{ id: string }>(
    `SELECT "id" FROM "Shop" ORDER BY md5("id") LIMIT ${SAMPLE}`,
  );
  const found = await Promise.all(rows.map(({ id }) => checkInvariants(t.db, id)));
  return found.flatMap((violations, i) => violations.map((v) => `${rows[i]!.id}: ${v}`));
}

// ------------------------------------------------------------------------------------------- instances

interface Instance {
  child: ChildProcess;
  /** The next JSON line the instance prints. */
  next(): Promise<unknown>;
  exited: Promise<number | null>;
}

function startInstance(url: string, mode: "scheduler" | "spends", index: number): Instance {
  const child = spawn(
    process.execPath,
    [
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each instance, to see where a run's time goes.
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      "--import",
      "tsx",
      "bench/automation-instance.ts",
      url,
      mode,
      String(index),
      String(JOB_CONCURRENCY),
      String(TICK_MS),
    ],
    { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] },
  );
  const waiting: ((line: unknown) => void)[] = [];
  const lines: unknown[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return void console.log(`instance ${index}: ${line}`);
    }
    const resolve = waiting.shift();
    if (resolve) resolve(value);
    else lines.push(value);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const next = () =>
    lines.length > 0
      ? Promise.resolve(lines.shift())
      : Promise.race([
          new Promise<unknown>((resolve) => waiting.push(resolve)),
          exited.then((code) => {
            throw new Error(`instance ${index} (${mode}) exited with ${code}`);
          }),
        ]);
  return { child, next, exited };
}

/** Both instances ready, then told the same start time a moment ahead; returns that time. */
async function startBoth(instances: Instance[]) {
  await Promise.all(instances.map((instance) => instance.next()));
  const startAt = Date.now() + 500;
  for (const { child } of instances) child.stdin!.write(`go ${startAt}\n`);
  return startAt;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SchedulerReport {
  ticks: number;
  tickMs: number[];
  totals: Record<string, number>;
  jobsRun: number;
  articleCreates: number;
  created: string[];
}

/** Transactions the database committed or rolled back so far (PostgreSQL's statistics, flushed each second). */
async function transactions(client: pg.Client) {
  const { n } = await one<{ n: number }>(
    client,
    `SELECT (xact_commit + xact_rollback)::int AS n FROM pg_stat_database WHERE datname = current_database()`,
  );
  return n;
}

async function schedulerSide(url: string, client: pg.Client) {
  const instances = [0, 1].map((i) => startInstance(url, "scheduler", i));
  try {
    const before = await transactions(client);
    const startAt = await startBoth(instances);
    const total = SHOPS * PER_SHOP;
    let final = 0;
    while (final < total && Date.now() - startAt < ROUND_LIMIT_MS) {
      await sleep(200);
      ({ final } = await one<{ final: number }>(
        client,
        `SELECT count(*)::int AS final FROM "AutomationRun" WHERE "status" IN ('saved', 'failed', 'skipped')`,
      ));
    }
    const seconds = (Date.now() - startAt) / 1000;
    if (final < total) console.log(`automations: time is up with ${final} of ${total} runs final; stopping`);
    for (const { child } of instances) child.stdin!.write("stop\n");
    const reports = (await Promise.all(instances.map((instance) => instance.next()))) as SchedulerReport[];
    await sleep(1500);
    const xacts = (await transactions(client)) - before;
    return { seconds, final, finished: final >= total, reports, xacts };
  } finally {
    for (const { child } of instances) if (child.exitCode === null) child.kill();
  }
}

async function spendsSide(url: string) {
  const instances = [0, 1].map((i) => startInstance(url, "spends", i));
  try {
    const startAt = await startBoth(instances);
    const reports = (await Promise.all(instances.map((instance) => instance.next()))) as {
      spends: number;
      errors: number;
    }[];
    const seconds = (Date.now() - startAt) / 1000;
    const errors = reports.reduce((sum, report) => sum + report.errors, 0);
    if (errors > 0) throw new Error(`baseline: ${errors} spends failed`);
    return { seconds, spends: reports.reduce((sum, report) => sum + report.spends, 0) };
  } finally {
    for (const { child } of instances) if (child.exitCode === null) child.kill();
  }
}

// ---------------------------------------------------------------------------------------------- counts

async function count(client: pg.Client, sql: string) {
  return (await one<{ n: number }>(client, `SELECT count(*)::int AS n FROM (${sql}) AS found`)).n;
}

/** The doubles, always; whether every slot ran and nothing is held, only when every run was final. */
async function countDoubles(t: TestDb, client: pg.Client, reports: SchedulerReport[], finished: boolean) {
  const { rows: statuses } = await client.query<{ status: string; n: number }>(
    `SELECT "status", count(*)::int AS n FROM "AutomationRun" GROUP BY "status" ORDER BY "status"`,
  );
  const runs = Object.fromEntries(statuses.map(({ status, n }) => [status, n]));
  const saved = runs.saved ?? 0;
  const perDraft = new Map<string, number>();
  for (const report of reports)
    for (const draftId of report.created) perDraft.set(draftId, (perDraft.get(draftId) ?? 0) + 1);
  const checks: AutomationChecks = {
    automations: await count(client, `SELECT 1 FROM "Automation"`),
    runs,
    doubleRuns: await count(
      client,
      `SELECT 1 FROM "AutomationRun" GROUP BY "automationId", "slot" HAVING count(*) > 1`,
    ),
    missingRuns: await count(
      client,
      `SELECT 1 FROM "Automation" a WHERE NOT EXISTS (SELECT 1 FROM "AutomationRun" r WHERE r."automationId" = a."id")`,
    ),
    doubleJobs: await count(
      client,
      `SELECT 1 FROM "Job" WHERE "kind" = 'automation.run' GROUP BY "input"::jsonb->>'runId' HAVING count(*) > 1`,
    ),
    runsWithoutJob: await count(
      client,
      `SELECT 1 FROM "AutomationRun" r WHERE r."status" IN ('saved', 'failed')
         AND NOT EXISTS (SELECT 1 FROM "Job" j WHERE j."id" = r."jobId")`,
    ),
    wrongDebits: await count(
      client,
      `SELECT 1 FROM "AutomationRun" r
         LEFT JOIN "LedgerEntry" e ON e."type" = 'debit' AND e."shopId" = r."shopId" AND e."reference" = r."draftId"
       GROUP BY r."id", r."status", r."credits"
       HAVING count(e."id") > 1 OR (r."status" IN ('saved', 'failed', 'skipped') AND (
         count(e."id") <> CASE WHEN r."status" = 'saved' THEN 1 ELSE 0 END
         OR r."credits" <> CASE WHEN r."status" = 'saved' THEN 2 ELSE 0 END))`,
    ),
    doubleArticles: [...perDraft.values()].filter((n) => n > 1).length,
    articlesCreated: reports.reduce((sum, report) => sum + report.articleCreates, 0),
    debitSum: (
      await one<{ sum: number }>(
        client,
        `SELECT coalesce(sum("credits"), 0)::int AS sum FROM "LedgerEntry" WHERE "type" = 'debit'`,
      )
    ).sum,
    wrongBalances: await count(
      client,
      `SELECT 1 FROM "ShopBalance" b JOIN "CreditGrant" g ON g."shopId" = b."shopId"
       WHERE b."posted" <> g."amount" - 2 * (SELECT count(*) FROM "AutomationRun" r
         WHERE r."shopId" = b."shopId" AND r."status" = 'saved')`,
    ),
    held: (await one<{ held: number }>(client, `SELECT sum("held")::int AS held FROM "ShopBalance"`)).held,
    invariantViolations: await sampleInvariants(t, client),
  };
  const ok =
    checks.doubleRuns === 0 &&
    (!finished || (checks.missingRuns === 0 && checks.held === 0)) &&
    checks.doubleJobs === 0 &&
    checks.runsWithoutJob === 0 &&
    checks.wrongDebits === 0 &&
    checks.doubleArticles === 0 &&
    checks.articlesCreated === saved &&
    checks.debitSum === -2 * saved &&
    checks.wrongBalances === 0 &&
    checks.invariantViolations.length === 0;
  return { checks, ok };
}

// ------------------------------------------------------------------------------------------------ rounds

/** A fresh database seeded with the automations due a moment ago, and a pg client beside the app's. */
async function seeded<T>(work: (t: TestDb, client: pg.Client) => Promise<T>): Promise<T> {
  const t = await createTestDb("postgres");
  const client = new pg.Client({ connectionString: t.url });
  try {
    await client.connect();
    const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    const began = performance.now();
    await seed(client, slot);
    await checkSeed(t, client);
    console.log(
      `automations: seeded ${SHOPS} shops, ${SHOPS * PER_SHOP} automations due at ${slot.toISOString()} ` +
        `in ${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
    return await work(t, client);
  } finally {
    await client.end().catch(() => undefined);
    await t.drop();
  }
}

const medianOf = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

async function round(baselineFirst: boolean): Promise<AutomationRound> {
  const baseline = () =>
    seeded(async (t) => {
      const side = await spendsSide(t.url);
      console.log(`automations baseline: ${side.spends} spends in ${side.seconds.toFixed(1)} s`);
      return side;
    });
  const automations = () =>
    seeded(async (t, client) => {
      const side = await schedulerSide(t.url, client);
      console.log(`automations: ${side.final} runs final after ${side.seconds.toFixed(1)} s; counting`);
      return { ...side, ...(await countDoubles(t, client, side.reports, side.finished)) };
    });
  // Alternated between rounds: whichever side runs second meets a warmer server (and other work).
  const spent = baselineFirst ? await baseline() : undefined;
  const run = await automations();
  const bare = spent ?? (await baseline());
  return {
    finished: run.finished,
    final: run.final,
    seconds: run.seconds,
    runsPerSecond: run.final / run.seconds,
    transactionsPerRun: run.xacts / Math.max(1, run.checks.runs.saved ?? 0),
    baselineSeconds: bare.seconds,
    baselinePerSecond: bare.spends / bare.seconds,
    instances: run.reports.map((report) => ({
      ticks: report.ticks,
      medianTickMs: medianOf(report.tickMs),
      maxTickMs: Math.max(...report.tickMs),
      totals: { ...report.totals, jobsRun: report.jobsRun },
    })),
    checks: run.checks,
    ok: run.ok,
  };
}

export async function automationsBench(): Promise<AutomationsResult> {
  const t = await createTestDb("postgres", { migrate: false });
  const version = await engineVersion(t.db, "postgres").finally(() => t.drop());
  const rounds: AutomationRound[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(i % 2 === 1));
  return { version, shops: SHOPS, automations: SHOPS * PER_SHOP, rounds, ok: rounds.every((r) => r.ok) };
}

export function printAutomationsReport(machine: string, result: AutomationsResult) {
  console.log(`\nAutomations at scale (${machine}; ${result.version})`);
  console.log(
    `${result.automations} automations across ${result.shops} shops due in one minute; two instances ` +
      `(processes), ${JOB_CONCURRENCY} jobs at once each, ticking every ${TICK_MS} ms; offline writer.`,
  );
  for (const [i, r] of result.rounds.entries()) {
    console.log(
      `round ${i + 1}: ${r.finished ? "all" : `time up, ${r.final} of ${result.automations}`} final in ` +
        `${r.seconds.toFixed(1)} s = ${r.runsPerSecond.toFixed(1)} runs/s; ` +
        `baseline (the same spends, ledger only) ${r.baselineSeconds.toFixed(1)} s = ` +
        `${r.baselinePerSecond.toFixed(0)}/s; the spends alone go ${(r.baselinePerSecond / r.runsPerSecond).toFixed(1)}x as fast`,
    );
    if (!r.finished) console.log(`  MISSED: not every run final within ${ROUND_LIMIT_MS / 60_000} min`);
    console.log(`  about ${r.transactionsPerRun.toFixed(0)} database transactions per saved run`);
    for (const [n, instance] of r.instances.entries())
      console.log(
        `  instance ${n}: ${instance.ticks} ticks, median ${instance.medianTickMs.toFixed(0)} ms, ` +
          `longest ${instance.maxTickMs.toFixed(0)} ms; ${JSON.stringify(instance.totals)}`,
      );
    const c = r.checks;
    console.log(
      `  runs ${JSON.stringify(c.runs)}; double runs ${c.doubleRuns}, slots not run ${c.missingRuns}, ` +
        `double jobs ${c.doubleJobs}, finished runs without a job ${c.runsWithoutJob}, wrong debits ` +
        `${c.wrongDebits}, double articles ${c.doubleArticles} (${c.articlesCreated} created), debit sum ` +
        `${c.debitSum}, wrong balances ${c.wrongBalances}, held ${c.held}, invariant violations in ${SAMPLE} shops ` +
        `${c.invariantViolations.length}${r.ok ? "" : "  FAILED"}`,
    );
    for (const violation of c.invariantViolations.slice(0, 10)) console.log(`    ${violation}`);
  }
}
