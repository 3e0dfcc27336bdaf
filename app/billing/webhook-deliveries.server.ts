import type { Db } from "../db/connect.server";

export interface Delivery {
  webhookId: string;
  topic: string;
  shop: string;
}

/**
 * Runs a webhook's work at most once per Shopify webhook id. A delivery whose work did not finish (a
 * crash, a 500) runs again on Shopify's retry; the work itself is idempotent, so a concurrent duplicate
 * that slips past the check changes nothing.
 */
export async function processWebhookOnce(db: Db, delivery: Delivery, work: () => Promise<void>) {
  const seen = await db.webhookDelivery.findUnique({ where: { webhookId: delivery.webhookId } });
  if (seen?.processedAt) return "duplicate" as const;
  if (!seen) {
    await db.webhookDelivery.createMany({ data: [delivery] }).catch((error: { code?: string }) => {
      if (error.code !== "P2002") throw error;
    });
  }
  await work();
  await db.webhookDelivery.update({
    where: { webhookId: delivery.webhookId },
    data: { processedAt: new Date() },
  });
  return "processed" as const;
}
