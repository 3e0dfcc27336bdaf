// The job mechanism (docs/decisions/008-jobs.md): our Job table is the truth about every job, and a queue
// only says "run job X now". On PostgreSQL that is pg-boss (10.x: the newest major that runs on Node 20),
// so any instance may run any job; on SQLite (one instance) an in-process runner. Both sit behind
// JobQueue, and both also recover: every instance periodically re-queues jobs that were never handed over
// (a send lost to a crash) or whose runner died (its lease ran out). A job handed over twice still runs
// once: the runner claims it in the database first (app/credits/run-job.server.ts).
import PgBoss from "pg-boss";
import { engineOf, type Db } from "../db/connect.server";

export interface JobQueue {
  /** Hands a job to a worker. Safe to repeat for one job; a job never handed over is found by recovery. */
  enqueue(jobId: string): Promise<void>;
  /** Stops taking jobs and waits (bounded) for the ones running. */
  stop(): Promise<void>;
}

export type JobHandler = (jobId: string) => Promise<void>;

export interface QueueOptions {
  /** Jobs one instance runs at once. */
  concurrency?: number;
  /** How often stranded jobs are looked for. */
  recoverEveryMs?: number;
}

const QUEUE = "content-job";

declare global {
  // The process's queue per database client, across dev-server reloads and module instances.
  var jobQueues: WeakMap<Db, JobQueue> | undefined;
}
const queues = (globalThis.jobQueues ??= new WeakMap());

/** The queue started for this database client, if this process runs jobs. */
export function queueFor(db: Db): JobQueue | undefined {
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
): Promise<JobQueue> {
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
  const queue: JobQueue = {
    enqueue: (jobId) => inner.enqueue(jobId),
    async stop() {
      clearInterval(recovery);
      queues.delete(db);
      await inner.stop();
    },
  };
  queues.set(db, queue);
  return queue;
}

/** SQLite: one instance, so the process runs its own jobs, at most `concurrency` at once. */
function inProcessQueue(handler: JobHandler, concurrency: number): JobQueue {
  const waiting: string[] = [];
  const running = new Map<string, Promise<void>>();
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
    async stop() {
      stopped = true;
      waiting.length = 0;
      await Promise.all(running.values());
    },
  };
}

/** PostgreSQL: pg-boss hands each job to one instance's worker; a job it lost is recovered from our table. */
function pgBossQueue(url: string, handler: JobHandler, concurrency: number): JobQueue {
  const boss = new PgBoss({ connectionString: url, schema: "pgboss", max: 2 + concurrency });
  boss.on("error", (error) => console.error("pg-boss", error));
  const ready = (async () => {
    await boss.start();
    // stately: at most one pg-boss job per our job waiting and one running.
    await boss.createQueue(QUEUE, { name: QUEUE, policy: "stately" });
    await boss.work<{ jobId: string }>(
      QUEUE,
      { batchSize: concurrency, pollingIntervalSeconds: 0.5 },
      async (jobs) => {
        await Promise.all(jobs.map((job) => handler(job.data.jobId)));
      },
    );
  })();
  ready.catch((error: unknown) => console.error("pg-boss did not start", error));
  return {
    async enqueue(jobId) {
      await ready;
      // A second hand-over of a waiting job is dropped by the stately policy; one of a running job is a no-op at
      // our runner's claim.
      await boss.send(QUEUE, { jobId }, { singletonKey: jobId, retryLimit: 0, expireInSeconds: 15 * 60 });
    },
    async stop() {
      await ready.catch(() => undefined);
      await boss.stop({ graceful: true, wait: true, timeout: 30_000 });
    },
  };
}
