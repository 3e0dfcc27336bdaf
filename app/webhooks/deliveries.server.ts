import type { Db } from "../db/connect.server";

export interface Delivery {
  webhookId: string;
  topic: string;
  shop: string;
}

/** What a webhook's work reports: done, or a delivery that can never be processed, and why. */
export type Outcome = void | { rejected: string };

/**
 * Runs a webhook's work at most once per Shopify webhook id. A delivery whose work did not finish (a
 * crash, a 500) runs again on Shopify's retry; the work itself is idempotent, so a concurrent duplicate
 * that slips past the check changes nothing. Only a delivery already bound to its shop comes here
 * (requireWebhook): the webhook id header is unsigned, and a forged one must not claim a genuine id.
 */
export async function processWebhookOnce(db: Db, delivery: Delivery, work: () => Promise<Outcome>) {
  const seen = await db.webhookDelivery.findUnique({ where: { webhookId: delivery.webhookId } });
  if (seen?.processedAt) return "duplicate" as const;
  if (!seen) await createDelivery(db, delivery);
  const outcome = await work();
  await db.webhookDelivery.update({
    where: { webhookId: delivery.webhookId },
    data: outcome
      ? { processedAt: new Date(), outcome: "rejected", reason: outcome.rejected }
      : { processedAt: new Date(), outcome: "processed" },
  });
  return outcome ? ("rejected" as const) : ("processed" as const);
}

/**
 * Keeps a signed, well-bound delivery that can never be processed (malformed fields, an id Shopify
 * refuses) as rejected, with its reason: it is acknowledged, so Shopify stops retrying, and an operator can
 * see why. A delivery of that id already finished is left as it was.
 */
export async function rejectWebhook(db: Db, delivery: Delivery, reason: string) {
  await createDelivery(db, delivery);
  await db.webhookDelivery.updateMany({
    where: { webhookId: delivery.webhookId, processedAt: null },
    data: { processedAt: new Date(), outcome: "rejected", reason },
  });
}

async function createDelivery(db: Db, delivery: Delivery) {
  await db.webhookDelivery.createMany({ data: [delivery] }).catch((error: { code?: string }) => {
    if (error.code !== "P2002") throw error;
  });
}
