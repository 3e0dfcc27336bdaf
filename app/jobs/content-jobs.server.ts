// The content studio's jobs in this process: the queue of the database's engine, running each job with the
// configured AI provider. Started with the app, beside the sweeper.
import { aiProvider } from "../ai/index.server";
import { runJob } from "../credits/run-job.server";
import type { Db } from "../db/connect.server";
import { startJobQueue } from "./queue.server";

export function startContentJobs(db: Db, url: string) {
  return startJobQueue(db, url, (jobId) => runJob(db, aiProvider(), jobId));
}
