// The content studio's jobs in this process: the queue of the database's engine, running each job with the
// configured AI provider, and low-balance alerts after each spend. Started with the app, beside the sweeper.
import { aiProvider } from "../ai/index.server";
import { dispatchLowBalanceAlerts } from "../alerts/low-balance.server";
import { alertSenders, smtpTransport } from "../alerts/senders.server";
import { runJob } from "../credits/run-job.server";
import type { Db } from "../db/connect.server";
import { env } from "../env.server";
import { startJobQueue } from "./queue.server";

export function startContentJobs(db: Db, url: string) {
  const senders = alertSenders({
    mail: smtpTransport(env.SMTP_URL),
    from: env.ALERT_EMAIL_FROM ?? "",
    secret: env.SHOPIFY_API_SECRET,
  });
  return startJobQueue(db, url, (jobId) =>
    runJob(db, aiProvider(), jobId, { onSpent: (shopId) => dispatchLowBalanceAlerts(db, shopId, senders) }),
  );
}
