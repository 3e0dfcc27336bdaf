// The job mechanism (docs/decisions/008-jobs.md): our Job table is the truth about every job, and a queue
// only says "run job X now". On PostgreSQL that is pg-boss (10.x: the newest major that runs on Node 20),
// so any instance may run any job; on SQLite (one instance) an in-process runner. Both sit behind
// JobQueue, and both also recover: every instance periodically re-queues jobs that were never handed over
// (a send lost to a crash) or whose runner died (its lease ran out). A job handed over twice still runs
// once: the runner claims it in the database first (app/credits/run-job.server.ts). Recurring work (the
// automation scheduler's tick, docs/decisions/009-automation-scheduler.md) rides the same mechanism: pg-boss's
// cron schedule on PostgreSQL, a timer on SQLite.
import PgBoss from "pg-boss";
import { engineOf, type Db } from "../db/connect.server";

export interface JobQueue {
  /** Hands a job to a worker. Safe to repeat for one job; a job never handed over is found by recovery. */
  enqueue(jobId: string): Promise<void>;
  /** Stops taking jobs and waits (bounded) for the ones running. */
  stop(): Promise<void>;
}

export type JobHandler = (jobId: string) => Promise<void>;

/** The queue this process started: it also runs recurring tasks. */
export interface StartedJobQueue extends JobQueue {
  /**
   * Runs `task` once now on this instance, then repeatedly until stop. PostgreSQL: once a minute on one
   * instance (pg-boss's cron schedule on the queue `name`; `everyMs` is not used). SQLite: every `everyMs`
   * here. A run still going when the next is due makes that one skip. The task must be safe to run on
   * several instances at once (the startup runs are not coordinated).
   */
  recurring(name: string, task: () => Promise<void>, everyMs: number): Promise<void>;
}

export interface QueueOptions {
  /** Jobs one instance runs at once. */
  concurrency?: number;
  /** How often stranded jobs are looked for. */
  recoverEveryMs?: number;
}

const QUEUE = "content-job";

declare global {
  // The process's queue per database client, across dev-server reloads and module instances.
  var jobQueues: WeakMap<Db, StartedJobQueue> | undefined;
}
const queues = (globalThis.jobQueues ??= new WeakMap());

/** The queue started for this database client, if this process runs jobs. */
export function queueFor(db: Db): StartedJobQueue | undefined {
  return queues.get(db);
}

/**
 * Jobs stranded without a runner: queued ones older than a moment (their hand-over may have been lost)
 * and running ones whose lease ran out (their process died). The runner's claim decides who runs them.
 */
export async function strandedJobs(db: Db, now = new Date(), take = 100): Promise<string[]> {
  const rows = await db.job.findMany({
    where: {
      OR: [
        { status: "queued", createdAt: { lt: new Date(now.getTime() - 5_000) } },
        { status: "running", leaseUntil: { lt: now } },
      ],
    },
    orderBy: { createdAt: "asc" },
    take,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/** Starts this process's queue for `db` (once per client) and the recovery loop beside it. */
export async function startJobQueue(
  db: Db,
  url: string,
  handler: JobHandler,
  options: QueueOptions = {},
): Promise<StartedJobQueue> {
  const existing = queues.get(db);
  if (existing) return existing;
  const concurrency = options.concurrency ?? 4;
  const inner =
    engineOf(url) === "postgres"
      ? pgBossQueue(url, handler, concurrency)
      : inProcessQueue(handler, concurrency);
  const recovery = setInterval(() => {
    void strandedJobs(db)
      .then((ids) => Promise.all(ids.map((id) => inner.enqueue(id))))
      .catch((error: unknown) => console.error("job recovery failed", error));
  }, options.recoverEveryMs ?? 30_000);
  recovery.unref();
  const queue: StartedJobQueue = {
    enqueue: (jobId) => inner.enqueue(jobId),
    recurring: (name, task, everyMs) => inner.recurring(name, task, everyMs),
    async stop() {
      clearInterval(recovery);
      queues.delete(db);
      await inner.stop();
    },
  };
  queues.set(db, queue);
  return queue;
}

/** One run of `task` at a time: a call while it runs is skipped; failures are logged, never thrown. */
function notOverlapping(name: string, task: () => Promise<void>) {
  let current: Promise<void> | null = null;
  const run = () => {
    current ??= task()
      .catch((error: unknown) => console.error(`${name} failed`, error))
      .finally(() => {
        current = null;
      });
    return current;
  };
  return { run, settled: () => current ?? Promise.resolve() };
}

/** SQLite: one instance, so the process runs its own jobs, at most `concurrency` at once. */
function inProcessQueue(handler: JobHandler, concurrency: number): StartedJobQueue {
  const waiting: string[] = [];
  const running = new Map<string, Promise<void>>();
  const timers: { timer: NodeJS.Timeout; settled: () => Promise<void> }[] = [];
  let stopped = false;
  const pump = () => {
    while (!stopped && running.size < concurrency && waiting.length > 0) {
      const jobId = waiting.shift()!;
      const run = handler(jobId)
        .catch((error: unknown) => console.error(`job ${jobId} failed to run`, error))
        .finally(() => {
          running.delete(jobId);
          pump();
        });
      running.set(jobId, run);
    }
  };
  return {
    async enqueue(jobId) {
      if (stopped || running.has(jobId) || waiting.includes(jobId)) return;
      waiting.push(jobId);
      pump();
    },
    async recurring(name, task, everyMs) {
      if (stopped) return;
      const { run, settled } = notOverlapping(name, task);
      const timer = setInterval(() => void run(), everyMs);
      timer.unref();
      timers.push({ timer, settled });
      void run();
    },
    async stop() {
      stopped = true;
      waiting.length = 0;
      for (const { timer } of timers) clearInterval(timer);
      await Promise.all([...running.values(), ...timers.map(({ settled }) => settled())]);
    },
  };
}

/**
 * pg-boss's createQueue from two instances starting at once on a new database can deadlock in PostgreSQL
 * (40P01); one of them is aborted, and creating the queue again then finds it made.
 */
async function createQueueOnce(boss: PgBoss, name: string, policy: "stately") {
  for (let attempt = 1; ; attempt++) {
    try {
      return await boss.createQueue(name, { name, policy });
    } catch (error) {
      if ((error as { code?: unknown }).code !== "40P01" || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** PostgreSQL: pg-boss hands each job to one instance's worker; a job it lost is recovered from our table. */
function pgBossQueue(url: string, handler: JobHandler, concurrency: number): StartedJobQueue {
  const boss = new PgBoss({ connectionString: url, schema: "pgboss", max: 2 + concurrency });
  boss.on("error", (error) => console.error("pg-boss", error));
  const ready = (async () => {
    await boss.start();
    // stately: at most one pg-boss job per our job waiting and one running.
    await createQueueOnce(boss, QUEUE, "stately");
    // One worker per slot of concurrency, a job each: a batch would wait for its slowest job before
    // fetching the next ones.
    for (let i = 0; i < concurrency; i++)
      await boss.work<{ jobId: string }>(
        QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 0.5 },
        async (jobs) => {
          await Promise.all(jobs.map((job) => handler(job.data.jobId)));
        },
      );
  })();
  ready.catch((error: unknown) => console.error("pg-boss did not start", error));
  const recurringRuns: (() => Promise<void>)[] = [];
  return {
    async enqueue(jobId) {
      await ready;
      // A second hand-over of a waiting job is dropped by the stately policy; one of a running job is a no-op at
      // our runner's claim.
      await boss.send(QUEUE, { jobId }, { singletonKey: jobId, retryLimit: 0, expireInSeconds: 15 * 60 });
    },
    async recurring(name, task) {
      await ready;
      const { run, settled } = notOverlapping(name, task);
      recurringRuns.push(settled);
      // stately: at most one tick waiting and one running across all instances; a lost one is the next minute's.
      await createQueueOnce(boss, name, "stately");
      // Every instance upserts the same schedule; pg-boss's cron monitor sends one job a minute for all of them.
      await boss.schedule(name, "* * * * *", {}, { retryLimit: 0, expireInSeconds: 10 * 60 });
      await boss.work(name, { batchSize: 1, pollingIntervalSeconds: 2 }, async () => run());
      void run();
    },
    async stop() {
      await ready.catch(() => undefined);
      await Promise.all(recurringRuns.map((settled) => settled()));
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    },
  };
}
