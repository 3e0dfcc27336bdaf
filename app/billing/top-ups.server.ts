import type { Db } from "../db/connect.server";
import { grantCredits } from "../ledger/grant-credits.server";
import { topUpPackByName, type TopUpPack } from "./plans";

/** A one-time purchase as read back from Shopify for this shop (never as the query string claims). */
export interface PurchaseState {
  id: string;
  name: string;
  status: string;
  test: boolean;
}

/**
 * Keeps a purchase the store owner is being sent to approve, so the Billing page can show it as pending
 * (with its confirmation page) until Shopify answers. Records no credits: only grantTopUp does.
 */
export async function recordTopUpRequest(
  db: Db,
  shopId: string,
  pack: TopUpPack,
  purchase: PurchaseState,
  confirmationUrl: string | null,
  now = new Date(),
) {
  await db.topUpPurchase.create({
    data: {
      id: purchase.id,
      shopId,
      packKey: pack.key,
      credits: pack.credits,
      status: purchase.status,
      test: purchase.test,
      confirmationUrl,
      createdAt: now,
      updatedAt: now,
    },
  });
}

/**
 * Moves the shop's own pending row to what Shopify reports. ACTIVE, DECLINED and EXPIRED are final, so a
 * read-back that saw PENDING and lands late never moves a row back; PENDING again only marks when it was
 * last seen pending (an approved purchase whose payment failed stays pending past the approval window).
 */
async function recordPurchaseStatus(db: Db, shopId: string, purchase: PurchaseState, now: Date) {
  await db.topUpPurchase.updateMany({
    where: { id: purchase.id, shopId, status: "PENDING" },
    data: { status: purchase.status, updatedAt: now },
  });
}

/**
 * Grants a top-up pack's credits once the purchase is ACTIVE: once, whether the return visit or the
 * webhook gets here first, or both at once (the grant is keyed by the purchase id). The pending row follows
 * Shopify's status, after the grant, so a row is never done while its credits are not.
 */
export async function grantTopUp(db: Db, shopId: string, purchase: PurchaseState, now = new Date()) {
  if (purchase.status !== "ACTIVE") {
    await recordPurchaseStatus(db, shopId, purchase, now);
    return { granted: false as const, reason: purchase.status };
  }
  const pack = topUpPackByName(purchase.name);
  if (!pack) return { granted: false as const, reason: `no top-up pack named ${purchase.name}` };
  const { grant, replayed } = await grantCredits(
    db,
    {
      shopId,
      sourceKey: `purchase:${purchase.id}`,
      kind: "top_up",
      credits: pack.credits,
      test: purchase.test,
      actor: "shopify",
      reference: purchase.id,
    },
    now,
  );
  await recordPurchaseStatus(db, shopId, purchase, now);
  return { granted: true as const, grant, replayed, pack };
}
