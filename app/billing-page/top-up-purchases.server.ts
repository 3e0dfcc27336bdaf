// What the Billing page shows of charges Shopify has answered differently from what the shop holds: top-up
// packs sent for approval and not confirmed yet, and a plan change the store owner just declined (Shopify
// sends a decline to the admin's Apps page, not back to the app, so the page is where the owner learns
// nothing changed). One query: the page's loader pays for one Prisma call, not two.
import type { Db } from "../db/connect.server";
import { planByKey } from "../billing/plans";

const DAY_MS = 24 * 60 * 60 * 1000;
// Shopify expires a charge nobody answered two days after it was created: a pending top-up not seen
// pending since then has expired, even if its webhook was lost.
export const APPROVAL_WINDOW_MS = 2 * DAY_MS;
// How long the page says a plan change was declined.
export const DECLINED_SHOWN_MS = DAY_MS;

export async function chargesAwaitingShopify(db: Db, shopId: string, now = new Date()) {
  const shop = await db.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: {
      topUpPurchases: {
        where: { status: "PENDING", updatedAt: { gt: new Date(now.getTime() - APPROVAL_WINDOW_MS) } },
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          packKey: true,
          credits: true,
          test: true,
          confirmationUrl: true,
          createdAt: true,
        },
      },
      // The newest subscription the app heard of: a declined one still newest is the owner's last word.
      subscriptions: {
        orderBy: { createdAt: "desc" },
        take: 1,
        select: { planKey: true, status: true, updatedAt: true },
      },
    },
  });
  const [newest] = shop.subscriptions;
  const declined =
    newest?.status === "DECLINED" && newest.updatedAt.getTime() > now.getTime() - DECLINED_SHOWN_MS
      ? planByKey(newest.planKey)
      : undefined;
  return {
    pendingTopUps: shop.topUpPurchases.map((purchase) => ({
      id: purchase.id,
      packKey: purchase.packKey,
      credits: purchase.credits,
      test: purchase.test,
      approvalUrl: purchase.confirmationUrl,
      createdAt: purchase.createdAt.toISOString(),
    })),
    declinedPlan: declined ? { key: declined.key, name: declined.name } : null,
  };
}
