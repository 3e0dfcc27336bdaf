// The scheduler's exactness (docs/decisions/009-automation-scheduler.md). A run is the row (automation, slot):
// its unique key, not the queue library, is what makes two instances never run one slot twice. A tick
// takes due slots (insert the run, then advance nextSlotAt by compare-and-set), starts queued runs one per
// automation at a time (the busyUntil lease, so the day's limit and the month's budget are checked
// exactly), and copies finished jobs' outcomes to their runs. Any number of instances may tick at once.
import type { AutomationRun, Job } from "@prisma-generated/sqlite";
import type { AlertSenders } from "../alerts/low-balance.server";
import { dispatchLowBalanceAlerts, readAlertSettings } from "../alerts/low-balance.server";
import { briefFromJson } from "../content/brief";
import { ContentNotFound, InvalidContent } from "../content/errors";
import { latestResearch } from "../credits/read-jobs.server";
import { JOB_RESERVATION_MS, reservationKeyOf, submitJob } from "../credits/submit-job.server";
import type { JobRequest } from "../credits/job-request";
import type { Db } from "../db/connect.server";
import type { JobQueue } from "../jobs/queue.server";
import { InsufficientCredits } from "../ledger/errors";
import { PRICES } from "../ledger/prices";
import { usableTimezone } from "../shops/locale";
import { scheduleOf } from "./automations.server";
import { localDay } from "./calendar.server";
import { spentThisMonth } from "./runs.server";
import { nextLocalTime, nextSlot } from "./schedule";
import { automationActor } from "./types";

/** A missed slot newer than this still runs when the app comes back; older ones are logged as missed. */
export const CATCH_UP_MS = 6 * 60 * 60 * 1000;
/** How long a started run owns its automation: as long as its job may hold credits (then the sweeper). */
export const RUN_LEASE_MS = JOB_RESERVATION_MS;
/** Missed slots counted one by one at most (a minutely cron down for a month says "at least"). */
const MAX_COUNTED_SLOTS = 10_000;
/** Runs started at once by one tick; SQLite serialises the writes anyway. */
const START_CONCURRENCY = 16;

/**
 * The batch in a random order: instances ticking at once read the same due rows, and working through them
 * in the same order would make every step of one a lost race against the other.
 */
function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const PRICE = PRICES["automation.run"];

export interface TickDeps {
  now: Date;
  /** Where submitted jobs are handed over (the process's job queue). */
  queue?: JobQueue;
  /** Low-balance alerts when a run is skipped for a short balance. */
  senders: AlertSenders;
}

function isUniqueViolation(error: unknown) {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

/** Inserts a run for a slot; false when the slot already has one (another instance, or an earlier tick). */
async function insertRun(db: Db, data: Parameters<Db["automationRun"]["create"]>[0]["data"]) {
  try {
    await db.automationRun.create({ data });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

const slotTime = (timeZone: string, at: Date) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(at);

function missedReason(count: number, capped: boolean, from: Date, to: Date, timeZone: string) {
  if (count === 1) return `Missed while the app was not running (the slot at ${slotTime(timeZone, from)}).`;
  const slots = `${capped ? "at least " : ""}${count} slots`;
  return `Missed while the app was not running (${slots} from ${slotTime(timeZone, from)} to ${slotTime(timeZone, to)}).`;
}

type DueAutomation = {
  id: string;
  shopId: string;
  schedule: string;
  nextSlotAt: Date | null;
  shop: { timezone: string | null };
};

/**
 * One automation's due slots. Catch-up rule: of the slots that passed since nextSlotAt, the newest runs
 * once if it is at most CATCH_UP_MS old; the others (all of them, if the newest is older) are logged as
 * one skipped run at the first missed slot. Never N runs for N missed slots.
 */
async function takeSlotsOf(db: Db, automation: DueAutomation, now: Date) {
  const seen = automation.nextSlotAt!;
  const schedule = scheduleOf(automation);
  const timeZone = usableTimezone(automation.shop.timezone);
  const advance = (nextSlotAt: Date | null) =>
    db.automation.updateMany({ where: { id: automation.id, nextSlotAt: seen }, data: { nextSlotAt } });
  if (!schedule) return void (await advance(null));

  let newest = seen;
  let beforeNewest: Date | null = null;
  let count = 1;
  for (
    let next = nextSlot(schedule, timeZone, newest);
    next && next <= now;
    next = nextSlot(schedule, timeZone, newest)
  ) {
    if (count >= MAX_COUNTED_SLOTS) break;
    beforeNewest = newest;
    newest = next;
    count++;
  }
  const capped = count >= MAX_COUNTED_SLOTS;
  const runsNewest = now.getTime() - newest.getTime() <= CATCH_UP_MS && !capped;
  const missed = runsNewest ? count - 1 : count;
  const base = { automationId: automation.id, shopId: automation.shopId, createdAt: now };
  let queued = 0;
  if (missed > 0)
    await insertRun(db, {
      ...base,
      slot: seen,
      status: "skipped",
      reason: missedReason(missed, capped, seen, runsNewest ? beforeNewest! : newest, timeZone),
      startedAt: now,
      finishedAt: now,
    });
  if (runsNewest && (await insertRun(db, { ...base, slot: newest, status: "queued" }))) queued = 1;
  // Only the instance that still sees `seen` moves it on; a racer's update matches nothing.
  await advance(nextSlot(schedule, timeZone, now));
  return { queued, missed };
}

/** Records the runs of active automations whose next slot is due, and moves their next slot on. */
export async function takeDueSlots(db: Db, now: Date, { limit = 500 }: { limit?: number } = {}) {
  const due = await db.automation.findMany({
    where: { status: "active", nextSlotAt: { lte: now } },
    orderBy: { nextSlotAt: "asc" },
    take: limit,
    select: {
      id: true,
      shopId: true,
      schedule: true,
      nextSlotAt: true,
      shop: { select: { timezone: true } },
    },
  });
  let queued = 0;
  let missed = 0;
  await eachLimited(shuffled(due), START_CONCURRENCY, async (automation) => {
    const taken = await takeSlotsOf(db, automation, now);
    queued += taken?.queued ?? 0;
    missed += taken?.missed ?? 0;
  });
  return { due: due.length, queued, missed };
}

// ---- one run ----

const leaseOf = (run: Pick<AutomationRun, "startedAt">) => new Date(run.startedAt!.getTime() + RUN_LEASE_MS);

/** Gives the automation back to its next run, unless a newer run holds it already. */
async function releaseLease(db: Db, automationId: string, leaseUntil: Date) {
  await db.automation.updateMany({
    where: { id: automationId, busyUntil: leaseUntil },
    data: { busyUntil: null },
  });
}

/** A run that ends without a job: skipped or failed, its topic back in the queue, its automation free. */
async function endWithoutJob(
  db: Db,
  run: AutomationRun,
  status: "skipped" | "failed",
  reason: string,
  now: Date,
) {
  await db.automationRun.updateMany({
    where: { id: run.id, status: "running" },
    data: { status, reason, finishedAt: now, credits: 0 },
  });
  await db.automationTopic.updateMany({ where: { runId: run.id }, data: { runId: null } });
  await releaseLease(db, run.automationId, leaseOf(run));
  return status;
}

/** The topic this run writes about: the one it claimed already, or the queue's first waiting one. */
async function claimQueuedTopic(db: Db, automationId: string, runId: string): Promise<string | null> {
  const mine = await db.automationTopic.findUnique({ where: { runId }, select: { topic: true } });
  if (mine) return mine.topic;
  for (let attempt = 0; attempt < 5; attempt++) {
    const first = await db.automationTopic.findFirst({
      where: { automationId, runId: null },
      orderBy: { position: "asc" },
      select: { id: true, topic: true },
    });
    if (!first) return null;
    const claimed = await db.automationTopic.updateMany({
      where: { id: first.id, runId: null },
      data: { runId },
    });
    if (claimed.count === 1) return first.topic;
  }
  return null;
}

/** The first idea of the brief's latest research that no run of this automation used (or is using). */
async function nextResearchedTopic(
  db: Db,
  shopId: string,
  automationId: string,
  briefId: string | null,
  runId: string,
) {
  if (!briefId) return null;
  const research = await latestResearch(db, shopId, briefId);
  const ideas = research?.ideas ?? [];
  if (ideas.length === 0) return null;
  const used = await db.automationRun.findMany({
    where: {
      automationId,
      id: { not: runId },
      status: { in: ["queued", "running", "saved"] },
      topic: { not: null },
    },
    select: { topic: true },
  });
  const usedTopics = new Set(used.map((run) => run.topic));
  return ideas.find((idea) => !usedTopics.has(idea.title))?.title ?? null;
}

/** When the article goes live: publishTime on the slot's day in the shop's zone, or now if that passed. */
function publishAtOf(
  publishMode: string,
  publishTime: string | null,
  slot: Date,
  timeZone: string,
  now: Date,
) {
  if (publishMode !== "publish" || !publishTime) return null;
  const at = nextLocalTime(publishTime, timeZone, localDay(timeZone, slot).start);
  return (at && at > now ? at : now).toISOString();
}

export type StartOutcome = "busy" | "gone" | "started" | "skipped" | "failed";

/**
 * Starts a queued run if its automation is free: checks (each failing one skips the run with a sentence,
 * no debit) paused, the day's run limit, the month's budget and a topic, then submits the automation.run
 * job that holds the price plus the polishing reserve. The job's key is the run's, so a racer or a retry
 * reaches the same job.
 */
export async function startRun(
  db: Db,
  runId: string,
  { now, queue, senders }: TickDeps,
): Promise<StartOutcome> {
  const found = await db.automationRun.findUnique({ where: { id: runId }, include: { automation: true } });
  if (!found || !(found.status === "queued" || (found.status === "running" && found.jobId === null)))
    return "gone";
  const { automation } = found;
  const leaseUntil = new Date(now.getTime() + RUN_LEASE_MS);
  const leased = await db.automation.updateMany({
    where: { id: automation.id, OR: [{ busyUntil: null }, { busyUntil: { lt: now } }] },
    data: { busyUntil: leaseUntil },
  });
  if (leased.count === 0) return "busy";
  // Queued, or one whose start was cut off (running without a job) and whose lease we now hold.
  const claimed = await db.automationRun.updateMany({
    where: { id: runId, OR: [{ status: "queued" }, { status: "running", jobId: null }] },
    data: { status: "running", startedAt: now },
  });
  if (claimed.count === 0) {
    await releaseLease(db, automation.id, leaseUntil);
    return "gone";
  }
  const run = { ...found, status: "running", startedAt: now };
  const skip = (reason: string) => endWithoutJob(db, run, "skipped", reason, now);

  if (automation.status !== "active") return skip("The automation was paused before this run started.");
  const shop = await db.shop.findUnique({
    where: { id: run.shopId },
    select: { timezone: true, uninstalledAt: true },
  });
  // Without the app installed there is no access to the store's blog: every run would fail.
  if (shop?.uninstalledAt) return skip("The app is not installed in the store, so nothing was written.");
  const timeZone = usableTimezone(shop?.timezone);
  const day = localDay(timeZone, run.slot);
  const runsToday = await db.automationRun.count({
    where: {
      automationId: automation.id,
      id: { not: run.id },
      status: { in: ["saved", "running"] },
      slot: { gte: day.start, lt: day.end },
    },
  });
  if (runsToday >= automation.maxRunsPerDay)
    return skip(
      `The limit of ${automation.maxRunsPerDay} ${automation.maxRunsPerDay === 1 ? "run" : "runs"} a day was reached.`,
    );
  const spent = (await spentThisMonth(db, [automation.id], timeZone, now)).get(automation.id) ?? 0;
  if (spent + PRICE > automation.monthlyBudget)
    return skip(
      `The monthly budget of ${automation.monthlyBudget} credits has no room: ${spent} spent this month, a run costs ${PRICE}.`,
    );
  const topic =
    automation.topicSource === "research"
      ? await nextResearchedTopic(db, run.shopId, automation.id, automation.briefId, run.id)
      : await claimQueuedTopic(db, automation.id, run.id);
  if (!topic)
    return skip(
      automation.topicSource === "research"
        ? "The brief's topic research has no unused idea left: run topic research again."
        : "The topic queue is empty: add topics to keep this automation running.",
    );
  await db.automationRun.updateMany({ where: { id: run.id }, data: { topic } });

  const { polishingReserve } = await readAlertSettings(db, run.shopId);
  const request: JobRequest = {
    kind: "automation.run",
    brief: { ...briefFromJson(automation.brief), topic },
    blogId: automation.blogId,
    publishAt: publishAtOf(automation.publishMode, automation.publishTime, run.slot, timeZone, now),
    automationId: automation.id,
    runId: run.id,
  };
  let job;
  try {
    ({ job } = await submitJob(
      db,
      {
        shopId: run.shopId,
        idempotencyKey: `run-${run.id}`,
        actor: automationActor(automation.id),
        request,
        keep: polishingReserve,
      },
      { now, queue },
    ));
  } catch (error) {
    if (error instanceof InsufficientCredits) {
      const outcome = await skip(
        `Balance ${error.available} is below the price ${PRICE} + polishing reserve ${polishingReserve}.`,
      );
      await dispatchLowBalanceAlerts(db, run.shopId, senders, now).catch((alertError: unknown) =>
        console.error(`run ${run.id}: low-balance alerts failed`, alertError),
      );
      return outcome;
    }
    if (error instanceof InvalidContent || error instanceof ContentNotFound)
      return endWithoutJob(db, run, "failed", `${error.message}. Nothing was charged.`, now);
    // The database or the like: the run starts again on a later tick, with the same job key.
    await db.automationRun.updateMany({ where: { id: run.id, jobId: null }, data: { status: "queued" } });
    await releaseLease(db, automation.id, leaseUntil);
    throw error;
  }
  await db.automationRun.updateMany({ where: { id: run.id }, data: { jobId: job.id, draftId: job.draftId } });
  // A job that finished before we linked it (a start cut off and resumed) has no one else to report it.
  if (job.status === "succeeded" || job.status === "failed") {
    const row = await db.job.findUnique({ where: { id: job.id } });
    if (row) await finishRun(db, row);
  }
  return "started";
}

/**
 * Copies a finished automation.run job's outcome to its run: saved (the draft, the article and the credits
 * captured) or failed (the job's sentence; its topic goes back to the queue, the next slot tries it: a
 * crashed run is failed, never re-run). Frees the automation for its next run. Safe to call again.
 */
export async function finishRun(db: Db, job: Job, now = new Date()) {
  if (job.kind !== "automation.run" || (job.status !== "succeeded" && job.status !== "failed")) return;
  const { runId } = JSON.parse(job.input) as { runId?: string | null };
  const run = await db.automationRun.findFirst({
    where: runId ? { id: runId, shopId: job.shopId } : { jobId: job.id },
  });
  if (!run) return;
  if (run.status === "running" || run.status === "queued") {
    const saved = job.status === "succeeded";
    const result = saved && job.result ? (JSON.parse(job.result) as { articleId?: string }) : {};
    const hold = await db.reservation.findUnique({
      where: { shopId_idempotencyKey: { shopId: job.shopId, idempotencyKey: reservationKeyOf(job.id) } },
      select: { status: true, credits: true },
    });
    await db.automationRun.updateMany({
      where: { id: run.id, status: { in: ["running", "queued"] } },
      data: {
        status: saved ? "saved" : "failed",
        reason: saved ? null : (job.error ?? "The run failed. Nothing was charged."),
        jobId: job.id,
        draftId: job.draftId,
        articleId: result.articleId ?? null,
        credits: hold?.status === "captured" ? hold.credits : 0,
        startedAt: run.startedAt ?? job.startedAt ?? job.createdAt,
        finishedAt: job.finishedAt ?? now,
      },
    });
  }
  const after = await db.automationRun.findUniqueOrThrow({ where: { id: run.id } });
  if (after.status === "failed")
    await db.automationTopic.updateMany({ where: { runId: run.id }, data: { runId: null } });
  if (after.startedAt) await releaseLease(db, run.automationId, leaseOf(after));
}

// ---- the tick ----

async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item).catch((error: unknown) => console.error("automation scheduler step failed", error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Runs whose job finished without the run hearing of it, or whose job is gone: settled now. */
async function settleRuns(db: Db, now: Date, limit: number) {
  // Ids and statuses only: every tick looks at every running run, and most are still running.
  const running = await db.automationRun.findMany({
    where: { status: "running", jobId: { not: null } },
    orderBy: { slot: "asc" },
    take: limit,
    select: { id: true, jobId: true },
  });
  if (running.length === 0) return 0;
  const jobs = await db.job.findMany({
    where: { id: { in: running.map((run) => run.jobId!) } },
    select: { id: true, status: true },
  });
  const statusOf = new Map(jobs.map((job) => [job.id, job.status]));
  let settled = 0;
  for (const { id, jobId } of running) {
    const status = statusOf.get(jobId!);
    if (status && status !== "succeeded" && status !== "failed") continue;
    const job = status ? await db.job.findUnique({ where: { id: jobId! } }) : null;
    if (job) await finishRun(db, job, now);
    else {
      const run = await db.automationRun.findUnique({ where: { id } });
      if (run?.status !== "running") continue;
      await endWithoutJob(
        db,
        run,
        "failed",
        "The run's job was lost before it finished. Nothing was charged.",
        now,
      );
    }
    settled++;
  }
  return settled;
}

/**
 * One pass of the scheduler: take due slots, start queued runs (and runs whose start was cut off), settle
 * runs whose job ended unheard. Safe from any number of instances at once.
 */
export async function tickAutomations(
  db: Db,
  { now, queue, senders, limit = 500 }: TickDeps & { limit?: number },
) {
  const taken = await takeDueSlots(db, now, { limit });
  const startable = await db.automationRun.findMany({
    where: {
      OR: [
        { status: "queued" },
        { status: "running", jobId: null, startedAt: { lt: new Date(now.getTime() - RUN_LEASE_MS) } },
      ],
    },
    orderBy: { slot: "asc" },
    take: limit,
    select: { id: true, automationId: true },
  });
  // One per automation per tick: the automation's next run waits for this one anyway.
  const firsts = [...new Map(startable.map((run) => [run.automationId, run.id])).values()];
  const outcomes: Record<StartOutcome, number> = { busy: 0, gone: 0, started: 0, skipped: 0, failed: 0 };
  await eachLimited(shuffled(firsts), START_CONCURRENCY, async (runId) => {
    outcomes[await startRun(db, runId, { now, queue, senders })]++;
  });
  const settled = await settleRuns(db, now, limit);
  // A pass that hit its limit left work for the next one.
  const more = taken.due >= limit || firsts.length >= limit || settled >= limit;
  return { ...taken, ...outcomes, settled, more };
}
