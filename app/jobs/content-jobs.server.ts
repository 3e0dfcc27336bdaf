// The content studio's jobs in this process: the queue of the database's engine, running each job with the
// configured AI provider, saving automation drafts to the store's blog, and low-balance alerts after each
// spend; the automation scheduler's tick rides the same queue. Started with the app, beside the sweeper.
import { HttpThrottlingError } from "@shopify/shopify-api";
import { aiProvider } from "../ai/index.server";
import { dispatchLowBalanceAlerts } from "../alerts/low-balance.server";
import { alertSenders, smtpTransport } from "../alerts/senders.server";
import { finishRun } from "../automations/scheduler.server";
import { ContentNotFound } from "../content/errors";
import { saveDraftToShopify } from "../content/save-to-shopify.server";
import { ArticleNotSaved, runJob, type SaveArticle } from "../credits/run-job.server";
import type { Db } from "../db/connect.server";
import { env } from "../env.server";
import { creditsRunningLowSender, graphqlFor, sendBlogDraftReady } from "../flow/triggers.server";
import { ShopifyAccessDenied, ShopifyUserErrors } from "../shopify/admin-api.server";
import { offlineAdmin, type OfflineAdmin } from "../shopify/offline-admin.server";
import { startAutomationScheduler } from "./automation-scheduler.server";
import { startJobQueue } from "./queue.server";

/** What the run log says when Shopify did not take an automation's article. */
function articleFailure(error: unknown): string {
  if (error instanceof ContentNotFound)
    return "The blog chosen for this automation is gone from the store. Choose another blog. Nothing was charged.";
  if (error instanceof ShopifyAccessDenied)
    return "The app may not write the store's blog articles yet: approve its access in Shopify. Nothing was charged.";
  if (error instanceof ShopifyUserErrors)
    return `Shopify did not save the article: ${error.messages.join("; ")}. Nothing was charged.`;
  if (error instanceof HttpThrottlingError)
    return "Shopify was too busy to save the article. Nothing was charged.";
  console.error("saving an automation's article failed", error);
  return "Shopify could not be reached to save the article. Nothing was charged.";
}

/** Saves an automation's draft to the shop's blog through an offline Admin API client. */
export function articleSaver(db: Db, admin: OfflineAdmin = offlineAdmin): SaveArticle {
  return async ({ shopId, draftId, blogId, publishAt }) => {
    const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { domain: true } });
    try {
      const { graphql } = (await admin(shop.domain)).admin;
      const saved = await saveDraftToShopify(db, graphql, {
        shopId,
        shopDomain: shop.domain,
        draftId,
        blogId,
        author: shop.domain.replace(/\.myshopify\.com$/, ""),
        appUrl: env.SHOPIFY_APP_URL,
        publishAt,
      });
      return { articleId: saved.articleId, adminUrl: saved.adminUrl };
    } catch (error) {
      throw new ArticleNotSaved(articleFailure(error));
    }
  };
}

export async function startContentJobs(db: Db, url: string) {
  const graphql = graphqlFor(offlineAdmin);
  const senders = {
    ...alertSenders({
      mail: smtpTransport(env.SMTP_URL),
      from: env.ALERT_EMAIL_FROM ?? "",
      secret: env.SHOPIFY_API_SECRET,
    }),
    flow: creditsRunningLowSender(graphql),
  };
  const saveArticle = articleSaver(db);
  const queue = await startJobQueue(db, url, (jobId) =>
    runJob(db, aiProvider(), jobId, {
      onSpent: (shopId) => dispatchLowBalanceAlerts(db, shopId, senders),
      saveArticle,
      onFinished: async (job) => {
        // The automation's run log first, then Shopify Flow's "Blog draft ready" once an article is saved.
        await finishRun(db, job);
        await sendBlogDraftReady(db, graphql, job);
      },
    }),
  );
  // The automation scheduler ticks on this queue, with the same alerts for runs skipped on a short balance.
  await startAutomationScheduler(db, queue, senders, env.AUTOMATION_TICK_MS);
  return queue;
}
