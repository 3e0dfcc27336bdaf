// A second app instance in its own process for the scheduler's race (app/automations/scheduler.test.ts):
// at <startAtMs> it ticks the automations of the same database as the test, then runs the jobs it submitted
// with the offline writer, saving to a stand-in for Shopify. Usage:
// automation-instance.ts <url> <startAtMs> <nowMs> [hang]; prints JSON { started, jobs }. With `hang`, Shopify
// never answers: it prints {"saving":true} once a job is saving its article, and waits to be killed.
import { offlineWriter } from "../app/ai/offline-writer.server";
import { finishRun, tickAutomations } from "../app/automations/scheduler.server";
import { runJob } from "../app/credits/run-job.server";
import { connectDb } from "../app/db/connect.server";

const [url, startAt, nowMs, hang] = process.argv.slice(2) as [string, string, string, string?];
const db = connectDb(url);
await db.shop.count(); // connected before the start line
const jobs: string[] = [];
const queue = { enqueue: async (jobId: string) => void jobs.push(jobId), stop: async () => undefined };
await new Promise((resolve) => setTimeout(resolve, Number(startAt) - Date.now()));
const now = new Date(Number(nowMs));
const tick = await tickAutomations(db, { now, queue, senders: {} });
for (const jobId of jobs)
  await runJob(db, offlineWriter(), jobId, {
    now: () => now,
    saveArticle: async ({ draftId }) => {
      if (hang) {
        console.log(JSON.stringify({ saving: true }));
        await new Promise(() => undefined);
      }
      return {
        articleId: `gid://shopify/Article/${draftId}`,
        adminUrl: `https://admin.example/articles/${draftId}`,
      };
    },
    onFinished: (job) => finishRun(db, job, now),
  });
console.log(JSON.stringify({ started: tick.started, jobs: jobs.length }));
await db.$disconnect();
