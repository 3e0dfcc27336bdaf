// The scheduler on both engines, with the real job runner and the offline writer; Shopify is a stand-in at
// the saveArticle port. Every test checks what the ledger holds: one debit per saved run, none otherwise.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDb, ENGINES, type TestDb } from "../../tests/db";
import { startFakeAi, type FakeAi } from "../../tests/fake-ai-server";
import { createShop } from "../../tests/ledger-fixtures";
import { offlineWriter } from "../ai/offline-writer.server";
import { openAiCompatible } from "../ai/openai-compatible.server";
import type { AiProvider } from "../ai/provider";
import { saveAlertSettings, type LowBalanceAlertMessage } from "../alerts/low-balance.server";
import { DEFAULT_ALERT_SETTINGS } from "../alerts/settings";
import { ensureCurrentCycle } from "../billing/cycle.server";
import { saveBrief } from "../content/briefs.server";
import { runJob, type SaveArticle } from "../credits/run-job.server";
import { submitJob } from "../credits/submit-job.server";
import type { Db } from "../db/connect.server";
import { getBalance } from "../ledger/balance.server";
import { checkInvariants } from "../ledger/check-invariants.server";
import { reserveCredits } from "../ledger/reserve-credits.server";
import { sweep } from "../ledger/sweep.server";
import { addTopics, createAutomation, setAutomationPaused } from "./automations.server";
import { listRuns } from "./runs.server";
import { CATCH_UP_MS, finishRun, startRun, takeDueSlots, tickAutomations } from "./scheduler.server";
import type { AutomationInput } from "./types";

const execute = promisify(execFile);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const INPUT: AutomationInput = {
  name: "Coffee notes",
  schedule: { kind: "cron", expression: "0 * * * *" },
  topicSource: "queue",
  briefId: null,
  brief: {
    audience: "home baristas",
    tone: "friendly",
    keywords: [],
    length: "short",
    language: "en",
    products: [],
  },
  blogId: "gid://shopify/Blog/7",
  publishMode: "draft",
  publishTime: null,
  maxRunsPerDay: 24,
  monthlyBudget: 100,
};

/** Real time (holds and cycles are dated by it), to the hour, plus 10 minutes: the hourly slot is due. */
const SLOT = new Date(Math.floor(Date.now() / HOUR) * HOUR);
const NOW = new Date(SLOT.getTime() + 10 * MINUTE);

/** A job queue that only collects what was handed over, for the test to run. */
function collectingQueue() {
  const ids: string[] = [];
  return { ids, enqueue: async (jobId: string) => void ids.push(jobId), stop: async () => undefined };
}

const saveArticle: SaveArticle = async ({ draftId }) => ({
  articleId: `gid://shopify/Article/${draftId}`,
  adminUrl: `https://admin.example/articles/${draftId}`,
});

describe.each(ENGINES)("the automation scheduler on %s", (engine) => {
  let t: TestDb;
  let fake: FakeAi;
  beforeAll(async () => {
    t = await createTestDb(engine);
    fake = await startFakeAi();
  });
  afterAll(async () => {
    await fake.close();
    await t.drop();
  });

  /** A shop (Free's 10 credits) with an automation whose next slot is `slot`. */
  async function dueAutomation(
    input: Partial<AutomationInput> = {},
    topics = ["Pour-over basics", "Cold brew at home"],
    slot = SLOT,
  ) {
    const shop = await createShop(t.db);
    await ensureCurrentCycle(t.db, shop.id, NOW);
    const automation = await createAutomation(t.db, shop.id, { ...INPUT, ...input }, topics, NOW);
    await t.db.automation.update({ where: { id: automation.id }, data: { nextSlotAt: slot } });
    return { shopId: shop.id, id: automation.id };
  }

  /** Runs the jobs a tick handed over, as the job queue would, reporting each to the scheduler. */
  async function runJobs(ids: string[], provider: AiProvider = offlineWriter(), db: Db = t.db) {
    for (const jobId of ids.splice(0))
      await runJob(db, provider, jobId, {
        now: () => NOW,
        saveArticle,
        onFinished: (job) => finishRun(db, job, NOW),
      });
  }

  const runsOf = (shopId: string, id: string) => listRuns(t.db, shopId, id);
  const debits = (shopId: string) => t.db.ledgerEntry.findMany({ where: { shopId, type: "debit" } });
  const waitingTopics = async (id: string) =>
    (
      await t.db.automationTopic.findMany({
        where: { automationId: id, runId: null },
        orderBy: { position: "asc" },
      })
    ).map((topic) => topic.topic);

  test("a due slot runs once: a saved draft, 2 credits on an entry naming the automation, the automation free again", async () => {
    const { shopId, id } = await dueAutomation();
    const queue = collectingQueue();
    expect(await tickAutomations(t.db, { now: NOW, queue, senders: {} })).toMatchObject({
      queued: 1,
      started: 1,
    });
    await runJobs(queue.ids);

    const [run] = await runsOf(shopId, id);
    expect(run).toMatchObject({
      slot: SLOT.toISOString(),
      status: "saved",
      topic: "Pour-over basics",
      credits: 2,
      reason: null,
      articleId: `gid://shopify/Article/${run!.draftId}`,
    });
    expect(run!.draftId).toBeTruthy();
    expect((await debits(shopId)).map((e) => [e.action, e.credits, e.actor, e.reference])).toEqual([
      ["automation.run", -2, `automation:${id}`, run!.draftId],
    ]);
    expect(await waitingTopics(id)).toEqual(["Cold brew at home"]);
    const automation = await t.db.automation.findUniqueOrThrow({ where: { id } });
    expect(automation.busyUntil).toBeNull();
    expect(automation.nextSlotAt).toEqual(new Date(SLOT.getTime() + HOUR));

    // The same minute again, and a finishRun repeated: nothing more.
    expect(await tickAutomations(t.db, { now: NOW, queue, senders: {} })).toMatchObject({
      queued: 0,
      started: 0,
    });
    await finishRun(t.db, (await t.db.job.findFirstOrThrow({ where: { shopId } }))!, NOW);
    expect(queue.ids).toEqual([]);
    expect(await runsOf(shopId, id)).toHaveLength(1);
    expect(await getBalance(t.db, shopId)).toMatchObject({ available: 8, held: 0 });
    expect(await checkInvariants(t.db, shopId)).toEqual([]);
  });

  test("two schedulers ticking the same due slots at once run and charge each slot once", async () => {
    const automations = await Promise.all(Array.from({ length: 8 }, () => dueAutomation()));
    // SQLite: one client, as its synchronous driver serves one process; PostgreSQL: a second connection pool.
    const other = engine === "postgres" ? t.connectAnother() : t.db;
    const [here, there] = [collectingQueue(), collectingQueue()];
    const ticks = await Promise.all([
      tickAutomations(t.db, { now: NOW, queue: here, senders: {} }),
      tickAutomations(other, { now: NOW, queue: there, senders: {} }),
    ]);
    expect(ticks[0].started + ticks[1].started).toBe(8);
    await Promise.all([runJobs(here.ids), runJobs(there.ids, offlineWriter(), other)]);
    for (const { shopId, id } of automations) {
      expect((await runsOf(shopId, id)).map((run) => [run.status, run.credits])).toEqual([["saved", 2]]);
      expect(await debits(shopId)).toHaveLength(1);
      expect(await t.db.job.count({ where: { shopId } })).toBe(1);
      expect(await checkInvariants(t.db, shopId)).toEqual([]);
    }
  });

  if (engine === "postgres")
    test("two scheduler instances in two processes racing the same due slots run and charge each slot once", async () => {
      const automations = await Promise.all(Array.from({ length: 12 }, () => dueAutomation()));
      const queue = collectingQueue();
      const startAt = Date.now() + 4000;
      const [started, child] = await Promise.all([
        new Promise((resolve) => setTimeout(resolve, startAt - Date.now())).then(async () => {
          const tick = await tickAutomations(t.db, { now: NOW, queue, senders: {} });
          await runJobs(queue.ids);
          return tick.started;
        }),
        execute("node", [
          "--import",
          "tsx",
          "tests/automation-instance.ts",
          t.url,
          String(startAt),
          String(NOW.getTime()),
        ]),
      ]);
      const there = JSON.parse(child.stdout) as { started: number; jobs: number };
      expect(started + there.started).toBe(12);
      for (const { shopId, id } of automations) {
        expect((await runsOf(shopId, id)).map((run) => [run.status, run.credits])).toEqual([["saved", 2]]);
        expect(await debits(shopId)).toHaveLength(1);
        expect(await checkInvariants(t.db, shopId)).toEqual([]);
      }
    }, 60_000);

  if (engine === "postgres")
    test("a scheduler process killed while saving a run's article: the sweeper releases, the slot is failed once", async () => {
      const { shopId, id } = await dueAutomation();
      const child = spawn(
        "node",
        [
          "--import",
          "tsx",
          "tests/automation-instance.ts",
          t.url,
          String(Date.now()),
          String(NOW.getTime()),
          "hang",
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes('"saving":true') && resolve());
        child.on("exit", (code) => reject(new Error(`the instance exited (${code}) before saving`)));
      });
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
      expect(await getBalance(t.db, shopId)).toMatchObject({ held: 2 });
      expect((await runsOf(shopId, id))[0]).toMatchObject({ status: "running" });

      // This instance lives on: the sweeper, job recovery and the scheduler's ticks, after the hold timed out.
      const later = new Date(NOW.getTime() + 31 * MINUTE);
      await sweep(t.db, later);
      const queue = collectingQueue();
      const [job] = await t.db.job.findMany({ where: { shopId } });
      await runJob(t.db, offlineWriter(), job!.id, {
        now: () => later,
        saveArticle,
        onFinished: (row) => finishRun(t.db, row, later),
      });
      await tickAutomations(t.db, { now: later, queue, senders: {} });
      const runs = await runsOf(shopId, id);
      expect(runs.map((run) => [run.status, run.credits])).toEqual([["failed", 0]]);
      expect(runs[0]!.reason).toContain("The app stopped during this run");
      expect(await getBalance(t.db, shopId)).toMatchObject({ available: 10, held: 0 });
      expect(await debits(shopId)).toEqual([]);
      expect(await t.db.job.count({ where: { shopId } })).toBe(1);
      expect(await checkInvariants(t.db, shopId)).toEqual([]);
    }, 60_000);

  test("after downtime the newest missed slot runs once and the others are logged as one missed run", async () => {
    const { shopId, id } = await dueAutomation({}, undefined, new Date(SLOT.getTime() - 5 * HOUR));
    const queue = collectingQueue();
    expect(await takeDueSlots(t.db, NOW)).toMatchObject({ due: 1, queued: 1, missed: 5 });
    expect(await takeDueSlots(t.db, NOW)).toMatchObject({ due: 0 });
    const runs = await runsOf(shopId, id);
    expect(runs.map((run) => [run.slot, run.status])).toEqual([
      [SLOT.toISOString(), "queued"],
      [new Date(SLOT.getTime() - 5 * HOUR).toISOString(), "skipped"],
    ]);
    expect(runs[1]!.reason).toMatch(/^Missed while the app was not running \(5 slots from .+ to .+\)\.$/);
    await tickAutomations(t.db, { now: NOW, queue, senders: {} });
    await runJobs(queue.ids);
    expect(await debits(shopId)).toHaveLength(1);

    // Down for two days, and the newest slot is older than the catch-up window: nothing runs, one line says
    // what was missed.
    const newest = new Date(SLOT.getTime() - CATCH_UP_MS - 2 * HOUR);
    const daily = { kind: "cron" as const, expression: `0 ${newest.getUTCHours()} * * *` };
    const stale = await dueAutomation({ schedule: daily }, undefined, new Date(newest.getTime() - 48 * HOUR));
    await tickAutomations(t.db, { now: NOW, queue, senders: {} });
    const staleRuns = await runsOf(stale.shopId, stale.id);
    expect(staleRuns.map((run) => [run.slot, run.status, run.credits])).toEqual([
      [new Date(newest.getTime() - 48 * HOUR).toISOString(), "skipped", 0],
    ]);
    expect(staleRuns[0]!.reason).toMatch(/\(3 slots from .+ to .+\)/);
    expect(queue.ids).toEqual([]);
    expect((await t.db.automation.findUniqueOrThrow({ where: { id: stale.id } })).nextSlotAt).toEqual(
      new Date(newest.getTime() + 24 * HOUR),
    );
  });

  test("skipped runs say why and cost nothing: paused, the day's limit, the budget, an empty queue", async () => {
    const queue = collectingQueue();
    const tick = () => tickAutomations(t.db, { now: NOW, queue, senders: {} });

    const paused = await dueAutomation();
    await tick(); // the slot is taken…
    await runJobs(queue.ids);
    const second = new Date(SLOT.getTime() + HOUR);
    await t.db.automationRun.create({
      data: { automationId: paused.id, shopId: paused.shopId, slot: second, status: "queued" },
    });
    await setAutomationPaused(t.db, paused.shopId, paused.id, true, NOW); // …then paused before the next runs
    await tick();
    expect((await runsOf(paused.shopId, paused.id))[0]).toMatchObject({
      status: "skipped",
      reason: "The automation was paused before this run started.",
    });

    const limited = await dueAutomation({ maxRunsPerDay: 1 });
    await t.db.automationRun.create({
      data: {
        automationId: limited.id,
        shopId: limited.shopId,
        slot: new Date(SLOT.getTime() - MINUTE),
        status: "saved",
        credits: 0,
      },
    });
    const budget = await dueAutomation({ monthlyBudget: 3 });
    await t.db.automationRun.create({
      data: {
        automationId: budget.id,
        shopId: budget.shopId,
        slot: new Date(SLOT.getTime() - HOUR),
        status: "saved",
        credits: 2,
        finishedAt: NOW,
      },
    });
    const empty = await dueAutomation({}, []);
    await tick();
    const reasonOf = async ({ shopId, id }: { shopId: string; id: string }) =>
      (await runsOf(shopId, id))[0]!.reason;
    expect(await reasonOf(limited)).toBe("The limit of 1 run a day was reached.");
    expect(await reasonOf(budget)).toBe(
      "The monthly budget of 3 credits has no room: 2 spent this month, a run costs 2.",
    );
    expect(await reasonOf(empty)).toBe(
      "The topic queue is empty: add topics to keep this automation running.",
    );
    expect(queue.ids).toEqual([]);
    for (const { shopId, id } of [limited, budget, empty]) {
      expect(await debits(shopId)).toEqual([]);
      expect(await t.db.job.count({ where: { shopId } })).toBe(0);
      expect((await t.db.automation.findUniqueOrThrow({ where: { id } })).busyUntil).toBeNull();
    }
    // A skipped run keeps its topic waiting for the next slot.
    expect(await waitingTopics(limited.id)).toEqual(["Pour-over basics", "Cold brew at home"]);
  });

  test("a short balance or the polishing reserve skips the run with the numbers, and the low-balance alert fires", async () => {
    const sent: LowBalanceAlertMessage[] = [];
    const senders = {
      webhook: async (_to: string, message: LowBalanceAlertMessage) => void sent.push(message),
    };
    const queue = collectingQueue();

    const reserved = await dueAutomation();
    await saveAlertSettings(t.db, reserved.shopId, {
      ...DEFAULT_ALERT_SETTINGS,
      webhookUrl: "https://hooks.example/alerts",
      polishingReserve: 9,
    });
    await tickAutomations(t.db, { now: NOW, queue, senders });
    expect((await runsOf(reserved.shopId, reserved.id))[0]).toMatchObject({
      status: "skipped",
      reason: "Balance 10 is below the price 2 + polishing reserve 9.",
    });

    const short = await dueAutomation();
    await saveAlertSettings(t.db, short.shopId, {
      ...DEFAULT_ALERT_SETTINGS,
      webhookUrl: "https://hooks.example/alerts",
    });
    for (let i = 0; i < 4; i++)
      await reserveCredits(
        t.db,
        { shopId: short.shopId, idempotencyKey: `other-${i}`, actions: ["draft.generate"], actor: "user:1" },
        NOW,
      );
    await reserveCredits(
      t.db,
      { shopId: short.shopId, idempotencyKey: "cover", actions: ["cover.generate"], actor: "user:1" },
      NOW,
    );
    await tickAutomations(t.db, { now: NOW, queue, senders });
    expect((await runsOf(short.shopId, short.id))[0]).toMatchObject({
      status: "skipped",
      reason: "Balance 1 is below the price 2 + polishing reserve 0.",
      credits: 0,
    });
    expect(sent.map((message) => message.available)).toEqual([1]);
    expect(queue.ids).toEqual([]);
    for (const { shopId, id } of [reserved, short]) {
      expect(await debits(shopId)).toEqual([]);
      expect(await t.db.job.count({ where: { shopId } })).toBe(0);
      expect(await waitingTopics(id)).toHaveLength(2);
    }
  });

  test("a provider failure is free and logged, and its topic goes back to the front of the queue", async () => {
    const { shopId, id } = await dueAutomation();
    const queue = collectingQueue();
    await tickAutomations(t.db, { now: NOW, queue, senders: {} });
    fake.script("server_error", "server_error");
    const provider = openAiCompatible({
      baseURL: fake.url,
      apiKey: "sk-test",
      textModel: "test-model",
      imageModel: null,
      timeoutMs: 2_000,
      maxRetries: 1,
    });
    await runJobs(queue.ids, provider);
    expect((await runsOf(shopId, id))[0]).toMatchObject({
      status: "failed",
      reason:
        "The AI service had a problem. Nothing was charged. The automation's next run goes ahead as scheduled.",
      credits: 0,
    });
    expect(await getBalance(t.db, shopId)).toMatchObject({ available: 10, held: 0 });
    expect(await waitingTopics(id)).toEqual(["Pour-over basics", "Cold brew at home"]);
    expect((await t.db.automation.findUniqueOrThrow({ where: { id } })).busyUntil).toBeNull();
  });

  test("a run whose process died mid-run: the sweeper releases its hold, the slot is failed once and not re-run", async () => {
    const { shopId, id } = await dueAutomation();
    const queue = collectingQueue();
    await tickAutomations(t.db, { now: NOW, queue, senders: {} });
    const [jobId] = queue.ids.splice(0);
    // The runner claimed the job and died: the job stays running, its credits held.
    await t.db.job.update({
      where: { id: jobId },
      data: { status: "running", attempts: 1, leaseUntil: new Date(NOW.getTime() + 10 * MINUTE) },
    });
    expect(await getBalance(t.db, shopId)).toMatchObject({ held: 2 });

    const later = new Date(NOW.getTime() + 31 * MINUTE);
    await sweep(t.db, later);
    expect(await getBalance(t.db, shopId)).toMatchObject({ available: 10, held: 0 });
    // Job recovery hands the stranded job over again; its one attempt is used up, so it fails.
    await runJob(t.db, offlineWriter(), jobId!, {
      now: () => later,
      saveArticle,
      onFinished: (job) => finishRun(t.db, job, later),
    });
    await tickAutomations(t.db, { now: later, queue, senders: {} });
    await finishRun(t.db, await t.db.job.findUniqueOrThrow({ where: { id: jobId } }), later);

    const runs = await runsOf(shopId, id);
    expect(runs.map((run) => [run.slot, run.status, run.credits])).toEqual([
      [SLOT.toISOString(), "failed", 0],
    ]);
    expect(runs[0]!.reason).toContain("The app stopped during this run");
    expect(await debits(shopId)).toEqual([]);
    expect(await waitingTopics(id)).toEqual(["Pour-over basics", "Cold brew at home"]);
    expect(await t.db.job.count({ where: { shopId } })).toBe(1);
    expect(await checkInvariants(t.db, shopId)).toEqual([]);
  });

  test("one run per automation at a time: a second due run waits while the first holds the automation", async () => {
    const { shopId, id } = await dueAutomation();
    const queue = collectingQueue();
    await tickAutomations(t.db, { now: NOW, queue, senders: {} });
    const next = await t.db.automationRun.create({
      data: { automationId: id, shopId, slot: new Date(SLOT.getTime() + MINUTE), status: "queued" },
    });
    expect(await startRun(t.db, next.id, { now: NOW, queue, senders: {} })).toBe("busy");
    await runJobs(queue.ids);
    expect(await startRun(t.db, next.id, { now: NOW, queue, senders: {} })).toBe("started");
    await runJobs(queue.ids);
    expect((await runsOf(shopId, id)).map((run) => [run.status, run.topic])).toEqual([
      ["saved", "Cold brew at home"],
      ["saved", "Pour-over basics"],
    ]);
    expect(await debits(shopId)).toHaveLength(2);
  });

  test("publish mode: the article goes live at the publish time on the slot's day, or now if that time passed", async () => {
    const queue = collectingQueue();
    const publishAtOf = async (publishTime: string) => {
      const { shopId } = await dueAutomation({ publishMode: "publish", publishTime });
      await tickAutomations(t.db, { now: NOW, queue, senders: {} });
      const job = await t.db.job.findFirstOrThrow({ where: { shopId } });
      return (JSON.parse(job.input) as { publishAt: string | null }).publishAt;
    };
    const day = SLOT.toISOString().slice(0, 10);
    expect(await publishAtOf("23:59")).toBe(`${day}T23:59:00.000Z`);
    expect(await publishAtOf("00:00")).toBe(NOW.toISOString());
    const { shopId } = await dueAutomation();
    await tickAutomations(t.db, { now: NOW, queue, senders: {} });
    expect(JSON.parse((await t.db.job.findFirstOrThrow({ where: { shopId } })).input)).toMatchObject({
      publishAt: null,
    });
    await runJobs(queue.ids);
  });

  test("a store that uninstalled the app: its runs are skipped, free", async () => {
    const { shopId, id } = await dueAutomation();
    await t.db.shop.update({ where: { id: shopId }, data: { uninstalledAt: NOW } });
    const queue = collectingQueue();
    await tickAutomations(t.db, { now: NOW, queue, senders: {} });
    expect((await runsOf(shopId, id))[0]).toMatchObject({
      status: "skipped",
      reason: "The app is not installed in the store, so nothing was written.",
    });
    expect(queue.ids).toEqual([]);
  });

  test("a research automation writes the brief's ideas in order, each once", async () => {
    const shop = await createShop(t.db);
    const brief = await saveBrief(t.db, shop.id, {
      ...INPUT.brief,
      topic: "Coffee at home",
      products: [],
    });
    const research = await submitJob(t.db, {
      shopId: shop.id,
      idempotencyKey: "research-1",
      actor: "user:1",
      request: { kind: "topic.research", briefId: brief.id },
    });
    await runJob(t.db, offlineWriter(), research.job.id);
    const ideas = (await t.db.job.findUniqueOrThrow({ where: { id: research.job.id } })).result!;
    const titles = (JSON.parse(ideas) as { ideas: { title: string }[] }).ideas.map((idea) => idea.title);

    const automation = await createAutomation(
      t.db,
      shop.id,
      { ...INPUT, topicSource: "research", briefId: brief.id },
      [],
      NOW,
    );
    await addTopics(t.db, shop.id, automation.id, ["Ignored: research is the source"]);
    const queue = collectingQueue();
    for (const slot of [SLOT, new Date(SLOT.getTime() + MINUTE)]) {
      await t.db.automationRun.create({
        data: { automationId: automation.id, shopId: shop.id, slot, status: "queued" },
      });
      await tickAutomations(t.db, { now: NOW, queue, senders: {} });
      await runJobs(queue.ids);
    }
    expect((await runsOf(shop.id, automation.id)).map((run) => run.topic).reverse()).toEqual(
      titles.slice(0, 2),
    );
  });
});
