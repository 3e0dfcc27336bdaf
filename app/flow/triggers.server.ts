// The app's Shopify Flow triggers (extensions/blog-draft-ready, extensions/credits-running-low), sent with
// flowTriggerReceive through the shop's offline Admin client. Payload keys are the triggers' field keys.
import type { LowBalanceAlertMessage } from "../alerts/low-balance.server";
import { FLOW_ACTOR } from "../automations/types";
import type { JobRequest } from "../credits/job-request";
import type { Db } from "../db/connect.server";
import { sendFlowTrigger, type AdminGraphql } from "../shopify/admin-api.server";
import type { OfflineAdmin } from "../shopify/offline-admin.server";

export const BLOG_DRAFT_READY = "blog-draft-ready";
export const CREDITS_RUNNING_LOW = "credits-running-low";

/** The Admin GraphQL function of a shop, by its domain. */
export type GraphqlFor = (shopDomain: string) => Promise<AdminGraphql>;

export function graphqlFor(offlineAdmin: OfflineAdmin): GraphqlFor {
  return async (shopDomain) => (await offlineAdmin(shopDomain)).admin.graphql;
}

/** What of a finished job the trigger reads. */
export interface FinishedJob {
  shopId: string;
  kind: string;
  status: string;
  actor: string;
  draftId: string | null;
  input: string;
  result: string | null;
}

const AUTOMATION_ACTOR = /^automation:(.+)$/;

async function automationName(db: Db, shopId: string, actor: string): Promise<string> {
  if (actor === FLOW_ACTOR) return "Shopify Flow";
  const id = AUTOMATION_ACTOR.exec(actor)?.[1];
  const automation = id
    ? await db.automation.findFirst({ where: { id, shopId }, select: { name: true } })
    : null;
  return automation?.name ?? "A deleted automation";
}

/**
 * "Blog draft ready", after an automation.run job succeeded (its article is in Shopify); returns whether
 * it was sent. Called once, by the runner that wrote the job's outcome (RunOptions.onFinished): a crash
 * between that write and this call loses the trigger rather than sending it twice.
 */
export async function sendBlogDraftReady(db: Db, graphql: GraphqlFor, job: FinishedJob): Promise<boolean> {
  if (job.kind !== "automation.run" || job.status !== "succeeded" || !job.result || !job.draftId)
    return false;
  const result = JSON.parse(job.result) as { version: number; articleId: string; adminUrl: string };
  const request = JSON.parse(job.input) as Extract<JobRequest, { kind: "automation.run" }>;
  const [shop, version, name] = await Promise.all([
    db.shop.findUniqueOrThrow({ where: { id: job.shopId }, select: { domain: true } }),
    db.draftVersion.findFirst({
      where: { shopId: job.shopId, draftId: job.draftId, number: result.version },
      select: { title: true },
    }),
    automationName(db, job.shopId, job.actor),
  ]);
  await sendFlowTrigger(await graphql(shop.domain), BLOG_DRAFT_READY, {
    "Draft title": version?.title ?? "",
    "Article ID": result.articleId,
    "Article admin URL": result.adminUrl,
    "Automation name": name,
    "Publish date": request.publishAt ?? "",
  });
  return true;
}

/** The "flow" channel of low-balance alerts (AlertSenders.flow): "Credits running low" to the shop. */
export function creditsRunningLowSender(graphql: GraphqlFor) {
  return async (shopDomain: string, message: LowBalanceAlertMessage) =>
    sendFlowTrigger(await graphql(shopDomain), CREDITS_RUNNING_LOW, {
      Threshold: message.threshold,
      "Credits available": message.available,
      "Monthly allowance": message.allowance,
      "Plan name": message.planName,
      "Renews at": message.cycleEnd?.toISOString() ?? "",
    });
}
